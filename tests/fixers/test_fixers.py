"""Each fixer on small frames: what it changes, what it records, and where it refuses to guess."""

import pandas as pd
import pytest

from contracts.table import Copy, MapValues, ParseTimestamps, Rename
from fixers.columns import copy_column, derive_expiry, map_values, rename_column
from fixers.duplicates import drop_exact_copies, keep_latest, merge_into_set
from fixers.orphans import quarantine_orphans
from fixers.outcome import FixerError
from fixers.values import cast_integers, leave_out_empty_index_keys, leave_out_not_a_number, parse_timestamps
from tests.number_sets import TURNAROUNDS
from tests.sample import REGISTRY, TABLES_BY_NAME

FLIGHTS = TABLES_BY_NAME["flights"]
CARGO = TABLES_BY_NAME["CargoFlightAssignments"]
ROSTER = TABLES_BY_NAME["CrewRoster"]
BAGGAGE = TABLES_BY_NAME["Baggage"]
PASSENGERS = TABLES_BY_NAME["passengers"]
BOOKINGS = TABLES_BY_NAME["bookings"]
EVENTS = TABLES_BY_NAME["disruption_events"]


def frame(**columns):
    return pd.DataFrame(columns, dtype=object)


def test_rename_column_renames_and_records():
    out = rename_column(
        frame(aircraftRegistration=["A6-BLA"]), FLIGHTS, Rename("aircraftRegistration", "aircraft_registration")
    )
    assert list(out.frame.columns) == ["aircraft_registration"]
    assert [(c.fixer, c.column, c.rows) for c in out.changes] == [("rename_column", "aircraft_registration", 1)]


def test_rename_column_refuses_to_overwrite_an_existing_column():
    with pytest.raises(FixerError, match="both aircraftRegistration and aircraft_registration are present"):
        rename_column(
            frame(aircraftRegistration=["A6-BLA"], aircraft_registration=["A6-BLB"]),
            FLIGHTS,
            Rename("aircraftRegistration", "aircraft_registration"),
        )


def test_copy_column_fills_only_missing_values():
    out = copy_column(
        frame(sequence_number=["1", "2"], loading_priority=[None, "9"]),
        CARGO,
        Copy("sequence_number", "loading_priority"),
    )
    assert list(out.frame["loading_priority"]) == ["1", "9"]
    assert out.changes[0].rows == 1


def test_copy_column_without_source_or_target_is_an_error():
    with pytest.raises(FixerError, match="neither sequence_number nor loading_priority is a column"):
        copy_column(frame(other=["1"]), CARGO, Copy("sequence_number", "loading_priority"))


def test_map_values_maps_and_quarantines_what_it_cannot_map():
    fix = MapValues("position_id", "position", {"1": "Captain"})
    out = map_values(frame(position_id=["1", "7"]), ROSTER, fix)
    assert list(out.frame["position"]) == ["Captain"]
    assert list(out.quarantined["reason"]) == ["position_id 7 has no position (known: 1 Captain)"]
    again = map_values(out.frame, ROSTER, fix)
    assert again.changes == [] and again.quarantined is None


def test_parse_timestamps_uses_the_declared_format_and_zone():
    fix = ParseTimestamps("scheduled_departure", "%d/%m/%Y %H:%M", "Asia/Dubai")
    out = parse_timestamps(frame(scheduled_departure=["14/03/2026 06:35", "2026-03-14T09:00:00Z"]), FLIGHTS, fix)
    assert list(out.frame["scheduled_departure"]) == ["2026-03-14T02:35:00Z", "2026-03-14T09:00:00Z"]
    assert out.changes[0].rows == 1


def test_parse_timestamps_never_guesses_another_format():
    fix = ParseTimestamps("scheduled_departure", "%d/%m/%Y %H:%M", "Asia/Dubai")
    with pytest.raises(FixerError, match=r"flights.csv, column scheduled_departure, line 3: 1 values are neither"):
        parse_timestamps(frame(scheduled_departure=["14/03/2026 06:35", "03-14-2026 6:35 AM"]), FLIGHTS, fix)


def test_cast_integers_drops_a_zero_fraction():
    out = cast_integers(frame(flight_id=["1042.0", "1043"]), CARGO)
    assert list(out.frame["flight_id"]) == ["1042", "1043"]
    assert out.changes[0].rows == 1


def test_cast_integers_refuses_a_real_fraction():
    with pytest.raises(FixerError, match=r"line 2: 1 values have a fraction \(1042.5\)"):
        cast_integers(frame(flight_id=["1042.5"]), CARGO)


def test_leave_out_not_a_number():
    table = TABLES_BY_NAME["business_impact_assessment"]
    out = leave_out_not_a_number(frame(estimated_cost=["NaN", "10.5"]), table)
    assert list(out.frame["estimated_cost"]) == [None, "10.5"]
    assert out.changes[0].detail == "NaN left out of the item"


def test_leave_out_empty_index_keys_only_touches_index_keys():
    out = leave_out_empty_index_keys(frame(aircraft_registration=["", "A6-BLA"], status=["", "X"]), FLIGHTS)
    assert list(out.frame["aircraft_registration"]) == [None, "A6-BLA"]
    assert list(out.frame["status"]) == ["", "X"]


def test_drop_exact_copies_counts_them_as_merged():
    out = drop_exact_copies(frame(passenger_id=["PX1", "PX1", "PX2"], first_name=["A", "A", "B"]), PASSENGERS)
    assert list(out.frame["passenger_id"]) == ["PX1", "PX2"] and out.merged == 1


def test_drop_exact_copies_refuses_a_key_with_different_content():
    with pytest.raises(FixerError, match="2 rows repeat a key with different content"):
        drop_exact_copies(frame(passenger_id=["PX1", "PX1"], first_name=["A", "B"]), PASSENGERS)


def test_merge_into_set_makes_one_item_per_key():
    raw = frame(roster_id=["R1", "R1", "R2"], crew_id=["C1", "C1", "C2"], qualification_code=["B787", "CRM", "A320"])
    out = merge_into_set(raw, ROSTER, ROSTER.duplicates)
    assert out.frame.to_dict("records") == [
        {"roster_id": "R1", "crew_id": "C1", "qualifications": ["B787", "CRM"]},
        {"roster_id": "R2", "crew_id": "C2", "qualifications": ["A320"]},
    ]
    assert out.merged == 1


def test_merge_into_set_refuses_rows_that_differ_elsewhere():
    raw = frame(roster_id=["R1", "R1"], crew_id=["C1", "C9"], qualification_code=["B787", "CRM"])
    with pytest.raises(FixerError, match="differ in more than qualification_code"):
        merge_into_set(raw, ROSTER, ROSTER.duplicates)


def test_merge_into_a_number_set_keeps_each_number_once_in_numeric_order():
    raw = frame(
        turnaround_id=["TA001"] * 5 + ["TA002"],
        station=["DXB"] * 5 + ["AUH"],
        delay_minutes=["15", "5", "15.0", "100", "1.5E+1", "2.50"],
    )
    out = merge_into_set(raw, TURNAROUNDS, TURNAROUNDS.duplicates)
    # 15, 15.0 and 1.5E+1 are one number, written first as 15; as text, "100" would sort before "15" and "5".
    assert out.frame.to_dict("records") == [
        {"turnaround_id": "TA001", "station": "DXB", "delays": ["5", "15", "100"]},
        {"turnaround_id": "TA002", "station": "AUH", "delays": ["2.50"]},
    ]
    assert out.merged == 4
    assert (
        out.changes[0].detail == "rows differing only in delay_minutes merged; delay_minutes became the set delays (NS)"
    )


def test_merge_into_a_number_set_keeps_a_text_that_is_no_number_for_the_checks_to_report():
    raw = frame(turnaround_id=["TA001"] * 3, station=["DXB"] * 3, delay_minutes=["late", "7", "1" * 39])
    out = merge_into_set(raw, TURNAROUNDS, TURNAROUNDS.duplicates)
    assert out.frame["delays"].tolist() == [["7", "1" * 39, "late"]]


def test_keep_latest_keeps_the_latest_event():
    raw = frame(
        baggage_id=["B1", "B1", "B2"],
        event_time=["2026-03-14T09:00:00Z", "2026-03-14T08:00:00Z", "2026-03-14T07:00:00Z"],
        baggage_status=["LOADED", "CHECKED_IN", "CHECKED_IN"],
    )
    out = keep_latest(raw, BAGGAGE, BAGGAGE.duplicates)
    assert list(out.frame["baggage_status"]) == ["LOADED", "CHECKED_IN"] and out.merged == 1


def test_keep_latest_refuses_a_tie_between_different_rows():
    raw = frame(baggage_id=["B1", "B1"], event_time=["2026-03-14T09:00:00Z"] * 2, baggage_status=["LOADED", "ARRIVED"])
    with pytest.raises(FixerError, match="the latest event_time is shared by rows with different content"):
        keep_latest(raw, BAGGAGE, BAGGAGE.duplicates)


def test_duplicate_policies_compare_only_rows_sharing_a_key_and_keep_the_file_order():
    """The policies look at the rows whose key repeats; what they keep is what comparing every row would keep."""
    keys = [f"B{n % 7}" if n % 3 else f"U{n}" for n in range(60)]  # every third key unique, the others repeated
    times = [f"2026-03-14T{n % 24:02d}:{n % 60:02d}:00Z" for n in range(60)]
    raw = frame(baggage_id=keys, event_time=times, baggage_status=[f"S{n}" for n in range(60)])
    raw.index = range(100, 160)
    out = keep_latest(raw, BAGGAGE, BAGGAGE.duplicates)
    whole = (
        raw.sort_values(["baggage_id", "event_time"], kind="stable")
        .drop_duplicates("baggage_id", keep="last")
        .sort_index()
    )
    pd.testing.assert_frame_equal(out.frame, whole)
    assert out.merged == len(raw) - len(whole)

    copies = frame(passenger_id=keys, first_name=[k.lower() for k in keys])
    copies.index = range(100, 160)
    out = drop_exact_copies(copies, PASSENGERS)
    pd.testing.assert_frame_equal(out.frame, copies.drop_duplicates())
    assert out.merged == len(copies) - len(copies.drop_duplicates())


def test_quarantine_orphans_sets_rows_aside_with_their_reason():
    flights = frame(flight_id=["1001", "1002"])
    bookings = frame(booking_id=["BK1", "BK2"], flight_id=["1001.0", "9001"])
    out = quarantine_orphans(bookings, BOOKINGS, {"flights": flights}, REGISTRY)
    assert list(out.frame["booking_id"]) == ["BK1"]
    assert list(out.quarantined["reason"]) == ["flight_id 9001 has no row in flights"]


def test_derive_expiry_writes_epoch_seconds_and_leaves_a_blank_source_without_expiry():
    out = derive_expiry(frame(end_time=["2026-03-11T09:30:00Z", None, "1970-01-01T00:00:00Z"]), EVENTS, EVENTS.expiry)
    # 2026-03-11T09:30:00Z is 1,773,221,400 s after the epoch; the epoch itself expires after the retention alone.
    retention = int(EVENTS.expiry.retention.total_seconds())
    assert list(out.frame["expires_at"]) == [str(1_773_221_400 + retention), None, str(retention)]
    assert [(c.fixer, c.column, c.rows) for c in out.changes] == [
        ("derive_expiry", "expires_at", 2),
        ("derive_expiry", "expires_at", 1),
    ]
    assert "never expire" in out.changes[1].detail


def test_derive_expiry_refuses_a_file_without_its_source():
    with pytest.raises(FixerError, match="end_time not in the file, so expires_at cannot be made"):
        derive_expiry(frame(start_time=["2026-03-11T05:00:00Z"]), EVENTS, EVENTS.expiry)


def test_derive_expiry_recomputes_a_wrong_value_and_leaves_its_own_output_unchanged():
    fixed = derive_expiry(frame(end_time=["2026-03-11T09:30:00Z"]), EVENTS, EVENTS.expiry).frame
    assert derive_expiry(fixed, EVENTS, EVENTS.expiry).changes == []
    tampered = fixed.assign(expires_at=["1"])
    retention = int(EVENTS.expiry.retention.total_seconds())
    assert list(derive_expiry(tampered, EVENTS, EVENTS.expiry).frame["expires_at"]) == [str(1_773_221_400 + retention)]
