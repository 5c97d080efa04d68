"""Call the spreadsheet reader (python-calamine) so that a damaged file is an error, not a crash.

calamine is written in Rust; on some damaged files (a truncated .xls, for one) it panics, and the
binding raises `pyo3_runtime.PanicException`, which derives from BaseException, not Exception:
an `except Exception` lets it through as a 500. The binding does not export the class, so it is
recognised by name; every other BaseException (KeyboardInterrupt, SystemExit) passes on.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager


def is_panic(exc: BaseException) -> bool:
    return type(exc).__name__ == "PanicException"


@contextmanager
def panics_as(error: Callable[[], Exception]) -> Iterator[None]:
    """Turn a reader panic inside the block into `error()` (raised without the Rust traceback)."""
    try:
        yield
    except BaseException as exc:
        if is_panic(exc):
            raise error() from None
        raise
