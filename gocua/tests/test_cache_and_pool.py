"""The cache (Redis when configured or present in production) and the PostgreSQL connection pool."""

import socket

import pytest

from gocua import testing as f

PRINT = (
    "from django.conf import settings; from django.core.cache import cache; "
    "cache.set('gocua-probe', 41 + 1); "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, cache.get('gocua-probe'))"
)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_development_uses_process_memory(tmp_path):
    result = f.run_gocua(f.process_env(tmp_path), "shell", "-c", PRINT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["django.core.cache.backends.locmem.LocMemCache",
                                     "django.contrib.sessions.backends.db", "42"]


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_a_redis_url_gives_a_shared_cache_and_cached_sessions(tmp_path):
    env = f.process_env(tmp_path)
    env["GOCUA_CACHE_URL"] = "redis://127.0.0.1:6379/11"
    result = f.run_gocua(env, "shell", "-c", PRINT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["django.core.cache.backends.redis.RedisCache",
                                     "django.contrib.sessions.backends.cached_db", "42"]


def test_a_bad_cache_url_is_refused_with_a_message(tmp_path):
    env = f.process_env(tmp_path)
    env["GOCUA_CACHE_URL"] = "memcached://x"
    result = f.run_gocua(env, "check")
    assert result.returncode != 0
    assert "GOCUA_CACHE_URL must be redis://… or locmem" in result.stderr


def test_the_pool_is_configured_on_postgresql(tmp_path):
    env = f.process_env(tmp_path, "postgres://postgres@127.0.0.1:5432/gocua_pool_probe")
    env["GOCUA_DB_POOL"] = "true"
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['OPTIONS']['pool']['max_size'], d['CONN_MAX_AGE'])")
    result = f.run_gocua(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["10", "0"]


def test_production_compiles_each_template_once_per_process(tmp_path):
    env = f.process_env(tmp_path)
    env.update(GOCUA_ENV="production", GOCUA_SECRET_KEY="k" * 50, GOCUA_PII_KEY="p" * 32,
               GOCUA_ALLOWED_HOSTS="gocua.example.vn", GOCUA_CACHE_URL="locmem")
    code = ("from django.template import engines; e = engines['django'].engine; "
            "print(e.debug, [type(l).__module__ for l in e.template_loaders])")
    result = f.run_gocua(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False ['django.template.loaders.cached']"
