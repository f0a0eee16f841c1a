"""Django settings for ShopOps.

Everything a deployment changes comes from the environment:
  DATABASE_URL          PostgreSQL (postgres://…); empty → embedded SQLite under var/
  SHOPOPS_HOME          where var/ lives (default: the current directory)
  SHOPOPS_SECRET_KEY    Django secret key (default: a key file created under var/)
  SHOPOPS_VAULT_KEY     credential-vault key (default: var/vault.key, created on first start)
  SHOPOPS_DEBUG         1 for development error pages
  SHOPOPS_ALLOWED_HOSTS comma-separated host names
  SHOPOPS_REDIS_URL     real-time fan-out across processes (optional)
  SHOPOPS_DB_POOL_SIZE  PostgreSQL connections at most per process (default 20)
Business rule numbers are not here: they live in the settings registry (core.registry).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SHOPOPS_HOME") or Path.cwd()).resolve()
VAR_DIR = HOME / "var"
VAR_DIR.mkdir(parents=True, exist_ok=True)
BACKUP_DIR = Path(os.environ.get("SHOPOPS_BACKUP_DIR") or VAR_DIR / "backups")
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"


def _key_file(name: str) -> str:
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SHOPOPS_SECRET_KEY") or _key_file("secret.key")
DEBUG = os.environ.get("SHOPOPS_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SHOPOPS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [f"http://{h}:8000" for h in ALLOWED_HOSTS]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "shopops.core",
    "shopops.accounts",
    "shopops.ops",
    "shopops.purchasing",
    "shopops.catalog",
    "shopops.inventory",
    "shopops.orders",
    "shopops.fulfillment",
    "shopops.staff",
    "shopops.service",
    "shopops.storefront",
    "shopops.aftersales",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shopops.core.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shopops.accounts.middleware.PasswordExpiryMiddleware",
    "shopops.core.access.AccessMiddleware",
]

ROOT_URLCONF = "shopops.urls"
WSGI_APPLICATION = "shopops.wsgi.application"
ASGI_APPLICATION = "shopops.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shopops.core.context.shell",
                "shopops.storefront.context.shop",
            ],
        },
    },
]

_db_url = os.environ.get("DATABASE_URL", "").strip()
if _db_url:
    DATABASES = {"default": dj_database_url.parse(_db_url)}
    DATABASES["default"].setdefault("TEST", {})
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI every request runs in a thread of its own, so connections kept per
        # thread (CONN_MAX_AGE) pile up until PostgreSQL refuses more: a pool per process
        # instead, as Django advises for ASGI. SHOPOPS_DB_POOL_SIZE connections at most per
        # process (web worker, job worker, scheduler); keep their sum under the server's
        # max_connections.
        DATABASES["default"]["OPTIONS"] = {"pool": {
            "min_size": 2, "max_size": int(os.environ.get("SHOPOPS_DB_POOL_SIZE", "20")),
            "timeout": 20}}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "shopops.sqlite3",
            "OPTIONS": {
                # IMMEDIATE: a writer takes the write lock when its transaction starts,
                # so concurrent writers queue up instead of failing on lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            # A file (not :memory:) so that threads in concurrency tests share it.
            "TEST": {"NAME": str(VAR_DIR / "test-shopops.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "shopops.accounts.passwords.MinimumLengthValidator"},
    {"NAME": "shopops.accounts.passwords.NotStartingWithDigitValidator"},
    {"NAME": "shopops.accounts.passwords.ComplexityValidator"},
    {"NAME": "shopops.accounts.passwords.NotUsernameValidator"},
]
SESSION_COOKIE_AGE = 12 * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "SHOPOPS_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        ),
    }
}

SHOPOPS_REDIS_URL = os.environ.get("SHOPOPS_REDIS_URL", "")
SHOPOPS_VAULT_KEY = os.environ.get("SHOPOPS_VAULT_KEY", "")
SHOPOPS_VAULT_KEY_FILE = VAR_DIR / "vault.key"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # A server error must leave its traceback in the server's log, DEBUG or not.
    "loggers": {"shopops": {"handlers": ["console"], "level": "INFO"},
                "django.request": {"handlers": ["console"], "level": "ERROR",
                                   "propagate": False}},
}
