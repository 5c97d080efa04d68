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


def release_memory() -> None:
    """Give the memory the reader has just freed back to the system (glibc; elsewhere nothing).

    calamine holds a whole sheet while it is read (~170 MB for a 100,000-row roster) in many small
    allocations; when the sheet is dropped, glibc keeps the freed pages (~55 MB of them here), and
    Python's own allocator cannot reuse them, so the plan that follows would sit on top of them.
    `malloc_trim(0)` returns them: the import's peak memory falls by as much.
    """
    global _trim
    if _trim is None:
        try:
            import ctypes

            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
            _trim = False
    if _trim:
        _trim(0)


_trim = None
