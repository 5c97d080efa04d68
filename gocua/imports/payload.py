"""Pack the rows of an upload for storage: JSON, compressed, encrypted with a key from GOCUA_PII_KEY."""

import base64
import hashlib
import json
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
