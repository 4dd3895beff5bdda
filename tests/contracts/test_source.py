"""Reading an export: clear errors for files that are not what their contract says."""
import pytest

from contracts.errors import UnreadableFile
from contracts.source import read_csv


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
