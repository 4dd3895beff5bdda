"""The sample's airline formats and value sets, shared by several of its contracts so each is written once."""

from contracts.formats import Format

IATA = Format(r"^[A-Z]{3}$", "an IATA airport code like AUH")
ICAO = Format(r"^[A-Z]{4}$", "an ICAO code like OMAA")
FLIGHT_NUMBER = Format(r"^EY\d{1,4}$", "a flight number like EY123")
REGISTRATION = Format(r"^A6-[A-Z]{3}$", "a UAE registration like A6-BLA")
AIRCRAFT_TYPES = [
    "B787-9",
    "B787-10",
    "B777-300ER",
    "A350-1000",
    "A321neo",
    "A320",
    "A380-800",
    "A330-200",
    "B777-200LR",
]
QUALIFICATIONS = ["B787", "B777", "A350", "A320", "A380", "A330", "SEP", "CRM", "DG", "FA-SAFETY"]
CREW_POSITIONS = {"1": "Captain", "2": "First Officer", "3": "Cabin Manager", "4": "Flight Attendant"}


def airport(**kwargs):
    return IATA.field(**kwargs)


def registration(**kwargs):
    return REGISTRATION.field(**kwargs)
