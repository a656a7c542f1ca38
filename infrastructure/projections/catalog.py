"""Every read model: its projection, its PostgreSQL view and the schema it lives in."""

from dataclasses import dataclass
from typing import Any

from infrastructure.read_models.postgres.api_keys import PostgresApiKeysView
from infrastructure.read_models.postgres.audit_log import PostgresAuditLogView
from infrastructure.read_models.postgres.base import PostgresView
from infrastructure.read_models.postgres.configuration import (
    PostgresConfigurationView,
    PostgresLocalizationView,
)
from infrastructure.read_models.postgres.files import PostgresFilesView
from infrastructure.read_models.postgres.llm import PostgresLlmView
from infrastructure.read_models.postgres.outbox import PostgresOutboxView
from infrastructure.read_models.postgres.projects import PostgresProjectsView
from infrastructure.read_models.postgres.specifications import PostgresSpecificationsView
from infrastructure.read_models.postgres.subscriptions import PostgresSubscriptionsView
from infrastructure.read_models.postgres.testexec import PostgresTestexecView
from infrastructure.read_models.postgres.testgen import PostgresTestgenView
from infrastructure.read_models.postgres.testreport import PostgresTestreportView
from infrastructure.read_models.postgres.usage import PostgresUsageView
from infrastructure.read_models.postgres.users import PostgresUsersView
from infrastructure.read_models.postgres.webhooks import PostgresWebhooksView
from projections.api_keys.projection import ApiKeysProjection
from projections.audit_log.projection import (
    AuditLogProjection,
    LlmAuditLogProjection,
    SubAuditLogProjection,
)
from projections.base import Projection
from projections.configuration.projection import ConfigurationProjection
from projections.files.projection import FilesProjection
from projections.llm.projection import LlmProjection
from projections.localization.projection import LocalizationProjection
from projections.outbox.projection import (
    ApidocOutboxProjection,
    LlmOutboxProjection,
    StorageOutboxProjection,
    SubOutboxProjection,
    TestexecOutboxProjection,
    TestgenOutboxProjection,
    TestreportOutboxProjection,
)
from projections.projects.projection import ProjectsProjection
from projections.specifications.projection import SpecificationsProjection
from projections.subscriptions.projection import SubscriptionsProjection
from projections.testexec.projection import TestexecProjection
from projections.testgen.projection import TestgenProjection
from projections.testreport.projection import TestreportProjection
from projections.usage.projection import UsageProjection
from projections.users.projection import UsersProjection
from projections.webhooks.projection import WebhooksProjection


@dataclass(frozen=True)
class ReadModel:
    """A projection wired to its tables; `rebuildable` is false for delivery logs like outboxes."""

    projection: type[Projection[Any]]
    view: type[PostgresView]
    schema: str
    rebuildable: bool = True

    @property
    def name(self) -> str:
        return self.projection.name


READ_MODELS: tuple[ReadModel, ...] = (
    ReadModel(UsersProjection, PostgresUsersView, "identity"),
    ReadModel(ProjectsProjection, PostgresProjectsView, "apidoc"),
    ReadModel(SpecificationsProjection, PostgresSpecificationsView, "apidoc"),
    ReadModel(FilesProjection, PostgresFilesView, "storage"),
    ReadModel(TestgenProjection, PostgresTestgenView, "testgen"),
    ReadModel(TestexecProjection, PostgresTestexecView, "testexec"),
    ReadModel(AuditLogProjection, PostgresAuditLogView, "auditlog"),
    ReadModel(WebhooksProjection, PostgresWebhooksView, "notif"),
    # An outbox records what was delivered; replaying it would deliver again.
    ReadModel(ApidocOutboxProjection, PostgresOutboxView, "apidoc", rebuildable=False),
    ReadModel(TestexecOutboxProjection, PostgresOutboxView, "testexec", rebuildable=False),
    ReadModel(ApiKeysProjection, PostgresApiKeysView, "identity"),
    ReadModel(TestgenOutboxProjection, PostgresOutboxView, "testgen", rebuildable=False),
    ReadModel(StorageOutboxProjection, PostgresOutboxView, "storage", rebuildable=False),
    ReadModel(SubscriptionsProjection, PostgresSubscriptionsView, "sub"),
    ReadModel(UsageProjection, PostgresUsageView, "sub"),
    ReadModel(SubOutboxProjection, PostgresOutboxView, "sub", rebuildable=False),
    ReadModel(SubAuditLogProjection, PostgresAuditLogView, "sub"),
    ReadModel(LlmProjection, PostgresLlmView, "llm"),
    ReadModel(LlmAuditLogProjection, PostgresAuditLogView, "llm"),
    ReadModel(LlmOutboxProjection, PostgresOutboxView, "llm", rebuildable=False),
    ReadModel(TestreportProjection, PostgresTestreportView, "testreport"),
    ReadModel(TestreportOutboxProjection, PostgresOutboxView, "testreport", rebuildable=False),
    ReadModel(ConfigurationProjection, PostgresConfigurationView, "config"),
    ReadModel(LocalizationProjection, PostgresLocalizationView, "config"),
)

SCHEMAS = (
    "identity",
    "apidoc",
    "testgen",
    "testexec",
    "testreport",
    "sub",
    "storage",
    "notif",
    "config",
    "auditlog",
    "llm",
)


def read_model(name: str) -> ReadModel:
    """This function will find a read model by name. Raises KeyError with the known names."""
    for model in READ_MODELS:
        if model.name == name:
            return model
    raise KeyError(f"no read model named {name!r}; known: {', '.join(m.name for m in READ_MODELS)}")
