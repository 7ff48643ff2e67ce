"""One settings module; the profile comes from ALLIANCE_PROFILE (demo, production, test).

Everything a deployment changes is an environment variable named ALLIANCE_*; see docs/configuration.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from alliance.config.secrets import secret_key_from_environment_or_file

# Under pytest (which sets PYTEST_VERSION before pytest-django imports these settings) the default
# profile is "test", with a throw-away var directory, so a bare `pytest` never touches ./var.
_UNDER_PYTEST = bool(os.environ.get("PYTEST_VERSION"))
PROFILE = os.environ.get("ALLIANCE_PROFILE") or ("test" if _UNDER_PYTEST else "demo")
if PROFILE not in {"demo", "production", "test"}:
    raise RuntimeError(f"ALLIANCE_PROFILE must be demo, production or test, not {PROFILE!r}")
PRODUCTION = PROFILE == "production"

BASE_DIR = Path(__file__).resolve().parent.parent
if PROFILE == "test" and not os.environ.get("ALLIANCE_VAR_DIR"):
    import tempfile

    os.environ["ALLIANCE_VAR_DIR"] = tempfile.mkdtemp(prefix="alliance-test-")
VAR_DIR = Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
KEY_DIR = Path(os.environ.get("ALLIANCE_KEY_DIR", VAR_DIR / "keys")).resolve()

SECRET_KEY = secret_key_from_environment_or_file(VAR_DIR / "secret_key")
DEBUG = os.environ.get("ALLIANCE_DEBUG", "") == "1" and not PRODUCTION
ALLOWED_HOSTS = [h for h in os.environ.get("ALLIANCE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ALLIANCE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "huey.contrib.djhuey",
    "alliance.core",
    "alliance.directory",
    "alliance.cases",
    "alliance.screening",
    "alliance.investigations",
    "alliance.exercises",
    "alliance.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "alliance.exercises.middleware.InboxPollMiddleware",  # an inbox's "nothing new", before the whole stack
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "alliance.core.middleware.RequestSizeLimitMiddleware",
    "alliance.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "alliance.core.middleware.SessionLifetimeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "alliance.directory.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "alliance.core.middleware.NoStoreMiddleware",
    "alliance.core.middleware.ServiceErrorMiddleware",
]

ROOT_URLCONF = "alliance.config.urls"
WSGI_APPLICATION = "alliance.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "alliance.web.context.shell",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
DEFAULT_SQLITE = VAR_DIR / "alliance.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("ALLIANCE_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent: a new connection per request reparses the schema, starts with a cold page cache, and the
    # last one to close checkpoints and removes the WAL, each time (a quarter of the server's time under load).
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; synchronous=FULL makes a committed write survive
        # a power cut (NORMAL may lose the last transactions in WAL mode). secure_delete overwrites what is
        # deleted (an erased person, a purged exercise sandbox) instead of leaving it in the file's free pages.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
            " PRAGMA secure_delete=ON;"
        ),
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing on upgrade.
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if PROFILE == "test" and os.environ.get("ALLIANCE_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["ALLIANCE_TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if PROFILE == "test":
    # Tests create many accounts; argon2 at 100 MiB per hash would dominate the run. Production and
    # the demo keep Argon2id.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link is a key to the account: valid for one hour, not Django's default three days.
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"

# Lock-out: after this many failures for one account from one address, refuse for the cool-off.
ALLIANCE_LOCKOUT_FAILURES = int(os.environ.get("ALLIANCE_LOCKOUT_FAILURES", "5"))
ALLIANCE_LOCKOUT_COOLOFF = timedelta(minutes=int(os.environ.get("ALLIANCE_LOCKOUT_MINUTES", "15")))
# Second factor for roles that can read personal data: always in production, optional elsewhere.
ALLIANCE_REQUIRE_SECOND_FACTOR = PRODUCTION or os.environ.get("ALLIANCE_REQUIRE_SECOND_FACTOR", "") == "1"

# --- Sessions -------------------------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
ALLIANCE_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("ALLIANCE_IDLE_MINUTES", "15")))
ALLIANCE_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("ALLIANCE_SESSION_HOURS", "12")))
SESSION_COOKIE_AGE = int(ALLIANCE_SESSION_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = os.environ.get("ALLIANCE_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy: nonces, no inline script, no eval ------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "connect-src": ["'self'"],
    }
}

# --- Limits on what a request may carry ------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
ALLIANCE_MAX_REQUEST_BYTES = int(os.environ.get("ALLIANCE_MAX_REQUEST_BYTES", str(20 * 1024 * 1024)))
# Uploads (victims' documents, HTCDS files) stay in memory up to the request limit and are encrypted before
# they are stored: never a plaintext temporary file on disk. The size middleware refuses larger requests.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = ALLIANCE_MAX_REQUEST_BYTES
# Case documents (cases/domain/uploads.py); a request also stays under ALLIANCE_MAX_REQUEST_BYTES.
ALLIANCE_MAX_UPLOAD_MB = int(os.environ.get("ALLIANCE_MAX_UPLOAD_MB", "10"))
# A screening that did not become a case is kept this long for the facility's monitoring, then deleted
# (screening/services/retention.py, nightly). A referred screening follows its case's retention.
ALLIANCE_SCREENING_RETENTION_DAYS = int(os.environ.get("ALLIANCE_SCREENING_RETENTION_DAYS", "730"))

# --- Languages: English and Russian complete; the layout follows the language's direction ----------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Background jobs: Huey on SQLite by default, Redis when ALLIANCE_REDIS_URL is set --------------
_redis_url = os.environ.get("ALLIANCE_REDIS_URL")
HUEY = {
    "huey_class": "huey.RedisHuey" if _redis_url else "huey.SqliteHuey",
    "name": "alliance",
    "immediate": PROFILE == "test" or os.environ.get("ALLIANCE_JOBS_IMMEDIATE", "") == "1",
    "results": True,
    "utc": True,
}
if _redis_url:
    HUEY["url"] = _redis_url
else:
    HUEY["filename"] = str(VAR_DIR / "jobs.sqlite3")

# Database triggers that refuse UPDATE/DELETE on the audit table (off only for the test profile's flushes).
ALLIANCE_AUDIT_DB_GUARD = PROFILE != "test"

# --- Audit anchor: the head hash is written outside the database -----------------------------------
ALLIANCE_AUDIT_ANCHOR_FILE = Path(os.environ.get("ALLIANCE_AUDIT_ANCHOR_FILE", VAR_DIR / "audit-anchor.log"))

EMAIL_BACKEND = os.environ.get("ALLIANCE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("ALLIANCE_FROM_EMAIL", "alliance@localhost")

# Logs carry ids and field names, never personal values (SECURITY.md, V16).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ALLIANCE_LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
