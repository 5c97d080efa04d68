"""Encryption and keyed hashing of citizen IDs with the key from GOCUA_PII_KEY."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    # Two independent keys from one secret: one to encrypt, one to hash.
    enc = hashlib.sha256(b"gocua-citizen-id-encrypt:" + secret.encode()).digest()
    mac = hashlib.sha256(b"gocua-citizen-id-hash:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def encrypt(number: str) -> str:
    return _keys(settings.PII_KEY)[0].encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _keys(settings.PII_KEY)[0].decrypt(token.encode()).decode()


def keyed_hash(number: str) -> str:
    """Return an HMAC of the ID: equal IDs collide (uniqueness) but the hash reveals nothing."""
    return hmac.new(_keys(settings.PII_KEY)[1], number.encode(), hashlib.sha256).hexdigest()
