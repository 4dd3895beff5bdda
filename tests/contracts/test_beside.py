"""A call run in another process: its answer, its errors, and nothing left running when the caller stops."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contracts.errors import UnreadableFile
from contracts.expectations.beside import Beside, BesideStopped

HERE = (__name__,)


class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("no")


def add(a, b):
    return a + b


def fail(message):
    raise ValueError(message)


def fail_unpicklably():
    raise Unpicklable("a lock inside")


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def refuse_a_file():
    raise UnreadableFile("orders.csv", 3, "a NUL byte in a value", "Remove it.")


def sleep(seconds):
    time.sleep(seconds)


def children(of: int | None = None) -> list[int]:
    """The processes whose parent is `of` (this process by default), from /proc."""
    parent, found = os.getpid() if of is None else of, []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(parent) and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_answer_comes_back():
    with Beside(HERE) as other:
        other.call(add, 2, 3)
        assert other.result() == 5


def test_an_error_there_is_raised_here_with_its_type_and_message():
    with Beside(HERE) as other:
        other.call(fail, "the checkpoint refused")
        with pytest.raises(ValueError, match="the checkpoint refused"):
            other.result()


def test_an_error_that_cannot_be_sent_keeps_its_type_name_and_message():
    with Beside(HERE) as other:
        other.call(fail_unpicklably)
        with pytest.raises(RuntimeError, match="^Unpicklable: a lock inside$"):
            other.result()


def test_a_process_that_dies_is_reported_in_one_line():
    with Beside(HERE) as other:
        other.call(die)
        with pytest.raises(BesideStopped, match=r"ended without an answer \(exit code -9\)"):
            other.result()


def test_an_error_whose_init_takes_more_than_a_message_keeps_its_type_name_and_message():
    """It pickles but cannot be rebuilt from its message alone."""
    with Beside(HERE) as other:
        other.call(refuse_a_file)
        with pytest.raises(
            RuntimeError, match=r"^UnreadableFile: orders.csv, line 3: a NUL byte in a value\. Remove it\.$"
        ):
            other.result()


def test_ctrl_c_in_a_terminal_reaches_the_caller_only():
    """A terminal sends SIGINT to its foreground process group: the other process is in a group of its own."""
    before = set(children())
    with Beside(HERE):
        (other,) = set(children()) - before
        assert os.getpgid(other) != os.getpgrp()


def test_the_process_ends_when_its_caller_is_killed():
    """SIGKILL (or a CI job cancelled) gives the caller no time to stop it: the closed pipe does."""
    caller = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from contracts.expectations.beside import Beside; "
            "from tests.contracts.test_beside import sleep; other = Beside(('tests.contracts.test_beside',)); "
            "other.call(sleep, 120); print('called', flush=True); time.sleep(120)",
        ],
        cwd=Path(__file__).parents[2],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert caller.stdout.readline() == "called\n"
        (other,) = children(caller.pid)
        caller.kill()
        caller.wait()
        deadline = time.monotonic() + 30
        while running(other) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not running(other)
    finally:
        caller.kill()


def test_a_caller_that_stops_leaves_no_process_behind():
    before = children()
    with pytest.raises(KeyboardInterrupt):
        with Beside(HERE):
            assert set(children()) - set(before), "the process starts at once"
            raise KeyboardInterrupt
    assert set(children()) == set(before)
