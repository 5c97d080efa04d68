"""GõCửa settings, all read from the environment (see docs/DEPLOY.md for the list)."""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gocua.lib.envconfig import dev_secrets, env_bool, env_int, env_list, env_str, local_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent
GOCUA_ENV = env_str("GOCUA_ENV", "development")
if GOCUA_ENV not in ("development", "production", "test"):
    raise ImproperlyConfigured(f"GOCUA_ENV must be development, production or test, got {GOCUA_ENV!r}.")
PRODUCTION = GOCUA_ENV == "production"
DATA_DIR = Path(env_str("GOCUA_DATA_DIR", str(BASE_DIR / "var")))

if PRODUCTION:
    SECRET_KEY = env_str("GOCUA_SECRET_KEY")
    PII_KEY = env_str("GOCUA_PII_KEY")
    ALLOWED_HOSTS = env_list("GOCUA_ALLOWED_HOSTS")
    missing = [
        name
        for name, value in (
            ("GOCUA_SECRET_KEY", SECRET_KEY),
            ("GOCUA_PII_KEY", PII_KEY),
            ("GOCUA_ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production mode (GOCUA_ENV=production) needs these environment variables: " + ", ".join(missing)
        )
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("GOCUA_SECRET_KEY must be at least 50 characters long.")
    if len(PII_KEY) < 32:
        raise ImproperlyConfigured("GOCUA_PII_KEY must be at least 32 characters long.")
    DEBUG = False
else:
    _secrets = dev_secrets(DATA_DIR / "secrets.json")
    SECRET_KEY = env_str("GOCUA_SECRET_KEY", _secrets["SECRET_KEY"])
    PII_KEY = env_str("GOCUA_PII_KEY", _secrets["PII_KEY"])
    ALLOWED_HOSTS = env_list("GOCUA_ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "testserver", "[::1]"]
    DEBUG = env_bool("GOCUA_DEBUG", GOCUA_ENV == "development")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "gocua.web",
    "gocua.places",
    "gocua.accounts",
    "gocua.teams",
    "gocua.households",
    "gocua.outreach",
    "gocua.indicators",
    "gocua.imports",
    "gocua.community",
    "gocua.helprequests",
    "gocua.alerts",
    "gocua.learning",
    "gocua.reports",
    "gocua.field",
    "gocua.ops",
    "gocua.api",
    "gocua.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gocua.ops.replica.ReplicaMiddleware",
    "gocua.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gocua.accounts.middleware.SessionIdleMiddleware",
    "gocua.accounts.middleware.PasswordChangeRequiredMiddleware",
    "gocua.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the flag `authenticate` left on the request and answers 429 itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gocua.urls"
WSGI_APPLICATION = "gocua.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gocua.web.context.gocua",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("GOCUA_DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this app understands: {exc}") from None
    if _db["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…) or SQLite (sqlite:///…).")
    _db.setdefault("TEST", {})
    if env_str("GOCUA_TEST_DB_NAME"):
        _db["TEST"]["NAME"] = env_str("GOCUA_TEST_DB_NAME")
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "gocua.sqlite3"}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write
    # lock at BEGIN so two writers queue on the busy timeout instead of failing with
    # "database is locked" when one of them upgrades a read lock mid-transaction.
    _db["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000;"
        ),
    }
    # Keep a worker's connection between requests (gunicorn sync workers: one thread each): a new
    # one re-reads the schema and starts with an empty page cache, about a third of a sync batch.
    _db["CONN_MAX_AGE"] = env_int("GOCUA_DB_CONN_MAX_AGE", 60)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _db}

# A pool of server connections per process (Django 5.1+ with psycopg_pool) instead of one kept per
# thread; with several processes per machine put PgBouncer in front instead (docs/DEPLOY.md).
if _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("GOCUA_DB_POOL", False):
    _db.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("GOCUA_DB_POOL_MIN", 2), "max_size": env_int("GOCUA_DB_POOL_MAX", 10), "timeout": 10,
    }
    _db["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not hold one as well

# A read replica (a PostgreSQL streaming standby) for dashboard, list and report reads; see
# gocua/ops/replica.py for which reads go there and how a client reads its own writes.
DATABASE_REPLICA_URL = env_str("GOCUA_DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if _db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("GOCUA_DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL too.")
    try:
        _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=env_int("GOCUA_DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"GOCUA_DATABASE_REPLICA_URL is not a database URL: {exc}") from None
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("GOCUA_DATABASE_REPLICA_URL must point to PostgreSQL (postgres://…).")
    # In tests the standby follows the primary's test database (streaming replicates it).
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["gocua.ops.replica.ReplicaRouter"]
GOCUA_REPLICA_STICKY_SECONDS = env_int("GOCUA_REPLICA_STICKY_SECONDS", 15)
if not 0 <= GOCUA_REPLICA_STICKY_SECONDS <= 3600:
    raise ImproperlyConfigured("GOCUA_REPLICA_STICKY_SECONDS must be between 0 and 3600 (seconds).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords, sessions, security ----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Cache ----------------------------------------------------------------------------------
# GOCUA_CACHE_URL: redis://host:port/db, or "locmem". Production defaults to the Redis server on
# 127.0.0.1:6379 when one answers, else process-local memory. Sessions are read through the cache
# only when it is shared by every worker (Redis): a per-process cache would serve one worker a
# session another worker has already ended.
CACHE_URL = env_str("GOCUA_CACHE_URL") or (local_redis_url() if PRODUCTION else "locmem")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "gocua", "TIMEOUT": 300}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gocua"}}
else:
    raise ImproperlyConfigured(f"GOCUA_CACHE_URL must be redis://… or locmem, got {CACHE_URL!r}.")
# Dashboard figures are cached as rendered fragments under their units' versions, which live in
# the cache (gocua/lib/unit_versions.py): every process must read the same cache, so the default
# is on with Redis and in tests (one process), off with a per-process cache otherwise (each
# gunicorn worker would miss the others' version bumps). GOCUA_FIGURES_CACHE=1 turns it on for a
# single-process server; GOCUA_FIGURES_CACHE_SECONDS bounds how long a fragment is kept.
GOCUA_FIGURES_CACHE = env_bool("GOCUA_FIGURES_CACHE", "RedisCache" in CACHES["default"]["BACKEND"] or GOCUA_ENV == "test")
GOCUA_FIGURES_CACHE_SECONDS = env_int("GOCUA_FIGURES_CACHE_SECONDS", 300)
if not 1 <= GOCUA_FIGURES_CACHE_SECONDS <= 86_400:
    raise ImproperlyConfigured("GOCUA_FIGURES_CACHE_SECONDS must be between 1 and 86400 (seconds).")

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends after this much inactivity (gocua/accounts/middleware.py). Officers and
# administrators see whole communes: 8 hours, a working day. Team members' web sessions last a
# day longer idle (their field app works with a device token, not a session).
GOCUA_SESSION_IDLE_MINUTES = env_int("GOCUA_SESSION_IDLE_MINUTES", 8 * 60)
GOCUA_MEMBER_SESSION_IDLE_MINUTES = env_int("GOCUA_MEMBER_SESSION_IDLE_MINUTES", 24 * 60)
if GOCUA_SESSION_IDLE_MINUTES < 1 or GOCUA_MEMBER_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("GOCUA_SESSION_IDLE_MINUTES and GOCUA_MEMBER_SESSION_IDLE_MINUTES must be at least 1.")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("GOCUA_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("GOCUA_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env_list("GOCUA_CSRF_TRUSTED_ORIGINS")

# --- Doors: the client address, the log-in limiter, two-factor ------------------------------
# Proxies (addresses or CIDRs) whose X-Forwarded-For is believed (gocua/accounts/client_ip.py).
# Empty: REMOTE_ADDR is the client. Behind nginx on the same machine: 127.0.0.1,::1.
GOCUA_TRUSTED_PROXIES = env_list("GOCUA_TRUSTED_PROXIES")
try:
    import ipaddress as _ipaddress

    for _proxy in GOCUA_TRUSTED_PROXIES:
        _ipaddress.ip_network(_proxy, strict=False)
except ValueError as exc:
    raise ImproperlyConfigured(f"GOCUA_TRUSTED_PROXIES holds something that is not an address or CIDR: {exc}") from None

# Every password check goes through authenticate(); AxesBackend first refuses locked-out callers.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Failures within GOCUA_LOGIN_COOLOFF_MINUTES of each other that lock a key (gocua/accounts/throttle.py).
GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = env_int("GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", 5)
GOCUA_LOGIN_FAILURES_PER_ADDRESS = env_int("GOCUA_LOGIN_FAILURES_PER_ADDRESS", 20)
GOCUA_LOGIN_FAILURES_PER_ACCOUNT = env_int("GOCUA_LOGIN_FAILURES_PER_ACCOUNT", 50)
if not (
    1 <= GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS
    <= GOCUA_LOGIN_FAILURES_PER_ADDRESS
    < GOCUA_LOGIN_FAILURES_PER_ACCOUNT
):
    raise ImproperlyConfigured(
        "Log-in limits must satisfy 1 <= GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS <= "
        "GOCUA_LOGIN_FAILURES_PER_ADDRESS < GOCUA_LOGIN_FAILURES_PER_ACCOUNT."
    )
# Help requests from the village QR code (gocua/helprequests): when an untouched request is overdue,
# and the public form's limits per client address and per phone, in one-hour windows.
GOCUA_HELP_OVERDUE_HOURS = env_int("GOCUA_HELP_OVERDUE_HOURS", 48)
GOCUA_HELP_PER_ADDRESS_PER_HOUR = env_int("GOCUA_HELP_PER_ADDRESS_PER_HOUR", 20)
GOCUA_HELP_PER_PHONE_PER_HOUR = env_int("GOCUA_HELP_PER_PHONE_PER_HOUR", 5)
GOCUA_HELP_MIN_FILL_SECONDS = env_int("GOCUA_HELP_MIN_FILL_SECONDS", 3)
if min(GOCUA_HELP_OVERDUE_HOURS, GOCUA_HELP_PER_ADDRESS_PER_HOUR, GOCUA_HELP_PER_PHONE_PER_HOUR) < 1:
    raise ImproperlyConfigured("GOCUA_HELP_OVERDUE_HOURS and the GOCUA_HELP_PER_* limits must be at least 1.")
AXES_ENABLED = env_bool("GOCUA_LOGIN_THROTTLE", True)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"], ["username"]]
AXES_FAILURE_LIMIT = GOCUA_LOGIN_FAILURES_PER_ACCOUNT  # the largest; the handler applies the others
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("GOCUA_LOGIN_COOLOFF_MINUTES", 15))
AXES_HANDLER = "gocua.accounts.throttle.GocuaAxesHandler"
AXES_CLIENT_IP_CALLABLE = "gocua.accounts.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "gocua.accounts.throttle.normalise_username"
AXES_LOCKOUT_CALLABLE = "gocua.accounts.throttle.lockout_response"
# Failures during a lock-out do not extend it: an attacker cannot keep an account locked for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "old_password", "new_password", "otp"]
AXES_VERBOSE = False  # axes would log user names and addresses at every attempt

# Roles that must sign in with a one-time code (TOTP); they are sent to enrolment until done.
GOCUA_2FA_REQUIRED_ROLES = env_list("GOCUA_2FA_REQUIRED_ROLES") or (["national_admin"] if PRODUCTION else [])
OTP_TOTP_ISSUER = "GõCửa"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gocua" / "locale"]
FORMAT_MODULE_PATH = ["gocua.formats"]  # dates as dd/mm/yyyy in both languages
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FIRST_DAY_OF_WEEK = 1  # Monday, as Vietnamese calendars and weekly reports count

# --- Static files: served by the app itself (WhiteNoise), never from a CDN ---------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Logging: never personal data (see docs/DANGEROUS.md) -------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GOCUA_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs the full request (with POST bodies in debug pages) on errors; keep
        # only the status line at WARNING so citizen IDs in forms never reach the log.
        "django.request": {"level": "ERROR", "propagate": True},
        "django.db.backends": {"level": "INFO", "propagate": True},
    },
}

# --- GõCửa ----------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
GOCUA_PAGE_SIZE = 50
# How long a phone stays logged in without a new password (a member may be offline for weeks).
GOCUA_DEVICE_TOKEN_DAYS = env_int("GOCUA_DEVICE_TOKEN_DAYS", 30)
if not 1 <= GOCUA_DEVICE_TOKEN_DAYS <= 365:
    raise ImproperlyConfigured("GOCUA_DEVICE_TOKEN_DAYS must be between 1 and 365 (days).")

# --- Background tasks (django-tasks with its database backend: no extra server on SQLite) ------
# `gocua db_worker` runs them (`python3 dev.py up` starts one beside the web server; docs/DEPLOY.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Roster previews/imports and exports above this many rows run as background tasks (gocua/imports/tasks.py).
GOCUA_IMPORT_BACKGROUND_ROWS = env_int("GOCUA_IMPORT_BACKGROUND_ROWS", 5_000)
if GOCUA_IMPORT_BACKGROUND_ROWS < 0:
    raise ImproperlyConfigured("GOCUA_IMPORT_BACKGROUND_ROWS must be 0 or more (rows).")
# How .xlsx/.xlsm rosters are read: "calamine" (the whole sheet at once, as .xls and .ods always are) or
# "stream" (gocua/imports/xlsxstream.py, row by row: the read in 40 MB instead of 206 MB for 100,000 rows,
# but 2.9x slower, and the import's peak, set by the plan, is the same either way; docs/PERFORMANCE.md).
GOCUA_IMPORT_XLSX_READER = env_str("GOCUA_IMPORT_XLSX_READER", "calamine")
if GOCUA_IMPORT_XLSX_READER not in ("stream", "calamine"):
    raise ImproperlyConfigured('GOCUA_IMPORT_XLSX_READER must be "stream" or "calamine".')

# Web Push (the field app's daily digest, gocua/field/push.py): the VAPID private key lives in the data
# directory (created by `gocua push_keys`, never committed); the subject is the contact push services see.
GOCUA_VAPID_KEY_FILE = env_str("GOCUA_VAPID_KEY_FILE", str(DATA_DIR / "vapid_private.pem"))
GOCUA_VAPID_SUBJECT = env_str("GOCUA_VAPID_SUBJECT", "mailto:admin@localhost")
GOCUA_PUSH_ALLOW_LOCAL_HTTP = False  # tests only: a fake push service on 127.0.0.1 over plain HTTP

# --- Content-Security-Policy and headers ---------------------------------------------------------
# django-csp 4.x. Scripts and styles come from this site only: no inline <script>, no on…=
# handlers, no style="" attributes in any template (JavaScript lives in static files; see
# docs/SECURITY.md "Outputs"). The field app needs its own origin for the API (connect-src), its
# service worker (worker-src) and manifest; QR codes are inline SVG, icons are files.
INSTALLED_APPS += ["csp"]
# Before AxesMiddleware, which django-axes wants last (it turns a lock-out into its response).
_axes_at = MIDDLEWARE.index("axes.middleware.AxesMiddleware")
MIDDLEWARE[_axes_at:_axes_at] = ["csp.middleware.CSPMiddleware", "gocua.web.middleware.SecurityHeadersMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# SECURE_REFERRER_POLICY = "same-origin" (above): other sites get no Referer, so a household or
# resident id in a URL never leaves this site.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page or the field app uses these; the field app needs only storage and its service worker.
GOCUA_PERMISSIONS_POLICY = env_str(
    "GOCUA_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
)
