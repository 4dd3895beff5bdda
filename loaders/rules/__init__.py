"""AWS's rules that moto does not enforce, refused before a request is sent.

- `guard`: `install_guard(client)` checks every request the tool sends;
- `definitions`: names, key schemas, attribute definitions, GSIs of CreateTable and UpdateTable;
- `attribute_values`: every AttributeValue (numbers, sets, nesting);
- `expressions`: reserved words, placeholders defined and used.

The limits themselves, with their AWS pages, are `contracts.dynamodb`: the
contracts check them too, and `contracts/` never imports `loaders/`.
"""
