"""Value formats shared by several contracts, so each is written once."""
import pandera.pandas as pa

IATA = r"^[A-Z]{3}$"
ICAO = r"^[A-Z]{4}$"
FLIGHT_NUMBER = r"^EY\d{1,4}$"
REGISTRATION = r"^A6-[A-Z]{3}$"
UTC_TIMESTAMP = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$"
DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
COUNTRY = r"^[A-Z]{2}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[a-z]+$"
AIRCRAFT_TYPES = ["B787-9", "B787-10", "B777-300ER", "A350-1000", "A321neo", "A320", "A380-800", "A330-200", "B777-200LR"]
QUALIFICATIONS = ["B787", "B777", "A350", "A320", "A380", "A330", "SEP", "CRM", "DG", "FA-SAFETY"]
CREW_POSITIONS = {"1": "Captain", "2": "First Officer", "3": "Cabin Manager", "4": "Flight Attendant"}

PII = {"pii": True}

# How messages name a format instead of showing its regular expression.
FORMAT_NAMES = {
    IATA: "an IATA airport code like AUH",
    ICAO: "an ICAO code like OMAA",
    FLIGHT_NUMBER: "a flight number like EY123",
    REGISTRATION: "a UAE registration like A6-BLA",
    UTC_TIMESTAMP: "ISO 8601 UTC like 2026-03-14T06:35:00Z",
    DATE: "a date like 2026-03-14",
    COUNTRY: "an ISO 3166 country code like AE",
    EMAIL: "an e-mail address",
}


def ident(prefix: str, digits: int, **kwargs):
    """A field holding identifiers like `BK0000001`."""
    return pa.Field(str_matches=rf"^{prefix}\d{{{digits}}}$", **kwargs)


def one_of(*values: str, **kwargs):
    return pa.Field(isin=list(values), **kwargs)


def timestamp(**kwargs):
    """ISO 8601 in UTC, `2026-03-14T06:35:00Z`: strings that sort in time order."""
    return pa.Field(str_matches=UTC_TIMESTAMP, **kwargs)


def date(**kwargs):
    return pa.Field(str_matches=DATE, **kwargs)


def airport(**kwargs):
    return pa.Field(str_matches=IATA, **kwargs)


def registration(**kwargs):
    return pa.Field(str_matches=REGISTRATION, **kwargs)


def personal(**kwargs):
    """Personal data: masked in every message, log and report."""
    return pa.Field(metadata=PII, **kwargs)
