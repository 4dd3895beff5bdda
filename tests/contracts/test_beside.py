"""A call run in another process: its answer, its errors, and nothing left running when the caller stops."""
import os
import signal
from pathlib import Path

import pytest

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


def interrupted():
    """What Ctrl-C in a terminal does: the whole process group gets SIGINT."""
    os.kill(os.getpid(), signal.SIGINT)
    return "still here"


def children() -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


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


def test_ctrl_c_is_left_to_the_caller():
    with Beside(HERE) as other:
        other.call(interrupted)
        assert other.result() == "still here"


def test_a_caller_that_stops_leaves_no_process_behind():
    before = children()
    with pytest.raises(KeyboardInterrupt):
        with Beside(HERE):
            assert set(children()) - set(before), "the process starts at once"
            raise KeyboardInterrupt
    assert set(children()) == set(before)
