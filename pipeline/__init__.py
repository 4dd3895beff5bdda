"""The job as plain functions, callable without pytest: read, gate, plan, apply, verify, roll back.

    registry = load_registry("my_contracts.py", Path("."))   # or contracts.registry.SAMPLE, the airline sample
    settings = Settings(data_dir=Path("data/raw"), out_dir=Path("build"), registry=registry,
                        endpoint_url="http://127.0.0.1:8000")
    dataset = read(settings)                 # fix the export (or read it as it is) into memory and build/
    checked = gate(settings, dataset)        # every check, per table; checked.reasons(table)
    expected = checked_items(settings, dataset, checked)
    client = connect(settings, settings.endpoint_url)
    the_plan = plan(client, settings, expected)
    done = apply(client, settings, the_plan)
    live = verify(client, settings, the_plan, done, expected)
    expectations = check_live(settings, dataset, live)
The pytest plugin (`plugin/`) calls exactly these, one stage per session fixture.
"""

from pipeline.settings import Settings
from pipeline.stages import apply, check_live, checked_items, connect, gate, plan, read, roll_back, verify, write_plan

__all__ = [
    "Settings",
    "apply",
    "check_live",
    "checked_items",
    "connect",
    "gate",
    "plan",
    "read",
    "roll_back",
    "verify",
    "write_plan",
]
