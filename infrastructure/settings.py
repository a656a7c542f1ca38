"""Testament's configuration, read from TESTAMENT_* environment variables."""

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from application.identity.policy import RegistrationMode


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
    refresh_token_days: int = Field(default=14, ge=1, le=365)
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
    result_retention_days: int = Field(default=7, ge=1, le=365)
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

    def require_servers(self) -> tuple[str, str]:
        """This function will return both server URLs, refusing a half-configured deployment."""
        if not self.database_url or not self.redis_url:
            raise ConfigurationError(
                "set both TESTAMENT_DATABASE_URL and TESTAMENT_REDIS_URL, or neither "
                "(to run with embedded servers)"
            )
        return self.database_url, self.redis_url
