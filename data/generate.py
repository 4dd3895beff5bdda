"""Deterministic generator of the sample airline dataset in ``data/raw/``.

Writes the 35 CSV files specified in ``data/README.md`` (an airline-operations
export around a sandstorm at AUH on 2026-03-14), with defects D1-D14 planted on
purpose, and ``manifest.json`` beside the export folder: the rows of each file,
the file, column and lines of each planted defect, and what fixing must leave
of each file, all counted from what was made. Only the standard library and
fixed seeds are used, so regenerating reproduces every file byte for byte.

    python data/generate.py [--out DIR] [--scale N]
    python -m data.generate [--out DIR] [--scale N]

``--scale N`` multiplies the healthy rows of passengers, bookings and baggage
(for a benchmark); defect rows and all other tables are unchanged.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

# Run as a script (python data/generate.py): the repository root on the path, for data.manifest.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from data.manifest import defect, dump, exact_copies, lines_where, outcomes, repeated  # noqa: E402

SEED = 20260314
START = datetime(2026, 3, 11, tzinfo=UTC)
END = datetime(2026, 3, 18, tzinfo=UTC)  # exclusive: every timestamp is within 11..17 March
SNAPSHOT = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)  # the export time that flight statuses reflect
STORM = (datetime(2026, 3, 14, 2, 0, tzinfo=UTC), datetime(2026, 3, 14, 12, 0, tzinfo=UTC))
# Dubai has a fixed +4 offset and no DST, so no system time-zone database is needed.
DUBAI = timezone(timedelta(hours=4), "Asia/Dubai")
DAYS = [date(2026, 3, 11) + timedelta(days=i) for i in range(7)]
HOUR, DAY = timedelta(hours=1), timedelta(days=1)

AIRPORTS = [  # code, icao, name, city, country, timezone, latitude, longitude
    ("AUH", "OMAA", "Zayed International Airport", "Abu Dhabi", "AE", "Asia/Dubai", 24.4330, 54.6511),
    ("LHR", "EGLL", "London Heathrow Airport", "London", "GB", "Europe/London", 51.4700, -0.4543),
    ("JFK", "KJFK", "John F. Kennedy International Airport", "New York", "US", "America/New_York", 40.6413, -73.7781),
    ("CDG", "LFPG", "Paris Charles de Gaulle Airport", "Paris", "FR", "Europe/Paris", 49.0097, 2.5479),
    (
        "BOM",
        "VABB",
        "Chhatrapati Shivaji Maharaj International Airport",
        "Mumbai",
        "IN",
        "Asia/Kolkata",
        19.0896,
        72.8656,
    ),
    ("SYD", "YSSY", "Sydney Kingsford Smith Airport", "Sydney", "AU", "Australia/Sydney", -33.9399, 151.1753),
    ("DXB", "OMDB", "Dubai International Airport", "Dubai", "AE", "Asia/Dubai", 25.2532, 55.3657),
    ("DOH", "OTHH", "Hamad International Airport", "Doha", "QA", "Asia/Qatar", 25.2731, 51.6081),
    ("FRA", "EDDF", "Frankfurt Airport", "Frankfurt", "DE", "Europe/Berlin", 50.0379, 8.5622),
    ("SIN", "WSSS", "Singapore Changi Airport", "Singapore", "SG", "Asia/Singapore", 1.3644, 103.9915),
    ("BKK", "VTBS", "Suvarnabhumi Airport", "Bangkok", "TH", "Asia/Bangkok", 13.6900, 100.7501),
    ("MAN", "EGCC", "Manchester Airport", "Manchester", "GB", "Europe/London", 53.3537, -2.2750),
    ("IST", "LTFM", "Istanbul Airport", "Istanbul", "TR", "Europe/Istanbul", 41.2753, 28.7519),
    ("CAI", "HECA", "Cairo International Airport", "Cairo", "EG", "Africa/Cairo", 30.1219, 31.4056),
    ("KHI", "OPKC", "Jinnah International Airport", "Karachi", "PK", "Asia/Karachi", 24.9065, 67.1608),
    ("DEL", "VIDP", "Indira Gandhi International Airport", "Delhi", "IN", "Asia/Kolkata", 28.5562, 77.1000),
    ("MEL", "YMML", "Melbourne Airport", "Melbourne", "AU", "Australia/Melbourne", -37.6690, 144.8410),
    ("ORD", "KORD", "O'Hare International Airport", "Chicago", "US", "America/Chicago", 41.9742, -87.9073),
    (
        "IAD",
        "KIAD",
        "Washington Dulles International Airport",
        "Washington",
        "US",
        "America/New_York",
        38.9531,
        -77.4565,
    ),
    ("MUC", "EDDM", "Munich Airport", "Munich", "DE", "Europe/Berlin", 48.3538, 11.7861),
    ("ZRH", "LSZH", "Zurich Airport", "Zurich", "CH", "Europe/Zurich", 47.4582, 8.5555),
    ("AMS", "EHAM", "Amsterdam Airport Schiphol", "Amsterdam", "NL", "Europe/Amsterdam", 52.3105, 4.7683),
    ("FCO", "LIRF", "Rome Fiumicino Airport", "Rome", "IT", "Europe/Rome", 41.8003, 12.2389),
    ("MAD", "LEMD", "Adolfo Suarez Madrid-Barajas Airport", "Madrid", "ES", "Europe/Madrid", 40.4983, -3.5676),
    ("BCN", "LEBL", "Barcelona El Prat Airport", "Barcelona", "ES", "Europe/Madrid", 41.2974, 2.0833),
    ("DUB", "EIDW", "Dublin Airport", "Dublin", "IE", "Europe/Dublin", 53.4264, -6.2499),
    ("BRU", "EBBR", "Brussels Airport", "Brussels", "BE", "Europe/Brussels", 50.9010, 4.4844),
    ("VIE", "LOWW", "Vienna International Airport", "Vienna", "AT", "Europe/Vienna", 48.1103, 16.5697),
    ("ATH", "LGAV", "Athens International Airport", "Athens", "GR", "Europe/Athens", 37.9364, 23.9445),
    ("MLE", "VRMM", "Velana International Airport", "Male", "MV", "Indian/Maldives", 4.1918, 73.5291),
    ("CMB", "VCBI", "Bandaranaike International Airport", "Colombo", "LK", "Asia/Colombo", 7.1808, 79.8841),
    ("COK", "VOCI", "Cochin International Airport", "Kochi", "IN", "Asia/Kolkata", 10.1520, 76.4019),
    ("BLR", "VOBL", "Kempegowda International Airport", "Bengaluru", "IN", "Asia/Kolkata", 13.1986, 77.7066),
    ("MAA", "VOMM", "Chennai International Airport", "Chennai", "IN", "Asia/Kolkata", 12.9941, 80.1709),
    ("HYD", "VOHS", "Rajiv Gandhi International Airport", "Hyderabad", "IN", "Asia/Kolkata", 17.2403, 78.4294),
    ("LHE", "OPLA", "Allama Iqbal International Airport", "Lahore", "PK", "Asia/Karachi", 31.5216, 74.4036),
    ("ISB", "OPIS", "Islamabad International Airport", "Islamabad", "PK", "Asia/Karachi", 33.5490, 72.8253),
    ("MNL", "RPLL", "Ninoy Aquino International Airport", "Manila", "PH", "Asia/Manila", 14.5086, 121.0198),
    ("KUL", "WMKK", "Kuala Lumpur International Airport", "Kuala Lumpur", "MY", "Asia/Kuala_Lumpur", 2.7456, 101.7072),
    ("CGK", "WIII", "Soekarno-Hatta International Airport", "Jakarta", "ID", "Asia/Jakarta", -6.1256, 106.6559),
    ("ICN", "RKSI", "Incheon International Airport", "Seoul", "KR", "Asia/Seoul", 37.4602, 126.4407),
    ("NRT", "RJAA", "Narita International Airport", "Tokyo", "JP", "Asia/Tokyo", 35.7720, 140.3929),
    ("PEK", "ZBAA", "Beijing Capital International Airport", "Beijing", "CN", "Asia/Shanghai", 40.0799, 116.6031),
    (
        "JNB",
        "FAOR",
        "O. R. Tambo International Airport",
        "Johannesburg",
        "ZA",
        "Africa/Johannesburg",
        -26.1392,
        28.2460,
    ),
    ("NBO", "HKJK", "Jomo Kenyatta International Airport", "Nairobi", "KE", "Africa/Nairobi", -1.3192, 36.9278),
]
ICAO = {a[0]: a[1] for a in AIRPORTS}
LONGITUDE = {a[0]: a[7] for a in AIRPORTS}

TYPES = [  # type_code, manufacturer, seats, range_km, family (rating code), fleet count, registration prefix, MTOW kg
    ("B787-9", "Boeing", 299, 14010, "B787", 5, "BL", 254011),
    ("B787-10", "Boeing", 336, 11910, "B787", 3, "BM", 254011),
    ("B777-300ER", "Boeing", 328, 13650, "B777", 4, "ET", 351534),
    ("A350-1000", "Airbus", 371, 16100, "A350", 2, "XW", 319000),
    ("A321neo", "Airbus", 160, 7400, "A320", 3, "AE", 97000),
    ("A320", "Airbus", 158, 6100, "A320", 3, "EI", 78000),
    ("A380-800", "Airbus", 485, 15000, "A380", 2, "AP", 575000),
    ("A330-200", "Airbus", 262, 13450, "A330", 1, "EY", 242000),
    ("B777-200LR", "Boeing", 266, 15843, "B777", 1, "LR", 347452),
]
FAMILY = {t[0]: t[4] for t in TYPES}
SEATS = {t[0]: t[2] for t in TYPES}
FLEET = [(f"A6-{t[6]}{chr(65 + i)}", t[0]) for t in TYPES for i in range(t[5])]

ROUTES = [  # destination, outbound flight number (return is +1), departure UTC, block minutes, families
    ("LHR", 11, "03:35", 475, "B787 A380 B777"),
    ("JFK", 1, "06:05", 835, "B777 B787"),
    ("CDG", 31, "04:10", 430, "B787 A350"),
    ("BOM", 205, "16:20", 190, "A320 B787"),
    ("SYD", 455, "18:00", 820, "B787 B777"),
    ("DOH", 391, "08:15", 70, "A320"),
    ("FRA", 3, "05:00", 400, "B787 A350"),
    ("SIN", 471, "17:40", 440, "B787 A330"),
    ("BKK", 401, "19:25", 380, "B787 B777"),
    ("MAN", 15, "04:30", 480, "B787 A330"),
    ("IST", 97, "07:10", 290, "A320 B787"),
    ("CAI", 653, "10:05", 245, "A320"),
    ("KHI", 223, "14:50", 130, "A320"),
    ("DEL", 213, "15:30", 200, "A320 B787"),
    ("MEL", 461, "17:15", 790, "B787 B777"),
    ("ORD", 151, "05:45", 870, "B777 B787"),
    ("IAD", 131, "06:35", 850, "B787 B777"),
    ("MUC", 5, "05:20", 390, "B787"),
    ("ZRH", 73, "04:50", 380, "A320 B787"),
    ("AMS", 77, "05:35", 410, "B787 A350"),
    ("MLE", 277, "06:20", 250, "A320"),
    ("CMB", 265, "20:10", 270, "A320"),
    ("COK", 281, "21:05", 240, "A320"),
    ("BLR", 237, "20:40", 240, "A320 A330"),
    ("MNL", 425, "18:35", 510, "B787"),
    ("KUL", 415, "19:50", 440, "B787 A330"),
    ("ICN", 823, "16:45", 560, "B787"),
    ("NRT", 877, "15:55", 600, "B787 B777"),
    ("JNB", 603, "07:40", 500, "B787"),
]

FIRST_NAMES = [
    "Ahmed",
    "Fatima",
    "Omar",
    "Layla",
    "Mohammed",
    "Aisha",
    "Khalid",
    "Mariam",
    "Yousef",
    "Noura",
    "Priya",
    "Rahul",
    "Anjali",
    "Vikram",
    "Sanjay",
    "Deepa",
    "James",
    "Emma",
    "Oliver",
    "Sophie",
    "William",
    "Charlotte",
    "Thomas",
    "Hannah",
    "Daniel",
    "Olivia",
    "Lucas",
    "Mia",
    "Noah",
    "Grace",
    "Maria",
    "Carlos",
    "Elena",
    "Marco",
    "Giulia",
    "Hiroshi",
    "Yuki",
    "Wei",
    "Mei",
    "Min-jun",
    "Nguyen",
    "Siti",
    "Rizal",
    "Juan",
    "Grace",
    "Kwame",
    "Amara",
    "Ivan",
    "Olga",
    "Fiona",
]
LAST_NAMES = [
    "Al Mansoori",
    "Al Hashimi",
    "Al Nuaimi",
    "Al Dhaheri",
    "Khan",
    "Hussain",
    "Sharma",
    "Patel",
    "Nair",
    "Iyer",
    "Reddy",
    "Singh",
    "Smith",
    "Jones",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Walsh",
    "O'Brien",
    "Murphy",
    "Rossi",
    "Bianchi",
    "Garcia",
    "Lopez",
    "Martin",
    "Bernard",
    "Schmidt",
    "Weber",
    "Tanaka",
    "Sato",
    "Kim",
    "Park",
    "Chen",
    "Wang",
    "Li",
    "Santos",
    "Reyes",
    "Cruz",
    "Mensah",
    "Okafor",
    "Ivanova",
    "Petrov",
    "Haddad",
    "Saleh",
    "Farouk",
    "Yilmaz",
    "Demir",
]
# Crew names carry letters outside ASCII that windows-1252 can encode (D13).
CREW_FIRST = [
    "Zoë",
    "José",
    "François",
    "Søren",
    "Ana",
    "Chloé",
    "Renée",
    "Jürgen",
    "Björn",
    "Inês",
    "João",
    "Maëlle",
    "Joaquín",
    "Sebastián",
    "Hélène",
    "Ahmed",
    "Fatima",
    "Omar",
    "Layla",
    "Priya",
    "Rahul",
    "Emma",
    "James",
    "Sophie",
    "Marco",
    "Elena",
    "Yuki",
    "Mei",
    "Noura",
    "Khalid",
    "Ingrid",
    "Lars",
]
CREW_LAST = [
    "Müller",
    "Núñez",
    "García",
    "Gonçalves",
    "Østergaard",
    "Pérez",
    "Lefèvre",
    "Dubois",
    "Schäfer",
    "Jönsson",
    "Fernández",
    "Martín",
    "Brontë",
    "Åberg",
    "Al Mansoori",
    "Al Hashimi",
    "Khan",
    "Sharma",
    "Nair",
    "Smith",
    "Taylor",
    "Walsh",
    "Rossi",
    "Tanaka",
    "Chen",
    "Santos",
    "Haddad",
    "Yilmaz",
]
CALLING = {
    "AE": 971,
    "GB": 44,
    "IN": 91,
    "US": 1,
    "FR": 33,
    "DE": 49,
    "AU": 61,
    "PK": 92,
    "PH": 63,
    "EG": 20,
    "TH": 66,
    "SG": 65,
    "CN": 86,
    "JP": 81,
    "KR": 82,
    "IT": 39,
    "ES": 34,
    "IE": 353,
    "NL": 31,
    "TR": 90,
    "SA": 966,
    "JO": 962,
    "LB": 961,
    "KE": 254,
    "ZA": 27,
    "LK": 94,
    "MY": 60,
    "ID": 62,
    "CA": 1,
    "BR": 55,
}
NATIONALITIES = list(CALLING)
QUAL_CODES = ["B787", "B777", "A350", "A320", "A380", "A330", "SEP", "CRM", "DG", "FA-SAFETY"]
CABIN_QUALS = ["SEP", "FA-SAFETY", "DG", "CRM"]
ROLES = [("Captain", 45), ("First Officer", 45), ("Cabin Manager", 45), ("Flight Attendant", 190)]
POSITION = {"Captain": 1, "First Officer": 2, "Cabin Manager": 3, "Flight Attendant": 4}

EVENTS = [  # event_type, airport, start, end (March 2026, UTC), severity, description
    (
        "FOG",
        "LHR",
        "11 05:00",
        "11 09:30",
        "MEDIUM",
        "Dense fog, low visibility procedures; arrival rate cut to 32 per hour",
    ),
    ("FOG", "DEL", "12 00:30", "12 04:30", "HIGH", "Radiation fog, RVR below CAT IIIB minima for 3 hours"),
    ("ATC_STRIKE", "CDG", "12 04:00", "12 20:00", "HIGH", "French ATC industrial action, 40% of departures cancelled"),
    (
        "RUNWAY_CLOSURE",
        "BOM",
        "12 05:30",
        "12 11:30",
        "MEDIUM",
        "Runway 09/27 closed for resurfacing, single runway operations",
    ),
    (
        "CREW_SHORTAGE",
        "BOM",
        "13 01:00",
        "13 05:00",
        "LOW",
        "Outstation crew sick call, standby crew positioned from AUH",
    ),
    ("FOG", "FRA", "13 04:00", "13 08:00", "LOW", "Shallow fog, low visibility taxi delays"),
    (
        "TECHNICAL",
        "JFK",
        "13 14:00",
        "13 19:00",
        "MEDIUM",
        "Aircraft on ground at JFK, hydraulic leak on the nose gear",
    ),
    (
        "SANDSTORM",
        "AUH",
        "14 02:00",
        "14 10:00",
        "CRITICAL",
        "Severe sandstorm at the hub, visibility 400-800 m, arrivals held and diverted",
    ),
    ("SANDSTORM", "DOH", "14 03:00", "14 08:00", "MEDIUM", "Sandstorm drifting from the UAE, reduced arrival rate"),
    (
        "TECHNICAL",
        "AUH",
        "14 05:00",
        "14 13:00",
        "HIGH",
        "Sand ingestion inspections on 3 aircraft after the sandstorm",
    ),
    (
        "CREW_SHORTAGE",
        "AUH",
        "14 08:00",
        "14 16:00",
        "HIGH",
        "Crews out of flight duty limits after the sandstorm holds",
    ),
    ("RUNWAY_CLOSURE", "AUH", "14 09:30", "14 11:30", "MEDIUM", "Runway 13R/31L closed for sand clearance"),
    (
        "CREW_SHORTAGE",
        "AUH",
        "15 02:00",
        "15 06:00",
        "MEDIUM",
        "Knock-on crew rest shortfall, standby crews called out",
    ),
    ("TECHNICAL", "SYD", "15 09:00", "15 15:00", "MEDIUM", "Bird strike inspection, engine borescope required"),
    ("TECHNICAL", "LHR", "15 12:00", "15 16:00", "LOW", "Jet bridge failure at Terminal 4, remote stand boarding"),
    ("FOG", "KHI", "16 00:00", "16 04:00", "MEDIUM", "Coastal fog, visibility 300 m"),
    ("ATC_STRIKE", "AMS", "16 06:00", "16 12:00", "LOW", "Dutch ATC work-to-rule action, flow restrictions"),
    ("TECHNICAL", "AUH", "16 10:00", "16 18:00", "MEDIUM", "Baggage system outage in Terminal A, manual handling"),
    ("RUNWAY_CLOSURE", "SIN", "16 16:00", "16 22:00", "LOW", "Runway 02L/20R closed for rubber removal"),
    ("FOG", "MAN", "17 04:00", "17 08:00", "LOW", "Fog, departures metered by ATC"),
]
MAIN_EVENT = [e[:2] for e in EVENTS].index(("SANDSTORM", "AUH"))

# What is planted, named once so the manifest finds exactly the rows that carry it.
MISSING_FLIGHTS = (9001, 9002, 9003)  # D7
UNKNOWN_BOOKINGS = ("BK9999998", "BK9999999")  # D6
UNMAPPABLE_POSITION = 7  # D2
ENCODINGS = {"crew_members.csv": "windows-1252"}  # D13; every other file is UTF-8


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def tenths(n: int) -> str:
    return f"{n // 10}.{n % 10}"


def mins(n: int) -> timedelta:
    return timedelta(minutes=n)


def march(text: str) -> datetime:
    day, hhmm = text.split()
    return datetime.combine(date(2026, 3, int(day)), time.fromisoformat(hhmm), tzinfo=UTC)


def event_times(e: tuple) -> tuple[datetime, datetime]:
    return march(e[2]), march(e[3])


def ascii_slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("Ø", "O"))
    return "".join(c for c in plain if c.isascii() and c.isalnum()).lower()


def rng_for(table: str) -> random.Random:
    # One stream per table (str seeds are hashed with SHA-512, not hash()), so tables do not shift each other.
    return random.Random(f"{SEED}:{table}")


def rand_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def rand_time(rng: random.Random, first: datetime, last: datetime, step: int = 5) -> datetime:
    return first + mins(step * rng.randint(0, int((last - first).total_seconds()) // (60 * step)))


FLIGHT_COLUMNS = (
    "flight_id flight_number origin destination scheduled_departure scheduled_arrival "
    "aircraft_registration aircraft_type status"
)
BOOKING_COLUMNS = "booking_id flight_id passenger_id booking_class seat_number booking_status fare_amount booked_at"
HEADERS = {  # file -> columns, in order
    "flights.csv": FLIGHT_COLUMNS,
    "flights_backup_20260301.csv": FLIGHT_COLUMNS,
    "airports.csv": "airport_code icao_code name city country timezone latitude longitude",
    "aircraft_types.csv": "type_code manufacturer seats range_km",
    "aircraft_availability.csv": "aircraft_id aircraft_registration aircraft_type availability_date availability_status location",
    "passengers.csv": (
        "passenger_id first_name last_name email phone date_of_birth passport_number nationality frequent_flyer_tier"
    ),
    "bookings.csv": BOOKING_COLUMNS,
    "bookings_sample.csv": BOOKING_COLUMNS,
    "baggage.csv": "baggage_id booking_id tag_number weight_kg baggage_status event_time location",  # D3: no status
    "passenger_connections.csv": "connection_id booking_id inbound_flight_id outbound_flight_id min_connect_minutes",
    "crew_members.csv": (
        "crew_id employee_number first_name last_name email phone date_of_birth passport_number role base hire_date"
    ),
    "crew_roster.csv": "roster_id crew_id flight_id position_id",
    "crew_roster_enriched.csv": "roster_id crew_id flight_id position_id duty_start duty_end qualification_code",
    "crew_qualifications.csv": "qualification_id crew_id qualification_code valid_until",
    "crew_duty_history.csv": "duty_id crew_id duty_date duty_hours rest_hours",
    "maintenance_staff.csv": "staff_id first_name last_name license_number specialization base shift",
    "maintenance_roster.csv": "roster_date staff_id shift hangar",
    "maintenance_work_orders.csv": (
        "workorder_id aircraftRegistration ata_chapter description priority status "  # D4
        "assigned_staff_id opened_at due_at"
    ),
    "cargo_shipments.csv": "shipment_id awb_number origin destination weight_kg pieces commodity",
    "cargo_flight_assignments.csv": "assignment_id flight_id shipment_id sequence_number uld_position weight_kg",  # D1
    "weather.csv": (
        "weather_id airport_code observation_time metar wind_speed_kt visibility_m temperature_c conditions"
    ),
    "weather_raw_metar.csv": "station raw_text",
    "disruption_events.csv": "event_id event_type airport_code start_time end_time severity description",
    "recovery_scenarios.csv": (
        "scenario_id event_id scenario_name strategy total_delay_minutes estimated_cost passengers_rebooked"
    ),
    "recovery_actions.csv": "action_id scenario_id action_type sequence description action_status",
    "business_impact_assessment.csv": (
        "assessment_id event_id estimated_cost passengers_affected flights_affected revenue_at_risk assessed_at"
    ),
    "safety_constraints.csv": "constraint_id constraint_type description regulation limit_value unit",
    "disrupted_passengers_scenario.csv": (
        "passenger_id event_id original_flight_id rebooking_status priority_score compensation_eligible"
    ),
    "hotel_bookings.csv": "hotel_booking_id passenger_id event_id hotel_name check_in nights",
    "meal_vouchers.csv": "voucher_id passenger_id event_id amount currency issued_at",
    "aircraft_swap_options.csv": (
        "swap_id flight_id current_registration replacement_registration feasibility_score notes"
    ),
    "inbound_flight_impact.csv": "impact_id flight_id inbound_flight_id delay_minutes affected_connections",
    "airport_slots.csv": "slot_id airport_code slot_time slot_type flight_id",
    "gate_assignments.csv": "gate_assignment_id flight_id airport_code gate assigned_at",
    "notams.csv": "notam_id airport_code effective_from effective_to text",
}


def write(out: Path, name: str, rows: list[list], encoding: str = "utf-8") -> None:
    with open(out / name, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(HEADERS[name].split())
        writer.writerows(rows)


def make_flights() -> list[dict]:
    rng = rng_for("flights")
    trips = []
    for dest, number, hhmm, block, families in ROUTES:
        for day in DAYS:
            dep = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=UTC)
            # 6 h after the window opens / 4 h before it closes leaves room for bookings, crew duty and bag scans.
            if dep >= START + 6 * HOUR and dep + mins(2 * block + 100) <= END - 4 * HOUR:
                trips.append((dep, number, dest, block, families.split()))
    trips = sorted(rng.sample(trips, 128))
    free_at = {reg: START for reg, _ in FLEET}
    legs = []
    for dep, number, dest, block, families in trips:
        ready = [reg for reg, _ in FLEET if free_at[reg] <= dep - mins(90)]
        fit = [reg for reg, t in FLEET if reg in ready and FAMILY[t] in families]
        reg = rng.choice(fit or ready or [min(free_at, key=free_at.get)])
        back = dep + mins(block + 100)
        legs.append(dict(number=f"EY{number}", origin="AUH", dest=dest, dep=dep, arr=dep + mins(block), reg=reg))
        legs.append(dict(number=f"EY{number + 1}", origin=dest, dest="AUH", dep=back, arr=back + mins(block), reg=reg))
        free_at[reg] = back + mins(block)
    legs.sort(key=lambda f: (f["dep"], f["number"]))
    types = dict(FLEET)
    for i, f in enumerate(legs):
        f["id"], f["type"] = 1001 + i, types[f["reg"]]
        auh_time = f["dep"] if f["origin"] == "AUH" else f["arr"]
        if STORM[0] <= auh_time <= STORM[1]:
            f["status"] = "CANCELLED" if rng.random() < 0.3 else "DELAYED"
        elif f["arr"] <= SNAPSHOT:
            f["status"] = "ARRIVED"
        elif f["dep"] <= SNAPSHOT:
            f["status"] = "DEPARTED"
        else:
            f["status"] = "DELAYED" if rng.random() < 0.05 else "SCHEDULED"
        f["d8"] = f["d9"] = False
    late = [f for f in legs if f["dep"] >= datetime(2026, 3, 16, tzinfo=UTC)]
    for f in rng.sample(late, 4):  # D9: tail not yet assigned
        f["d9"] = True
    for f in rng.sample([f for f in legs if not f["d9"]], 12):  # D8: local AUH time, day first
        f["d8"] = True
    return legs


def flight_row(f: dict) -> list:
    dep = f["dep"].astimezone(DUBAI).strftime("%d/%m/%Y %H:%M") if f["d8"] else iso(f["dep"])
    return [
        f["id"],
        f["number"],
        f["origin"],
        f["dest"],
        dep,
        iso(f["arr"]),
        "" if f["d9"] else f["reg"],
        f["type"],
        f["status"],
    ]


def backup_row(f: dict) -> list:
    shift = timedelta(days=17)  # 11-17 March becomes 22-28 February
    return [
        f["id"],
        f["number"],
        f["origin"],
        f["dest"],
        iso(f["dep"] - shift),
        iso(f["arr"] - shift),
        f["reg"],
        f["type"],
        "SCHEDULED",
    ]


def make_passengers(scale: int) -> tuple[list[list], list[list]]:
    rng = rng_for("passengers")
    passports, rows = set(), []
    for i in range(11407 * scale):
        first, last, nat = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(NATIONALITIES)
        passport = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000000, 9999999)}"
        while passport in passports:
            passport = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(1000000, 9999999)}"
        passports.add(passport)
        rows.append(
            [
                f"PX{1000001 + i:07d}",
                first,
                last,
                f"{ascii_slug(first)}.{ascii_slug(last)}{i + 1}@{rng.choice(['example.com', 'example.org', 'example.net'])}",
                f"+{CALLING[nat]} {rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(0, 9999):04d}",
                rand_date(rng, date(1940, 1, 1), date(2023, 12, 31)).isoformat(),
                passport,
                nat,
                rng.choices(["NONE", "BRONZE", "SILVER", "GOLD", "PLATINUM"], [50, 20, 15, 10, 5])[0],
            ]
        )
    n = len(rows)
    # D11: 5 exact copies, each placed half a file away from its original.
    copies = {(s + n // 2) % n: s for s in rng.sample(range(n), 5)}
    with_copies = []
    for i, row in enumerate(rows):
        with_copies.append(row)
        if i in copies:
            with_copies.append(list(rows[copies[i]]))
    return rows, with_copies


SEAT_LAYOUT = {"First": (1, 2, "ADGK"), "Business": (3, 10, "ACDGHK"), "Economy": (11, 60, "ABCDEFGHJK")}


def make_bookings(flights: list[dict], passenger_ids: list[str], scale: int) -> list[dict]:
    rng = rng_for("bookings")
    seats, taken, bookings = {}, set(), []
    fares = {"Economy": (45000, 380000), "Business": (450000, 1600000), "First": (1400000, 3800000)}
    for f in rng.choices(flights, [SEATS[f["type"]] for f in flights], k=7914 * scale):
        cls = rng.choices(["Economy", "Business", "First"], [80, 16, 4])[0]
        pid = rng.choice(passenger_ids)
        while (pid, f["id"]) in taken:
            pid = rng.choice(passenger_ids)
        taken.add((pid, f["id"]))
        pool = seats.get((f["id"], cls))
        if not pool:  # a fresh shuffled cabin; only reused when --scale overbooks it
            first, last, letters = SEAT_LAYOUT[cls]
            pool = seats[(f["id"], cls)] = rng.sample(
                [f"{r}{c}" for r in range(first, last + 1) for c in letters], (last - first + 1) * len(letters)
            )
        bookings.append(
            dict(
                flight=f,
                flight_id=f["id"],
                passenger_id=pid,
                cls=cls,
                seat=pool.pop(),
                status=rng.choices(["CONFIRMED", "CHECKED_IN", "CANCELLED"], [55, 38, 7])[0],
                fare=money(rng.randint(*fares[cls])),
                booked_at=rand_time(rng, START, f["dep"] - 5 * HOUR, 1),
            )
        )
    for fid in MISSING_FLIGHTS:  # D7: flights that do not exist
        bookings.append(
            dict(
                flight=None,
                flight_id=fid,
                passenger_id=rng.choice(passenger_ids),
                cls="Economy",
                seat=f"{rng.randint(11, 60)}{rng.choice('ABCDEFGHJK')}",
                status="CONFIRMED",
                fare=money(rng.randint(45000, 380000)),
                booked_at=rand_time(rng, START + 2 * DAY, START + 4 * DAY, 1),
            )
        )
    bookings.sort(key=lambda b: b["booked_at"])
    for i, b in enumerate(bookings):
        b["id"] = f"BK{1000001 + i:07d}"
    return bookings


def booking_row(b: dict) -> list:
    return [
        b["id"],
        b["flight_id"],
        b["passenger_id"],
        b["cls"],
        b["seat"],
        b["status"],
        b["fare"],
        iso(b["booked_at"]),
    ]


BAG_STEPS = {
    "CHECKED_IN": (-180, -60, "origin"),
    "LOADED": (-50, -20, "origin"),
    "IN_TRANSIT": (5, 30, "origin"),
    "ARRIVED": (10, 30, "dest"),
    "DELIVERED": (35, 70, "dest"),
    "MISHANDLED": (75, 180, "dest"),
}


def make_baggage(bookings: list[dict], scale: int) -> list[list]:
    rng = rng_for("baggage")
    live = [b for b in bookings if b["flight"] and b["status"] != "CANCELLED" and b["flight"]["status"] != "CANCELLED"]
    counts = [3] * 1500 * scale + [2] * 1845 * scale + [1] * 2860 * scale  # 6,205 bags, 11,050 events
    rng.shuffle(counts)
    progression = ["CHECKED_IN", "LOADED", "IN_TRANSIT", "ARRIVED", "DELIVERED"]
    bags = []
    for n in counts:
        b = rng.choice(live)
        last = rng.randint(n - 1, 4)
        steps = progression[last - n + 1 : last + 1]
        if last >= 3 and rng.random() < 0.04:
            steps[-1] = "MISHANDLED"
        events = []
        for step in steps:
            low, high, end = BAG_STEPS[step]
            at = b["flight"]["dep"] if end == "origin" else b["flight"]["arr"]
            events.append((step, at + mins(rng.randint(low, high)), b["flight"][end]))
        bags.append((b["id"], rng.randint(50, 320), events))
    for booking_id in UNKNOWN_BOOKINGS:  # D6: bags whose booking is unknown
        at = rand_time(rng, START + DAY, START + 5 * DAY, 1)
        bags.insert(rng.randrange(len(bags)), (booking_id, rng.randint(50, 320), [("CHECKED_IN", at, "AUH")]))
    tags = rng.sample(range(100000, 1000000), len(bags))
    rows = []
    for i, (booking_id, weight, events) in enumerate(bags):
        for status, at, loc in events:
            rows.append([f"BG{2000001 + i:07d}", booking_id, f"EY{tags[i]:06d}", tenths(weight), status, iso(at), loc])
    return rows


def make_crew() -> list[dict]:
    rng = rng_for("crew_members")
    numbers = rng.sample(range(1000, 160000), 325)  # below 100000 -> leading zero (D14)
    families = ["B787", "B777", "A350", "A320", "A380", "A330"]
    weights = [sum(t[5] for t in TYPES if t[4] == fam) for fam in families]
    crew = []
    for role, count in ROLES:
        for _ in range(count):
            i = len(crew) + 1
            first, last = rng.choice(CREW_FIRST), rng.choice(CREW_LAST)
            born = rand_date(rng, date(1966, 1, 1), date(2003, 12, 31))
            crew.append(
                dict(
                    id=f"CM{i:04d}",
                    role=role,
                    family=rng.choices(families, weights)[0] if POSITION[role] <= 2 else None,
                    row=[
                        f"CM{i:04d}",
                        f"{numbers[i - 1]:06d}",
                        first,
                        last,
                        f"{ascii_slug(first)}.{ascii_slug(last)}{i}@crew.example.com",
                        f"+971 5{rng.randint(0, 8)} {rng.randint(100, 999)} {rng.randint(0, 9999):04d}",
                        born.isoformat(),
                        f"N{rng.randint(1000000, 9999999)}",
                        role,
                        "AUH" if rng.random() < 0.9 else rng.choice(["LHR", "BOM", "MAN", "DEL"]),
                        rand_date(
                            rng, max(date(born.year + 21, 1, 1), date(2006, 1, 1)), date(2026, 2, 27)
                        ).isoformat(),
                    ],
                )
            )
    return crew


def crew_quals(member: dict) -> list[str]:
    return [member["family"], "CRM", "DG", "SEP"] if member["family"] else CABIN_QUALS


def make_roster(flights: list[dict], crew: list[dict]) -> list[dict]:
    rng = rng_for("crew_roster")
    pools = {role: [c for c in crew if c["role"] == role] for role, _ in ROLES}
    free_at = {c["id"]: START for c in crew}
    bigger = rng.sample(range(len(flights)), 12)  # 244 flights x 8 crew + 12 x 9 = 2,060
    entries = []
    for i, f in enumerate(flights):
        start, end = f["dep"] - HOUR, f["arr"] + mins(30)
        onboard = []
        for role in ["Captain", "First Officer", "Cabin Manager"] + ["Flight Attendant"] * (6 if i in bigger else 5):
            free = [c for c in pools[role] if c not in onboard and free_at[c["id"]] <= start]
            rated = [c for c in free if c["family"] in (None, FAMILY[f["type"]])]
            spare = [c for c in pools[role] if c not in onboard]
            member = rng.choice(rated or free or [min(spare, key=lambda c: free_at[c["id"]])])
            onboard.append(member)
            free_at[member["id"]] = end + 12 * HOUR  # minimum rest before the next duty
            entries.append(
                dict(
                    id=f"RS{len(entries) + 1:05d}",
                    crew=member,
                    flight_id=f["id"],
                    position=POSITION[role],
                    start=start,
                    end=end,
                )
            )
    for e in rng.sample([e for e in entries if e["position"] == 4], 3):  # D2: an unmappable position code
        e["position"] = UNMAPPABLE_POSITION
    fan_out = [3] * 300 + [2] * 745 + [1] * 1012  # D5: 3,402 rows for the 2,057 mappable roster ids
    rng.shuffle(fan_out)
    mappable = iter(fan_out)
    for e in entries:
        n = 1 if e["position"] == UNMAPPABLE_POSITION else next(mappable)
        quals = crew_quals(e["crew"])
        e["quals"] = [quals[0]] + rng.sample(quals[1:], n - 1) if e["crew"]["family"] else rng.sample(quals, n)
    return entries


def make_crew_qualifications(crew: list[dict]) -> list[list]:
    rng = rng_for("crew_qualifications")
    pilots = [(c, c["family"]) for c in crew if c["family"]]  # every pilot holds a type rating
    others = [(c, q) for c in crew for q in crew_quals(c) if q != c["family"]]
    chosen = pilots + rng.sample(others, 600 - len(pilots))
    chosen.sort(key=lambda p: (p[0]["id"], QUAL_CODES.index(p[1])))
    return [
        [f"CQ{i + 1:04d}", c["id"], q, rand_date(rng, date(2026, 4, 1), date(2028, 12, 31)).isoformat()]
        for i, (c, q) in enumerate(chosen)
    ]


def make_duty_history(crew: list[dict]) -> list[list]:
    rng = rng_for("crew_duty_history")
    pairs, seen = [], set()
    while len(pairs) < 1300:
        c, d = rng.randrange(len(crew)), rand_date(rng, date(2026, 2, 1), date(2026, 3, 10))
        if (c, d) not in seen:
            seen.add((c, d))
            pairs.append((c, d))
    pairs.sort()
    return [
        [f"CD{i + 1:05d}", crew[c]["id"], d.isoformat(), tenths(rng.randint(40, 140)), tenths(rng.randint(120, 480))]
        for i, (c, d) in enumerate(pairs)
    ]


def make_availability() -> list[list]:
    rng = rng_for("aircraft_availability")
    rows = []
    for reg, type_code in FLEET:
        for day in DAYS:
            status = rng.choices(["AVAILABLE", "MAINTENANCE", "RESERVED", "AOG"], [85, 8, 5, 2])[0]
            location = "AUH" if rng.random() < 0.75 else rng.choice(ROUTES)[0]
            rows.append([f"AV{len(rows) + 1:04d}", reg, type_code, day.isoformat(), status, location])
    return rows


ATA = [
    ("05", "Airframe", "Scheduled daily check"),
    ("12", "Airframe", "Servicing, tyre pressures"),
    ("21", "Airframe", "Pack 2 inoperative, MEL 21-51-01 applied"),
    ("22", "Avionics", "Autopilot disconnect in cruise"),
    ("23", "Avionics", "VHF 2 intermittent"),
    ("24", "Avionics", "IDG 1 disconnect, generator off"),
    ("25", "Airframe", "Passenger seat recline inoperative"),
    ("26", "Airframe", "Cargo smoke detector fault"),
    ("27", "Structures", "Aileron trim actuator play"),
    ("28", "Powerplant", "Fuel quantity indication erratic"),
    ("29", "Powerplant", "Hydraulic system B low quantity"),
    ("30", "Airframe", "Windshield heat fault"),
    ("31", "Avionics", "Flight data recorder fault message"),
    ("32", "Structures", "Nose gear steering leak"),
    ("33", "Avionics", "Landing light inoperative"),
    ("34", "Avionics", "ADIRU 2 fault"),
    ("35", "Airframe", "Crew oxygen pressure low"),
    ("36", "Powerplant", "Bleed leak detection, engine 2"),
    ("38", "Airframe", "Lavatory waste system inoperative"),
    ("49", "Powerplant", "APU start failure"),
    ("52", "Airframe", "Cargo door seal damaged"),
    ("72", "Powerplant", "Sand ingestion borescope inspection"),
]


def make_staff() -> list[list]:
    rng = rng_for("maintenance_staff")
    licences = rng.sample(range(10000, 100000), 120)
    return [
        [
            f"MS{i + 1:03d}",
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            f"GCAA-B1-{licences[i]}",
            rng.choice(["Avionics", "Airframe", "Powerplant", "Structures"]),
            "AUH" if rng.random() < 0.9 else "DXB",
            rng.choice(["DAY", "NIGHT"]),
        ]
        for i in range(120)
    ]


def make_work_orders(staff: list[list]) -> list[list]:
    rng = rng_for("maintenance_work_orders")
    hours = {"AOG": 6, "HIGH": 24, "MEDIUM": 72, "LOW": 240}
    rows = []
    for i in range(500):
        chapter, specialty, text = rng.choice(ATA)
        priority = rng.choices(list(hours), [3, 17, 45, 35])[0]
        opened = rand_time(rng, START, START + 5 * DAY, 1)
        due = opened + hours[priority] * HOUR
        if due >= END:
            due = END - mins(rng.randint(1, 600))
        fitters = [s[0] for s in staff if s[4] == specialty]
        rows.append(
            [
                f"WO{i + 1:05d}",
                rng.choice(FLEET)[0],
                chapter,
                text,
                priority,
                rng.choices(["OPEN", "IN_PROGRESS", "DEFERRED", "CLOSED"], [30, 25, 15, 30])[0],
                rng.choice(fitters),
                iso(opened),
                iso(due),
            ]
        )
    return rows


def make_maintenance_roster(staff: list[list]) -> list[list]:
    rng = rng_for("maintenance_roster")
    rows = []
    for day in DAYS:
        for s in sorted(rng.sample(staff, 48)):
            rows.append([day.isoformat(), s[0], s[6], rng.choice(["H1", "H2", "H3", "H4"])])
    return rows


def make_cargo(flights: list[dict]) -> tuple[list[list], list[list]]:
    rng = rng_for("cargo")
    flying = [f for f in flights if f["status"] != "CANCELLED"]
    assigned = dict(zip(sorted(rng.sample(range(199), 154)), rng.choices(flying, k=154), strict=False))
    serials = rng.sample(range(1000000, 10000000), 199)
    shipments, weights = [], {}
    for i in range(199):
        f = assigned.get(i)
        origin, dest = (f["origin"], f["dest"]) if f else ("AUH", rng.choice(ROUTES)[0])
        weights[i] = rng.randint(50, 45000)
        shipments.append(
            [
                f"SH{i + 1:05d}",
                f"607-{serials[i]}{serials[i] % 7}",
                origin,
                dest,
                tenths(weights[i]),
                rng.randint(1, 40),
                rng.choices(
                    ["GENERAL", "PERISHABLE", "PHARMA", "DANGEROUS_GOODS", "LIVE_ANIMALS", "VALUABLES"],
                    [50, 18, 12, 10, 4, 6],
                )[0],
            ]
        )
    rows, sequence, positions = [], {}, {}
    for i, f in sorted(assigned.items(), key=lambda p: (p[1]["id"], p[0])):
        sequence[f["id"]] = sequence.get(f["id"], 0) + 1
        if f["id"] not in positions:
            positions[f["id"]] = rng.sample([f"{r}{s}" for r in range(11, 27) for s in "LR"], 32)
        rows.append(
            [
                f"CA{len(rows) + 1:05d}",
                f["id"],
                f"SH{i + 1:05d}",
                sequence[f["id"]],
                positions[f["id"]].pop(),
                tenths(weights[i]),
            ]
        )
    for row in rng.sample(rows, 20):  # D10: a float-typed export; the only flight_id written as text
        row[1] = f"{row[1]}.0"
    return shipments, rows


WEATHER = {  # airport: (min, max temperature C, [(from hour UTC, to hour, condition)], otherwise)
    "AUH": (19, 31, [(2, 10, "SANDSTORM")], "HAZE"),
    "DXB": (20, 30, [(3, 8, "SANDSTORM")], "HAZE"),
    "DOH": (19, 29, [(3, 8, "SANDSTORM")], "CLEAR"),
    "LHR": (5, 12, [(6, 14, "RAIN")], "CLEAR"),
    "JFK": (-1, 8, [], "CLEAR"),
    "CDG": (4, 13, [(4, 8, "FOG")], "CLEAR"),
    "BOM": (22, 33, [], "HAZE"),
    "SYD": (18, 25, [(0, 6, "RAIN")], "CLEAR"),
    "FRA": (1, 12, [(3, 8, "FOG")], "CLEAR"),
    "SIN": (25, 32, [(6, 10, "THUNDERSTORM")], "CLEAR"),
    "BKK": (26, 34, [(9, 12, "THUNDERSTORM")], "HAZE"),
    "MAN": (4, 10, [(0, 23, "RAIN")], "RAIN"),
    "IST": (6, 14, [], "CLEAR"),
    "CAI": (13, 25, [], "HAZE"),
    "KHI": (19, 30, [(0, 3, "FOG")], "HAZE"),
    "DEL": (15, 29, [(0, 4, "FOG")], "HAZE"),
    "MEL": (13, 22, [], "CLEAR"),
    "ORD": (-6, 3, [], "CLEAR"),
    "IAD": (-2, 10, [(12, 18, "RAIN")], "CLEAR"),
}
WX = {
    "CLEAR": ("NSC", (3, 12), (9999, 9999)),
    "HAZE": ("HZ NSC", (4, 10), (3000, 6000)),
    "SANDSTORM": ("SS VV005", (25, 38), (400, 1500)),
    "FOG": ("FG VV002", (0, 4), (100, 800)),
    "RAIN": ("RA BKN015", (8, 20), (3000, 8000)),
    "THUNDERSTORM": ("TSRA FEW025CB", (10, 25), (2000, 5000)),
}


def metar_temp(celsius: int) -> str:
    return f"M{-celsius:02d}" if celsius < 0 else f"{celsius:02d}"


def make_weather() -> list[tuple[str, str, list]]:
    rng = rng_for("weather")
    out = []
    for code, (low, high, spells, usual) in WEATHER.items():
        for hour in range(24):
            cond = next((c for a, b, c in spells if a <= hour <= b), usual)
            clouds, (w1, w2), (v1, v2) = WX[cond]
            local = (hour + round(LONGITUDE[code] / 15)) % 24
            warm = (local - 5) / 9 if 5 <= local <= 14 else 1 - ((local - 14) % 24) / 15  # peak 14:00 local
            temp = low + round((high - low) * warm)
            dew = temp - (rng.randint(0, 2) if cond in ("FOG", "RAIN") else rng.randint(4, 14))
            wind, vis = rng.randint(w1, w2), 9999 if v1 == 9999 else 100 * rng.randint(v1 // 100, v2 // 100)
            deg = 0 if wind < 3 else 10 * rng.randint(1, 36)
            metar = (
                f"{ICAO[code]} 14{hour:02d}00Z {deg:03d}{wind:02d}KT {vis:04d} {clouds} "
                f"{metar_temp(temp)}/{metar_temp(dew)} Q{rng.randint(1004, 1022)}"
            )
            out.append((code, metar, [datetime(2026, 3, 14, hour, tzinfo=UTC), wind, vis, temp, cond]))
    return out


def make_disrupted(flights: list[dict], bookings: list[dict]) -> list[list]:
    rng = rng_for("disrupted_passengers")
    by_flight = {}
    for b in bookings:
        if b["flight"]:
            by_flight.setdefault(b["flight_id"], []).append(b)
    quotas = [180 if e == MAIN_EVENT else 8 + (e < 15) for e in range(20)]  # 180 + 14 x 9 + 5 x 8 = 346
    rows, seen = [], set()
    for e, event in enumerate(EVENTS):
        (kind, airport), (start, end) = event[:2], event_times(event)
        touch = [
            (f["id"], f["dep"] if f["origin"] == airport else f["arr"])
            for f in flights
            if airport in (f["origin"], f["dest"])
        ]
        # Passengers of flights in the event's window first, then of other flights at that airport.
        near = [fid for fid, at in touch if start - HOUR <= at <= end + 3 * HOUR]
        wider = [fid for fid, at in touch if fid not in near]
        candidates = []
        for group in (near, wider):
            chunk = [b for fid in group for b in by_flight.get(fid, [])]
            rng.shuffle(chunk)
            candidates += chunk
        taken = 0
        for b in candidates:
            if taken == quotas[e]:
                break
            if (b["passenger_id"], e) not in seen:
                seen.add((b["passenger_id"], e))
                taken += 1
                rows.append(
                    [
                        b["passenger_id"],
                        f"EV{e + 1:03d}",
                        b["flight_id"],
                        rng.choices(["PENDING", "REBOOKED", "REFUNDED"], [35, 55, 10])[0],
                        rng.randint(0, 100),
                        "Y" if kind in ("TECHNICAL", "CREW_SHORTAGE") or rng.random() < 0.3 else "N",
                    ]
                )
    return rows


def make_hotels_and_vouchers(disrupted: list[list]) -> tuple[list[list], list[list]]:
    rng = rng_for("hotels_vouchers")
    hotels = [
        "Rotana Abu Dhabi",
        "Novotel Abu Dhabi Al Bustan",
        "Premier Inn Abu Dhabi Airport",
        "Yas Island Rotana",
        "Courtyard World Trade Center",
        "Hilton Garden Inn Al Muroor",
    ]
    stays = []
    for i, row in enumerate(sorted(rng.sample(disrupted, 140), key=lambda r: (r[1], r[0]))):
        start, _ = event_times(EVENTS[int(row[1][2:]) - 1])
        stays.append(
            [f"HB{i + 1:04d}", row[0], row[1], rng.choice(hotels), start.date().isoformat(), rng.randint(1, 3)]
        )
    issued = disrupted + rng.sample(disrupted, 64)  # 346 + 64 second vouchers = 410
    vouchers = []
    for i, row in enumerate(issued):
        start, end = event_times(EVENTS[int(row[1][2:]) - 1])
        vouchers.append(
            [
                f"MV{i + 1:04d}",
                row[0],
                row[1],
                money(rng.choice([5000, 7500, 10000, 15000])),
                "AED",
                iso(rand_time(rng, start, end, 1)),
            ]
        )
    return stays, vouchers


ACTION_TEXT = {
    "DELAY": "Hold departures until the airport recovers",
    "CANCEL": "Cancel the affected rotations",
    "SWAP_AIRCRAFT": "Swap to a serviceable tail of the same type rating",
    "REASSIGN_CREW": "Call out standby crew within duty limits",
    "REBOOK_PAX": "Rebook passengers on the next available departures",
}


def make_recovery() -> tuple[list[list], list[list], list[list]]:
    rng = rng_for("recovery")
    plans = [
        ("delay and consolidate", "MINIMISE_COST", ["DELAY", "REBOOK_PAX"]),
        ("cancel and rebook", "MINIMISE_DELAY", ["CANCEL", "REBOOK_PAX"]),
        ("aircraft swap and crew reassignment", "BALANCED", ["SWAP_AIRCRAFT", "REASSIGN_CREW", "DELAY"]),
    ]
    weight = {"LOW": 1, "MEDIUM": 2, "HIGH": 4, "CRITICAL": 10}
    scenarios = []
    for e, event in enumerate(EVENTS):
        for name, strategy, _ in plans:
            scenarios.append(
                [
                    f"SC{len(scenarios) + 1:03d}",
                    f"EV{e + 1:03d}",
                    f"{event[1]} {event[0].lower()}: {name}",
                    strategy,
                    rng.randint(30, 240) * weight[event[4]],
                    money(rng.randint(2000000, 15000000) * weight[event[4]]),
                    rng.randint(5, 60) * weight[event[4]],
                ]
            )
    counts = [1] * 60
    while sum(counts) < 95:
        i = rng.randrange(60)
        counts[i] += counts[i] < 3
    actions = []
    for s, n in enumerate(counts):
        kinds = plans[s % 3][2]
        for seq in range(1, n + 1):
            kind = kinds[(seq - 1) % len(kinds)]
            actions.append(
                [
                    f"RA{len(actions) + 1:03d}",
                    scenarios[s][0],
                    kind,
                    seq,
                    f"{ACTION_TEXT[kind]} ({scenarios[s][2]})",
                    rng.choices(["PLANNED", "EXECUTED", "ROLLED_BACK"], [50, 45, 5])[0],
                ]
            )
    assessed = list(range(20)) + [MAIN_EVENT, MAIN_EVENT, 9]  # 3 reassessments after new information
    nan_rows = rng.sample(range(23), 2)  # D12
    impacts = []
    for i, e in enumerate(assessed):
        start, end = event_times(EVENTS[e])
        at = min(start + mins(rng.randint(60, 240) + (360 if i >= 20 else 0)), END - HOUR)
        w = weight[EVENTS[e][4]]
        impacts.append(
            [
                f"BI{i + 1:03d}",
                f"EV{e + 1:03d}",
                "NaN" if i in nan_rows else money(rng.randint(5000000, 40000000) * w),
                rng.randint(50, 400) * w,
                rng.randint(1, 6) * w,
                money(rng.randint(8000000, 60000000) * w),
                iso(at),
            ]
        )
    return scenarios, actions, impacts


def make_safety() -> list[list]:
    spec = [
        ("CREW_DUTY", f"Maximum flight duty period, {n} sectors", "1.1105", v, "hours")
        for n, v in [("1-2", 13), ("3", 12.5), ("4", 12), ("5", 11.5), ("6", 11), ("7 or more", 10.5)]
    ]
    spec += [
        ("CREW_DUTY", d, r, v, u)
        for d, r, v, u in [
            ("Minimum rest at home base", "1.1110", 12, "hours"),
            ("Minimum rest away from base", "1.1110", 10, "hours"),
            ("Maximum duty in 7 consecutive days", "1.1095", 60, "hours"),
            ("Maximum duty in 14 consecutive days", "1.1095", 110, "hours"),
            ("Maximum duty in 28 consecutive days", "1.1095", 190, "hours"),
            ("Maximum flight time in 28 consecutive days", "1.1095", 100, "hours"),
            ("Maximum flight time in 12 months", "1.1095", 900, "hours"),
            ("Commander's discretion, FDP extension", "1.1115", 2, "hours"),
            ("Ultra long range FDP with augmented crew", "1.1105", 18, "hours"),
            ("Reporting time before departure", "1.1100", 60, "minutes"),
            ("Post-flight duty after on-blocks", "1.1100", 30, "minutes"),
        ]
    ]
    spec += [
        ("MAINTENANCE", d, "1.890", v, u)
        for d, v, u in [
            ("MEL category B rectification interval", 72, "hours"),
            ("MEL category C rectification interval", 240, "hours"),
            ("MEL category D rectification interval", 2880, "hours"),
            ("Daily check validity", 48, "hours"),
            ("Sand ingestion borescope after sandstorm exposure", 24, "hours"),
            ("Minimum engine oil quantity for dispatch", 60, "percent"),
            ("Maximum deferred cabin defects", 10, "percent"),
        ]
    ]
    spec += [
        ("WEATHER_MINIMA", d, "1.430", v, u)
        for d, v, u in [
            ("CAT I approach RVR", 550, "metres"),
            ("CAT II approach RVR", 300, "metres"),
            ("CAT IIIA approach RVR", 200, "metres"),
            ("CAT IIIB approach RVR", 75, "metres"),
            ("Low visibility take-off RVR", 125, "metres"),
            ("Circling approach visibility", 1500, "metres"),
            ("Sandstorm operations minimum visibility", 800, "metres"),
            ("CAT I decision height", 60, "metres"),
        ]
    ]
    spec += [
        ("SLOT", d, "1.297", v, u)
        for d, v, u in [
            ("AUH slot tolerance, early or late", 20, "minutes"),
            ("LHR slot tolerance, early or late", 15, "minutes"),
            ("JFK slot tolerance, early or late", 15, "minutes"),
            ("CDG slot tolerance, early or late", 15, "minutes"),
            ("FRA slot tolerance, early or late", 15, "minutes"),
            ("Slot series usage to keep historic rights", 80, "percent"),
        ]
    ]
    spec += [("WEIGHT", f"Maximum take-off weight, {t[0]}", "1.605", t[7], "kg") for t in TYPES]
    return [
        [f"SF{i + 1:03d}", kind, text, f"GCAA CAR-OPS {reg}", f"{value:.1f}", unit]
        for i, (kind, text, reg, value, unit) in enumerate(spec)
    ]


def make_swaps_and_impacts(flights: list[dict]) -> tuple[list[list], list[list]]:
    rng = rng_for("swaps_impacts")
    tails = {fam: [reg for reg, t in FLEET if FAMILY[t] == fam] for fam in FAMILY.values()}
    hit = [
        f
        for f in flights
        if f["origin"] == "AUH"
        and f["status"] in ("DELAYED", "CANCELLED")
        and not f["d9"]
        and len(tails[FAMILY[f["type"]]]) > 1
    ]
    swaps = []
    for i, f in enumerate(sorted(rng.sample(hit, 4), key=lambda f: f["id"])):
        same = [reg for reg in tails[FAMILY[f["type"]]] if reg != f["reg"]]
        replacement = rng.choice(same)
        swaps.append(
            [
                f"SW{i + 1:03d}",
                f["id"],
                f["reg"],
                replacement,
                f"0.{rng.randint(40, 98)}",
                f"Replace {f['reg']} ({f['type']}) with {dict(FLEET)[replacement]}, same type rating, crew legal",
            ]
        )
    inbound = [f for f in flights if f["dest"] == "AUH" and STORM[0] <= f["arr"] <= STORM[1]]
    pairs = [
        (o, i)
        for i in inbound
        for o in flights
        if o["origin"] == "AUH" and i["arr"] + HOUR <= o["dep"] <= i["arr"] + 6 * HOUR
    ]
    impacts = [
        [f"IM{n + 1:03d}", o["id"], i["id"], rng.randint(45, 240), rng.randint(3, 40)]
        for n, (o, i) in enumerate(sorted(rng.sample(pairs, 3), key=lambda p: (p[0]["id"], p[1]["id"])))
    ]
    return swaps, impacts


def make_connections(flights: list[dict], bookings: list[dict]) -> list[list]:
    rng = rng_for("passenger_connections")
    outbound = [f for f in flights if f["origin"] == "AUH" and f["status"] != "CANCELLED"]
    arriving = [
        b for b in bookings if b["flight"] and b["flight"]["dest"] == "AUH" and b["flight"]["status"] != "CANCELLED"
    ]
    rows = []
    for b in rng.sample(arriving, len(arriving)):
        mct, arr = rng.choice([60, 75, 90, 120]), b["flight"]["arr"]
        options = [
            f for f in outbound if arr + mins(mct) <= f["dep"] <= arr + 10 * HOUR and f["dest"] != b["flight"]["origin"]
        ]
        if options:
            rows.append([b["id"], b["flight_id"], rng.choice(options)["id"], mct])
        if len(rows) == 900:
            break
    rows.sort()
    return [[f"PC{i + 1:04d}"] + r for i, r in enumerate(rows)]


def make_slots_gates_notams(flights: list[dict]) -> tuple[list[list], list[list], list[list]]:
    rng = rng_for("slots_gates_notams")
    moves = [(f["dep"], f["id"], "DEP", f["origin"]) for f in flights] + [
        (f["arr"], f["id"], "ARR", f["dest"]) for f in flights
    ]
    slots = [
        [f"SL{i + 1:04d}", airport, iso(at), kind, fid]
        for i, (at, fid, kind, airport) in enumerate(sorted(rng.sample(moves, 380)))
    ]
    gates = [
        [
            f"GA{i + 1:04d}",
            f["id"],
            f["origin"],
            f"{rng.choice('ABCDE')}{rng.randint(1, 40)}",
            iso(max(START, f["dep"] - mins(rng.randint(120, 1440)))),
        ]
        for i, f in enumerate(flights)
    ]
    texts = [
        "RWY 13R/31L CLOSED FOR MAINTENANCE",
        "TWY K CLOSED BTN K2 AND K5",
        "ILS RWY 31R U/S",
        "LOW VISIBILITY PROCEDURES IN FORCE",
        "APRON STANDS 41-45 CLOSED",
        "BIRD ACTIVITY IN VICINITY OF AD",
        "CRANE ERECTED 1.2NM FROM THR RWY 13L, 150FT AGL, LIGHTED",
        "PAPI RWY 31L U/S",
    ]
    airports = ["AUH"] * 10 + [r[0] for r in ROUTES]
    notams = []
    for i in range(35):
        start = rand_time(rng, START, END - DAY)
        notams.append(
            [
                f"NT{i + 1:03d}",
                rng.choice(airports),
                iso(start),
                iso(min(start + HOUR * rng.randint(2, 48), END - mins(5))),
                rng.choice(texts),
            ]
        )
    return slots, gates, notams


def make_export(scale: int) -> tuple[dict[str, list[list]], list[dict]]:
    """The rows of the 35 files, by file name, and the flights they were made from."""
    flights = make_flights()
    files = {
        "flights.csv": [flight_row(f) for f in flights],
        "flights_backup_20260301.csv": [backup_row(f) for f in flights[:240]],
        "airports.csv": [list(a[:6]) + [f"{a[6]:.4f}", f"{a[7]:.4f}"] for a in AIRPORTS],
        "aircraft_types.csv": [list(t[:4]) for t in TYPES],
        "aircraft_availability.csv": make_availability(),
    }
    distinct, files["passengers.csv"] = make_passengers(scale)
    bookings = make_bookings(flights, [p[0] for p in distinct], scale)
    files["bookings.csv"] = [booking_row(b) for b in bookings]
    files["bookings_sample.csv"] = [booking_row(b) for b in bookings[:100]]
    files["baggage.csv"] = make_baggage(bookings, scale)
    files["passenger_connections.csv"] = make_connections(flights, bookings)

    crew = make_crew()
    files["crew_members.csv"] = [c["row"] for c in crew]
    roster = make_roster(flights, crew)
    files["crew_roster.csv"] = [[e["id"], e["crew"]["id"], e["flight_id"], e["position"]] for e in roster]
    files["crew_roster_enriched.csv"] = [
        [e["id"], e["crew"]["id"], e["flight_id"], e["position"], iso(e["start"]), iso(e["end"]), q]
        for e in roster
        for q in e["quals"]
    ]
    files["crew_qualifications.csv"] = make_crew_qualifications(crew)
    files["crew_duty_history.csv"] = make_duty_history(crew)

    staff = make_staff()
    files["maintenance_staff.csv"] = staff
    files["maintenance_roster.csv"] = make_maintenance_roster(staff)
    files["maintenance_work_orders.csv"] = make_work_orders(staff)
    files["cargo_shipments.csv"], files["cargo_flight_assignments.csv"] = make_cargo(flights)
    weather = make_weather()
    files["weather.csv"] = [
        [f"WX{i + 1:05d}", code, iso(v[0]), metar] + v[1:] for i, (code, metar, v) in enumerate(weather)
    ]
    files["weather_raw_metar.csv"] = [[ICAO[code], f"METAR {metar}="] for code, metar, _ in weather]

    files["disruption_events.csv"] = [
        [f"EV{i + 1:03d}", e[0], e[1], iso(event_times(e)[0]), iso(event_times(e)[1]), e[4], e[5]]
        for i, e in enumerate(EVENTS)
    ]
    (files["recovery_scenarios.csv"], files["recovery_actions.csv"], files["business_impact_assessment.csv"]) = (
        make_recovery()
    )
    files["safety_constraints.csv"] = make_safety()
    disrupted = files["disrupted_passengers_scenario.csv"] = make_disrupted(flights, bookings)
    files["hotel_bookings.csv"], files["meal_vouchers.csv"] = make_hotels_and_vouchers(disrupted)
    files["aircraft_swap_options.csv"], files["inbound_flight_impact.csv"] = make_swaps_and_impacts(flights)
    files["airport_slots.csv"], files["gate_assignments.csv"], files["notams.csv"] = make_slots_gates_notams(flights)
    return files, flights


def describe(files: dict[str, list[list]], flights: list[dict], scale: int) -> dict:
    """The manifest: rows per file, each planted defect with its lines, and what fixing must leave of each file."""

    def every(name: str) -> list[int]:
        return lines_where(files[name], lambda row: True)

    roster, bags = files["crew_roster_enriched.csv"], files["baggage.csv"]
    fan_out, roster_ids = repeated(roster, 0)
    events, bag_ids = repeated(bags, 0)
    copies = exact_copies(files["passengers.csv"])
    orphans = lines_where(files["bookings.csv"], lambda row: row[1] in MISSING_FLIGHTS)
    flight_lines = {id(f): i + 2 for i, f in enumerate(flights)}
    defects = {
        "D1": defect(
            "no loading_priority column (a GSI range key); sequence_number holds it",
            "cargo_flight_assignments.csv",
            "loading_priority",
            every("cargo_flight_assignments.csv"),
        ),
        "D2": defect(
            "no position column (a GSI range key); position_id holds its code, and some codes map to nothing",
            "crew_roster_enriched.csv",
            "position",
            every("crew_roster_enriched.csv"),
            quarantined=("position_id", lines_where(roster, lambda row: row[3] == UNMAPPABLE_POSITION)),
        ),
        "D3": defect(
            "no status column (queried by the agents); baggage_status holds it",
            "baggage.csv",
            "status",
            every("baggage.csv"),
        ),
        "D4": defect(
            "the registration column is named aircraftRegistration, not aircraft_registration",
            "maintenance_work_orders.csv",
            "aircraftRegistration",
            every("maintenance_work_orders.csv"),
        ),
        "D5": defect(
            "join fan-out: rows repeat a roster_id, differing only in qualification_code",
            "crew_roster_enriched.csv",
            "roster_id",
            fan_out,
            keys=roster_ids,
            merged=len(fan_out) - roster_ids,
        ),
        "D6": defect(
            "an event log: rows repeat a baggage_id, one per scan event; some bags have a booking_id "
            "that no booking has",
            "baggage.csv",
            "baggage_id",
            events,
            keys=bag_ids,
            merged=len(events) - bag_ids,
            quarantined=("booking_id", lines_where(bags, lambda row: row[1] in UNKNOWN_BOOKINGS)),
        ),
        "D7": defect(
            "bookings of flights that do not exist",
            "bookings.csv",
            "flight_id",
            orphans,
            quarantined=("flight_id", orphans),
        ),
        "D8": defect(
            "scheduled_departure as dd/mm/yyyy HH:MM in AUH local time (UTC+4), not ISO 8601 UTC",
            "flights.csv",
            "scheduled_departure",
            sorted(flight_lines[id(f)] for f in flights if f["d8"]),
        ),
        "D9": defect(
            "empty aircraft_registration (a GSI key): tail not yet assigned",
            "flights.csv",
            "aircraft_registration",
            sorted(flight_lines[id(f)] for f in flights if f["d9"]),
        ),
        "D10": defect(
            "flight_id written as a float, 1042.0",
            "cargo_flight_assignments.csv",
            "flight_id",
            lines_where(files["cargo_flight_assignments.csv"], lambda row: isinstance(row[1], str)),
        ),
        "D11": defect("exact copies of other rows", "passengers.csv", None, copies, merged=len(copies)),
        "D12": defect(
            "NaN as estimated_cost",
            "business_impact_assessment.csv",
            "estimated_cost",
            lines_where(files["business_impact_assessment.csv"], lambda row: row[2] == "NaN"),
        ),
        "D13": defect(
            f"encoded in {ENCODINGS['crew_members.csv']}: the lines holding letters outside ASCII",
            "crew_members.csv",
            None,
            lines_where(files["crew_members.csv"], lambda row: not all(str(c).isascii() for c in row)),
        ),
        "D14": defect(
            "employee_number with leading zeros: not a defect, text to be stored unchanged",
            "crew_members.csv",
            "employee_number",
            lines_where(files["crew_members.csv"], lambda row: row[1].startswith("0")),
        ),
    }
    return {
        "written_by": "data/generate.py",
        "seed": SEED,
        "scale": scale,
        "files": outcomes(files, defects, ENCODINGS),
        "defects": defects,
    }


def generate(out_dir: Path, scale: int = 1) -> Path:
    """Write the 35 CSV files into out_dir (healthy passengers, bookings and bags times scale), and the manifest
    beside out_dir; return the manifest's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files, flights = make_export(scale)
    for name, rows in files.items():
        write(out, name, rows, ENCODINGS.get(name, "utf-8"))
    manifest = out.parent / "manifest.json"
    manifest.write_text(dump(describe(files, flights, scale)), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "raw",
        help="output folder (default: data/raw in the repository); manifest.json goes beside it",
    )
    parser.add_argument("--scale", type=int, default=1, help="multiply passengers, bookings and baggage")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    generate(args.out, args.scale)


if __name__ == "__main__":
    main()
