"""The pictures: valid SVG, every bar labelled with its table or pattern and its figures."""

import xml.etree.ElementTree as ET

from fixers.ledger import Ledger, TableEntry
from reporting.charts import QUARANTINED, queries_chart, rows_chart
from reporting.record import Latency

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(SVG + "text")]


def test_each_table_has_a_labelled_bar_and_a_few_quarantined_rows_still_show():
    ledger = Ledger(
        {
            "Baggage": TableEntry("Baggage", "baggage.csv", 11052, 6205, 4845, 2),
            "flights": TableEntry("flights", "flights.csv", error="flights.csv is not in /tmp/export"),
        }
    )
    svg = rows_chart(ledger)
    shown = texts(svg)
    assert all(name in shown for name in ledger.tables)
    assert "11,052 rows → 6,205 items (4,845 merged, 2 quarantined)" in shown
    assert "not fixed: see the table below" in shown
    assert "a name in red: the table stops the deploy" not in shown
    [sliver] = [
        r for r in ET.fromstring(svg).iter(SVG + "rect") if r.get("fill") == QUARANTINED and float(r.get("y")) > 30
    ]
    assert float(sliver.get("width")) >= 2.0


def test_a_table_that_stops_the_deploy_is_named_in_red():
    ledger = Ledger({name: TableEntry(name, f"{name}.csv", 10, 10, 0, 0) for name in ("flights", "airports")})
    svg = ET.fromstring(rows_chart(ledger, stopping=("flights",)))
    red = {t.text for t in svg.iter(SVG + "text") if t.get("fill") == QUARANTINED}
    assert {"a name in red: the table stops the deploy", "flights"} <= red and "airports" not in red


def test_each_query_pattern_shows_its_time_and_reads_against_the_scans():
    latencies = [Latency("flights.flight-number-date-index(flight_number)", 7, 1.5, 12.0, 7, 256)]
    shown = texts(queries_chart(latencies))
    assert "flights.flight-number-date-index(flight_number)" in shown
    assert {"1.5 ms · 8.0× faster", "12.0 ms", "7 · 37× fewer", "256"} <= set(shown)
    assert {"time, ms", "items read", "GSI query", "Scan with a filter"} <= set(shown)
