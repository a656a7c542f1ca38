"""The composition root: the one place that connects Testament's parts."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import psycopg
import redis
from eventsourcing.application import Application

from application.apidoc.app import ApidocApplication
from application.apidoc.intake import SpecificationIntake
from application.identity.app import IdentityApplication
from application.identity.policy import LockoutPolicy
from application.identity.ports import PasswordHasher
from application.storage.app import StorageApplication
from application.testexec.app import TestexecApplication
from application.testexec.execution import ExecutionSettings
from application.testexec.reading import EnvironmentQueries, RunQueries
from application.testgen.app import TestgenApplication
from domain.specifications.parsed import ParsedSpecification, SourceType
from infrastructure.clock import SystemClock
from infrastructure.contexts.apidoc_catalog import ApidocProjectCatalog
from infrastructure.contexts.testgen_suites import TestgenSuiteSource
from infrastructure.embedded.servers import EmbeddedServers, start_embedded
from infrastructure.execution.engine import HttpExecutionEngine
from infrastructure.http.outbound import OutboundPolicy
from infrastructure.postgres.eventstore import WriteLimits, cipher_env, postgres_env
from infrastructure.postgres.idempotency import IDEMPOTENCY_DDL, IdempotencyLedger
from infrastructure.postgres.pool import DictPool, check_reachable, open_pool
from infrastructure.projections.catalog import READ_MODELS, SCHEMAS, ReadModel
from infrastructure.projections.health import Health, check_health
from infrastructure.projections.runner import ProjectionRunner
from infrastructure.projections.stalls import STALLS_DDL
from infrastructure.projections.tracking import TRACKING_DDL
from infrastructure.read_models.postgres.file_readers import PostgresExpiredFiles
from infrastructure.read_models.postgres.readers import PostgresProjectReader, PostgresUserReader
from infrastructure.read_models.postgres.spec_readers import PostgresSpecificationReader
from infrastructure.read_models.postgres.testexec_readers import PostgresTestexecReader
from infrastructure.read_models.postgres.testgen_readers import PostgresTestgenReader
from infrastructure.redis.results import RedisHotResults
from infrastructure.redis.run_events import RedisRunEvents
from infrastructure.security.passwords import Argon2PasswordHasher
from infrastructure.security.revocations import SessionRevocations
from infrastructure.security.secrets import AesGcmSecretBox
from infrastructure.security.throttle import LoginThrottle
from infrastructure.security.tokens import REFRESH_TOKENS_DDL, TokenService
from infrastructure.settings import ConfigurationError, Settings
from infrastructure.specs.imports import OutboundSpecificationImports
from infrastructure.specs.postman_importer import PostmanExchange
from infrastructure.specs.service import SpecificationParser
from infrastructure.storage.local import LocalFileStore, StorageSpecificationSource

log = logging.getLogger(__name__)


class FixedRetention:
    """Retention days of hot results until plans exist: the same for every user."""

    def __init__(self, days: int) -> None:
        self._days = days

    def days_for(self, user_id: UUID) -> int:
        return self._days


class LimitedParser:
    """The specification parser with the deployment's size limit."""

    def __init__(self, parser: SpecificationParser, max_bytes: int) -> None:
        self._parser, self._max_bytes = parser, max_bytes

    def parse(
        self,
        content: bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        format_hint: SourceType | None = None,
    ) -> ParsedSpecification:
        return self._parser.parse(
            content,
            filename=filename,
            content_type=content_type,
            format_hint=format_hint,
            max_bytes=self._max_bytes,
        )


@dataclass
class Servers:
    """The PostgreSQL and Redis Testament talks to, and the embedded ones it started, if any."""

    database_url: str
    redis_url: str
    embedded: EmbeddedServers | None = None


def resolve_servers(settings: Settings) -> Servers:
    """This function will return the configured servers, or start embedded ones when none are.

    Raises ConfigurationError with a readable message when a server cannot be reached.
    """
    if settings.embedded:
        embedded = start_embedded(settings.data_dir)
        return Servers(embedded.database_url, embedded.redis_url, embedded)
    database_url, redis_url = settings.require_servers()
    check_reachable(database_url)
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as error:
        raise ConfigurationError(f"cannot reach Redis at {redis_url}: {error}") from None
    return Servers(database_url, redis_url)


@dataclass
class Runtime:
    """Everything a process of Testament uses, built once."""

    settings: Settings
    servers: Servers
    identity: IdentityApplication
    apidoc: ApidocApplication
    storage: StorageApplication
    testgen: TestgenApplication
    testexec: TestexecApplication
    pool: DictPool
    redis: redis.Redis
    tokens: TokenService
    throttle: LoginThrottle
    projects: PostgresProjectReader
    users: PostgresUserReader
    specifications: PostgresSpecificationReader
    suites: PostgresTestgenReader
    runs: PostgresTestexecReader
    run_queries: RunQueries
    environment_queries: EnvironmentQueries
    run_events: RedisRunEvents
    hot_results: RedisHotResults
    idempotency: IdempotencyLedger
    intake: SpecificationIntake
    postman: PostmanExchange
    _closed: bool = field(default=False)

    def applications(self) -> dict[str, Application[Any]]:
        return {
            app.name: app
            for app in (self.identity, self.apidoc, self.storage, self.testgen, self.testexec)
        }

    def runners(self, models: tuple[ReadModel, ...] = READ_MODELS) -> list[ProjectionRunner]:
        """This function will build one runner per read model and log it follows."""
        apps = self.applications()
        runners = []
        for model in models:
            for log_name in model.projection.follows:
                view = model.view(model.schema)
                runners.append(
                    ProjectionRunner(
                        pool=self.pool,
                        application=apps[log_name],
                        projection=model.projection(view),
                        view=view,
                        batch_size=self.settings.projection_batch_size,
                    )
                )
        return runners

    def health(self) -> Health:
        """This function will check the servers and where every read model stands."""
        return check_health(
            self.pool,
            self.redis,
            heads={
                name: app.recorder.max_notification_id() or 0
                for name, app in self.applications().items()
            },
            followers=self.runners(),
            embedded=self.settings.embedded,
        )

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for app in self.applications().values():
            app.close()
        self.pool.close()
        self.redis.close()
        self.hot_results.close()
        if self.servers.embedded is not None:
            self.servers.embedded.stop()


def app_env(
    settings: Settings, database_url: str, name: str, *, create_table: bool
) -> dict[str, str]:
    """This function will give one context's Application its persistence settings."""
    # One idle connection per context, more only under load: several processes share a server.
    env = postgres_env(
        database_url,
        create_table=create_table,
        pool_size=1,
        max_overflow=settings.pool_size,
        limits=WriteLimits(
            lock_timeout_seconds=settings.lock_timeout_seconds,
            statement_timeout_seconds=settings.statement_timeout_seconds,
            idle_in_transaction_timeout_seconds=settings.idle_in_transaction_timeout_seconds,
            max_event_bytes=settings.max_event_bytes,
        ),
    )
    if name == IdentityApplication.name:
        # Credentials and e-mail addresses are encrypted at rest in the identity log.
        env.update(cipher_env(settings.resolved_secret_key(), name))
    return env


def identity_application(
    settings: Settings, env: dict[str, str], *, hasher: PasswordHasher | None = None
) -> IdentityApplication:
    """This function will build the identity context with the deployment's account
    policies: the one way to assemble it (tests pass a cheaper hasher, nothing else)."""
    return _with_policies(
        IdentityApplication(env, hasher=hasher or Argon2PasswordHasher(), clock=SystemClock()),
        settings,
    )


def testgen_application(
    env: dict[str, str],
    *,
    apidoc: ApidocApplication,
    specifications: PostgresSpecificationReader,
    owners: PostgresTestgenReader | None = None,
) -> TestgenApplication:
    """This function will build the test authoring context on the apidoc catalogue; with
    `owners`, commands authorize from the read tables before loading any aggregate."""
    return TestgenApplication(
        env,
        catalog=ApidocProjectCatalog(apidoc, specifications),
        clock=SystemClock(),
        owners=owners,
    )


def specification_intake(
    settings: Settings, apidoc: ApidocApplication, storage: StorageApplication
) -> SpecificationIntake:
    """This function will build the intake of descriptions under the deployment's outbound
    policy and upload limit."""
    return SpecificationIntake(
        apidoc,
        StorageSpecificationSource(storage),
        OutboundSpecificationImports(
            OutboundPolicy(allow_private=settings.private_targets_allowed),
            max_bytes=settings.max_upload_bytes,
        ),
    )


def _with_policies(identity: IdentityApplication, settings: Settings) -> IdentityApplication:
    identity.registration = settings.registration_mode
    identity.lockout = LockoutPolicy(
        max_failures=settings.login_max_failures,
        duration=timedelta(minutes=settings.login_lockout_minutes),
    )
    return identity


def build_runtime(
    settings: Settings, servers: Servers | None = None, *, create_tables: bool = False
) -> Runtime:
    """This function will connect everything. Raises ConfigurationError."""
    servers = servers or resolve_servers(settings)
    secret = settings.resolved_secret_key()
    url = servers.database_url
    try:
        identity = identity_application(
            settings, app_env(settings, url, "identity", create_table=create_tables)
        )
        storage = StorageApplication(
            app_env(settings, url, "storage", create_table=create_tables),
            files=LocalFileStore(settings.data_dir / "files"),
        )
        apidoc = ApidocApplication(
            app_env(settings, url, "apidoc", create_table=create_tables),
            parser=LimitedParser(SpecificationParser(), settings.max_upload_bytes),
            source=StorageSpecificationSource(storage),
        )
    except psycopg.Error as error:
        raise ConfigurationError(f"cannot open the event store: {error}") from None
    pool = open_pool(url, size=settings.pool_size)
    storage.expired_files = PostgresExpiredFiles(pool)
    specifications = PostgresSpecificationReader(pool)
    catalog = ApidocProjectCatalog(apidoc, specifications)
    suites = PostgresTestgenReader(pool)
    testgen = testgen_application(
        app_env(settings, url, "testgen", create_table=create_tables),
        apidoc=apidoc,
        specifications=specifications,
        owners=suites,
    )
    runs = PostgresTestexecReader(pool)
    hot_results = RedisHotResults(servers.redis_url, namespace=settings.queue_namespace)
    suite_source = TestgenSuiteSource(testgen, apidoc, storage)
    testexec = TestexecApplication(
        app_env(settings, url, "testexec", create_table=create_tables),
        box=AesGcmSecretBox(secret),
        projects=catalog,
        suites=suite_source,
        retention=FixedRetention(settings.result_retention_days),
        results=hot_results,
        engine=HttpExecutionEngine(),
        clock=SystemClock(),
        expired=runs,
        schedules=runs,
    )
    testexec.execution_settings = ExecutionSettings(
        concurrency=settings.run_concurrency,
        retries=settings.run_network_retries,
        allow_private_targets=settings.private_targets_allowed,
    )
    redis_client = redis.Redis.from_url(servers.redis_url)
    return Runtime(
        settings=settings,
        servers=servers,
        identity=identity,
        apidoc=apidoc,
        storage=storage,
        testgen=testgen,
        testexec=testexec,
        pool=pool,
        redis=redis_client,
        tokens=TokenService(
            pool=pool,
            secret_key=secret,
            access_minutes=settings.access_token_minutes,
            refresh_days=settings.refresh_token_days,
            revocations=SessionRevocations(
                redis_client,
                namespace=settings.queue_namespace,
                lifetime=timedelta(minutes=settings.access_token_minutes),
            ),
        ),
        throttle=LoginThrottle(
            redis_client,
            namespace=settings.queue_namespace,
            max_failures=settings.login_max_failures,
            lockout=timedelta(minutes=settings.login_lockout_minutes),
            address_max_failures=settings.login_address_max_failures,
            address_window=timedelta(minutes=settings.login_address_window_minutes),
        ),
        projects=PostgresProjectReader(pool),
        users=PostgresUserReader(pool),
        specifications=specifications,
        suites=suites,
        runs=runs,
        run_queries=RunQueries(testexec, runs, hot_results, suite_source),
        environment_queries=EnvironmentQueries(testexec, runs),
        run_events=RedisRunEvents(servers.redis_url, hot_results.keys),
        hot_results=hot_results,
        idempotency=IdempotencyLedger(pool),
        intake=specification_intake(settings, apidoc, storage),
        postman=PostmanExchange(storage=storage, apidoc=apidoc, testgen=testgen, testexec=testexec),
    )


def migrate(settings: Settings, servers: Servers | None = None) -> Runtime:
    """This function will create every table once (event store, read models, tracking) and
    return a runtime built on them. Safe to run again, and by several processes at once."""
    servers = servers or resolve_servers(settings)
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(771001)")
        try:
            runtime = build_runtime(settings, servers, create_tables=True)
            for schema in SCHEMAS:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for statement in TRACKING_DDL + STALLS_DDL + IDEMPOTENCY_DDL + REFRESH_TOKENS_DDL:
                conn.execute(statement)
            for model in READ_MODELS:
                for composed in model.view(model.schema).create_statements():
                    conn.execute(composed)
        finally:
            conn.execute("SELECT pg_advisory_unlock(771001)")
    return runtime
