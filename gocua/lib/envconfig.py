"""Read settings from the environment and fail loudly, like healthchecks' `hc/lib`."""

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable, or `default` when unset or empty."""
    value = os.environ.get(name, "")
    return value if value != "" else default


def env_bool(name: str, default: bool) -> bool:
    """Return the variable as a boolean; anything but the usual spellings is an error."""
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true/false (1/0), got {value!r}.")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer or fail with a clear message."""
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from None


def env_list(name: str) -> list[str]:
    """Return a comma-separated variable as a list of non-empty items."""
    return [item.strip() for item in (env_str(name) or "").split(",") if item.strip()]


def dev_secrets(path: Path) -> dict[str, str]:
    """Return the development secrets stored in `path`, generating them on first run.

    Production never calls this: there the secrets must come from the environment.
    """
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "PII_KEY": lambda: secrets.token_urlsafe(32),
    }
    data: dict[str, str] = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"Cannot read development secrets in {path}: {exc}") from None
    missing = {key: make() for key, make in wanted.items() if not data.get(key)}
    if missing:
        data.update(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2))
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    return data


def local_redis_url(host: str = "127.0.0.1", port: int = 6379) -> str:
    """Return the URL of a Redis server answering on `host:port`, or "locmem" when none does."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=0.2):
            return f"redis://{host}:{port}/0"
    except OSError:
        return "locmem"
