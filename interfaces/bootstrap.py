"""The composition root: the one place that connects Testament's parts."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import psycopg
import redis
from eventsourcing.application import Application

from application.apidoc.app import ApidocApplication
from application.apidoc.intake import SpecificationIntake
from application.config.app import ConfigApplication
from application.config.live import EditedTexts, LiveSettings
from application.config.queries import SettingQueries
from application.identity.app import IdentityApplication
from application.identity.policy import LockoutPolicy, RegistrationMode
from application.identity.ports import PasswordHasher
from application.llm.app import LlmApplication
from application.llm.documentation import DocumentationParsing
from application.llm.explanations import FailureExplanations
from application.llm.order_proposals import AiOrderProposals
from application.llm.ports import UsageLimits
from application.llm.suggestions import ScenarioSuggestions
from application.notif.app import NotifApplication
from application.notif.billing import BillingNotices
from application.notif.delivery import RetryPolicy, WebhookDeliveries
from application.notif.messages import Channel, MessagePolicy, MessageSender, Notifications
from application.notif.templates import default_texts
from application.storage.app import StorageApplication
from application.subscriptions.app import SubscriptionsApplication
from application.subscriptions.billing import Billing, BillingSettings
from application.subscriptions.limits import PlanLimits
from application.subscriptions.reading import SubscriptionQueries
from application.testexec.app import TestexecApplication
from application.testexec.execution import ExecutionSettings
from application.testexec.reading import EnvironmentQueries, RunQueries
from application.testgen.app import TestgenApplication
from application.testreport.app import TestreportApplication
from application.testreport.listing import ReportQueries
from application.testreport.queries import CoverageQueries
from domain.configuration.catalog import LIVE_SETTINGS
from domain.shared.errors import NotFoundError
from domain.shared.meta import system_meta
from domain.specifications.parsed import ParsedSpecification, SourceType
from infrastructure.audit.chain import install as install_chain
from infrastructure.audit.digests import DIGESTS_DDL, DigestSigner
from infrastructure.audit.service import AuditDigests
from infrastructure.clock import SystemClock
from infrastructure.contexts.account_emails import AccountEmails, UserAddresses
from infrastructure.contexts.account_phones import PhoneConfirmations
from infrastructure.contexts.apidoc_catalog import ApidocProjectCatalog
from infrastructure.contexts.llm_apidoc import ApidocManualSpecifications
from infrastructure.contexts.llm_testgen import (
    ApidocEndpointSource,
    TestgenSuiteOrders,
    TestgenSuiteWriter,
)
from infrastructure.contexts.report_files import (
    PlanReportFormats,
    StorageReportFiles,
)
from infrastructure.contexts.testexec_failures import TestexecFailedResults
from infrastructure.contexts.testgen_suites import TestgenSuiteSource
from infrastructure.contexts.testreport_runs import ContextRunFacts, ContextVisibility
from infrastructure.embedded.servers import EmbeddedServers, start_embedded
from infrastructure.execution.engine import HttpExecutionEngine
from infrastructure.http.outbound import OutboundPolicy
from infrastructure.llm.limits import PlanLlmLimits
from infrastructure.llm.masking import SecretMasking
from infrastructure.llm.validation import JsonSchemaAnswers
from infrastructure.notifications.senders import LogSender, SmtpEmailSender, TwilioSmsSender
from infrastructure.notifications.store import MESSAGES_DDL, PostgresMessageStore
from infrastructure.postgres.eventstore import WriteLimits, postgres_env
from infrastructure.postgres.idempotency import IDEMPOTENCY_DDL, IdempotencyLedger
from infrastructure.postgres.pool import DictPool, check_reachable, open_pool
from infrastructure.projections.catalog import READ_MODELS, SCHEMAS, ReadModel
from infrastructure.projections.health import Health, check_health
from infrastructure.projections.runner import ProjectionRunner
from infrastructure.projections.stalls import STALLS_DDL
from infrastructure.projections.tracking import TRACKING_DDL
from infrastructure.read_models.postgres.api_keys import PostgresApiKeyReader
from infrastructure.read_models.postgres.audit_log import MODULE_VIEWS_DDL
from infrastructure.read_models.postgres.audit_readers import PostgresAuditReader
from infrastructure.read_models.postgres.config_readers import PostgresConfigReader
from infrastructure.read_models.postgres.file_readers import PostgresExpiredFiles
from infrastructure.read_models.postgres.llm_readers import PostgresLlmReader
from infrastructure.read_models.postgres.plan_assignments import SubscriptionPlanAssignments
from infrastructure.read_models.postgres.readers import PostgresProjectReader, PostgresUserReader
from infrastructure.read_models.postgres.reviewers import PostgresProjectReviewers
from infrastructure.read_models.postgres.spec_readers import PostgresSpecificationReader
from infrastructure.read_models.postgres.subscription_readers import PostgresSubscriptionReader
from infrastructure.read_models.postgres.testexec_readers import PostgresTestexecReader
from infrastructure.read_models.postgres.testgen_readers import PostgresTestgenReader
from infrastructure.read_models.postgres.testreport_readers import (
    PostgresCoverageReader,
    PostgresReportReader,
)
from infrastructure.read_models.postgres.webhook_readers import PostgresWebhookReader
from infrastructure.redis.results import RedisHotResults
from infrastructure.redis.run_events import RedisRunEvents
from infrastructure.reports.capture_codec import OrjsonCaptureCodec
from infrastructure.reports.renderer import DocumentRenderer
from infrastructure.security.api_key_limits import ApiKeyRateLimit
from infrastructure.security.keyring import (
    KeyRing,
    KeyRingError,
    RingSecrets,
    registered_ring,
    shared_ring,
)
from infrastructure.security.oidc import OidcProviders
from infrastructure.security.passwords import Argon2PasswordHasher
from infrastructure.security.revocations import SessionRevocations
from infrastructure.security.ring_cipher import RING_NAME, cipher_env
from infrastructure.security.secrets import RingSecretBox
from infrastructure.security.send_throttle import SendLimit, SendThrottle
from infrastructure.security.throttle import LoginThrottle
from infrastructure.security.tokens import REFRESH_TOKENS_DDL, TokenService
from infrastructure.security.totp import PyotpOneTimePasswords
from infrastructure.settings import ConfigurationError, Settings
from infrastructure.specs.imports import OutboundSpecificationImports
from infrastructure.specs.postman_importer import PostmanExchange
from infrastructure.specs.service import SpecificationParser
from infrastructure.storage.local import LocalFileStore, StorageSpecificationSource
from infrastructure.webhooks.adapters import (
    DramatiqDeliveryQueue,
    DramatiqMessageQueue,
    OutboundTargetPolicy,
)
from infrastructure.webhooks.deliveries import DELIVERIES_DDL, PostgresDeliveryStore
from infrastructure.webhooks.sender import HttpWebhookSender
from interfaces.http.localization import problem_texts
from interfaces.workers.llm_jobs import DramatiqLlmJobs
from projections.subscriptions.registrations import FreePlanOnRegistration

log = logging.getLogger(__name__)


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
    oidc: OidcProviders
    api_keys: PostgresApiKeyReader
    api_key_limit: ApiKeyRateLimit
    notif: NotifApplication
    webhooks: PostgresWebhookReader
    webhook_deliveries: WebhookDeliveries
    delivery_log: PostgresDeliveryStore
    notifications: Notifications
    messages: PostgresMessageStore
    account_emails: AccountEmails
    phones: PhoneConfirmations
    billing_notices: BillingNotices
    sub: SubscriptionsApplication
    limits: PlanLimits
    subscriptions: PostgresSubscriptionReader
    subscription_queries: SubscriptionQueries
    billing: Billing
    llm: LlmApplication
    llm_reader: PostgresLlmReader
    explanations: FailureExplanations
    suggestions: ScenarioSuggestions
    ai_orders: AiOrderProposals
    documentation: DocumentationParsing
    testreport: TestreportApplication
    coverage: CoverageQueries
    reports: ReportQueries
    audit_digests: AuditDigests
    audit_log: PostgresAuditReader
    config: ConfigApplication
    live_settings: LiveSettings
    texts: EditedTexts
    setting_queries: SettingQueries
    config_reader: PostgresConfigReader
    _closed: bool = field(default=False)

    def applications(self) -> dict[str, Application[Any]]:
        return {
            app.name: app
            for app in (
                self.identity,
                self.apidoc,
                self.storage,
                self.testgen,
                self.testexec,
                self.notif,
                self.sub,
                self.llm,
                self.testreport,
                self.config,
            )
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

    def processes(self) -> list[ProjectionRunner]:
        """This function will build the runners of the process managers: followers of a log
        that give commands (not read models, so never rebuilt)."""
        view = SubscriptionPlanAssignments(self.sub)
        return [
            ProjectionRunner(
                pool=self.pool,
                application=self.identity,
                projection=FreePlanOnRegistration(view),
                view=view,
                batch_size=self.settings.projection_batch_size,
            )
        ]

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
        self.oidc.close()
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
    ring = key_ring(settings, database_url)
    env[RING_NAME] = ring.name  # what the context seals, it seals under this ring
    if name == IdentityApplication.name:
        # Credentials and e-mail addresses are encrypted at rest in the identity log, under
        # the key ring (docs/runbook.md, "Key rotation").
        env.update(cipher_env(ring, name))
    return env


def key_ring(settings: Settings, database_url: str | None) -> KeyRing:
    """This function will give the process's key ring of a database, read once (None: a
    ring in memory, for applications without PostgreSQL). Raises ConfigurationError."""
    ring = shared_ring(
        RingSecrets(settings.resolved_secret_key(), settings.resolved_previous_secret_keys()),
        database_url,
    )
    try:
        ring.current()
    except KeyRingError as error:
        raise ConfigurationError(f"cannot open the key ring: {error}") from None
    return ring


def _ring_of(settings: Settings, env: dict[str, str]) -> KeyRing:
    """The ring an application's environment names (its cipher's), else one in memory."""
    if env.get(RING_NAME):
        return registered_ring(env[RING_NAME])
    return key_ring(settings, None)


def identity_application(
    settings: Settings,
    env: dict[str, str],
    *,
    hasher: PasswordHasher | None = None,
    live: LiveSettings | None = None,
) -> IdentityApplication:
    """This function will build the identity context with the deployment's account
    policies: the one way to assemble it (tests pass a cheaper hasher, nothing else).
    With `live`, the registration mode is the runtime setting's, asked at each sign-up."""
    identity = _with_policies(
        IdentityApplication(
            env,
            hasher=hasher or Argon2PasswordHasher(),
            clock=SystemClock(),
            one_time_passwords=PyotpOneTimePasswords(),
            # Sealed apart from the log's own encryption so identity.user_tokens holds no
            # secret in the clear; rotate-secret-key re-seals them with the rest.
            sealer=RingSecretBox(_ring_of(settings, env), purpose="identity-tokens"),
        ),
        settings,
    )
    if live is not None:
        identity.registration_source = lambda: RegistrationMode(live.value("registration"))
    return identity


def setting_defaults(settings: Settings) -> dict[str, str]:
    """This function will give each runtime setting's default: the environment's value,
    else the code's (docs/configuration.md)."""
    return {
        "registration": settings.registration_mode.value,
        "email_from": settings.email_from,
        "smtp_password": settings.smtp_password or "",
        "webhook_max_attempts": str(settings.webhook_max_attempts),
        "webhook_disable_after_failures": str(settings.webhook_disable_after_failures),
    }


@dataclass(frozen=True)
class ConfigParts:
    app: ConfigApplication
    live: LiveSettings
    texts: EditedTexts
    reader: PostgresConfigReader
    queries: SettingQueries


def config_parts(settings: Settings, env: dict[str, str], pool: DictPool) -> ConfigParts:
    """This function will build the config context and the cached ports the rest of
    Testament reads it through."""
    env_only = frozenset(Settings.model_fields) - set(LIVE_SETTINGS)
    app = ConfigApplication(
        env,
        # Its own purpose: a key of its own, apart from environment and identity secrets.
        box=RingSecretBox(_ring_of(settings, env), purpose="config-settings"),
        env_only=env_only,
        texts={**problem_texts(), **default_texts()},
    )
    defaults = setting_defaults(settings)
    reader = PostgresConfigReader(pool)
    return ConfigParts(
        app=app,
        live=LiveSettings(app, defaults, monotonic=time.monotonic),
        texts=EditedTexts(app, reader, monotonic=time.monotonic),
        reader=reader,
        queries=SettingQueries(reader, defaults, env_only=env_only),
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


def billing(
    settings: Settings,
    sub: SubscriptionsApplication,
    ledger: IdempotencyLedger,
    payments: PostgresSubscriptionReader | None = None,
) -> Billing:
    """This function will build billing on Stripe when it is configured, and without a
    gateway (every billing route a 503) when it is not."""
    if not settings.billing_configured:
        return Billing(sub, gateway=None, ledger=ledger, settings=None, payments=payments)
    # Imported only when billing is on: the SDK takes half a second of CPU to import.
    from infrastructure.payments.stripe_gateway import StripeGateway

    prices = {
        ("Pro", "Monthly"): settings.stripe_price_pro_monthly,
        ("Pro", "Yearly"): settings.stripe_price_pro_yearly,
    }
    return Billing(
        sub,
        gateway=StripeGateway(
            api_key=settings.stripe_secret_key or "",
            webhook_secret=settings.stripe_webhook_secret or "",
            api_base=settings.stripe_api_base,
        ),
        ledger=ledger,
        settings=BillingSettings(
            prices={key: price for key, price in prices.items() if price},
            success_url=settings.billing_success_url,
            cancel_url=settings.billing_cancel_url,
        ),
        payments=payments,
    )


def llm_application(
    settings: Settings, env: dict[str, str], reader: PostgresLlmReader, limits: UsageLimits
) -> LlmApplication:
    """This function will build the llm context: with a model when TESTAMENT_LLM_BASE_URL and
    TESTAMENT_LLM_MODEL are set, and without one (every LLM request refused) otherwise. Its
    calls count against the plan's MaxLlmCallsPerMonth (enforced with plan limits)."""
    provider = None
    if settings.llm_configured:
        # Imported only when used: the SDK takes seconds to import on a loaded machine, and
        # every process of a deployment without a model would pay for it at start.
        from infrastructure.llm.openai_provider import OpenAiChatProvider

        provider = OpenAiChatProvider(
            base_url=settings.llm_base_url or "",
            api_key=settings.llm_api_key,
            model=settings.llm_model or "",
            timeout_seconds=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
        )
    return LlmApplication(
        env,
        provider=provider,
        cache=reader,
        limits=limits,
        masking=SecretMasking(),
        validator=JsonSchemaAnswers(),
        clock=SystemClock(),
        cache_seconds=settings.llm_cache_days * 86400,
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
    try:
        sub = SubscriptionsApplication(
            app_env(settings, url, "sub", create_table=create_tables), clock=SystemClock()
        )
    except psycopg.Error as error:
        raise ConfigurationError(f"cannot open the event store: {error}") from None
    limits = PlanLimits(
        sub, upgrade_url=settings.upgrade_url, enforced=settings.plan_limits_enforced
    )
    pool = open_pool(url, size=settings.pool_size)
    config = config_parts(
        settings, app_env(settings, url, "config", create_table=create_tables), pool
    )
    live = config.live
    identity.registration_source = lambda: RegistrationMode(live.value("registration"))
    projects = PostgresProjectReader(pool)
    apidoc.limits, apidoc.project_counter = limits, projects
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
    testgen.limits = limits
    testgen.reviewers = PostgresProjectReviewers(pool)
    runs = PostgresTestexecReader(pool)
    hot_results = RedisHotResults(servers.redis_url, namespace=settings.queue_namespace)
    suite_source = TestgenSuiteSource(testgen, apidoc, storage)
    testexec = TestexecApplication(
        app_env(settings, url, "testexec", create_table=create_tables),
        box=RingSecretBox(key_ring(settings, url)),
        projects=catalog,
        suites=suite_source,
        retention=limits,
        limits=limits,
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
    report_files = StorageReportFiles(storage)
    visibility = ContextVisibility(testexec, testgen, apidoc)
    codec = OrjsonCaptureCodec()
    reports = ReportQueries(PostgresReportReader(pool), report_files, visibility, codec)
    testreport = TestreportApplication(
        app_env(settings, url, "testreport", create_table=create_tables),
        facts=ContextRunFacts(testexec, testgen, apidoc, hot_results),
        clock=SystemClock(),
        files=report_files,
        renderer=DocumentRenderer(),
        # The owner's plan: its export formats, and reports kept as long as its hot results
        # are (the plan's retention days), counted from when they are made.
        policy=PlanReportFormats(limits),
        retention=limits,
        trends=reports,
        codec=codec,
    )
    redis_client = redis.Redis.from_url(servers.redis_url)
    messages = PostgresMessageStore(pool)
    sent = notifications(settings, messages, live, storage)
    notif, webhooks, webhook_deliveries, delivery_log = webhook_parts(
        settings, app_env(settings, url, "notif", create_table=create_tables), pool, catalog, live
    )
    subscription_reader = PostgresSubscriptionReader(pool)
    run_queries = RunQueries(testexec, runs, hot_results, suite_source)
    llm_reader = PostgresLlmReader(pool)
    llm = llm_application(
        settings,
        app_env(settings, url, "llm", create_table=create_tables),
        llm_reader,
        PlanLlmLimits(limits, subscription_reader, SystemClock()),
    )
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
        projects=projects,
        users=PostgresUserReader(pool),
        specifications=specifications,
        suites=suites,
        runs=runs,
        run_queries=run_queries,
        environment_queries=EnvironmentQueries(testexec, runs),
        run_events=RedisRunEvents(servers.redis_url, hot_results.keys),
        hot_results=hot_results,
        idempotency=IdempotencyLedger(pool),
        intake=specification_intake(settings, apidoc, storage),
        postman=PostmanExchange(storage=storage, apidoc=apidoc, testgen=testgen, testexec=testexec),
        oidc=OidcProviders(
            settings.oidc_providers, redis_client, namespace=settings.queue_namespace
        ),
        api_keys=PostgresApiKeyReader(pool),
        api_key_limit=ApiKeyRateLimit(
            redis_client,
            namespace=settings.queue_namespace,
            per_minute=settings.api_key_requests_per_minute,
        ),
        notif=notif,
        webhooks=webhooks,
        webhook_deliveries=webhook_deliveries,
        delivery_log=delivery_log,
        notifications=sent,
        messages=messages,
        account_emails=AccountEmails(
            identity,
            sent,
            sender=lambda: live.value("email_from"),
            texts=config.texts,
            reset_throttle=SendThrottle(
                redis_client,
                namespace=settings.queue_namespace,
                kind="reset-password",
                limit=SendLimit(
                    per_subject=settings.reset_mail_max_per_address,
                    per_client=settings.reset_mail_max_per_client,
                    window=timedelta(minutes=settings.reset_mail_window_minutes),
                ),
            ),
        ),
        phones=PhoneConfirmations(
            identity,
            sent,
            codes=SendThrottle(
                redis_client,
                namespace=settings.queue_namespace,
                kind="phone-code",
                limit=SendLimit(
                    per_subject=settings.phone_code_max_per_number,
                    per_client=settings.phone_code_max_per_user,
                    window=timedelta(minutes=settings.phone_code_window_minutes),
                ),
            ),
            tries=SendThrottle(
                redis_client,
                namespace=settings.queue_namespace,
                kind="phone-code-tries",
                limit=SendLimit(
                    per_subject=settings.phone_code_max_tries,
                    per_client=settings.phone_code_max_tries,
                    window=timedelta(minutes=settings.phone_code_window_minutes),
                ),
            ),
        ),
        billing_notices=BillingNotices(
            sent,
            UserAddresses(PostgresUserReader(pool)),
            sender=lambda: live.value("email_from"),
            texts=config.texts,
        ),
        sub=sub,
        limits=limits,
        subscriptions=subscription_reader,
        subscription_queries=SubscriptionQueries(subscription_reader, limits, subscription_reader),
        billing=billing(settings, sub, IdempotencyLedger(pool), subscription_reader),
        llm=llm,
        llm_reader=llm_reader,
        explanations=failure_explanations(
            settings, servers, llm, testexec, run_queries, redis_client, hot_results
        ),
        suggestions=ScenarioSuggestions(
            llm, ApidocEndpointSource(catalog), TestgenSuiteWriter(testgen)
        ),
        ai_orders=AiOrderProposals(llm, TestgenSuiteOrders(testgen)),
        documentation=DocumentationParsing(llm, ApidocManualSpecifications(apidoc)),
        testreport=testreport,
        coverage=CoverageQueries(PostgresCoverageReader(pool), visibility),
        reports=reports,
        audit_digests=AuditDigests(
            pool,
            DigestSigner(secret_key=secret, signing_key=settings.audit_signing_key),
            every=timedelta(minutes=settings.audit_digest_minutes),
        ),
        audit_log=PostgresAuditReader(pool),
        config=config.app,
        live_settings=live,
        texts=config.texts,
        setting_queries=config.queries,
        config_reader=config.reader,
    )


def failure_explanations(
    settings: Settings,
    servers: Servers,
    llm: LlmApplication,
    testexec: TestexecApplication,
    run_queries: RunQueries,
    redis_client: redis.Redis,
    hot_results: RedisHotResults,
) -> FailureExplanations:
    """This function will build the failure explanations on the runs' hot results."""
    return FailureExplanations(
        llm,
        TestexecFailedResults(testexec, run_queries, redis_client, hot_results.keys),
        DramatiqLlmJobs(servers.redis_url, settings.queue_namespace),
    )


def with_llm_settings(runtime: Runtime, settings: Settings) -> Runtime:
    """This function will give a runtime whose LLM parts follow other settings (a test's
    model server), everything else shared."""
    llm = llm_application(
        settings,
        dict(runtime.llm.env),
        runtime.llm_reader,
        PlanLlmLimits(runtime.limits, runtime.subscriptions, SystemClock()),
    )
    return replace(
        runtime,
        settings=settings,
        llm=llm,
        explanations=failure_explanations(
            settings,
            runtime.servers,
            llm,
            runtime.testexec,
            runtime.run_queries,
            runtime.redis,
            runtime.hot_results,
        ),
        suggestions=ScenarioSuggestions(
            llm,
            ApidocEndpointSource(ApidocProjectCatalog(runtime.apidoc, runtime.specifications)),
            TestgenSuiteWriter(runtime.testgen),
        ),
        ai_orders=AiOrderProposals(llm, TestgenSuiteOrders(runtime.testgen)),
        documentation=DocumentationParsing(llm, ApidocManualSpecifications(runtime.apidoc)),
    )


def stored_file_reader(storage: StorageApplication) -> Callable[[UUID], tuple[bytes, str]]:
    """An e-mail attachment's bytes and content type, by its file entry (the storage
    context; a deleted or purged file raises)."""

    def read(file_id: UUID) -> tuple[bytes, str]:
        entry = storage.load_version(file_id)
        if entry.deleted:
            raise NotFoundError("the file was deleted")
        return storage.content_for_system(file_id), str(entry.content_type)

    return read


def notifications(
    settings: Settings,
    store: PostgresMessageStore,
    live: LiveSettings | None = None,
    storage: StorageApplication | None = None,
) -> Notifications:
    """This function will build the e-mail and SMS senders the settings name (logging
    ones when no provider is configured) and the notifications on them."""
    email: MessageSender = LogSender()
    if settings.smtp_host:
        email = SmtpEmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            tls=settings.smtp_tls,
            username=settings.smtp_username,
            # The runtime setting when there is one: changed by an Admin without a restart.
            password=(lambda: live.value("smtp_password") or None)
            if live is not None
            else settings.smtp_password,
            files=None if storage is None else stored_file_reader(storage),
        )
    sms: MessageSender = LogSender()
    if settings.sms_provider == "twilio":
        sms = TwilioSmsSender(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            sender=settings.twilio_from,
            base_url=settings.twilio_base_url,
        )
    return Notifications(
        store=store,
        senders={Channel.EMAIL: email, Channel.SMS: sms},
        queue=DramatiqMessageQueue(),
        clock=SystemClock(),
        policy=MessagePolicy(
            max_attempts=settings.message_max_attempts,
            first_delay=timedelta(seconds=settings.message_retry_first_seconds),
            lifetime=timedelta(hours=settings.message_lifetime_hours),
            lease=timedelta(seconds=settings.message_lease_seconds),
        ),
    )


def webhook_parts(
    settings: Settings,
    env: dict[str, str],
    pool: DictPool,
    catalog: ApidocProjectCatalog,
    live: LiveSettings | None = None,
) -> tuple[NotifApplication, PostgresWebhookReader, WebhookDeliveries, PostgresDeliveryStore]:
    """This function will build the notif context and the delivery of its webhooks, under
    the deployment's outbound policy and retry settings."""
    policy = OutboundPolicy(allow_private=settings.private_targets_allowed)
    notif = NotifApplication(
        env,
        # Sealed like environment secrets, so `testament rotate-secret-key` moves them too.
        box=RingSecretBox(_ring_of(settings, env)),
        clock=SystemClock(),
        projects=catalog,
        targets=OutboundTargetPolicy(policy),
    )
    reader = PostgresWebhookReader(pool)
    store = PostgresDeliveryStore(pool)
    deliveries = WebhookDeliveries(
        notif,
        reader=reader,
        store=store,
        sender=HttpWebhookSender(policy, timeout_seconds=settings.webhook_timeout_seconds),
        queue=DramatiqDeliveryQueue(),
        clock=SystemClock(),
        policy=RetryPolicy(
            max_attempts=settings.webhook_max_attempts,
            first_delay=timedelta(seconds=settings.webhook_retry_first_seconds),
            max_delay=timedelta(seconds=settings.webhook_retry_max_seconds),
            lease=timedelta(seconds=settings.webhook_lease_seconds),
            disable_after_failures=settings.webhook_disable_after_failures,
        ),
        live=None if live is None else _live_retry_policy(live),
    )
    return notif, reader, deliveries, store


def _live_retry_policy(live: LiveSettings) -> Callable[[RetryPolicy], RetryPolicy]:
    def current(policy: RetryPolicy) -> RetryPolicy:
        return replace(
            policy,
            max_attempts=int(live.value("webhook_max_attempts")),
            disable_after_failures=int(live.value("webhook_disable_after_failures")),
        )

    return current


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
            for statement in (
                TRACKING_DDL
                + STALLS_DDL
                + IDEMPOTENCY_DDL
                + REFRESH_TOKENS_DDL
                + DELIVERIES_DDL
                + MESSAGES_DDL
            ):
                conn.execute(statement)
            for model in READ_MODELS:
                for composed in model.view(model.schema).create_statements():
                    conn.execute(composed)
            runtime.sub.seed_plans()
            runtime.config.seed_texts(system_meta("seeded from the code's default texts"))
            for view_ddl in MODULE_VIEWS_DDL:
                conn.execute(view_ddl)
            # The hash chain last: it links the events written before it existed.
            install_chain(conn)
            for digests_ddl in DIGESTS_DDL:
                conn.execute(digests_ddl)
        finally:
            conn.execute("SELECT pg_advisory_unlock(771001)")
    return runtime
