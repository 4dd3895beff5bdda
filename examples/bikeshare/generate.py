"""Deterministic generator of the bike-share example export.

A city bike-share network's export of one week (4 to 10 May 2026): its docking
stations, bikes, members, trips and station status reports, with defects
planted on purpose (README.md lists them), and ``manifest.json`` beside the
CSV files: the rows of each file, the lines of each planted defect and what
fixing must leave of each table, all counted from the rows made, never by
reading the files back. Only the standard library and fixed seeds are used, so
the same arguments reproduce every file byte for byte.

    python examples/bikeshare/generate.py --out DIR [--scale X]

``--scale X`` multiplies every table (0.02 makes a small export for tests);
each planted defect keeps at least two rows.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script (python examples/bikeshare/generate.py): the repository root on the path, for data.manifest.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from data.manifest import defect, dump, exact_copies, lines_where, outcomes, repeated  # noqa: E402

SEED = 20260504
WEEK_START = datetime(2026, 5, 4, tzinfo=UTC)  # a Monday; every timestamp is within 4..10 May
WEEK = timedelta(days=7)
SLOT = timedelta(minutes=30)  # a bike starts at most one trip per half hour, so bike and start time never repeat

# Sizes at --scale 1. The ids have room for MAX_SCALE times as many, the pop-up station's id too.
MAX_SCALE = 100
STATIONS, BIKES, MEMBERS, TRIPS = 300, 3_000, 5_000, 100_000
DOCKS = (12, 35)  # docks per station
ELECTRIC_SHARE = 0.4
# Planted at --scale 1 (and at least 2 at any scale): shares of a table, or rows.
RE_EXPORTED_SHARE = 0.12  # bikes exported again later in the week with a newer updated_at
NEVER_SERVICED_SHARE = 0.08  # new bikes: no last_service_km
FLOAT_BATTERIES = 60
ERASED_MEMBERS, ERASED_MEMBER_TRIPS = 25, 200
POPUP_TRIPS = 60
RETRIED_PAGES, PAGE_ROWS = 2, 250
FLOAT_DURATIONS = 300
FLOAT_COUNTS, MISSING_BIKE_COUNTS, MISSING_DOCK_COUNTS = 250, 400, 150

# A festival pop-up station: trips end there, the stations export does not list it.
POPUP_STATION = "ST90001"

STREETS = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Queen Street",
    "King Street",
    "Bridge Street",
    "Market Square",
    "Victoria Road",
    "Albert Road",
    "George Street",
    "North Road",
    "South Street",
    "West End",
    "East Parade",
    "Canal Walk",
    "Riverside",
    "Harbour Way",
    "Castle Hill",
    "Union Street",
    "Green Lane",
    "Chapel Street",
    "Broad Street",
    "New Road",
    "London Road",
    "York Road",
    "Oxford Street",
    "Cambridge Road",
    "Grove Road",
    "Elm Street",
    "Oak Avenue",
    "Cedar Close",
    "Maple Drive",
    "Willow Way",
    "Ash Grove",
    "Birch Road",
    "Hazel Street",
    "Cherry Lane",
    "Orchard Way",
]
FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Jamie",
    "Robin",
    "Charlie",
    "Riley",
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Elif",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Khan",
    "Patel",
    "Garcia",
    "Müller",
    "Rossi",
    "Novak",
    "Kowalski",
    "Silva",
    "Nguyen",
    "Kim",
    "Okafor",
    "Mensah",
    "Haddad",
    "Yilmaz",
    "Larsen",
    "Dubois",
    "Fischer",
    "Moreau",
    "O'Neill",
    "Murphy",
    "Walsh",
    "Brown",
    "Taylor",
    "Wilson",
    "Chen",
    "Wang",
    "Sato",
    "Ivanova",
]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]
PLANS = ["annual", "monthly", "day"]
BIKE_STATUSES = ["available", "in_use", "maintenance"]

HEADERS = {  # file -> columns, in order
    "stations.csv": "station_id name latitude longitude capacity dock",  # one row per dock
    "bikes.csv": "bike_id kind home_station_id status battery_pct last_service_km updated_at",
    "members.csv": "member_id name email plan joined_on",
    "trips.csv": "bike_id member_id started_at ended_at start_station_id end_station_id duration_s fare",  # no key
    "station_status.csv": "station_id reported_at bikes_available docks_available",
}


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def rng_for(table: str) -> random.Random:
    # One stream per table (str seeds are hashed with SHA-512, not hash()), so tables do not shift each other.
    return random.Random(f"{SEED}:{table}")


def sized(count: float, scale: float, least: int = 2) -> int:
    return max(least, round(count * scale))


def as_float(value: int) -> str:
    """A whole number as an upstream system that holds it as a double writes it: 42 as 42.0."""
    return f"{value}.0"


def make_stations(scale: float) -> list[dict]:
    rng = rng_for("stations")
    corners = [f"{a} & {b}" for a in STREETS for b in STREETS if a < b]
    rng.shuffle(corners)
    stations = []
    for i in range(sized(STATIONS, scale, least=3)):
        # A large network has several stations at one corner: numbered after the first.
        name = corners[i % len(corners)] + (f" {i // len(corners) + 1}" if i >= len(corners) else "")
        docks = sorted(rng.sample(range(1, DOCKS[1] + 4), rng.randint(*DOCKS)))  # a few numbers skipped: docks removed
        stations.append(
            dict(
                id=f"ST{i + 1:05d}",
                name=name,
                lat=f"{51.45 + rng.random() * 0.1:.6f}",
                lon=f"{-0.20 + rng.random() * 0.16:.6f}",
                docks=docks,
            )
        )
    return stations


def station_rows(stations: list[dict]) -> list[list]:
    """The export's fan-out: one row per dock, identical but for the dock number."""
    return [[s["id"], s["name"], s["lat"], s["lon"], len(s["docks"]), dock] for s in stations for dock in s["docks"]]


def make_bikes(stations: list[dict], scale: float) -> tuple[list[dict], list[list]]:
    """The bikes, and the rows of bikes.csv: every bike once, then the re-exported ones again, newer."""
    rng = rng_for("bikes")
    count = sized(BIKES, scale, least=10)
    # Counted, not drawn bike by bike, so that even a small fleet has both kinds and new bikes.
    electric = set(rng.sample(range(count), round(count * ELECTRIC_SHARE)))
    new = set(rng.sample(range(count), sized(count * NEVER_SERVICED_SHARE, 1)))
    bikes, rows = [], []
    for i in range(count):
        bikes.append(
            dict(
                id=f"BK{i + 1:06d}",
                kind="electric" if i in electric else "classic",
                home=rng.choice(stations)["id"],
                km=None if i in new else rng.randint(500, 250_000),
            )
        )

    def row(bike: dict, when: datetime) -> list:
        battery = rng.randint(5, 100) if bike["kind"] == "electric" else ""  # a classic bike has no battery
        km = "" if bike["km"] is None else f"{bike['km'] // 10}.{bike['km'] % 10}"
        return [bike["id"], bike["kind"], bike["home"], rng.choice(BIKE_STATUSES), battery, km, iso(when)]

    for bike in bikes:
        rows.append(row(bike, WEEK_START + timedelta(seconds=rng.randrange(0, 86_400))))
    again = []
    for bike in rng.sample(bikes, sized(len(bikes) * RE_EXPORTED_SHARE, 1)):
        days = rng.sample(range(1, 7), rng.choice((1, 1, 2)))  # re-exported once or twice, on other days
        again += [row(bike, WEEK_START + timedelta(days=d, seconds=rng.randrange(0, 86_400))) for d in days]
    rng.shuffle(again)  # the later export is not in time order: the latest row is not always the last
    rows += again
    batteries = [r for r in rows if r[4] != ""]
    for r in rng.sample(batteries, min(len(batteries), sized(FLOAT_BATTERIES, scale))):
        r[4] = as_float(r[4])
    return bikes, rows


def make_members(scale: float) -> tuple[list[list], list[str]]:
    """The rows of members.csv, and the ids of members erased on request since: their trips stay in the export."""
    rng = rng_for("members")
    erased_count = sized(ERASED_MEMBERS, scale, least=1)
    ids = [f"MB{i + 1:07d}" for i in range(sized(MEMBERS, scale, least=10) + erased_count)]
    erased = set(rng.sample(ids, erased_count))
    rows, used = [], set()
    for member_id in ids:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower().replace("'", "").replace("ü", "ue")
        n = 1
        while f"{local}{n}" in used:
            n += 1
        used.add(f"{local}{n}")
        joined = (WEEK_START - timedelta(days=rng.randint(1, 5 * 365))).date().isoformat()
        if member_id not in erased:
            rows.append(
                [member_id, f"{first} {last}", f"{local}{n}@{rng.choice(EMAIL_DOMAINS)}", rng.choice(PLANS), joined]
            )
    return rows, sorted(erased)


def make_trips(
    stations: list[dict], bikes: list[dict], members: list[list], erased: list[str], scale: float
) -> list[list]:
    """The rows of trips.csv in export order (by start time), with the retried pages in them twice."""
    rng = rng_for("trips")
    total, slots = sized(TRIPS, scale, least=50), int(WEEK / SLOT)
    station_ids, member_ids = [s["id"] for s in stations], [m[0] for m in members]
    trips = []
    for i, bike in enumerate(bikes):
        count = min(slots, total // len(bikes) + (i < total % len(bikes)))
        at = bike["home"]
        for slot in sorted(rng.sample(range(slots), count)):
            start = WEEK_START + slot * SLOT + timedelta(seconds=rng.randrange(0, 600))
            seconds = rng.randint(180, 1_200)  # ends before the bike's next half hour begins
            end_station = rng.choice(station_ids)
            fare = (
                0 if rng.random() < 0.5 else 100 + 25 * rng.randint(0, 12) + (100 if bike["kind"] == "electric" else 0)
            )
            trips.append(
                [
                    bike["id"],
                    rng.choice(member_ids),
                    iso(start),
                    iso(start + timedelta(seconds=seconds)),
                    at,
                    end_station,
                    seconds,
                    f"{fare // 100}.{fare % 100:02d}",
                ]
            )
            at = end_station
    trips.sort(key=lambda t: (t[2], t[0]))

    page_rows = sized(PAGE_ROWS, scale, least=1)
    spacing = len(trips) // RETRIED_PAGES
    pages = [rng.randrange(p * spacing, (p + 1) * spacing - page_rows) for p in range(RETRIED_PAGES)]
    in_pages = {i for first in pages for i in range(first, first + page_rows)}
    # Orphans are planted outside the retried pages, so that each is one row whichever fix comes first.
    outside = [i for i in range(len(trips)) if i not in in_pages]
    planted = rng.sample(outside, sized(ERASED_MEMBER_TRIPS, scale) + sized(POPUP_TRIPS, scale))
    for n, i in enumerate(planted):
        if n < sized(ERASED_MEMBER_TRIPS, scale):
            trips[i][1] = rng.choice(erased)
        else:
            trips[i][5] = POPUP_STATION
    for i in rng.sample(range(len(trips)), sized(FLOAT_DURATIONS, scale)):
        trips[i][6] = as_float(trips[i][6])

    rows = []
    for i, trip in enumerate(trips):
        rows.append(trip)
        if i - page_rows + 1 in pages:  # the export wrote the page again after a timeout
            rows += [list(t) for t in trips[i - page_rows + 1 : i + 1]]
    return rows


def make_station_status(stations: list[dict]) -> list[list]:
    """Hourly reports of every station, with counts missing where a sensor was offline."""
    rng = rng_for("station_status")
    rows = []
    for hour in range(int(WEEK / timedelta(hours=1))):
        for s in stations:
            capacity = len(s["docks"])
            bikes = rng.randint(0, capacity)
            docks = capacity - bikes - rng.choice((0, 0, 0, 1, 2)) if bikes < capacity else 0  # a broken dock or two
            rows.append(
                [s["id"], iso(WEEK_START + timedelta(hours=hour, seconds=rng.randrange(0, 300))), bikes, max(docks, 0)]
            )
    return rows


def plant_status_defects(rows: list[list], scale: float) -> None:
    rng = rng_for("station_status defects")
    chosen = rng.sample(
        range(len(rows)),
        sized(FLOAT_COUNTS, scale) + sized(MISSING_BIKE_COUNTS, scale) + sized(MISSING_DOCK_COUNTS, scale),
    )
    floats, rest = chosen[: sized(FLOAT_COUNTS, scale)], chosen[sized(FLOAT_COUNTS, scale) :]
    for i in floats:
        rows[i][2] = as_float(rows[i][2])
    for i in rest[: sized(MISSING_BIKE_COUNTS, scale)]:
        rows[i][2] = ""
    for i in rest[sized(MISSING_BIKE_COUNTS, scale) :]:
        rows[i][3] = ""


def make_export(scale: float) -> tuple[dict[str, list[list]], list[str]]:
    """The rows of the 5 files, by file name, and the ids of the erased members."""
    stations = make_stations(scale)
    bikes, bike_rows = make_bikes(stations, scale)
    members, erased = make_members(scale)
    status = make_station_status(stations)
    plant_status_defects(status, scale)
    files = {
        "stations.csv": station_rows(stations),
        "bikes.csv": bike_rows,
        "members.csv": members,
        "trips.csv": make_trips(stations, bikes, members, erased, scale),
        "station_status.csv": status,
    }
    return files, erased


def describe(files: dict[str, list[list]], erased: list[str], scale: float) -> dict:
    """The manifest: rows per file, each planted defect with its lines, and what fixing must leave of each table.

    Its layout is that of the airline sample's manifest, so `data.manifest.load` reads it.
    """
    stations, bikes, trips, status = (
        files[n] for n in ("stations.csv", "bikes.csv", "trips.csv", "station_status.csv")
    )
    fan_out, station_ids = repeated(stations, 0)
    re_exported, bike_ids = repeated(bikes, 0)
    copies = exact_copies(trips)
    popup = lines_where(trips, lambda row: row[5] == POPUP_STATION)
    erased_ids = set(erased)

    def floats(rows: list[list], column: int) -> list[int]:
        return lines_where(rows, lambda row: isinstance(row[column], str) and row[column].endswith(".0"))

    def blank(rows: list[list], column: int) -> list[int]:
        return lines_where(rows, lambda row: row[column] == "")

    defects = {
        "B1": defect(
            "one row per dock: rows repeat a station_id, differing only in dock",
            "stations.csv",
            "station_id",
            fan_out,
            keys=station_ids,
            merged=len(fan_out) - station_ids,
        ),
        "B2": defect(
            "bikes exported again later in the week: rows repeat a bike_id with a newer updated_at",
            "bikes.csv",
            "bike_id",
            re_exported,
            keys=bike_ids,
            merged=len(re_exported) - bike_ids,
        ),
        "B3": defect("battery_pct written as a float, 42.0", "bikes.csv", "battery_pct", floats(bikes, 4)),
        "B4": defect("blank battery_pct: classic bikes have no battery", "bikes.csv", "battery_pct", blank(bikes, 4)),
        "B5": defect(
            "blank last_service_km: new bikes not serviced yet", "bikes.csv", "last_service_km", blank(bikes, 5)
        ),
        "B6": defect(
            "no trip_key column: only bike_id, member_id and started_at together identify a trip",
            "trips.csv",
            "trip_key",
            lines_where(trips, lambda row: True),
        ),
        "B7": defect(
            "exact copies of other rows: the export wrote two pages again after a timeout",
            "trips.csv",
            None,
            copies,
            merged=len(copies),
        ),
        "B8": defect(
            "member_id of a member erased on request since: the trip is loaded and reported",
            "trips.csv",
            "member_id",
            lines_where(trips, lambda row: row[1] in erased_ids),
        ),
        "B9": defect(
            f"end_station_id {POPUP_STATION}, a pop-up station the stations export does not list",
            "trips.csv",
            "end_station_id",
            popup,
            quarantined=("end_station_id", popup),
        ),
        "B10": defect("duration_s written as a float, 420.0", "trips.csv", "duration_s", floats(trips, 6)),
        "B11": defect(
            "bikes_available written as a float, 7.0", "station_status.csv", "bikes_available", floats(status, 2)
        ),
        "B12": defect(
            "blank bikes_available: the station's bike sensor was offline",
            "station_status.csv",
            "bikes_available",
            blank(status, 2),
        ),
        "B13": defect(
            "blank docks_available: the station's dock sensor was offline",
            "station_status.csv",
            "docks_available",
            blank(status, 3),
        ),
    }
    return {
        "written_by": "examples/bikeshare/generate.py",
        "seed": SEED,
        "scale": scale,
        "files": outcomes(files, defects),
        "defects": defects,
    }


def generate(out_dir: Path, scale: float = 1) -> Path:
    """Write the 5 CSV files and manifest.json into out_dir; return the manifest's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scale = float(scale)  # 1 and 1.0 make the same manifest
    files, erased = make_export(scale)
    for name, rows in files.items():
        with open(out / name, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(HEADERS[name].split())
            writer.writerows(rows)
    manifest = out / "manifest.json"
    manifest.write_text(dump(describe(files, erased, scale)), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "export",
        help="output folder (default: export/ beside this script, where pytest.ini looks)",
    )
    parser.add_argument("--scale", type=float, default=1, help="multiply every table (default 1: ~100,000 trips)")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= MAX_SCALE:
        parser.error(f"--scale must be greater than 0 and at most {MAX_SCALE}: the ids have room for no more")
    generate(args.out, args.scale)


if __name__ == "__main__":
    main()
