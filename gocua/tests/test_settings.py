"""Settings come from the environment and bad settings fail at start with a clear message."""

import os
import subprocess
import sys

import pytest

PROD = {
    "GOCUA_ENV": "production",
    "GOCUA_SECRET_KEY": "k" * 20 + "Zq8#mW2!vR5@xT9$pL3^nB6&cF1*hJ4(yD7)sG0-",
    "GOCUA_PII_KEY": "p" * 40,
    "GOCUA_ALLOWED_HOSTS": "gocua.example.vn",
}


def manage(*args, env: dict, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOCUA_", "DATABASE_URL", "DJANGO_"))}
    clean.update({"GOCUA_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-m", "gocua.manage", *args], env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_passes_check_deploy_without_warnings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PROD, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["GOCUA_SECRET_KEY", "GOCUA_PII_KEY", "GOCUA_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_a_required_secret(tmp_path, missing):
    env = {k: v for k, v in PROD.items() if k != missing}
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"GOCUA_ENV": "staging"}, "GOCUA_ENV must be"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL must point to PostgreSQL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"GOCUA_DEBUG": "maybe"}, "GOCUA_DEBUG must be true/false"),
        ({"GOCUA_DEVICE_TOKEN_DAYS": "0"}, "GOCUA_DEVICE_TOKEN_DAYS must be between 1 and 365"),
        ({"GOCUA_DEVICE_TOKEN_DAYS": "a month"}, "GOCUA_DEVICE_TOKEN_DAYS must be an integer"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(tmp_path, env, needle):
    result = manage("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert needle in result.stderr


def test_development_generates_secrets_once_into_the_data_dir(tmp_path):
    first = manage("check", env={}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "secrets.json"
    content = secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    manage("check", env={}, tmp_path=tmp_path)
    assert secrets_file.read_text() == content


@pytest.mark.vietnamese
def test_time_zone_week_and_language_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True
    assert settings.FIRST_DAY_OF_WEEK == 1
    assert settings.LANGUAGE_CODE == "vi"


def test_sqlite_uses_wal_and_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
