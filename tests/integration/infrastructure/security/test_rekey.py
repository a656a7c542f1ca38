"""Rotating the secret key moves the encrypted identity log and every sealed secret to
the new key, in one transaction, or changes nothing."""

import argparse
import dataclasses
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from application.apidoc.commands import CreateProject
from application.config.commands import SetSetting
from application.identity.commands import RegisterUser
from application.notif.commands import CreateWebhook
from application.testexec.commands import CreateEnvironment
from domain.shared.meta import system_meta
from infrastructure.audit.verify import verify
from infrastructure.projections.catalog import read_model
from infrastructure.security.rekey import RekeyError, rekey
from infrastructure.security.secrets import AesGcmSecretBox
from infrastructure.settings import Settings
from interfaces.bootstrap import Servers, build_runtime, migrate
from interfaces.cli.main import cmd_rotate_secret_key

OLD_KEY = "old-key-" + "o" * 40
NEW_KEY = "new-key-" + "n" * 40
EMAIL, PASSWORD = "rekey@example.com", "a long enough passphrase"


@dataclasses.dataclass(frozen=True)
class Deployment:
    settings: Settings
    servers: Servers
    user_id: uuid.UUID
    environment_id: uuid.UUID

    def with_key(self, key: str) -> Settings:
        return self.settings.model_copy(update={"secret_key": key})


@pytest.fixture
def deployment(servers: Servers, settings: Settings) -> Iterator[Deployment]:
    """A deployment on a database of its own: an account, and an environment whose
    variable `token` is the secret "s3cret", projected into its read table."""
    dbname = f"testament_rekey_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{dbname}\\1", servers.database_url, count=1)
    own = dataclasses.replace(servers, database_url=url)
    old = settings.model_copy(update={"database_url": url, "secret_key": OLD_KEY})
    runtime = migrate(old, own)
    try:
        meta = system_meta("test")
        user = runtime.identity.register_user(
            RegisterUser(email=EMAIL, password=PASSWORD, display_name=None, meta=meta)
        )
        user_id = user.aggregate_id
        project = runtime.apidoc.create_project(
            CreateProject(
                owner_id=user_id, name="p", description="", base_url="http://x.test", meta=meta
            )
        )
        environment = runtime.testexec.create_environment(
            CreateEnvironment(
                project_id=project.aggregate_id,
                requester_id=user_id,
                name="e",
                base_url="http://x.test",
                meta=meta,
                variables=[{"name": "token", "value": "s3cret", "secret": True}],
            )
        )
        runtime.identity.start_two_factor(user_id, meta=meta)
        for runner in runtime.runners((read_model("testexec"), read_model("users"))):
            runner.catch_up()
    finally:
        runtime.close()
    try:
        yield Deployment(old, own, user_id, environment.aggregate_id)
    finally:
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def sealed_in_read_table(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT to_jsonb(t)::text FROM testexec.execution_environments t"
        ).fetchall()
    return [found for (text,) in rows for found in re.findall(r"sealed:v1:[A-Za-z0-9_\-=]+", text)]


def states(url: str) -> list[Any]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT state FROM identity_events UNION ALL SELECT state FROM testexec_events"
        ).fetchall()


class TestRekey:
    def test_moves_accounts_and_sealed_secrets_to_the_new_key(self, deployment: Deployment) -> None:
        url = deployment.servers.database_url

        report = rekey(url, old_key=OLD_KEY, new_key=NEW_KEY)

        assert report.encrypted_states >= 1 and report.sealed_states >= 1
        assert report.sealed_read_rows == 2  # the environment, the authenticator key
        runtime = build_runtime(deployment.with_key(NEW_KEY), deployment.servers)
        try:
            account = runtime.identity.authenticate(EMAIL, PASSWORD)
            environment = runtime.testexec.environment(
                deployment.environment_id, deployment.user_id
            )
        finally:
            runtime.close()
        assert account.id == deployment.user_id
        (variable,) = environment.variables
        new_box, old_box = AesGcmSecretBox(NEW_KEY), AesGcmSecretBox(OLD_KEY)
        assert new_box.open(variable["value"]) == "s3cret"
        (in_table,) = sealed_in_read_table(url)
        assert new_box.open(in_table) == "s3cret"
        with pytest.raises(ValueError, match="cannot be opened"):
            old_box.open(in_table)
        # The rewritten logs were linked again in the same transaction: the chain holds.
        with psycopg.connect(url) as conn:
            assert verify(conn).intact

    def test_moves_two_factor_secrets_to_the_new_key(self, deployment: Deployment) -> None:
        url = deployment.servers.database_url
        runtime = build_runtime(deployment.with_key(OLD_KEY), deployment.servers)
        try:
            user = runtime.identity._user(deployment.user_id)
            secret = AesGcmSecretBox(OLD_KEY, "identity-tokens").open(
                user.pending_totp_secret or ""
            )
        finally:
            runtime.close()

        rekey(url, old_key=OLD_KEY, new_key=NEW_KEY)

        runtime = build_runtime(deployment.with_key(NEW_KEY), deployment.servers)
        try:
            sealed = runtime.identity._user(deployment.user_id).pending_totp_secret or ""
        finally:
            runtime.close()
        new_box = AesGcmSecretBox(NEW_KEY, "identity-tokens")
        assert new_box.open(sealed) == secret
        with psycopg.connect(url) as conn:
            (in_table,) = conn.execute(
                "SELECT token_value FROM identity.user_tokens WHERE user_id = %s",
                (deployment.user_id,),
            ).fetchone() or ("",)
        assert new_box.open(in_table) == secret

    def test_moves_webhook_signing_secrets_too(self, deployment: Deployment) -> None:
        runtime = build_runtime(deployment.settings, deployment.servers)
        try:
            meta = system_meta("test")
            project = runtime.apidoc.create_project(
                CreateProject(
                    owner_id=deployment.user_id, name="h", description="", base_url="", meta=meta
                )
            )
            issued = runtime.notif.create_webhook(
                CreateWebhook(
                    project_id=project.aggregate_id,
                    requester_id=deployment.user_id,
                    url="http://127.0.0.1:9/hooks",
                    events=["run.failed"],
                    description="",
                    meta=meta,
                )
            )
        finally:
            runtime.close()

        rekey(deployment.servers.database_url, old_key=OLD_KEY, new_key=NEW_KEY)

        runtime = build_runtime(deployment.with_key(NEW_KEY), deployment.servers)
        try:
            webhook = runtime.notif.owned_webhook(issued.written.aggregate_id, deployment.user_id)
            assert runtime.notif.signing_secrets(webhook, datetime.now(UTC)) == [issued.secret]
        finally:
            runtime.close()

    def test_moves_sensitive_runtime_settings_too(self, deployment: Deployment) -> None:
        runtime = build_runtime(deployment.settings, deployment.servers)
        try:
            runtime.config.set_setting(
                SetSetting(key="smtp_password", value="mail-s3cret", meta=system_meta("test"))
            )
        finally:
            runtime.close()

        rekey(deployment.servers.database_url, old_key=OLD_KEY, new_key=NEW_KEY)

        runtime = build_runtime(deployment.with_key(NEW_KEY), deployment.servers)
        try:
            assert runtime.config.setting_values() == {"smtp_password": "mail-s3cret"}
        finally:
            runtime.close()

    def test_changes_nothing_when_the_current_key_is_not_the_one_in_use(
        self, deployment: Deployment
    ) -> None:
        url = deployment.servers.database_url
        before = states(url)

        with pytest.raises(RekeyError, match="identity log"):
            rekey(url, old_key="not-the-key-" + "x" * 40, new_key=NEW_KEY)

        assert states(url) == before


class TestRotateSecretKeyCommand:
    def test_re_keys_with_the_key_from_the_environment(
        self, deployment: Deployment, monkeypatch: pytest.MonkeyPatch, capsys: Any
    ) -> None:
        monkeypatch.setenv("TESTAMENT_NEW_SECRET_KEY", NEW_KEY)

        code = cmd_rotate_secret_key(deployment.settings, argparse.Namespace())

        assert code == 0, capsys.readouterr().err
        assert "re-keyed: " in capsys.readouterr().out
        runtime = build_runtime(deployment.with_key(NEW_KEY), deployment.servers)
        try:
            assert runtime.identity.authenticate(EMAIL, PASSWORD).id == deployment.user_id
        finally:
            runtime.close()

    def test_refuses_a_new_key_too_short_and_changes_nothing(
        self, deployment: Deployment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("TESTAMENT_NEW_SECRET_KEY", "short")
        before = states(deployment.servers.database_url)

        assert cmd_rotate_secret_key(deployment.settings, argparse.Namespace()) == 2
        assert states(deployment.servers.database_url) == before
