"""The committed sample export is exactly what the generator makes."""
import filecmp

from data.generate import generate
from tests.pytest_run import ROOT

RAW = ROOT / "data" / "raw"


def test_regenerating_reproduces_the_committed_files_byte_for_byte(tmp_path):
    generate(tmp_path)
    committed = sorted(p.name for p in RAW.glob("*.csv"))
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == committed
    assert len(committed) == 35
    match, mismatch, errors = filecmp.cmpfiles(RAW, tmp_path, committed, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_scale_multiplies_passengers_bookings_and_baggage_only(tmp_path):
    generate(tmp_path, scale=2)
    lines = {p.name: p.read_bytes().count(b"\n") - 1 for p in tmp_path.glob("*.csv")}
    base = {p.name: p.read_bytes().count(b"\n") - 1 for p in RAW.glob("*.csv")}
    for name in ("passengers.csv", "bookings.csv", "baggage.csv"):
        assert lines[name] > 1.9 * base[name]
    assert lines["flights.csv"] == base["flights.csv"]
