"""One module per domain; each table's contract is declared once, here."""
