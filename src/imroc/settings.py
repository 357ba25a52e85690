"""The one settings module. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
# Under pytest the suite supplies its own throwaway secrets and plain static storage.
TESTING = env_bool("IMROC_TESTING", "pytest" in sys.modules)
DATA_DIR = Path(env_str("IMROC_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment when DEBUG is off.")
    # For development only: keep one random key per data folder so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret-key.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "imroc.core",
    "imroc.accounts",
    "imroc.framework",
    "imroc.programme",
    "imroc.assessment",
    "imroc.improvement",
    "imroc.measures",
    "imroc.college",
    "imroc.workforce",
    "imroc.surveys",
    "imroc.reports",
    "imroc.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "imroc.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "imroc.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "imroc.core.middleware.PermissionsPolicyMiddleware",
    "imroc.core.middleware.SessionTimeoutMiddleware",
    "imroc.accounts.middleware.TwoFactorMiddleware",
    "imroc.core.middleware.SecurityEventMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imroc.urls"
WSGI_APPLICATION = "imroc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imroc.programme.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'imroc.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
            # Fold the write-ahead log back every ~1000 pages (4 MB) and trim it to 64 MB after
            # a checkpoint; big imports also checkpoint (TRUNCATE) when they finish.
            "PRAGMA wal_autocheckpoint=1000;"
            "PRAGMA journal_size_limit=67108864;"
        ),
    }
    # One test database per process, so two suites on one machine never share a file.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-imroc-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length and a deny list, no composition rules (see imroc.accounts.validators).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "imroc.accounts.validators.LengthValidator",
        "OPTIONS": {"min_length": 12, "max_length": 128},
    },
    {"NAME": "imroc.accounts.validators.CommonPasswordValidator"},
    {"NAME": "imroc.accounts.validators.ContextValidator"},
    {"NAME": "imroc.accounts.validators.UserAttributeValidator"},
]
# The lockout backend goes first: it refuses a locked-out username and address before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "imroc.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("IMROC_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IMROC_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# axes keeps the form of each failed try: never store a two-factor or backup code in it.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "csrfmiddlewaretoken"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The client's address, for the lockout, the rate limits and the security log alike. Behind
# a proxy (and only when we are told there is one) it is the address the proxy saw, the last
# one in X-Forwarded-For; a client can write the header itself, so earlier ones are ignored.
IMROC_BEHIND_PROXY = env_bool("IMROC_BEHIND_PROXY")
AXES_CLIENT_IP_CALLABLE = "imroc.core.ratelimit.client_ip"
# Two-factor authentication: required for programme admins and site leads. Off by default
# only for development (DEBUG) and the test suite, which switches it on where it tests it.
IMROC_REQUIRE_2FA = env_bool("IMROC_REQUIRE_2FA", not (DEBUG or TESTING))
OTP_TOTP_ISSUER = "imroc"
# Sessions end after 30 minutes without a request, and 12 hours after signing in.
IMROC_SESSION_IDLE_SECONDS = env_int("IMROC_SESSION_IDLE_MINUTES", 30) * 60
IMROC_SESSION_ABSOLUTE_SECONDS = env_int("IMROC_SESSION_ABSOLUTE_HOURS", 12) * 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60

# --- Rate limits ----------------------------------------------------------------------------
# Counted where every app server sees them: Redis when REDIS_URL is set, else the database.
# The limits and their defaults are in imroc.core.ratelimit.LIMITS and docs/security.md;
# IMROC_RATE_LIMITS changes any of them, e.g. "my-data-contact=5/3600,api-token=1200/60".
REDIS_URL = env_str("REDIS_URL")


def _rate_limits() -> dict[str, tuple[int, int]]:
    from imroc.core.ratelimit import parse_overrides

    try:
        return parse_overrides(env_str("IMROC_RATE_LIMITS"))
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


RATE_LIMITS = _rate_limits()
# Public enrolment refuses a form sent sooner than this after the page was opened: people take
# longer than that to type a name and a contact, scripts do not.
IMROC_ENROL_MIN_SECONDS = env_int("IMROC_ENROL_MIN_SECONDS", 3)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Each language's name is written in that language, as a switcher shows it.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if DEBUG or TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it to exist
MEDIA_ROOT = DATA_DIR / "uploads"

# --- Security -------------------------------------------------------------------------------
HTTPS = env_bool("IMROC_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("IMROC_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IMROC_BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Over HTTPS the __Host- prefix stops a sibling subdomain from planting either cookie.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
# A strict policy: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The one hash is the small <style> in templates/500.html, which must work even when
        # static files do not (tests/core/test_headers.py checks it still matches).
        "style-src": ["'self'", "'sha256-mK401QRTqyOo9sDczt9H8XHa0ynfAs5dnMBFnn+XYhM='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features imroc never uses are switched off.
IMROC_PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)
CSRF_FAILURE_VIEW = "imroc.core.views.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Uploaded files ---------------------------------------------------------------------------
# Word, Excel, PowerPoint and OpenDocument files are zip archives. Before anything in one is
# unpacked, its table of contents is checked against these (imroc.core.uploads.open_zip).
# All of it together may unpack to at most this many bytes:
IMROC_UPLOAD_MAX_UNCOMPRESSED_BYTES = env_int(
    "IMROC_UPLOAD_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024
)
# It may hold at most this many parts (even a long presentation has only a few thousand):
IMROC_UPLOAD_MAX_ZIP_MEMBERS = env_int("IMROC_UPLOAD_MAX_ZIP_MEMBERS", 10_000)
# No part over 1 MB, nor the whole file, may grow more than this many times when unpacked
# (real documents grow 2 to 30 times; a "zip bomb" grows thousands of times):
IMROC_UPLOAD_MAX_COMPRESSION_RATIO = env_int("IMROC_UPLOAD_MAX_COMPRESSION_RATIO", 100)
# An Excel workbook that is imported (measure data) is also checked, before it is read, for:
# the highest row number in a sheet (a measure import uses at most 5,000 rows of data);
IMROC_XLSX_MAX_ROWS = env_int("IMROC_XLSX_MAX_ROWS", 100_000)
# the widest column in a sheet, counting columns Excel says are in use (a measure needs 2 or
# 3; the reader pads every row out to the widest, so this bounds the work per row);
IMROC_XLSX_MAX_COLUMNS = env_int("IMROC_XLSX_MAX_COLUMNS", 200)
# and the cells in the whole workbook: ten times what 5,000 rows of 4 columns need. The reader
# manages about 100,000 cells a second on a small server, so even the largest workbook accepted
# takes only a couple of seconds to read, and one over the limit is refused sooner.
IMROC_XLSX_MAX_CELLS = env_int("IMROC_XLSX_MAX_CELLS", 200_000)

# --- Security events: refused requests, shown to programme admins at /programme/security/ ---
# Someone refused this many times within this many minutes is shown at the top of the page.
IMROC_SECURITY_ALERT_COUNT = env_int("IMROC_SECURITY_ALERT_COUNT", 10)
IMROC_SECURITY_ALERT_MINUTES = env_int("IMROC_SECURITY_ALERT_MINUTES", 10)
# Refusals older than this are deleted by `imroc security_retention`.
IMROC_SECURITY_RETENTION_DAYS = env_int("IMROC_SECURITY_RETENTION_DAYS", 180)
# Where people report a security weakness (docs/security.md): the deploying organisation's.
IMROC_SECURITY_CONTACT = env_str("IMROC_SECURITY_CONTACT")

# --- Logging: one JSON object a line on stderr ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "imroc.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "imroc.core.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# --- Input limits ---------------------------------------------------------------------------
# JSON from outside (API bodies, bundles, questionnaire files) is refused before parsing when
# its lists and objects nest deeper than this, or when it is larger (imroc.core.safejson).
IMROC_JSON_MAX_DEPTH = env_int("IMROC_JSON_MAX_DEPTH", 64)
IMROC_JSON_MAX_BYTES = env_int("IMROC_JSON_MAX_BYTES", 5 * 1024 * 1024)

# --- Programme ------------------------------------------------------------------------------
IMROC_FRAMEWORK_DIR = BASE_DIR / "framework" / "data"
# No figure is shown for fewer people than this, so nobody can be picked out.
IMROC_SUPPRESSION_THRESHOLD = env_int("IMROC_SUPPRESSION_THRESHOLD", 5)

# --- Email: the console in development; Django's test runner swaps in locmem by itself -----
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "imroc@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Recovery college -----------------------------------------------------------------------
# Learners with no activity for this many months are anonymised by `imroc college_retention`.
IMROC_COLLEGE_RETENTION_MONTHS = env_int("IMROC_COLLEGE_RETENTION_MONTHS", 36)
