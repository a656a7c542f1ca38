"""Testament's configuration, read from TESTAMENT_* environment variables."""

import secrets
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from application.identity.policy import RegistrationMode


class OidcProviderSettings(BaseModel):
    """One OpenID Connect provider (TESTAMENT_OIDC_PROVIDERS is a JSON list of these)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="in URLs: /auth/oidc/{name}"
    )
    kind: Literal["generic", "auth0", "azure-ad-b2c"] = "generic"
    issuer: str = Field(
        description="the issuer URL; discovery is {issuer}/.well-known/openid-configuration"
    )
    client_id: str
    client_secret: str = ""
    scopes: str = "openid email profile"
    display_name: str = ""
    auto_provision: bool = True
    allowed_domains: list[str] = Field(default_factory=list, description="empty: any domain")


class ConfigurationError(Exception):
    """A configuration Testament cannot run with; its message says how to fix it."""


class Settings(BaseSettings):
    """Every setting, with the default that suits one developer's machine."""

    model_config = SettingsConfigDict(env_prefix="TESTAMENT_", extra="ignore")

    database_url: str | None = Field(default=None, description="postgresql://user@host:port/db")
    redis_url: str | None = Field(default=None, description="redis://host:port/db")
    queue_namespace: str = Field(
        default="dramatiq",
        pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
        description="prefix of the task queues' Redis keys; one per deployment sharing a Redis",
    )
    data_dir: Path = Path(".data")
    secret_key: str | None = None
    previous_secret_keys: str = Field(
        default="",
        description="comma-separated secret keys still accepted to open the key ring while the"
        " secret key is rotated (docs/runbook.md, Key rotation)",
    )
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    registration: RegistrationMode | None = Field(
        default=None,
        description="open, invite-only or closed; default: open when embedded, else invite-only",
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=100, description="wrong passwords in a row that lock an account"
    )
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    login_address_max_failures: int = Field(
        default=50,
        ge=1,
        description="failed log-ins from one client address per window, then 429",
    )
    login_address_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    reset_mail_max_per_address: int = Field(
        default=3, ge=1, le=1000, description="reset e-mails one address gets per window"
    )
    reset_mail_max_per_client: int = Field(
        default=20, ge=1, description="forgot-password requests one client address may make"
    )
    reset_mail_window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    phone_code_max_per_number: int = Field(
        default=3, ge=1, le=1000, description="confirmation codes one number gets per window"
    )
    phone_code_max_per_user: int = Field(default=5, ge=1, le=1000)
    phone_code_window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    phone_code_max_tries: int = Field(
        default=5, ge=1, le=100, description="wrong codes an account may try per window"
    )
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    api_key_requests_per_minute: int = Field(
        default=600, ge=1, description="requests one API key may send per minute, then 429"
    )
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    access_log: bool = Field(default=True, description="uvicorn's line per request")
    web_workers: int = Field(
        default=1, ge=1, le=64, description="API processes (not in embedded mode)"
    )
    read_wait_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    read_wait_max_waiters: int = Field(
        default=200,
        ge=1,
        le=100_000,
        description="reads waiting for min_position at once, per API process (then 503)",
    )
    outbox_archive_after_days: int = Field(default=7, ge=0)
    pool_size: int = Field(default=10, ge=1)
    # The write path's server-side limits: no writer holds a context's events lock for long.
    lock_timeout_seconds: int = Field(
        default=5, ge=1, le=600, description="wait this long for a log's lock, then 503"
    )
    statement_timeout_seconds: int = Field(
        default=30, ge=1, le=3600, description="longest statement of an event write"
    )
    idle_in_transaction_timeout_seconds: int = Field(
        default=10, ge=1, le=3600, description="longest pause of a client inside a write"
    )
    max_event_bytes: int = Field(
        default=8 * 1024 * 1024, ge=64 * 1024, description="largest single stored event"
    )
    parse_time_limit_seconds: int = Field(
        default=120,
        ge=1,
        le=3600,
        description="a parse running this long is stopped (then retried twice, then Failed)",
    )
    projection_batch_size: int = Field(default=500, ge=1, le=10_000)
    enforce_plan_limits: bool | None = Field(
        default=None,
        description="refuse commands past the user's plan limits (403 LIMIT_EXCEEDED);"
        " default: only when Stripe billing is configured",
    )
    upgrade_url: str = Field(default="/pricing", description="where a refusal sends the user")
    stripe_secret_key: str | None = Field(default=None, description="sk_live_... / sk_test_...")
    stripe_webhook_secret: str | None = Field(default=None, description="whsec_... of the endpoint")
    stripe_api_base: str | None = Field(default=None, description="default: https://api.stripe.com")
    stripe_price_pro_monthly: str | None = Field(
        default=None, description="price_... of Pro monthly"
    )
    stripe_price_pro_yearly: str | None = Field(default=None, description="price_... of Pro yearly")
    billing_success_url: str = Field(default="http://localhost:8000/pricing?paid=1")
    billing_cancel_url: str = Field(default="http://localhost:8000/pricing")
    run_concurrency: int = Field(default=8, ge=1, le=256)
    run_stall_seconds: float = Field(
        default=30.0, gt=0, description="resume a run idle this long with no worker"
    )
    maintenance_interval_seconds: float = Field(default=15.0, gt=0)
    run_network_retries: int = Field(default=0, ge=0, le=5)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="largest request body of a JSON command (uploads: max_upload_bytes)",
    )
    oidc_providers: list[OidcProviderSettings] = Field(
        default_factory=list,
        description="identity providers users may sign in with (JSON list; docs/identity.md)",
    )
    idempotency_keep_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="how long an Idempotency-Key's answer is kept"
    )
    idempotency_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        le=120,
        description="a request waits this long for the first one under its key, then 409",
    )
    idempotency_lease_seconds: int = Field(
        default=300,
        ge=30,
        description="an unanswered key older than this was left by a dead process: taken over",
    )
    allow_private_targets: bool | None = Field(
        default=None,
        description="loopback and private addresses as targets; default: only when embedded",
    )
    # Outbound webhooks (docs/webhooks.md).
    webhook_max_attempts: int = Field(default=8, ge=1, le=50)
    webhook_retry_first_seconds: float = Field(
        default=10.0, gt=0, le=3600, description="wait after a first failed attempt, then doubled"
    )
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0, le=86400)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="an attempt not finished in this time is sent again (a worker died)",
    )
    webhook_disable_after_failures: int = Field(
        default=20, ge=1, le=10_000, description="failed attempts in a row before disabling"
    )
    webhook_sweep_interval_seconds: float = Field(default=5.0, gt=0, le=3600)
    # E-mail and SMS notifications (docs/notifications.md). No SMTP host: e-mails are logged.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_tls: str = Field(default="starttls", pattern="^(starttls|ssl|none)$")
    smtp_username: str | None = None
    smtp_password: str | None = None
    email_from: str = "Testament <testament@localhost>"
    sms_provider: str = Field(default="log", pattern="^(log|twilio)$")
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_base_url: str = "https://api.twilio.com"
    message_max_attempts: int = Field(default=5, ge=1, le=50)
    message_retry_first_seconds: float = Field(default=30.0, gt=0, le=3600)
    message_lifetime_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, description="a message not sent by then is expired"
    )
    message_lease_seconds: float = Field(default=60.0, gt=0, le=3600)
    message_archive_after_days: int = Field(default=7, ge=0)
    # How soon background work starts: each hop of an event (outbox, dispatch, delivery)
    # waited up to Dramatiq's default idle poll of 1 s, and the outbox ticker 0.5 s.
    worker_poll_ms: int = Field(
        default=50, ge=10, le=10_000, description="an idle worker checks its queues this often"
    )
    outbox_poll_seconds: float = Field(
        default=0.1, gt=0, le=60, description="how often unpublished outbox rows are looked for"
    )

    llm_base_url: str | None = Field(
        default=None,
        description="an OpenAI-compatible API (https://api.openai.com/v1, a vLLM or Ollama "
        "server's /v1); unset: LLM assistance is off",
    )
    llm_api_key: str | None = Field(default=None, description="sent as the Bearer token")
    llm_model: str | None = Field(default=None, max_length=100, description="e.g. gpt-4o-mini")
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="retries of one call on timeouts, 429 and 5xx"
    )
    llm_concurrency: int = Field(
        default=4, ge=1, le=256, description="model calls at once across the whole deployment"
    )
    llm_cache_days: int = Field(
        default=7, ge=0, le=365, description="how long a valid answer answers the same question"
    )
    llm_auto_explain_failures: int = Field(
        default=0, ge=0, le=100, description="explain a run's first N failures when it ends"
    )

    @property
    def llm_configured(self) -> bool:
        """Whether LLM assistance is on (a base URL and a model are set)."""
        return bool(self.llm_base_url and self.llm_model)

    audit_signing_key: str = Field(
        default="",
        pattern=r"^([0-9a-fA-F]{64})?$",
        description="Ed25519 seed (64 hex digits) signing audit digests; default: derived"
        " from the secret key",
    )
    audit_digest_minutes: float = Field(
        default=60.0, gt=0, description="how often a signed digest of the chain is taken"
    )

    @property
    def plan_limits_enforced(self) -> bool:
        """Whether plans limit what users do: by default only on a deployment that bills
        (STRIPE_SECRET_KEY set). A team's own install, `make run` among them, is not held to
        the Free plan's one project and twenty cases unless it asks to be."""
        if self.enforce_plan_limits is not None:
            return self.enforce_plan_limits
        return bool(self.stripe_secret_key)

    @property
    def private_targets_allowed(self) -> bool:
        """Whether requests may go to loopback and private ranges (yes by default when embedded)."""
        return self.embedded if self.allow_private_targets is None else self.allow_private_targets

    @property
    def registration_mode(self) -> RegistrationMode:
        """Who may open an account (open by default only on an embedded, one-machine install)."""
        if self.registration is not None:
            return self.registration
        return RegistrationMode.OPEN if self.embedded else RegistrationMode.INVITE_ONLY

    @property
    def billing_configured(self) -> bool:
        """Whether Stripe is set up: a secret key, a webhook secret and at least one price."""
        prices = self.stripe_price_pro_monthly or self.stripe_price_pro_yearly
        return bool(self.stripe_secret_key and self.stripe_webhook_secret and prices)

    @property
    def embedded(self) -> bool:
        """Whether Testament starts its own PostgreSQL and Redis (no URLs configured)."""
        return not self.database_url and not self.redis_url

    def resolved_secret_key(self) -> str:
        """This function will return the signing key, creating one under the data dir if embedded.

        Raises ConfigurationError when servers are configured but no key is.
        """
        if self.secret_key:
            if len(self.secret_key) < 32:
                raise ConfigurationError("TESTAMENT_SECRET_KEY must be at least 32 characters long")
            return self.secret_key
        if not self.embedded:
            raise ConfigurationError(
                "TESTAMENT_SECRET_KEY is required when TESTAMENT_DATABASE_URL or "
                "TESTAMENT_REDIS_URL is set (generate one with: python -c "
                "'import secrets; print(secrets.token_urlsafe(48))')"
            )
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()

    def resolved_previous_secret_keys(self) -> tuple[str, ...]:
        """This function will give the previous secret keys, in the order given."""
        return tuple(k.strip() for k in self.previous_secret_keys.split(",") if k.strip())

    def require_servers(self) -> tuple[str, str]:
        """This function will return both server URLs, refusing a half-configured deployment."""
        if not self.database_url or not self.redis_url:
            raise ConfigurationError(
                "set both TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or neither "
                "(to run with embedded servers)"
            )
        return self.database_url, self.redis_url
