"""Progress of a table's load: a bar on a terminal, a few quiet lines in CI or a log file.

`table_progress` is a `loaders.deploy.progress.ProgressFactory`, the interface a sync reports to;
`read_progress` and `plan_progress` are the same for the read back and the plan.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TextIO

# Quiet mode prints when the load crosses each of these fractions, for tables large enough to wait on.
QUIET_STEPS = (0.25, 0.5, 0.75)
QUIET_STEPS_FROM = 2000


def is_interactive(stream: TextIO | None = None) -> bool:
    """A terminal a person watches: a TTY, and not a CI run (CI=true, as most CI services set)."""
    stream = stream or sys.stderr
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return not ci and hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def table_progress(
    name: str, total: int, *, stream: TextIO | None = None, interactive: bool | None = None, verb: str = "written"
) -> Iterator[Callable[[int], None]]:
    """Yield `advance(done)`; draws a tqdm bar when interactive, else prints a line every 25% and at the end
    (`N/TOTAL items written`, or the `verb` given: a read back's total is a hint, so it may be passed)."""
    stream = stream or sys.stderr
    if interactive is None:
        interactive = is_interactive(stream)
    if interactive:
        from tqdm import tqdm

        with tqdm(total=total, desc=name, unit="item", file=stream, leave=True, dynamic_ncols=True) as bar:
            yield lambda done: bar.update(done - bar.n)
        return
    steps = list(QUIET_STEPS) if total >= QUIET_STEPS_FROM else []
    last = 0

    def advance(done: int) -> None:
        nonlocal last
        last = done
        while steps and total and done >= steps[0] * total:
            print(f"{name}: {done:,}/{total:,} items ({int(steps.pop(0) * 100)}%)", file=stream, flush=True)

    yield advance
    print(f"{name}: {last:,}/{total:,} items {verb}", file=stream, flush=True)


def read_progress(name: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    """`table_progress` for items read rather than written."""
    return table_progress(name, total, verb="read")


def plan_progress(name: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    """`table_progress` for the export's items compared with the live tables by the plan."""
    return table_progress(name, total, verb="compared")
