"""Reading an export: clear errors for files that are not what their contract says."""

import re
import stat
from dataclasses import replace

import pandas as pd
import pytest

from contracts.errors import UnreadableFile
from contracts.source import count_records, line_of, read_csv, read_table, refuse_unsafe, write_csv
from tests.sample import TABLES_BY_NAME


def test_a_row_with_the_wrong_number_of_fields_names_file_and_line(tmp_path):
    path = tmp_path / "flights.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="flights.csv, line 3: 3 fields where the header has 2"):
        read_csv(path)


def test_a_header_that_repeats_a_column_is_refused(tmp_path):
    path = tmp_path / "flights.csv"
    path.write_text("flight_id,status,status\n1,A,B\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="flights.csv, line 1: the header names 'status' more than once"):
        read_csv(path)


def test_a_byte_no_declared_encoding_explains_names_the_line(tmp_path):
    path = tmp_path / "crew_members.csv"
    path.write_bytes("crew_id,first_name\nCM0001,Zoë\n".encode("cp1252") + b"CM0002,\x81\n")
    with pytest.raises(UnreadableFile, match=r"crew_members.csv, line 3: byte 0x81 is not valid utf-8 or windows-1252"):
        read_csv(path, ("utf-8", "windows-1252"))


def test_windows_1252_is_read_when_declared(tmp_path):
    path = tmp_path / "crew_members.csv"
    path.write_bytes("crew_id,first_name\nCM0001,Zoë\n".encode("cp1252"))
    frame = read_csv(path, ("utf-8", "windows-1252"))
    assert frame.attrs["encoding"] == "windows-1252" and list(frame["first_name"]) == ["Zoë"]


def test_rows_keep_the_line_where_their_record_starts(tmp_path):
    path = tmp_path / "notams.csv"
    path.write_text('id,text\nN1,"two\nlines"\nN2,one line\nN3,"three\n\nlines"\nN4,last\n', encoding="utf-8")
    frame = read_csv(path)
    assert [line_of(i) for i in frame.index] == [2, 4, 5, 8]
    assert list(frame["text"]) == ["two\nlines", "one line", "three\n\nlines", "last"]


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path):
    path = tmp_path / "airports.csv"
    path.write_bytes(b"\xef\xbb\xbfairport_code,name\nAUH,Zayed\n")
    assert list(read_csv(path).columns) == ["airport_code", "name"]


def test_a_nul_byte_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "airports.csv"
    path.write_bytes(b"airport_code,name\nAUH,Zayed\nLHR,Heath\x00row\n")
    with pytest.raises(UnreadableFile, match="airports.csv, line 3, column 'name': a NUL byte in a value"):
        read_csv(path)


def test_a_quote_left_open_is_refused_where_it_starts(tmp_path):
    path = tmp_path / "airports.csv"
    path.write_text('airport_code,name\nAUH,"Zayed\nLHR,Heathrow\n', encoding="utf-8")
    with pytest.raises(
        UnreadableFile, match=r"airports.csv, line 2: not valid CSV from this line on \(unexpected end of data\)"
    ):
        read_csv(path)


def test_a_header_only_file_is_an_error_unless_the_table_may_be_empty(tmp_path):
    airports = TABLES_BY_NAME["airports"]
    path = tmp_path / airports.file
    path.write_text(",".join(airports.columns) + "\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="airports.csv, line 2: a header and no rows. .*allow_empty=True"):
        read_table(path, airports, fixed=False)
    assert read_table(path, replace(airports, allow_empty=True), fixed=False).empty


def test_what_is_not_a_regular_file_inside_the_folder_is_refused_before_it_is_read(tmp_path):
    export, outside = tmp_path / "export", tmp_path / "outside.csv"
    export.mkdir()
    outside.write_text("secret first line\n", encoding="utf-8")
    (export / "link.csv").symlink_to(outside)
    (export / "folder.csv").mkdir()
    with (export / "huge.csv").open("wb") as handle:
        handle.truncate(2048)
    refusals = {
        "link.csv": "a symbolic link to a file outside the export folder",
        "folder.csv": "is a folder",
        "huge.csv": "is 2048 bytes, over the limit of 1024",
    }
    for name, problem in refusals.items():
        with pytest.raises(UnreadableFile, match=problem) as refused:
            refuse_unsafe(export / name, export, max_bytes=1024)
        assert "secret" not in str(refused.value)


def test_written_files_are_private_and_formulas_neutralised_on_request(tmp_path):
    frame = pd.DataFrame({"a": ["=1+1", "-5", "@x", "plain"]})
    write_csv(frame, tmp_path / "plain.csv")
    write_csv(frame, tmp_path / "neutral.csv", neutralise_formulas=True)
    assert (tmp_path / "plain.csv").read_text() == "a\n=1+1\n-5\n@x\nplain\n"
    assert (tmp_path / "neutral.csv").read_text() == "a\n'=1+1\n'-5\n'@x\nplain\n"
    assert stat.S_IMODE((tmp_path / "plain.csv").stat().st_mode) == 0o600


def test_write_csv_returns_the_frame_as_the_file_reads_back(tmp_path):
    """Lines spanning values, lists, numbers, empty and missing cells: the checks take the frame, never the file."""
    frame = pd.DataFrame(
        {
            "id": ["A1", "A2", "A3", "A4"],
            "note": ["one\ntwo\nthree", None, "", 'say "hi", twice'],
            "tags": [["b", "a"], None, [], ["x"]],
            "count": [1, 2.5, float("nan"), pd.NA],
        },
        index=[7, 9, 12, 13],
    )
    frame = frame.rename(columns={"count": "co\nunt"})
    written = write_csv(frame, tmp_path / "t.csv")
    read_back = read_csv(tmp_path / "t.csv", missing_unless=())
    pd.testing.assert_frame_equal(written, read_back)
    assert [line_of(i) for i in written.index] == [3, 6, 7, 8], "the header takes two lines, the first row three"
    assert written.attrs == read_back.attrs == {"encoding": "utf-8"}


def test_a_lone_carriage_return_in_a_value_is_written_so_that_the_file_reads_back(tmp_path):
    frame = pd.DataFrame({"id": ["A1", "A2"], "note": ["x\ry", None]})
    written = write_csv(frame, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(written, read_csv(tmp_path / "t.csv", missing_unless=()))
    assert written.loc[0, "note"] == "x\ry" and written.loc[1, "note"] is None


def test_repeated_values_are_one_string_and_distinct_ones_are_kept_as_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "id,status\n" + "".join(f"X{i},{'ON' if i % 2 else 'OFF'}\n" for i in range(200_000)), encoding="utf-8"
    )
    frame = read_csv(path)
    assert len({id(v) for v in frame["status"]}) == 2
    assert list(frame["status"].head(3)) == ["OFF", "ON", "OFF"] and frame["id"].iloc[-1] == "X199999"
    assert frame["id"].is_unique


@pytest.mark.parametrize(
    "content, first",
    [
        (b"id,name\n1,a,EXTRA\n2,\xe9\n", "line 2: 3 fields where the header has 2"),
        (b"id,name\n1,a\x00b\n2,b,EXTRA\n", "line 2, column 'name': a NUL byte in a value"),
        (b'id,name\n1,a\x00b\n2,"b\n', "line 2, column 'name': a NUL byte in a value"),
        (b"id,name\n1,a\n" + b"2,b\n" * 300 + b"3,\xe9\n", "line 303: byte 0xe9 is not valid utf-8"),
    ],
    ids=[
        "fields before a bad byte",
        "NUL before a bad row",
        "NUL before bad quoting",
        "bad byte after a block of rows",
    ],
)
def test_the_first_problem_in_the_file_is_the_one_reported(tmp_path, content, first):
    """The file is decoded ahead of the csv reader, a chunk at a time; what is wrong is still found in file order."""
    path = tmp_path / "orders.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=f"^orders.csv, {re.escape(first)}"):
        read_csv(path)


# Each file's rows, counted by hand: the ledger's raw rows must agree with a reading that is not the csv reader's.
RECORDS = {
    "a header and two rows": (b"a,b\n1,2\n3,4\n", 2),
    "a last row without its line end": (b"a,b\n1,2\n3,4", 2),
    "rows ending in CRLF": (b"a,b\r\n1,2\r\n3,4\r\n", 2),
    "a quoted value spanning three lines": (b'a,b\n1,"x\ny\nz"\n3,4\n', 2),
    "an escaped quote before a line break in a quoted value": (b'a,b\n1,"say ""hi""\nthen"\n3,4\n', 2),
    "a header alone": (b"a,b\n", 0),
    "an empty file": (b"", 0),
}


@pytest.mark.parametrize("content, rows", RECORDS.values(), ids=RECORDS.keys())
def test_records_are_counted_from_the_bytes_as_the_reader_parses_them(tmp_path, content, rows):
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    assert count_records(path) == rows
    if content:
        assert len(read_csv(path)) == rows
