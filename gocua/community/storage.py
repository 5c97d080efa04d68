"""Where project photos and receipts live: DATA_DIR/media, served by our own views (no MEDIA_URL)."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class CommunityStorage(FileSystemStorage):
    """File storage under `settings.DATA_DIR / "media"`, read at each use so tests can point it elsewhere."""

    @property
    def base_location(self):
        return str(Path(settings.DATA_DIR) / "media")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return None  # files are served by community views, never by a media URL


_storage = CommunityStorage()


def community_storage() -> CommunityStorage:
    """Return the storage; a callable so migrations record this reference, not a path."""
    return _storage
