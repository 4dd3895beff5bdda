"""Progress: a bar for a person at a terminal, a few quiet lines for CI and logs."""

import io
import re

import pytest

from reporting.progress import is_interactive, table_progress


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_quiet_mode_prints_every_quarter_and_the_end():
    stream = io.StringIO()
    with table_progress("bookings", 8000, stream=stream, interactive=False) as advance:
        for done in range(1000, 8001, 1000):
            advance(done)
    assert stream.getvalue().splitlines() == [
        "bookings: 2,000/8,000 items (25%)",
        "bookings: 4,000/8,000 items (50%)",
        "bookings: 6,000/8,000 items (75%)",
        "bookings: 8,000/8,000 items written",
    ]


def test_quiet_mode_prints_one_line_for_a_small_table():
    stream = io.StringIO()
    with table_progress("flights", 200, stream=stream, interactive=False) as advance:
        advance(200)
    assert stream.getvalue().splitlines() == ["flights: 200/200 items written"]


def test_a_terminal_gets_a_bar():
    stream = _Terminal()
    with table_progress("flights", 10, stream=stream, interactive=True) as advance:
        advance(4)
        advance(10)
    drawn = stream.getvalue()
    # A bar redrawn in place (tqdm draws at most every 0.1 s, so 4/10 may never show), none of quiet mode's lines.
    assert re.search(r"\rflights: 100%\|#{10}\| 10/10 \[", drawn), drawn
    assert "items written" not in drawn


@pytest.mark.parametrize(
    "ci, tty, interactive",
    [
        ("", True, True),
        ("true", True, False),
        ("false", True, True),
        ("", False, False),
    ],
    ids=["terminal", "terminal in CI", "CI=false", "pipe"],
)
def test_interactive_means_a_terminal_outside_ci(monkeypatch, ci, tty, interactive):
    monkeypatch.setenv("CI", ci)
    assert is_interactive(_Terminal() if tty else io.StringIO()) is interactive
