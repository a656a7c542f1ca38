"""Execution environments: secrets sealed before they reach an event, masked on the way out."""

from typing import Any
from uuid import UUID

from application.shared.base import TestamentApplication, Written, require_version
from application.testexec.commands import CreateEnvironment, EnvironmentCommand, UpdateEnvironment
from application.testexec.execution import EnvironmentConfig
from application.testexec.ports import ProjectAccess, SecretBox
from application.testexec.queries import MASK
from domain.environments.model import (
    AUTH_FIELDS,
    AuthType,
    EnvironmentRegistry,
    ExecutionEnvironment,
    registry_id,
)
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import Meta

_NOTHING_TO_KEEP = f"{MASK} keeps a secret as it is, and there is no secret here to keep"


class EnvironmentCommands(TestamentApplication):
    """Create, change, delete and choose the default environment of a project."""

    _box: SecretBox | None = None
    _projects: ProjectAccess | None = None

    @property
    def box(self) -> SecretBox:
        if self._box is None:
            raise RuntimeError("built without a secret box")
        return self._box

    @property
    def projects(self) -> ProjectAccess:
        if self._projects is None:
            raise RuntimeError("built without project access")
        return self._projects

    def environment(self, environment_id: UUID, requester_id: UUID) -> ExecutionEnvironment:
        """This function will load a requester's environment. Raises NotFoundError."""
        env = self.load_version(environment_id)
        if not isinstance(env, ExecutionEnvironment) or env.deleted:
            raise NotFoundError("environment not found")
        self.projects.require_owned(env.project_id, requester_id)
        return env

    def _registry(self, project_id: UUID) -> EnvironmentRegistry:
        try:
            registry: EnvironmentRegistry = self.load_version(registry_id(project_id))
            return registry
        except NotFoundError:
            return EnvironmentRegistry(project_id=project_id)

    def create_environment(self, cmd: CreateEnvironment) -> Written:
        """This function will add an environment; the project's first one becomes the default."""
        self.projects.require_owned(cmd.project_id, cmd.requester_id)
        env = ExecutionEnvironment.start(
            project_id=cmd.project_id,
            name=cmd.name,
            base_url=cmd.base_url,
            variables=self._seal_variables(cmd.variables, []),
            headers=cmd.headers,
            auth=self._seal_auth(cmd.auth, None),
            meta=cmd.meta,
        )
        registry = self._registry(cmd.project_id)
        others: list[Any] = []
        if cmd.make_default or registry.default_id is None:
            others = self._make_default(registry, env, cmd.meta)
        return self.written(env, registry, *others)

    def update_environment(self, cmd: UpdateEnvironment) -> Written:
        """This function will change an environment; `***` keeps a secret as it is."""
        env = self.environment(cmd.environment_id, cmd.requester_id)
        require_version(env, cmd.expected_version)
        _require_unchanged(env, cmd.read_only)
        env.change(
            name=cmd.name,
            base_url=cmd.base_url,
            headers=cmd.headers,
            variables=None
            if cmd.variables is None
            else self._seal_variables(cmd.variables, env.variables),
            auth=None if cmd.auth is None else self._seal_auth(cmd.auth, env.auth),
            meta=cmd.meta,
        )
        return self.written(env)

    def make_default_environment(self, cmd: EnvironmentCommand) -> Written:
        env = self.environment(cmd.environment_id, cmd.requester_id)
        require_version(env, cmd.expected_version)
        registry = self._registry(env.project_id)
        others = self._make_default(registry, env, cmd.meta)
        return self.written(env, registry, *others)

    def delete_environment(self, cmd: EnvironmentCommand) -> Written:
        env = self.environment(cmd.environment_id, cmd.requester_id)
        require_version(env, cmd.expected_version)
        registry = self._registry(env.project_id)
        env.delete(meta=cmd.meta)
        if registry.default_id == str(env.id):
            registry.choose_default(environment_id=None)
        return self.written(env, registry)

    def _make_default(
        self, registry: EnvironmentRegistry, env: ExecutionEnvironment, meta: Meta
    ) -> list[Any]:
        changed: list[Any] = []
        if registry.default_id == str(env.id):
            return changed
        if registry.default_id is not None:
            previous = self.load_version(UUID(registry.default_id))
            if isinstance(previous, ExecutionEnvironment) and previous.is_default:
                previous.set_default(is_default=False, meta=meta)
                changed.append(previous)
        registry.choose_default(environment_id=str(env.id))
        env.set_default(is_default=True, meta=meta)
        return changed

    def default_environment_id(self, project_id: UUID) -> UUID | None:
        registry = self._registry(project_id)
        return UUID(registry.default_id) if registry.default_id else None

    # -- secrets ----------------------------------------------------------------------

    def _seal_auth(self, auth: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        kinds = {t.value: t for t in AuthType}
        kind = kinds.get(str(auth.get("type", "none")))
        if kind is None:
            return dict(auth)  # the aggregate refuses it with the field named
        sealed = {"type": kind.value}
        for field, secret in AUTH_FIELDS[kind].items():
            value = auth.get(field)
            if value is None:
                continue
            if secret and value == MASK:
                if not (current and current.get("type") == kind.value and field in current):
                    raise InvalidValueError(f"auth.{field}", _NOTHING_TO_KEEP)
                sealed[field] = current[field]
            elif secret and value != "":
                sealed[field] = self.box.seal(str(value))
            else:
                sealed[field] = str(value)
        for field in set(auth) - set(AUTH_FIELDS[kind]) - {"type"}:
            sealed[field] = auth[field]
        return sealed

    def _seal_variables(
        self, variables: list[dict[str, Any]], current: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        existing = {v["name"]: v for v in current}
        sealed = []
        for index, variable in enumerate(variables):
            item = dict(variable)
            if item.get("secret"):
                old = existing.get(str(item.get("name")))
                if item.get("value") == MASK:
                    if not (old and old.get("secret")):
                        raise InvalidValueError(f"variables.{index}.value", _NOTHING_TO_KEEP)
                    item["value"] = old["value"]
                else:
                    item["value"] = self.box.seal(str(item.get("value", "")))
            sealed.append(item)
        return sealed

    def opened(self, env: ExecutionEnvironment) -> EnvironmentConfig:
        """This function will decrypt an environment for a run, listing the secrets to mask."""
        kind = AuthType(env.auth.get("type", "none"))
        secrets: list[str] = []
        auth: dict[str, Any] = {}
        for field, value in env.auth.items():
            if AUTH_FIELDS[kind].get(field):
                auth[field] = self.box.open(value)
                secrets.append(auth[field])
            else:
                auth[field] = value
        variables = {}
        for variable in env.variables:
            value = (
                self.box.open(variable["value"]) if variable.get("secret") else variable["value"]
            )
            variables[variable["name"]] = value
            if variable.get("secret"):
                secrets.append(value)
        return EnvironmentConfig(
            base_url=env.base_url,
            variables=variables,
            headers=dict(env.headers),
            auth=auth,
            secrets=[s for s in secrets if s],
        )


def _require_unchanged(env: ExecutionEnvironment, read_only: dict[str, Any]) -> None:
    """This function will refuse a read-only field sent with another value than it holds."""
    current = {"id": env.id, "project_id": env.project_id, "is_default": env.is_default}
    for field, value in read_only.items():
        if value != current[field]:
            hint = " (POST /environments/{id}/default chooses it)" if field == "is_default" else ""
            raise InvalidValueError(field, f"is read-only and holds {current[field]}{hint}")
