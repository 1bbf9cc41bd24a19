"""Settings for the handbook, read from the environment (see .env.example).

With no DATABASE_URL an embedded PostgreSQL (pgserver) is started in var/pgdata; with no
REDIS_URL the Celery broker is a folder (kombu's filesystem transport) and the cache a
folder too. Production sets both, plus DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from handbook import embedded
from handbook.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = embedded.VAR_DIR

DEBUG = env_bool("DJANGO_DEBUG", False)
# The demo (`make run`) turns off what a laptop on http://localhost cannot do.
DEMO = env_bool("HANDBOOK_DEMO", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or DEMO or env_bool("HANDBOOK_TESTING", False)):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-development-key-" + "x" * 40

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("HANDBOOK_SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "common",
    "cells",
    "members",
    "admissions",
    "fees",
    "conduct",
    "notifications",
    "library",
    "meetings",
    "petitions",
    "consultations",
    "rollups",
    "evaluations",
    "reports",
    "api",
    "demo",
    "handbook.apps.HandbookConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "handbook.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "handbook.compression.PageGZipMiddleware",  # pages only, not those with secrets (BREACH)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "notifications.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "handbook.security.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.OfficerMFAMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "handbook.db_router.RecentWriteMiddleware",
]

ROOT_URLCONF = "handbook.urls"
WSGI_APPLICATION = "handbook.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "handbook.context_processors.site",
            ],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql")) or embedded.database_url()
# A psycopg connection pool in each process (off by default): DATABASE_POOL_MAX connections
# at most per process, so the server sees processes x DATABASE_POOL_MAX (README, "Scaling").
# Pooled connections are never persistent: DATABASE_CONN_MAX_AGE does not apply then.
DATABASE_POOL_MAX = env_int("DATABASE_POOL_MAX", 0, minimum=0, maximum=100)
DATABASE_POOL = {
    "min_size": env_int("DATABASE_POOL_MIN", 1, minimum=0, maximum=100),
    "max_size": DATABASE_POOL_MAX,
    # Seconds a request waits for a free connection before failing.
    "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1, maximum=120),
} if DATABASE_POOL_MAX else None
if DATABASE_POOL and DATABASE_POOL["min_size"] > DATABASE_POOL_MAX:
    raise ImproperlyConfigured("DATABASE_POOL_MIN is above DATABASE_POOL_MAX.")
# TCP keepalives (libpq conninfo): a connection whose peer vanished (a crashed host, a
# partition) is found dead within about a minute, not after the kernel's two hours; ignored
# on a Unix socket (the embedded server).
_DATABASE_OPTIONS = {
    "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1),
    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
# Behind PgBouncer in transaction pooling, consecutive statements may reach different server
# connections: no server-side cursors (QuerySet.iterator() then fetches everything at once).
# Advisory locks here are transaction-level (pg_advisory_xact_lock), which that mode keeps.
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)


def _database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))
    config["CONN_HEALTH_CHECKS"] = not DATABASE_POOL  # the pool checks its connections itself
    config["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_TRANSACTION_POOLING
    config.setdefault("OPTIONS", {}).update(_DATABASE_OPTIONS)
    if DATABASE_POOL:
        config["OPTIONS"]["pool"] = dict(DATABASE_POOL)
    return config


DATABASES = {"default": _database(DATABASE_URL)}
# A streaming replica for dashboards, exports and roll-up reads (handbook.db_router): only
# views and tasks marked @reads_from_replica read there, and they fall back to the primary
# while it is down or lags. Writes and migrations always go to the primary.
DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", ("postgres", "postgresql"))
if env_bool("HANDBOOK_TESTING", False):
    # The test suite reads from a replica only when given one for it (tests/replica/,
    # .ci/replica starts a streaming replica of the test server).
    DATABASE_REPLICA_URL = env_url("HANDBOOK_TEST_REPLICA_URL", ("postgres", "postgresql"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _database(DATABASE_REPLICA_URL)
    # A down replica costs one request this long, then the primary answers for a while.
    DATABASES["replica"]["OPTIONS"]["connect_timeout"] = 2
    # Tests: the replica serves the test database that streaming copies from the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# The test suite turns replica reads on only where it tests them (tests/replica/): elsewhere a
# page would race the replica's replay of what the test just wrote.
DATABASE_REPLICA_READS = not env_bool("HANDBOOK_TESTING", False)
DATABASE_ROUTERS = ["handbook.db_router.ReplicaRouter"]
# A replica further behind than this many seconds is not read (the primary answers).
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 10, minimum=0, maximum=3600)
# How long each process trusts its last look at the replica's state (up, lag).
DATABASE_REPLICA_CHECK_SECONDS = env_int("DATABASE_REPLICA_CHECK_SECONDS", 5, minimum=0, maximum=300)
# After a successful change (a POST, PUT, PATCH or DELETE) the browser reads from the
# primary for this many seconds, so a user sees what they just wrote.
DATABASE_REPLICA_AFTER_WRITE_SECONDS = env_int("DATABASE_REPLICA_AFTER_WRITE_SECONDS", 30, minimum=0,
                                               maximum=3600)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ------------------------------------------------------------
# Broker and cache in separate Redis databases (or servers): a cache's eviction policy must
# never evict queued tasks. The cache is REDIS_CACHE_URL, else the database after the
# broker's (redis://host:6379/0 -> /1; the one before it for /15, the last of Redis's 16 by
# default). The cache is an accelerator: while it is away,
# handbook.cache answers from this process's memory (rate limits fail open, sign-in works).
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
REDIS_CACHE_URL = env_url("REDIS_CACHE_URL", ("redis", "rediss"))
if REDIS_URL and not REDIS_CACHE_URL:
    from urllib.parse import urlsplit, urlunsplit

    _broker = urlsplit(REDIS_URL)
    _db = int(_broker.path.strip("/") or 0)
    REDIS_CACHE_URL = urlunsplit(_broker._replace(path=f"/{_db + 1 if _db < 15 else _db - 1}"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "handbook.cache.FailOpenRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "handbook",
            # A frozen Redis costs a request at most this, then the local fallback for a while.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False},
        }
    }
else:
    # A folder cache is shared by all processes of one machine, which is what allauth's
    # rate limits need; locmem would give each gunicorn worker its own counters.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# The folder broker writes each message whole before a worker can see it (handbook/folder_broker.py).
CELERY_BROKER_TRANSPORT = None if REDIS_URL else "handbook.folder_broker:Transport"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=10)}
    if REDIS_URL
    else embedded.broker_folders()
)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
if REDIS_URL:
    # A frozen or unreachable broker fails a publish within seconds instead of hanging a
    # request (the ledger relays what was not published).
    CELERY_BROKER_TRANSPORT_OPTIONS.update({"socket_timeout": 5, "socket_connect_timeout": 3})
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = False

# --- Authentication (django-allauth) ----------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# A phone number (members.phone reads it; +84…) signs in with a password or a code by SMS.
ACCOUNT_LOGIN_METHODS = {"username", "email", "phone"}
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Codes are read off an SMS and typed on a phone: six digits, three tries, five minutes.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_FORMS = {"request_login_code": "members.forms_sign_in.RequestPhoneCodeForm"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    # A code by SMS costs money and reaches a person: per number 3 an hour, per address
    # 10 an hour (a hall of members on one connection); members.access_codes' printed
    # codes, typed on the sign-in page, per address.
    "request_login_code": "10/h/ip,3/h/key",
    "access_code": "10/m/ip",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sổ tay Đảng viên] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Addresses are not verified (accounts come from officers), so TOTP must not wait for it.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = "Sổ tay Đảng viên"
# Accept the code of the 30-second step before or after (RFC 6238's advice): phones' clocks
# drift, and a code typed as its step ends is still the member's.
MFA_TOTP_TOLERANCE = 1
# Officers (secretaries, committee members, admins) must turn on TOTP before they work.
HANDBOOK_REQUIRE_OFFICER_MFA = env_bool("HANDBOOK_REQUIRE_OFFICER_MFA", not DEMO)

# --- SMS (notifications.transports.sms_gateway: eSMS.vn's JSON API) --------------------
HANDBOOK_SMS_BACKEND = {
    "gateway": "notifications.transports.sms_gateway.EsmsGateway",
    "console": "notifications.transports.sms_gateway.ConsoleSms",
}[env_str("HANDBOOK_SMS_BACKEND", "console" if (DEBUG or DEMO) else "gateway")]
HANDBOOK_SMS_URL = env_str(
    "HANDBOOK_SMS_URL", "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
)
HANDBOOK_SMS_API_KEY = env_str("HANDBOOK_SMS_API_KEY", "")
HANDBOOK_SMS_SECRET_KEY = env_str("HANDBOOK_SMS_SECRET_KEY", "")
HANDBOOK_SMS_SENDER = env_str("HANDBOOK_SMS_SENDER", "")
HANDBOOK_SMS_TYPE = env_str("HANDBOOK_SMS_TYPE", "2")
HANDBOOK_SMS_UNICODE = env_bool("HANDBOOK_SMS_UNICODE", True)
HANDBOOK_SMS_TIMEOUT = env_int("HANDBOOK_SMS_TIMEOUT", 10, minimum=1, maximum=60)

# --- Zalo OA template messages (notifications.transports.zalo: ZNS over HTTP) ----------
# The channel exists only with an access token and at least one approved template.
HANDBOOK_ZALO_URL = env_str("HANDBOOK_ZALO_URL", "https://business.openapi.zalo.me/message/template")
HANDBOOK_ZALO_ACCESS_TOKEN = env_str("HANDBOOK_ZALO_ACCESS_TOKEN", "")
# kind=template id, comma-separated: "meeting_reminder=283713,meeting_cancelled=283714".
HANDBOOK_ZALO_TEMPLATES = dict(item.split("=", 1) for item in env_list("HANDBOOK_ZALO_TEMPLATES", []))
HANDBOOK_ZALO_TIMEOUT = env_int("HANDBOOK_ZALO_TIMEOUT", 10, minimum=1, maximum=60)
# The access token lasts about a day; the OA's refresh token (single use, about 3 months)
# renews it every 30 minutes' check (notifications.services.zalo_token). Both tokens above
# seed the stored credential once: after that the stored pair is the one in use.
HANDBOOK_ZALO_REFRESH_TOKEN = env_str("HANDBOOK_ZALO_REFRESH_TOKEN", "")
HANDBOOK_ZALO_APP_ID = env_str("HANDBOOK_ZALO_APP_ID", "")
HANDBOOK_ZALO_SECRET_KEY = env_str("HANDBOOK_ZALO_SECRET_KEY", "")
HANDBOOK_ZALO_OAUTH_URL = env_str("HANDBOOK_ZALO_OAUTH_URL", "https://oauth.zaloapp.com/v4/oa/access_token")

# --- Web push to the installed app (notifications.transports.push: VAPID, RFC 8030/8291) --
# A key pair from `manage.py vapid_keys`; without both keys the channel is not offered.
HANDBOOK_VAPID_PUBLIC_KEY = env_str("HANDBOOK_VAPID_PUBLIC_KEY", "")
HANDBOOK_VAPID_PRIVATE_KEY = env_str("HANDBOOK_VAPID_PRIVATE_KEY", "")
# Who the push services may contact about our pushes: a mailto: or https: address.
HANDBOOK_VAPID_SUBJECT = env_str("HANDBOOK_VAPID_SUBJECT", SITE_URL if SITE_URL.startswith("https:") else
                                 "mailto:admin@localhost")
# Push services a browser's subscription may name (scheme://host, "*." for any subdomain):
# the server posts to that address, so it must be a push service, not any URL a member sends.
HANDBOOK_PUSH_SERVICES = env_list("HANDBOOK_PUSH_SERVICES", [
    "https://fcm.googleapis.com", "https://updates.push.services.mozilla.com", "https://web.push.apple.com",
    "https://*.notify.windows.com",
])
HANDBOOK_PUSH_TIMEOUT = env_int("HANDBOOK_PUSH_TIMEOUT", 10, minimum=1, maximum=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["handbook.formats"]

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Production serves hashed, compressed files collected by `collectstatic`; development and
# the demo serve straight from the source folders (no collectstatic needed).
_PRODUCTION_STATIC = not (DEBUG or DEMO or env_bool("HANDBOOK_TESTING", False))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _PRODUCTION_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not _PRODUCTION_STATIC
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880
# Largest meeting document a secretary may post (PDF, DOCX, XLSX, JPEG, PNG).
HANDBOOK_DOCUMENT_MAX_MB = env_int("HANDBOOK_DOCUMENT_MAX_MB", 10, minimum=1, maximum=100)
# How far back members' calendar feeds reach (everything ahead is always in them).
HANDBOOK_FEED_PAST_MONTHS = env_int("HANDBOOK_FEED_PAST_MONTHS", 12, minimum=1, maximum=120)
# Parts of member pages kept per cell in the cache (meetings/page_cache.py); off = render in full.
HANDBOOK_PAGE_CACHE = env_bool("HANDBOOK_PAGE_CACHE", True)
# The committee dashboard counts petitions unresolved for more than this many days (petitions.rules).
HANDBOOK_PETITION_UNRESOLVED_DAYS = env_int("HANDBOOK_PETITION_UNRESOLVED_DAYS", 30, minimum=1, maximum=3650)

# --- Email ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sổ tay Đảng viên <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security --------------------------------------------------------------------------------
SECURE_DEFAULTS = not (DEBUG or DEMO)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE_DEFAULTS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "handbook.views.csrf_failure"  # in the site's frame and language
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "handbook.sessions"  # database sessions, read with one plain statement
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", SECURE_DEFAULTS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# How many reverse proxies stand in front of the app (0: none, gunicorn faces the clients).
# Only then are X-Forwarded-Proto and X-Forwarded-For believed; handbook.security.client_ip
# is the one place that reads the client's address (allauth's and the API's rate limits).
HANDBOOK_TRUSTED_PROXIES = env_int("HANDBOOK_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
if HANDBOOK_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
ALLAUTH_TRUSTED_PROXY_COUNT = HANDBOOK_TRUSTED_PROXIES
# Sessions end after a while without a request (officers sooner) and after SESSION_COOKIE_AGE
# in any case (handbook.security.IdleTimeoutMiddleware).
HANDBOOK_SESSION_IDLE_MINUTES = env_int("HANDBOOK_SESSION_IDLE_MINUTES", 60, minimum=1, maximum=24 * 60)
HANDBOOK_OFFICER_IDLE_MINUTES = env_int("HANDBOOK_OFFICER_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_COOKIE_AGE = env_int("HANDBOOK_SESSION_HOURS", 12, minimum=1, maximum=24 * 14) * 3600
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if SECURE_DEFAULTS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- REST API (api/) -------------------------------------------------------------------------
# Bearer tokens first: its `WWW-Authenticate` makes an unauthenticated call a 401, not a 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JSONContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.WriteThrottle"],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Read at each request (api.throttles), so tests and operators can change them without a restart.
# "N/<count><unit>": 5/5m is five in five minutes.
HANDBOOK_API_THROTTLE_RATES = {
    "sign_in": env_str("HANDBOOK_API_SIGN_IN_RATE", "10/m"),
    "sign_in_login": env_str("HANDBOOK_API_SIGN_IN_LOGIN_RATE", "10/10m"),
    "mfa": env_str("HANDBOOK_API_MFA_RATE", "5/5m"),
    "write": env_str("HANDBOOK_API_WRITE_RATE", "60/m"),
}
HANDBOOK_API_TOKEN_DAYS = env_int("HANDBOOK_API_TOKEN_DAYS", 90, minimum=1, maximum=366)
HANDBOOK_API_MFA_CHALLENGE_SECONDS = 300
# A roll call of a large cell is a few kilobytes; nothing the API takes comes near this.
HANDBOOK_API_MAX_BODY_BYTES = 256 * 1024
SPECTACULAR_SETTINGS = {
    "TITLE": "Sổ tay Đảng viên API",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # In the order a mobile app meets them.
    "TAGS": [
        {"name": "Sign-in and tokens", "description": "A token for this device, the second factor, signing out."},
        {"name": "Me", "description": "The signed-in member: record, cells, roles, calendar address."},
        {"name": "Meetings", "description": "Meetings of the member's cells; scheduling and the roll call for officers."},
        {"name": "Roster", "description": "A cell's members, for its officers and the committees above."},
        {"name": "Committee", "description": "The organisations a committee seat opens, their cells and figures."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "cells.models.Organization.Kind",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "AttendanceStatusEnum": "meetings.models.Attendance.Status",
        "AttendanceMarkEnum": "api.serializers.MARK_CHOICES",
        "DocumentKindEnum": "meetings.models.MeetingDocument.Kind",
        "MemberStatusEnum": "members.models.MemberStatus",
        "MembershipKindEnum": "members.models.CellMembership.Kind",
        "PetitionStatusEnum": "petitions.models.Petition.Status",
        "PetitionActionEnum": "petitions.api.ACT_CHOICES",
        "EvaluationLevelEnum": "evaluations.models.Level",
        "DisciplineLevelEnum": "conduct.models.Discipline.Level",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess_schema",
    ],
}

# --- Rules of the work (DOMAIN.md): numbers that change every few years --------------------
HANDBOOK_RULES = {
    "regular_meeting_day": env_int("HANDBOOK_REGULAR_MEETING_DAY", 1, minimum=1, maximum=28),
    "regular_meeting_minutes": 90,
    "thematic_meeting_minutes": 120,
    "documents_days_before": 1,
    "minutes_within_days": 2,
    # DOMAIN.md: three months of a calendar year with an absence without reason lead the
    # cell to propose removal (meetings.rules.risk_level warns one month before).
    "unexcused_months_for_removal": 3,
    # The same for months of a calendar year with the party fee unpaid (fees.rules).
    "unpaid_fee_months_for_removal": 3,
    # Admission (members.rules): age at admission, and "young" for the plan's category.
    "admission_age": (18, 60),
    "young_under": 30,
    "probation_months": 12,
    "attendance_bands": [90, 75, 65],
    "reminder_offsets_minutes": [3 * 24 * 60, 2 * 60],
    # Nudges to secretaries (meetings/reminders.py).
    "next_month_schedule_by_day": 25,
    "roll_call_within_hours": 24,
    "probation_notice_days": 30,
    "badge_years": [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
    "badge_presentation_days": [(2, 3), (5, 19), (9, 2), (11, 7)],  # (month, day)
    "badge_notice_days": 60,  # the committee prepares the list two months ahead
    "nudge_hour": 8,  # date-based nudges go out from this local hour
    "nudge_catch_up_days": 7,  # a nudge missed for longer than this is no longer sent
    # Several edits of an announced meeting within this delay send one change notice.
    "change_notice_delay_minutes": 5,
}

# --- Notifications (notifications/): the delivery ledger ----------------------------------
# Backoff after a temporary failure: first wait, doubled each attempt, capped; the cap stays
# well below the broker's visibility timeout (see notifications.services.delivery.retry_delay).
# A message is retried for as long as it makes sense (a reminder: until the meeting starts),
# and never after this many hours.
NOTIFICATIONS_RETRY_SECONDS = env_int("NOTIFICATIONS_RETRY_SECONDS", 60, minimum=1)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 900, minimum=1)
NOTIFICATIONS_GIVE_UP_HOURS = env_int("NOTIFICATIONS_GIVE_UP_HOURS", 48, minimum=1)
# A message whose outcome was unknown this many times (no answer after it was written)
# most likely arrived: it is not tried again.
NOTIFICATIONS_MAX_UNCERTAIN = env_int("NOTIFICATIONS_MAX_UNCERTAIN", 2, minimum=1)
# After this many failed attempts on every channel, the member's cell officers are told.
NOTIFICATIONS_TELL_AFTER_ATTEMPTS = env_int("NOTIFICATIONS_TELL_AFTER_ATTEMPTS", 3, minimum=1)
# A delivery still waiting this long after it was enqueued, with the delivery queue empty,
# lost its broker message: the sweep (every HANDBOOK_SCAN_SECONDS) enqueues it again.
NOTIFICATIONS_REQUEUE_AFTER_SECONDS = env_int("NOTIFICATIONS_REQUEUE_AFTER_SECONDS", 30, minimum=1)
# Messages per delivery task, and rows claimed at once under one lease. The lease is renewed
# at each message; past it, another worker takes the rows back (keep it well above
# EMAIL_TIMEOUT).
NOTIFICATIONS_CHUNK_SIZE = env_int("NOTIFICATIONS_CHUNK_SIZE", 20, minimum=1)
NOTIFICATIONS_CLAIM_WINDOW = env_int("NOTIFICATIONS_CLAIM_WINDOW", 10, minimum=1)
NOTIFICATIONS_LEASE_SECONDS = env_int("NOTIFICATIONS_LEASE_SECONDS", 90, minimum=2)
# Who may read the ledger's figures at /healthz?verbose besides staff: a monitoring system
# sending "Authorization: Bearer <token>" (empty: staff only).
HANDBOOK_METRICS_TOKEN = env_str("HANDBOOK_METRICS_TOKEN", "")
# Hard time limit of a delivery task (the soft limit is 30 s earlier); docker-compose's
# stop_grace_period must stay above it.
NOTIFICATIONS_TASK_TIME_LIMIT = env_int("NOTIFICATIONS_TASK_TIME_LIMIT", 150, minimum=35)

# --- Logging: everything to stdout ------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step, and each screen-only @media rule it skips.
    "loggers": {"pgserver": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}},
}
