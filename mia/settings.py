"""MIA settings. Every value that differs between a laptop and production comes from the
environment (see .env.example); the defaults make `make run` work with nothing set."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mia.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    env_url,
    installation_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# On by default so that `make run` needs nothing; production sets DJANGO_DEBUG=false.
DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off (see .env.example)."
        )
    # Never a constant: a published key lets anyone forge sessions on a demo left running.
    SECRET_KEY = installation_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # One UserSession per signed-in session: how an account's sessions are found to end them.
    "allauth.usersessions",
    "guardian",
    "django_htmx",
    "django_filters",
    "import_export",
    "mia",
    "beneficiaries",
    "accompaniment",
    "employment",
    "housing",
    "partners",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mia.headers.NoStoreMiddleware",
    # Issue 14 (helper H): a NUL in the path or parameters is a 400, before any query.
    "mia.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mia.sessions.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mia.mfa.EnrolmentMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "mia.middleware.AuditMiddleware",
]

ROOT_URLCONF = "mia.urls"
WSGI_APPLICATION = "mia.wsgi.application"

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
                "mia.context_processors.navigation",
                "mia.mfa.banner",
            ],
        },
    },
]

# Database: SQLite on a laptop, PostgreSQL as soon as DATABASE_URL is set.
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Connections are kept a minute between requests; one the server dropped meanwhile (restart,
    # failover, idle timeout) is checked before reuse and replaced, instead of failing a request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's default (4) prices an index lookup as if it read a spinning disk; on SSDs
        # or a database held in memory, 1.1 is closer, and it keeps the planner on indexes for
        # large households' timelines instead of scanning a million follow-ups.
        random_page_cost = env_float("DATABASE_RANDOM_PAGE_COST", 1.1, minimum=0.1)
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c random_page_cost={random_page_cost}"
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and task results. Without it, tasks run in process.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))

# --- Faults of the services (issue 14): cache, Celery redelivery ---
# The cache holds allauth's counts of sign-in and reset attempts and the TOTP codes already used.
# It lives in the database, which signing in needs anyway, so that Redis down neither stops
# sign-in nor lifts the limits. Its table is made by migrate (mia.cache). A cull forgets live
# counts: room for far more keys than five minutes of attempts from many addresses leave.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "mia_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose pool process dies (killed, out of memory) goes back to the queue instead of failing
# for good. The messages of a worker killed whole stay unacknowledged in Redis, which hands them
# to a worker again after the visibility timeout: a few minutes above the longest task (the
# purges take seconds to minutes). A task may thus run twice: each has one effect (STYLE.md).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
MIA_TASK_VISIBILITY_TIMEOUT = env_int("MIA_TASK_VISIBILITY_TIMEOUT", 15 * 60, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": MIA_TASK_VISIBILITY_TIMEOUT}
# --- end of the faults block ---
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Access already ends at expiry; this deletes the grants of expired consents.
    "partners-shares-expire": {"task": "partners.tasks.shares_expire", "schedule": 24 * 3600},
    # Audit entries older than MIA_AUDIT_RETENTION_DAYS (mia.audit.purge).
    "mia-audit-purge": {"task": "mia.tasks.audit_purge", "schedule": 24 * 3600},
    # Security events older than MIA_AUDIT_RETENTION_DAYS (mia.security.purge).
    "mia-security-events-purge": {"task": "mia.tasks.security_events_purge", "schedule": 24 * 3600},
    # Expired sessions, with the search texts they hold (mia.sessions.purge_expired).
    "mia-sessions-purge": {"task": "mia.tasks.sessions_purge", "schedule": 24 * 3600},
    # Notices in MIA (accompaniment.notices), before the working day, Paris time (CELERY_TIMEZONE).
    "partners-consents-expiring": {
        "task": "partners.tasks.consents_expiring",
        "schedule": crontab(hour=5, minute=30),
    },
    "accompaniment-appointments-tomorrow": {
        "task": "accompaniment.tasks.appointments_tomorrow",
        "schedule": crontab(hour=5, minute=45),
    },
    # Rights ended yesterday read "expired"; reminders to renew (accompaniment.services_rights).
    "accompaniment-procedure-renewals": {
        "task": "accompaniment.tasks.procedure_renewals",
        "schedule": crontab(hour=5, minute=15),
    },
    # Social-housing applications to renew within a month: one reminder each (housing.services).
    "housing-application-renewals": {
        "task": "housing.tasks.application_renewals",
        "schedule": crontab(hour=5, minute=20),
    },
    # The coordinators' queue of likely duplicates, made anew from the day's files.
    "beneficiaries-duplicate-scans": {
        "task": "beneficiaries.tasks.duplicate_scans_nightly",
        "schedule": crontab(hour=5, minute=15),
    },
}

AUTH_USER_MODEL = "mia.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: login by e-mail, no public sign-up (see mia.accounts.AccountAdapter).
ACCOUNT_ADAPTER = "mia.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Every account's address is verified (invitation, migration 0006); one made another way (the
# admin, createsuperuser) types back a code mailed to it at its first sign-in.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MIA"

# Sign-in: one door, MFA (issue 8). The admin has no login of its own (mia.urls): every sign-in
# goes through allauth's, rate-limited, which asks for the TOTP code before any session exists.
# Coordinators, managers and administrators must enrol (mia.mfa) unless MIA_MFA_REQUIRED is off,
# which only the `make run` demo does by default; they are then shown a banner.
MIA_MFA_REQUIRED = env_bool("MIA_MFA_REQUIRED", default=not DEBUG)
# Fernet keys encrypting TOTP secrets at rest (mia.mfa.MFAAdapter): the first encrypts, all
# decrypt. Without them a laptop derives one from SECRET_KEY; production must set them.
MIA_MFA_KEYS = env_list("MIA_MFA_KEYS")
if not MIA_MFA_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "MIA_MFA_KEYS is required when DJANGO_DEBUG is off (see .env.example)."
    )
MFA_ADAPTER = "mia.mfa.MFAAdapter"
# The password (or a code) again before changing the e-mail address, the password or the MFA.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
MFA_REAUTHENTICATION_REQUIRED = True
# A new address replaces the login only once the code mailed to it is typed back; until then it
# is kept in the session, never stored, so neither a sign-in nor a password reset reaches it.
# The old address is told of the change (and of password and MFA changes: notifications).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# A password reset asked for an address no account uses sends nothing, to nobody.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MIA] "

# django-guardian: per-object permissions arrive with partner shares.
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded documents are private: MEDIA_ROOT is never served under a public URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MIA_MEDIA_ROOT") or BASE_DIR / "media")

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "MIA <ne-pas-repondre@mia.invalid>")

# Sessions (mia.sessions): they end after MIA_SESSION_IDLE_SECONDS without a request and
# MIA_SESSION_MAX_SECONDS after signing in, whatever writes the session. Kept in the database
# (Django's default engine, named because mia.sessions purges its table). The stored expiry
# follows the idle timeout: the middleware writes the session at most once a minute.
MIA_SESSION_IDLE_SECONDS = env_int("MIA_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
MIA_SESSION_MAX_SECONDS = env_int("MIA_SESSION_MAX_SECONDS", 12 * 3600, minimum=300)
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = MIA_SESSION_IDLE_SECONDS
# A write per request to track each session's last address: the idle clock lives in the session.
USERSESSIONS_TRACK_ACTIVITY = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # No SECURE_PROXY_SSL_HEADER: Django would believe X-Forwarded-Proto
    # from anyone. gunicorn sets the request's scheme from it only for the peers named in
    # --forwarded-allow-ips (docker-compose.yml), and Django reads that scheme.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MIA_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Programme settings.
MIA_PAGE_SIZE = env_int("MIA_PAGE_SIZE", 50, minimum=10)

# Audit trail (mia.audit): how long entries are kept, and the models whose every change is
# recorded, with where their person and household ids are read. `redact`: whatever identifies
# or describes someone and free text, stored as "modifié" (a name, phone, birth date, address,
# sex, the languages spoken, which may tell an origin; a note, a task's or goal's wording, a
# document's file name): the trail names people by id only, for a year. `ignore`: kept up to
# date by services, not a change anyone makes.
MIA_AUDIT_RETENTION_DAYS = env_int("MIA_AUDIT_RETENTION_DAYS", 365, minimum=1)
AUDITED_MODELS = {
    "beneficiaries.Person": {
        "person": "pk",
        "household": "household_id",
        "redact": [
            "first_name",
            "last_name",
            "other_names",
            "sex",
            "birth_date",
            "birth_year",
            "languages",
            "phone",
            "mail_address",
        ],
        "ignore": ["last_contact_on"],
    },
    "beneficiaries.Household": {"household": "pk", "redact": ["name"]},
    "beneficiaries.ReferentAssignment": {"person": "person_id"},
    "beneficiaries.Enrolment": {"person": "person_id"},
    "beneficiaries.DistinctPair": {"person": "first_id"},
    "accompaniment.FollowUp": {"person": "person_id", "redact": ["note"]},
    "accompaniment.Task": {"person": "person_id", "redact": ["title"]},
    "accompaniment.Goal": {"person": "person_id", "redact": ["title"]},
    "accompaniment.Step": {"person": "goal__person_id", "redact": ["title", "who"]},
    "accompaniment.Appointment": {
        "person": "person_id",
        "redact": ["address", "contact", "purpose"],
    },
    "accompaniment.ProcedureType": {},
    "accompaniment.Procedure": {"person": "person_id"},
    "accompaniment.Obstacle": {"person": "person_id", "redact": ["details"]},
    "accompaniment.Schooling": {"person": "person_id", "redact": ["school"]},
    "accompaniment.Course": {},
    "accompaniment.CourseSlot": {},
    "accompaniment.Learner": {"person": "person_id"},
    "accompaniment.ClassSession": {},
    "accompaniment.Attendance": {"person": "person_id"},
    "accompaniment.Assessment": {"person": "person_id"},
    "accompaniment.Certification": {"person": "person_id"},
    "beneficiaries.SiteLegalProcedure": {},
    "accompaniment.Action": {"redact": ["goals", "place_details"]},
    "accompaniment.ActionFunding": {},
    "employment.Employer": {"redact": ["contact"]},
    "employment.JobOffer": {"redact": ["requirements"]},
    "employment.Candidacy": {"person": "person_id"},
    "employment.CandidacyChange": {"person": "candidacy__person_id"},
    "employment.Contract": {"person": "person_id"},
    "employment.Training": {"person": "person_id"},
    "employment.Workshop": {"person": "person_id"},
    "housing.Evacuation": {},
    "housing.EvacuationHousehold": {"household": "household_id"},
    "housing.ShelterOffer": {"household": "household_id", "redact": ["place"]},
    "housing.Placement": {"household": "household_id", "redact": ["place"]},
    "housing.SiaoRequest": {"household": "household_id"},
    "housing.SocialHousingApplication": {"person": "applicant_id", "household": "household_id"},
    "housing.HousingRecourse": {"household": "household_id"},
    "partners.Referral": {"person": "person_id", "redact": ["reason", "decline_reason"]},
    "partners.ReferralEvent": {"person": "referral__person_id", "redact": ["note"]},
    "partners.Document": {"person": "person_id", "household": "household_id", "redact": ["file"]},
}
# The sites' map (beneficiaries.views_sites.site_map): the tiles' URL template for Leaflet, and
# their attribution. Empty: no tiles (the markers and the list still show). Its origin is
# allowed in the CSP's img-src below.
MIA_MAP_TILES_URL = env_url("MIA_MAP_TILES_URL", schemes=("https", "http")) or env_str(
    "MIA_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MIA_MAP_TILES_ATTRIBUTION = env_str(
    "MIA_MAP_TILES_ATTRIBUTION", "© les contributeurs d'OpenStreetMap"
)
# The tiles' origin for img-src; Leaflet's {s} subdomains as a wildcard.
MIA_MAP_TILES_ORIGINS = (
    ["{0.scheme}://{0.netloc}".format(urlsplit(MIA_MAP_TILES_URL.replace("{s}.", "*.")))]
    if MIA_MAP_TILES_URL
    else []
)
# HTTP hardening (mia.headers, mia.uploads). Content-Security-Policy (django-csp): scripts and
# styles from our static files only, no inline style or event handler; an inline script would
# need the request's nonce (request.csp_nonce). allauth's TOTP QR code is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MIA_MAP_TILES_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Largest document or photo accepted, in megabytes (a phone photo is 2 to 5).
MIA_UPLOAD_MAX_MB = env_int("MIA_UPLOAD_MAX_MB", 10, minimum=1)
# Uploads stop at MIA_UPLOAD_MAX_MB while they stream in (mia.uploads); a body without a file is
# refused from its Content-Length above this size (Django's default, said here). The proxy in
# front caps bodies too (README: client_max_body_size).
FILE_UPLOAD_HANDLERS = [
    "mia.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
