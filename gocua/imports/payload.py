"""Pack the rows of an upload for storage: JSON, compressed, encrypted with a key from GOCUA_PII_KEY."""

import base64
import hashlib
import json
import pickle
import zlib
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    # Its own key: an import payload can never be decrypted with the citizen-ID key or vice versa.
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"gocua-import-payload:" + secret.encode()).digest()))


def pack(data) -> bytes:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return _fernet(settings.PII_KEY).encrypt(zlib.compress(raw, 1))


def unpack(blob: bytes):
    return json.loads(zlib.decompress(_fernet(settings.PII_KEY).decrypt(bytes(blob))))


def pack_bytes(data: bytes) -> bytes:
    """Encrypt raw bytes (an uploaded file, already compressed by its format) for storage."""
    return _fernet(settings.PII_KEY).encrypt(bytes(data))


def unpack_bytes(blob: bytes) -> bytes:
    return _fernet(settings.PII_KEY).decrypt(bytes(blob))


def pack_sheet(data) -> bytes:
    """Pickle, compress and encrypt the sheet as read (cells are personal data).

    Pickle because a Sheet is a dataclass graph that JSON would need a schema for; it is safe here
    because Fernet authenticates the blob: only this server, with GOCUA_PII_KEY, can produce one
    that `unpack_sheet` accepts.
    """
    return _fernet(settings.PII_KEY).encrypt(pickled(data))


def pickled(data) -> bytes:
    """Return `data` pickled and compressed, not encrypted (a part of what `pack_sheet` seals)."""
    out = _Compressed()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    # No memo: a sheet holds no cycles, and the memo's entry per cell (millions at 100,000 rows)
    # cost more memory than the sheet itself.
    pickler.fast = True
    pickler.dump(data)
    return out.close()


def unpickled(blob: bytes):
    """Return what `pickled` made; only ever called on bytes from an authenticated `pack_sheet` blob."""
    return pickle.loads(zlib.decompress(blob))  # noqa: S301 — authenticated by the enclosing Fernet token


class _Compressed:
    """A file that compresses what is written to it (a pickle, frame by frame)."""

    def __init__(self):
        self.z, self.parts = zlib.compressobj(1), []

    def write(self, data) -> int:
        self.parts.append(self.z.compress(data))
        return len(data)

    def close(self) -> bytes:
        self.parts.append(self.z.flush())
        return b"".join(self.parts)


def unpack_sheet(blob: bytes):
    return pickle.loads(zlib.decompress(_fernet(settings.PII_KEY).decrypt(bytes(blob))))  # noqa: S301 — authenticated


def seal(blob: bytes) -> bytes:
    """Encrypt bytes that are already compressed (a stored plan)."""
    return _fernet(settings.PII_KEY).encrypt(blob)


def unseal(blob: bytes) -> bytes:
    return _fernet(settings.PII_KEY).decrypt(bytes(blob))
