"""Configuration from `CPC_` environment variables, with embedded defaults for a first run."""

from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from service.domain.working_days import BankHolidayRegion
from service.logs import LogFormat
from service.package_files import template_folder

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105 - refused in production
DEVELOPMENT_AUDIT_KEY = "development-only-audit-key-change-me"  # refused in production
# Pages, emails and printed records: read by the web layer and by the steps that compose the
# information a family is shown.
TEMPLATE_DIR = template_folder()
# Where a first run keeps its SQLite database and development mailbox: the working directory
# `make run` starts in (the checkout), or wherever an installed service is started.
LOCAL_DATA_DIR = Path("var")


class Environment(StrEnum):
    """Where the service runs: development relaxes cookies and opens the local mailbox."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


MIN_KEY_LENGTH = 32
# Keys that appear in this repository, its documentation or its tests: public, so never safe.
PUBLIC_KEYS = frozenset({DEVELOPMENT_SECRET_KEY, DEVELOPMENT_AUDIT_KEY})


def weak_key_problem(key: str) -> str | None:
    """Why a key must not be used in production, or None when it is long and not public."""
    if key in PUBLIC_KEYS:
        return "is a public development key: anyone could use it to forge sign-ins and links."
    if len(key) < MIN_KEY_LENGTH:
        return f"must be at least {MIN_KEY_LENGTH} characters long in production."
    if len(set(key)) < 8:
        return "is too predictable: use a long random value, such as `openssl rand -base64 48`."
    return None


class Settings(BaseSettings):
    """Every setting the service reads; each is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="CPC_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite+aiosqlite:///{LOCAL_DATA_DIR / 'cpc-observers.db'}"
    secret_key: str = DEVELOPMENT_SECRET_KEY
    previous_secret_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Seals the audit log's hash chain. Kept outside the database, so nobody who can only
    # write to the database can rewrite an entry and seal it again.
    audit_key: str = DEVELOPMENT_AUDIT_KEY
    base_url: str = "http://127.0.0.1:8000"

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.NONE
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "cpc-observers@localhost"
    qa_mailbox: str = "safeguarding-qa@localhost"
    qa_service_phone: str = "01234 567890"
    qa_service_name: str = "Safeguarding Quality Assurance Service"
    # The council that runs the service: the data controller named in the privacy notice and
    # the body the accessibility statement speaks for.
    organisation_name: str = "Example Council"
    # Where people ask for the service in another format or report an accessibility problem;
    # empty means the QA Service's mailbox. The phone number is the QA Service's.
    accessibility_contact_email: str | None = None
    # The day the council last checked the service's accessibility itself, as YYYY-MM-DD;
    # unset, the statement says it has not yet done so.
    accessibility_last_checked: date | None = None
    # The council's data protection officer, named in the privacy notice.
    data_protection_officer_email: str = "data-protection@localhost"
    # Where "Exit this page" on the family's pages leads: a neutral page that gives nothing away.
    exit_page_url: str = "https://www.bbc.co.uk/weather"
    # GOV.UK Notify, for text messages (and family email, when asked): the API key, its
    # address, and the ids of the templates set up in Notify for this service.
    notify_api_key: str | None = None
    notify_base_url: str = "https://api.notifications.service.gov.uk"
    notify_sms_template_id: str | None = None
    notify_email_template_id: str | None = None
    # The bearer token Notify sends with its delivery receipts to POST /notify/callback.
    notify_callback_token: str | None = None
    # Letters posted through Notify's precompiled letter service, for people QA chose to reach
    # by post. Off, QA prints each letter from the request page to post or hand over.
    notify_letters: bool = False
    # The case-management system's address for outcome webhooks, and the secret both sides
    # sign them with (HMAC-SHA256); with both set, each change of outcome is POSTed there.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # A council in Wales offers its service in Welsh: a family member whose language is not
    # yet known is written to in Welsh and English, Welsh first.
    welsh_language: bool = False
    dev_mailbox_dir: Path = LOCAL_DATA_DIR / "mail"
    dispatch_in_process: bool = True
    dispatch_interval_seconds: float = 2.0
    # How long a dispatcher holds a message it is sending before another may take it back;
    # renewed every third of it while the message is on its way.
    dispatch_lease_seconds: float = Field(default=120.0, ge=1.0, le=3600.0)
    max_delivery_attempts: int = Field(default=12, ge=1, le=100)

    min_notice_working_days: int = Field(default=5, ge=0, le=60)
    consent_deadline_working_days: int = Field(default=1, ge=0, le=30)
    bank_holiday_region: BankHolidayRegion = BankHolidayRegion.ENGLAND_AND_WALES
    max_observers_per_conference: int = Field(default=1, ge=1, le=10)
    max_reminders: int = Field(default=1, ge=0, le=3)
    reminder_working_days_before_deadline: int = Field(default=2, ge=1, le=10)
    jobs_interval_seconds: float = 60.0
    # Each dispatcher (in `serve`, or `dispatch` on its own) reports in this often; /readyz fails
    # when none has for three of these, unless no dispatcher is expected to share this database.
    dispatch_report_interval_seconds: float = Field(default=10.0, ge=0.1, le=600.0)
    ready_expects_dispatcher: bool = True
    # /readyz fails when a message due for sending has waited longer than this.
    ready_max_outbox_age_seconds: int = Field(default=900, ge=1)
    # The bearer token a Prometheus scraper sends to GET /metrics; unset, /metrics is not there.
    metrics_token: str | None = None
    # Log lines as plain text (a terminal) or one JSON object a line (a log collector).
    log_format: LogFormat = LogFormat.TEXT
    # QA's statistics show counts from 1 to 4 as "fewer than 5" everywhere (page, CSV, API),
    # for figures that will be published.
    statistics_suppress_small: bool = False
    bad_link_limit: int = Field(default=10, ge=1)
    mail_body_retention_days: int = Field(default=30, ge=0)
    trainee_email_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Proxies whose X-Forwarded-For is believed (addresses or networks); none by default, so a
    # client cannot claim to be someone else.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # A staff session ends after this long without a request, and in any case after the
    # maximum age; a staff page warns two minutes before the first.
    session_idle_seconds: int = Field(default=1800, ge=300, le=24 * 3600)
    session_max_age_seconds: int = Field(default=8 * 3600, ge=300)
    # Whether QA officers and administrators signing in with a password must use a second
    # factor: by default yes in production, no in development.
    require_mfa: bool | None = None
    # Whether staff may sign in with a password here; a council using only its own single
    # sign-on turns this off.
    local_passwords: bool = True
    # Single sign-on with the council's OpenID provider (Microsoft Entra ID, Google
    # Workspace...): on when an issuer and a client id are set.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_role_claim: str = "roles"
    oidc_role_trainee: str = "trainee"
    oidc_role_qa: str = "qa"
    oidc_role_admin: str = "admin"
    # Every request body is read in full before any route runs, within these bounds.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    # The interactive API pages (/docs, /redoc); off in production unless turned on. The
    # OpenAPI document itself stays at /openapi.json.
    api_docs: bool | None = None

    _split_previous = field_validator("previous_secret_keys", mode="before")(_comma_list)
    _split_domains = field_validator("trainee_email_domains", mode="before")(_comma_list)
    _split_proxies = field_validator("trusted_proxies", mode="before")(_comma_list)

    @field_validator("exit_page_url")
    @classmethod
    def _exit_page_is_a_web_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("CPC_EXIT_PAGE_URL must be a web address starting with https://")
        return value

    @model_validator(mode="after")
    def _someone_can_sign_in(self) -> "Settings":
        if not self.local_passwords and not self.oidc_enabled:
            raise ValueError(
                "CPC_LOCAL_PASSWORDS is off and single sign-on is not set up, so nobody could "
                "sign in. Set CPC_OIDC_ISSUER and CPC_OIDC_CLIENT_ID, or turn passwords back on."
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_keys_in_production(self) -> "Settings":
        if self.env is not Environment.PRODUCTION:
            return self
        if self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise ValueError(
                "CPC_SECRET_KEY is still the development key. Set CPC_SECRET_KEY to a long random "
                "value (for example from `openssl rand -base64 48`) before running in production."
            )
        problem = weak_key_problem(self.secret_key)
        if problem:
            raise ValueError(f"CPC_SECRET_KEY {problem}")
        problem = weak_key_problem(self.audit_key)
        if problem:
            raise ValueError(f"CPC_AUDIT_KEY {problem}")
        if self.audit_key == self.secret_key:
            raise ValueError(
                "CPC_AUDIT_KEY must differ from CPC_SECRET_KEY: the audit key seals the record "
                "and should be kept apart from the key that signs links."
            )
        for number, key in enumerate(self.previous_secret_keys, start=1):
            # An older key still signs valid sign-ins and links: a weak or public one would
            # let anyone forge them, however strong the current key is.
            problem = weak_key_problem(key)
            if problem:
                raise ValueError(f"Key {number} of CPC_PREVIOUS_SECRET_KEYS {problem}")
        return self

    @model_validator(mode="after")
    def _webhook_is_usable(self) -> "Settings":
        url, secret = self.webhook_url, self.webhook_secret
        if not url and not secret:
            return self
        parts = urlsplit(url or "")
        if not secret or parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("CPC_WEBHOOK_URL (a web address) and CPC_WEBHOOK_SECRET go together.")
        if len(url or "") > 254:  # the outbox keeps it in a 254-character address column
            raise ValueError("CPC_WEBHOOK_URL must be 254 characters or fewer.")
        if self.env is Environment.PRODUCTION:
            if parts.scheme != "https":
                raise ValueError("CPC_WEBHOOK_URL must start with https:// in production.")
            problem = weak_key_problem(secret)
            if problem:
                raise ValueError(f"CPC_WEBHOOK_SECRET {problem}")
        return self

    @property
    def webhooks_enabled(self) -> bool:
        """Whether each change of outcome is POSTed to the case-management system."""
        return bool(self.webhook_url and self.webhook_secret)

    @property
    def api_docs_shown(self) -> bool:
        """Whether /docs and /redoc are served: by default only in development."""
        return self.api_docs if self.api_docs is not None else self.is_development

    @property
    def trainee_registration_open(self) -> bool:
        """Whether trainees can create their own accounts here: only with passwords allowed
        and at least one email domain to register from, as every other address is refused."""
        return self.local_passwords and bool(self.trainee_email_domains)

    @property
    def mfa_required(self) -> bool:
        """Whether QA officers and administrators must use a second factor with a password."""
        return self.require_mfa if self.require_mfa is not None else not self.is_development

    @property
    def oidc_enabled(self) -> bool:
        """Whether the sign-in page offers the council's own accounts."""
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def texts_available(self) -> bool:
        """Whether text messages can be sent: Notify, its text message template, and the token
        for its delivery receipts are set. Without receipts a text that never arrived would
        look sent, and nobody would ask the person in person."""
        return bool(
            self.notify_api_key and self.notify_sms_template_id and self.notify_callback_token
        )

    @property
    def letters_available(self) -> bool:
        """Whether letters are posted through Notify: asked for, with Notify and the token for
        its receipts set (a letter that never arrived must not look sent)."""
        return bool(self.notify_letters and self.notify_api_key and self.notify_callback_token)

    @property
    def is_development(self) -> bool:
        """True when running on a developer's machine."""
        return self.env is Environment.DEVELOPMENT


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings read once from the environment."""
    return Settings()
