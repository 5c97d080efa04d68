"""A reader panic becomes the caller's error; every other exception passes through unchanged."""

import pytest

from gocua.lib.calamine import is_panic, panics_as


class PanicException(BaseException):  # the name pyo3 gives a Rust panic (it derives from BaseException)
    pass


class Refused(Exception):
    pass


def test_a_panic_becomes_the_given_error():
    with pytest.raises(Refused) as caught, panics_as(Refused):
        raise PanicException("slice index starts at 4096 but ends at 3584")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_other_exceptions_and_interrupts_pass_through():
    with pytest.raises(ValueError), panics_as(Refused):
        raise ValueError("x")
    with pytest.raises(KeyboardInterrupt), panics_as(Refused):
        raise KeyboardInterrupt
    assert is_panic(PanicException()) and not is_panic(KeyboardInterrupt())
