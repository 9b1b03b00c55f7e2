"""Settings for the customer-archive system.

Everything that differs between a laptop and a deployment comes from the environment
(see README "Configuration"). The embedded default is SQLite under ``var/`` with Celery
running tasks in-process; ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and the
real broker. With ``DEBUG`` off a missing ``SECRET_KEY`` stops start-up.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "axes",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "csp",
    "import_export",
    "core",
    "customers",
    "records",
    "documents",
    "lending",
    "destruction",
    "reports",
]

MIDDLEWARE = [
    # First, before anything reads request.POST: a file named ".." is refused, not dropped.
    "core.uploads.UploadedFileNamesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After auth and messages: ends idle or over-age sessions with a message.
    "core.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "archive_project.urls"
WSGI_APPLICATION = "archive_project.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

# Every form, the admin's and the filters' too: a select's empty choice reads "Please choose".
FORM_RENDERER = "core.renderers.ArchiveFormRenderer"

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'archive.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Persistent connections: a new one costs PostgreSQL a backend's fork and the authentication on
# every request (docs/PERFORMANCE.md). Each worker keeps its own for a minute; the health check
# replaces one the server dropped before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    if not env.bool("DATABASE_JIT", default=False):
        # PostgreSQL's JIT pays off on long analytical queries; on the list pages it compiled
        # for up to 0.8 s to save milliseconds whenever the planner overestimated a subplan
        # (bench/README.md). DATABASE_JIT=1 leaves the server's setting alone.
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
# The busiest lists keep their SQL compiled per process (core.compiled). With this on, every
# reuse is compiled again and compared, and a list whose key misses an input of its SQL
# raises; the test suite turns it on (tests/conftest.py). Costs the saving; off in production.
COMPILED_QUERIES_VERIFY = env.bool("COMPILED_QUERIES_VERIFY", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First: axes refuses locked-out accounts. Then the published demo password is refused
    # whenever DEBUG is off (counted by axes like any failed login), on every login path.
    "axes.backends.AxesStandaloneBackend",
    "core.auth.DemoPasswordRefusedBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.auth.DemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock an account at an address after too many failed logins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

# django-guardian: no anonymous user, every page needs a login.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# one date format per language: core/formats/<locale>/formats.py
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    # --- statistics (R40, R41): the charts ---
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
BACKUP_DIR = env.path("BACKUP_DIR", default=VAR_DIR / "backups")
if DEBUG:  # whitenoise looks for STATIC_ROOT even when it serves from the finders
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Celery (django-celery-beat keeps the schedule editable in admin) ----------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the tasks run in-process. Called directly their errors propagate; queued
# after a commit (core.tasks.enqueue_on_commit) they are logged, as a broker failure is.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A broker that is down or never answers holds a request a few seconds at most: short socket
# timeouts and one retry to publish (kombu) and to reach the results (celery retries 20 times,
# ~20 s, by default). The caller logs the failure; the periodic sweep sends what was left.
BROKER_CONNECT_TIMEOUT = env.float("BROKER_CONNECT_TIMEOUT", default=1.0)
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=3.0)
# Redis hands an unacknowledged task to another worker after this many seconds, which is how
# the task of a killed worker comes back (kombu's default is an hour). It must be longer than
# any acks-late task runs plus its retry countdown, for a worker holds a retried task
# unacknowledged until the countdown ends, or Redis gives a live task to a second worker.
# Ours: notification e-mails stop a batch after 5 minutes and retry after 5 minutes at most,
# so 15 minutes; a killed worker's task runs again 15-17 minutes later (docs/core.md).
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=15 * 60)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # Workers look for such tasks every 10 s; kombu 5.7 scans only every 10th look (100 s)
    # by default, which would add up to a minute and a half to each redelivery.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": BROKER_CONNECT_TIMEOUT,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
}
_ONE_QUICK_RETRY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = _ONE_QUICK_RETRY
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _ONE_QUICK_RETRY}
# Acknowledged when done, so a killed worker's task is delivered again; the tasks that are
# idempotent also declare reject_on_worker_lost, those that are not acks_late=False
# (core/tasks.py, documents/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# --- statistics (R40): the month and day (MM-DD) the year's statistics are counted, before
# 31 December; the default leaves the archive room ten days to check and report them.
_yearly = env.str("STATISTICS_YEARLY_MONTH_DAY", default="12-20")
try:
    STATISTICS_YEARLY_MONTH_DAY = tuple(int(part) for part in _yearly.split("-"))
    _month, _day = STATISTICS_YEARLY_MONTH_DAY
    if not (1 <= _month <= 12 and 1 <= _day <= 31) or (_month, _day) >= (12, 31):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        "STATISTICS_YEARLY_MONTH_DAY must be a month and day before 31 December, such as 12-20."
    ) from None
# The default schedule; django-celery-beat's DatabaseScheduler copies it into its tables at
# start, where admins see, change and pause it (times in CELERY_TIMEZONE, Asia/Shanghai).
CELERY_BEAT_SCHEDULE = {
    "documents-integrity-weekly": {  # R45
        "task": "documents.tasks.check_document_files",
        "schedule": crontab(minute=0, hour=2, day_of_week="sun"),
    },
    "documents-handover-reminder": {  # R30: every half year
        "task": "documents.handover_tasks.remind_half_yearly_handover",
        "schedule": crontab(minute=0, hour=9, day_of_month=1, month_of_year="1,7"),
    },
    # the e-mails that a broker outage or a killed worker left unsent
    "core-unsent-notification-emails": {
        "task": "core.tasks.send_unsent_notification_emails",
        "schedule": crontab(minute="*/5"),
    },
    # R23: loans due, overdue and out more than 15 days; once a day, before the desks open
    "lending-escalate-loans": {
        "task": "lending.escalate_loans",
        "schedule": crontab(minute=30, hour=7),
    },
    # the dossiers' balances a charge fell due for (the arrears page reads them)
    "records-refresh-balances": {
        "task": "records.refresh_balances",
        "schedule": crontab(minute=5, hour=0),
    },
    # R34, R39: what falls due for appraisal, recomputed every night
    "destruction-refresh-retention": {
        "task": "destruction.refresh_retention",
        "schedule": crontab(minute=30, hour=2),
    },
    # a destruction whose task was lost (a broker outage, a dead worker) is resumed
    "destruction-resume-executions": {
        "task": "destruction.resume_executions",
        "schedule": crontab(minute="*/15"),
    },
    # --- statistics (R40) and the monthly complaint summary (R41) ---
    # R40: the year's statistics, counted before 31 December (STATISTICS_YEARLY_MONTH_DAY)
    "reports-yearly-statistics": {
        "task": "reports.compile_yearly_statistics",
        "schedule": crontab(
            minute=0,
            hour=6,
            month_of_year=STATISTICS_YEARLY_MONTH_DAY[0],
            day_of_month=STATISTICS_YEARLY_MONTH_DAY[1],
        ),
    },
    # R41: the month before's complaint summary, on the 1st
    "reports-monthly-complaint-summary": {
        "task": "reports.compile_complaint_summary",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
}

# --- E-mail --------------------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="archive@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=True) else None
)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Sessions (core.auth, core.middleware.SessionTimeoutMiddleware): an absolute lifetime counted
# from the login, an idle timeout, and a cookie that ends with the browser unless the user
# ticks "stay signed in" at the login.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)

# A time typed from a clock a few minutes fast (a phone, the wall clock) is not "in the
# future": how many minutes ahead of the server it may be (core.workflow.clock_slack).
CLOCK_SLACK_MINUTES = env.int("CLOCK_SLACK_MINUTES", default=5)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# No inline scripts or styles: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    },
}

# --- Logging -------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Refusals and sensitive reads (also kept as AccessLog rows).
        "archive.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# --- The product ---------------------------------------------------------------------
# The company name printed on covers and registers (data, not a UI string).
ARCHIVE_COMPANY_NAME = env.str("ARCHIVE_COMPANY_NAME", default="示例物业服务有限公司")
# Where people reach the app: used to make links in e-mails absolute.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# bench/run only: routes /bench/hello, the baseline the pages are measured against. Never set in
# production, so no such URL exists there (nor in the security matrix).
BENCH_HELLO = env.bool("BENCH_HELLO", default=False)
# R2: one archive-number format company-wide, derived from the unit. Fields: {estate} (estate
# code), {building}, {entrance}, {room}, {floor}. Empty parts and their separators are dropped.
ARCHIVE_NUMBER_FORMAT = env.str(
    "ARCHIVE_NUMBER_FORMAT", default="{estate}-{building}-{entrance}-{room}"
)

# Uploaded document files (R45): accepted types are sniffed from the content, not the name.
DOCUMENT_UPLOAD_MAX_MB = env.int("DOCUMENT_UPLOAD_MAX_MB", default=20)
DOCUMENT_UPLOAD_TYPES = env.list(
    "DOCUMENT_UPLOAD_TYPES", default=["application/pdf", "image/jpeg", "image/png", "image/tiff"]
)
# A TrueType CJK font embedded in every PDF (Debian: fonts-wqy-microhei).
PDF_CJK_FONT = env.str("PDF_CJK_FONT", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# R16: a reveal of personal data needs a reason that says something, and shows the dossier's
# data whole to that user for a few minutes (every page that does so is logged).
PERSONAL_DATA_REVEAL_MINUTES = env.int("PERSONAL_DATA_REVEAL_MINUTES", default=10)
PERSONAL_DATA_REVEAL_REASON_MIN_LENGTH = env.int(
    "PERSONAL_DATA_REVEAL_REASON_MIN_LENGTH", default=4
)
# R42: a complaint not handled (replied to, or followed up) this many days after it was
# received is overdue: flagged on the list, its own filter and a section of the home page.
COMPLAINT_HANDLE_DAYS = env.int("COMPLAINT_HANDLE_DAYS", default=3)
# R36/R37: a batch's execution destroys this many items per transaction (destruction.execution)
DESTRUCTION_CHUNK_SIZE = env.int("DESTRUCTION_CHUNK_SIZE", default=100)
# How long backups are kept, in months: the destruction register says until when copies of the
# destroyed items remain in them.
BACKUP_RETENTION_MONTHS = env.int("BACKUP_RETENTION_MONTHS", default=12)
# R23: how loan days are counted (lending.calendar): "calendar" days, or "working" days
# (weekends and the holiday table's days off skipped, its make-up days counted).
LENDING_DAY_COUNT = env.str("LENDING_DAY_COUNT", default="calendar")
if LENDING_DAY_COUNT not in ("calendar", "working"):
    raise ImproperlyConfigured('LENDING_DAY_COUNT must be "calendar" or "working".')

# --- The scheduled jobs and the backups (R44, R45; docs/operations.md) ---------------------
# Backups are written under BACKUP_ROOT (BACKUP_DIR is its older name, still read).
BACKUP_ROOT = env.path("BACKUP_ROOT", default=BACKUP_DIR)
# Keep the newest BACKUP_KEEP good backups; older archives are removed (their rows kept as
# "pruned"). Whatever this count, no archive older than BACKUP_RETENTION_MONTHS is kept except
# the newest good one: the destruction register promises that copies of the destroyed files
# leave the backups by then. Monthly backups and BACKUP_KEEP=12 cover the 12 months.
BACKUP_KEEP = env.int("BACKUP_KEEP", default=12)
# A risky operation (a destruction's execution, a bulk import) uses a good backup made this
# recently, or one is made first (core.safeguards).
BACKUP_FRESH_MINUTES = env.int("BACKUP_FRESH_MINUTES", default=60)
# R45: archives are encrypted with age to these public keys (age1…, comma-separated) when set;
# the restore drill and restore_backup decrypt with the secret key in BACKUP_AGE_IDENTITY_FILE.
BACKUP_AGE_RECIPIENTS = env.list("BACKUP_AGE_RECIPIENTS", default=[])
BACKUP_AGE_IDENTITY_FILE = env.str("BACKUP_AGE_IDENTITY_FILE", default="")
# pg_dump and pg_restore of the server's major version (the image installs postgresql-client).
BACKUP_PG_DUMP = env.str("BACKUP_PG_DUMP", default="pg_dump")
BACKUP_PG_RESTORE = env.str("BACKUP_PG_RESTORE", default="pg_restore")
# A running job beats every JOB_HEARTBEAT_SECONDS; one silent for JOB_HEARTBEAT_TIMEOUT_MINUTES
# has lost its worker: the watchdog marks it failed and tells the administrators.
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=30)
JOB_HEARTBEAT_TIMEOUT_MINUTES = env.int("JOB_HEARTBEAT_TIMEOUT_MINUTES", default=10)
CELERY_BEAT_SCHEDULE.update(
    {
        # R44: on the 1st of every month, at night
        "reports-backup-monthly": {
            "task": "reports.make_backup",
            "schedule": crontab(minute=30, hour=1, day_of_month=1),
            "kwargs": {"reason": "monthly"},
        },
        # runs and backups whose worker stopped are marked failed, administrators told
        "reports-watchdog": {
            "task": "reports.watchdog",
            "schedule": crontab(minute="*/5"),
        },
    }
)
