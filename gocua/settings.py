"""GõCửa settings, all read from the environment (see docs/DEPLOY.md for the list)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gocua.lib.envconfig import dev_secrets, env_bool, env_int, env_list, env_str

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
    "gocua.field",
    "gocua.ops",
    "gocua.api",
    "gocua.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gocua.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gocua.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Passwords, sessions, security ----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
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

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gocua" / "locale"]
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

# --- Content-Security-Policy and headers ---------------------------------------------------------
# django-csp 4.x. Scripts and styles come from this site only: no inline <script>, no on…=
# handlers, no style="" attributes in any template (JavaScript lives in static files; see
# docs/SECURITY.md "Outputs"). The field app needs its own origin for the API (connect-src), its
# service worker (worker-src) and manifest; QR codes are inline SVG, icons are files.
INSTALLED_APPS += ["csp"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "gocua.web.middleware.SecurityHeadersMiddleware"]
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
