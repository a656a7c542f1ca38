"""The key ring: rotating the data key (new writes under the new key, old data readable,
`keys reencrypt` moving it), rotating the secret key (the ring re-wrapped, the old key given
as a previous one), and data sealed before the ring; each move in one transaction or not at
all."""

import argparse
import base64
import dataclasses
import hashlib
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
from infrastructure.postgres.compression import TolerantZlibCompressor
from infrastructure.projections.catalog import read_model
from infrastructure.security.keyring import KeyRing, KeyRingError, RingSecrets
from infrastructure.security.rekey import RekeyError, reencrypt, rekey, rewrap
from infrastructure.security.ring_cipher import RingCipher
from infrastructure.security.secrets import AesGcmSecretBox, RingSecretBox
from infrastructure.settings import ConfigurationError, Settings
from interfaces.bootstrap import (
    Runtime,
    Servers,
    app_env,
    build_runtime,
    identity_application,
    key_ring,
    migrate,
)
from interfaces.cli.keys import (
    cmd_keys_reencrypt,
    cmd_keys_rewrap,
    cmd_keys_rotate,
    cmd_keys_status,
    cmd_rotate_secret_key,
)

OLD_KEY = "old-key-" + "o" * 40
NEW_KEY = "new-key-" + "n" * 40
EMAIL, PASSWORD = "rekey@example.com", "a long enough passphrase"
LEGACY_EMAIL = "legacy@example.com"
NO_ARGS = argparse.Namespace()


@dataclasses.dataclass(frozen=True)
class Deployment:
    settings: Settings
    servers: Servers
    user_id: uuid.UUID
    project_id: uuid.UUID
    environment_id: uuid.UUID
    webhook_id: uuid.UUID
    webhook_secret: str
    totp_secret: str

    @property
    def url(self) -> str:
        return self.servers.database_url

    def with_key(self, key: str, *previous: str) -> Settings:
        return self.settings.model_copy(
            update={"secret_key": key, "previous_secret_keys": ",".join(previous)}
        )

    def runtime(self, settings: Settings | None = None) -> Runtime:
        runtime = build_runtime(settings or self.settings, self.servers)
        key_ring(settings or self.settings, self.url).load()  # as if 30 seconds went by
        return runtime


def catch_up(runtime: Runtime) -> None:
    for runner in runtime.runners((read_model("testexec"), read_model("users"))):
        runner.catch_up()


@pytest.fixture
def deployment(servers: Servers, settings: Settings) -> Iterator[Deployment]:
    """A deployment on a database of its own: an account starting two-factor, an
    environment whose variable `token` is the secret "s3cret", and a webhook."""
    dbname = f"testament_rekey_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(servers.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    url = re.sub(r"/[^/?]+(\?|$)", f"/{dbname}\\1", servers.database_url, count=1)
    own = dataclasses.replace(servers, database_url=url)
    old = settings.model_copy(update={"database_url": url, "secret_key": OLD_KEY})
    runtime = migrate(old, own)
    try:
        meta = system_meta("test")
        user_id = runtime.identity.register_user(
            RegisterUser(email=EMAIL, password=PASSWORD, display_name=None, meta=meta)
        ).aggregate_id
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
        enrolment = runtime.identity.start_two_factor(user_id, meta=meta)
        webhook = runtime.notif.create_webhook(
            CreateWebhook(
                project_id=project.aggregate_id,
                requester_id=user_id,
                url="http://127.0.0.1:9/hooks",
                events=["run.failed"],
                description="",
                meta=meta,
            )
        )
        runtime.config.set_setting(SetSetting(key="smtp_password", value="mail-s3cret", meta=meta))
        catch_up(runtime)
    finally:
        runtime.close()
    try:
        yield Deployment(
            settings=old,
            servers=own,
            user_id=user_id,
            project_id=project.aggregate_id,
            environment_id=environment.aggregate_id,
            webhook_id=webhook.written.aggregate_id,
            webhook_secret=webhook.secret,
            totp_secret=enrolment.secret,
        )
    finally:
        with psycopg.connect(servers.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def read_everything(deployment: Deployment, settings: Settings) -> dict[str, Any]:
    """Every kind of protected data, opened through a runtime on these settings."""
    runtime = deployment.runtime(settings)
    try:
        tokens = RingSecretBox(key_ring(settings, deployment.url), "identity-tokens")
        account = runtime.identity.authenticate(EMAIL, PASSWORD)
        (variable,) = runtime.testexec.environment(
            deployment.environment_id, deployment.user_id
        ).variables
        webhook = runtime.notif.owned_webhook(deployment.webhook_id, deployment.user_id)
        with psycopg.connect(deployment.url) as conn:
            (key_row,) = conn.execute(
                "SELECT token_value FROM identity.user_tokens WHERE user_id = %s",
                (deployment.user_id,),
            ).fetchall()
        (environment_row,) = sealed_in(deployment.url, deployment.environment_id)
        return {
            "account": account.id,
            "environment secret": runtime.testexec.box.open(variable["value"]),
            "environment secret, read row": runtime.testexec.box.open(environment_row),
            "totp secret": tokens.open(
                runtime.identity._user(account.id).pending_totp_secret or ""
            ),
            "totp secret, read row": tokens.open(key_row[0]),
            "webhook secrets": runtime.notif.signing_secrets(webhook, datetime.now(UTC)),
            "runtime settings": runtime.config.setting_values(),
        }
    finally:
        runtime.close()


def expected(deployment: Deployment) -> dict[str, Any]:
    return {
        "account": deployment.user_id,
        "environment secret": "s3cret",
        "environment secret, read row": "s3cret",
        "totp secret": deployment.totp_secret,
        "totp secret, read row": deployment.totp_secret,
        "webhook secrets": [deployment.webhook_secret],
        "runtime settings": {"smtp_password": "mail-s3cret"},
    }


def sealed_in(url: str, environment_id: uuid.UUID) -> list[str]:
    """The sealed secrets of an environment's read row."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT to_jsonb(t)::text FROM testexec.execution_environments t WHERE id = %s",
            (environment_id,),
        ).fetchall()
    return [found for (text,) in rows for found in re.findall(r"sealed:v[^\"]+", text)]


def key_ids(url: str) -> dict[str, set[int | None]]:
    """Which data key protects each stored thing (None: sealed before the ring)."""
    zlib = TolerantZlibCompressor()
    with psycopg.connect(url) as conn:
        states = [bytes(s) for (s,) in conn.execute("SELECT state FROM identity_events")]
        texts = [
            zlib.decompress(bytes(s)).decode()
            for (s,) in conn.execute(
                "SELECT state FROM testexec_events UNION ALL SELECT state FROM notif_events"
            )
        ] + [
            text
            for (text,) in conn.execute(
                "SELECT to_jsonb(t)::text FROM testexec.execution_environments t"
                " UNION ALL SELECT to_jsonb(t)::text FROM identity.user_tokens t"
            )
        ]
    sealed = {
        None if version == "1" else int(version[2:])
        for text in texts
        for version in re.findall(r"sealed:v(1|2:\d+):", text)
    }
    return {"states": {RingCipher.key_of(s) for s in states}, "sealed": sealed}


def ring_rows(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT id, friendly_name, xml, retired_date_time IS NOT NULL"
            " FROM identity.data_protection_keys ORDER BY id"
        ).fetchall()


def stored_states(url: str) -> list[Any]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT state FROM identity_events UNION ALL SELECT state FROM testexec_events"
            " UNION ALL SELECT state FROM notif_events"
        ).fetchall()


def an_environment(runtime: Runtime, deployment: Deployment, value: str) -> str:
    """A new environment's sealed secret, as stored."""
    written = runtime.testexec.create_environment(
        CreateEnvironment(
            project_id=deployment.project_id,
            requester_id=deployment.user_id,
            name=value,
            base_url="http://x.test",
            meta=system_meta("test"),
            variables=[{"name": "token", "value": value, "secret": True}],
        )
    )
    env = runtime.testexec.environment(written.aggregate_id, deployment.user_id)
    sealed: str = env.variables[0]["value"]
    assert runtime.testexec.box.open(sealed) == value
    return sealed


class TestTheRing:
    def test_starts_with_one_data_key_wrapped_by_the_secret_key(
        self, deployment: Deployment
    ) -> None:
        ((key_id, name, xml, retired),) = ring_rows(deployment.url)

        assert (key_id, name, retired) == (1, "data-key-1", False)
        assert xml.startswith('<key id="1" version="1"><algorithm>AES-256-GCM</algorithm>')
        assert key_ids(deployment.url) == {"states": {1}, "sealed": {1}}
        assert read_everything(deployment, deployment.settings) == expected(deployment)


class TestDataKeyRotation:
    def test_rotates_reads_everything_and_rotates_again(
        self, deployment: Deployment, capsys: Any
    ) -> None:
        for new_key in (2, 3):
            assert cmd_keys_rotate(deployment.settings, NO_ARGS) == 0, capsys.readouterr().err
            assert f"data key {new_key} is current" in capsys.readouterr().out

            runtime = deployment.runtime()
            try:
                sealed = an_environment(runtime, deployment, f"secret-{new_key}")
            finally:
                runtime.close()

            assert sealed.startswith(f"sealed:v2:{new_key}:")
            assert read_everything(deployment, deployment.settings) == expected(deployment)
        assert key_ids(deployment.url)["states"] == {1}  # nothing moved yet
        assert cmd_keys_status(deployment.settings, NO_ARGS) == 0
        assert capsys.readouterr().out.splitlines() == [
            "1\tdata-key-1\treadable\twrapped by TESTAMENT_SECRET_KEY",
            "2\tdata-key-2\treadable\twrapped by TESTAMENT_SECRET_KEY",
            "3\tdata-key-3\tcurrent\twrapped by TESTAMENT_SECRET_KEY",
        ]

    def test_a_running_process_reads_a_newer_key_at_once_and_writes_under_it_soon(
        self, deployment: Deployment
    ) -> None:
        secrets = RingSecrets(OLD_KEY)
        running = KeyRing(secrets, deployment.url)
        assert running.current() == 1

        assert cmd_keys_rotate(deployment.settings, NO_ARGS) == 0
        started_since = KeyRing(secrets, deployment.url)
        sealed = RingSecretBox(started_since).seal("written by a newer process")

        assert sealed.startswith("sealed:v2:2:")
        assert RingSecretBox(running).open(sealed) == "written by a newer process"
        running.refresh_seconds = 0  # as if 30 seconds went by
        assert running.current() == 2

    def test_reencrypt_moves_everything_to_the_current_key_and_retires_the_others(
        self, deployment: Deployment, capsys: Any
    ) -> None:
        assert cmd_keys_rotate(deployment.settings, NO_ARGS) == 0

        assert cmd_keys_reencrypt(deployment.settings, NO_ARGS) == 0, capsys.readouterr().err

        assert "re-encrypted under data key 2" in capsys.readouterr().out
        assert key_ids(deployment.url) == {"states": {2}, "sealed": {2}}
        assert [row[3] for row in ring_rows(deployment.url)] == [True, False]
        assert read_everything(deployment, deployment.settings) == expected(deployment)
        with psycopg.connect(deployment.url) as conn:
            assert verify(conn).intact  # the rewritten logs were linked again
        # Again: nothing is stale, nothing moves.
        report = reencrypt(deployment.url, RingSecrets(OLD_KEY))
        assert (report.encrypted_states, report.sealed_states, report.sealed_read_rows) == (
            0,
            0,
            0,
        )


class TestSecretKeyRotation:
    def test_the_previous_key_keeps_everything_readable_until_the_ring_is_rewrapped(
        self, deployment: Deployment, capsys: Any
    ) -> None:
        during = deployment.with_key(NEW_KEY, OLD_KEY)
        before = ring_rows(deployment.url)

        assert read_everything(deployment, during) == expected(deployment)
        assert cmd_keys_rewrap(during, NO_ARGS) == 0, capsys.readouterr().err

        assert "re-wrapped 1 keys" in capsys.readouterr().out
        after = ring_rows(deployment.url)
        assert [r[:2] for r in after] == [r[:2] for r in before] and after != before
        assert read_everything(deployment, deployment.with_key(NEW_KEY)) == expected(deployment)
        # A process started now with the old key alone cannot open the ring (one running
        # since before keeps the keys it opened).
        with pytest.raises(KeyRingError, match="TESTAMENT_PREVIOUS_SECRET_KEYS"):
            KeyRing(RingSecrets(OLD_KEY), deployment.url).load()

    def test_a_process_still_on_the_old_key_keeps_working_with_the_keys_it_opened(
        self, deployment: Deployment, caplog: Any
    ) -> None:
        running = KeyRing(RingSecrets(OLD_KEY), deployment.url)
        sealed = RingSecretBox(running).seal("before")

        rekey(deployment.url, old_key=OLD_KEY, new_key=NEW_KEY)
        running.refresh_seconds = 0

        assert running.current() == 1
        assert "the key ring was not read again" in caplog.text
        assert RingSecretBox(running).open(sealed) == "before"

    def test_rotate_secret_key_rewraps_with_the_key_from_the_environment(
        self, deployment: Deployment, monkeypatch: pytest.MonkeyPatch, capsys: Any
    ) -> None:
        monkeypatch.setenv("TESTAMENT_NEW_SECRET_KEY", NEW_KEY)

        code = cmd_rotate_secret_key(deployment.settings, NO_ARGS)

        assert code == 0, capsys.readouterr().err
        assert "re-wrapped 1 keys" in capsys.readouterr().out
        assert read_everything(deployment, deployment.with_key(NEW_KEY)) == expected(deployment)

        # And again, from the new key to a third.
        third = "third-key-" + "t" * 40
        monkeypatch.setenv("TESTAMENT_NEW_SECRET_KEY", third)
        assert cmd_rotate_secret_key(deployment.with_key(NEW_KEY), NO_ARGS) == 0
        assert read_everything(deployment, deployment.with_key(third)) == expected(deployment)

    def test_refuses_to_open_the_ring_without_the_old_key_saying_so(
        self, deployment: Deployment
    ) -> None:
        with pytest.raises(ConfigurationError, match="cannot open the key ring: data key 1"):
            build_runtime(deployment.with_key(NEW_KEY), deployment.servers)

    def test_a_wrong_old_key_changes_nothing(self, deployment: Deployment, capsys: Any) -> None:
        before, ring = stored_states(deployment.url), ring_rows(deployment.url)
        wrong = "not-the-key-" + "x" * 40

        with pytest.raises(RekeyError, match="wrapped by a secret key"):
            rekey(deployment.url, old_key=wrong, new_key=NEW_KEY)
        assert cmd_keys_rewrap(deployment.with_key(NEW_KEY, wrong), NO_ARGS) == 1
        assert "nothing changed" in capsys.readouterr().err

        assert (stored_states(deployment.url), ring_rows(deployment.url)) == (before, ring)
        assert read_everything(deployment, deployment.settings) == expected(deployment)

    def test_refuses_a_new_key_too_short_or_the_same_and_changes_nothing(
        self, deployment: Deployment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        before = stored_states(deployment.url)
        for key in ("short", OLD_KEY):
            monkeypatch.setenv("TESTAMENT_NEW_SECRET_KEY", key)
            assert cmd_rotate_secret_key(deployment.settings, NO_ARGS) == 2
        with pytest.raises(RekeyError, match="is the current key"):
            rekey(deployment.url, old_key=OLD_KEY, new_key=OLD_KEY)
        assert stored_states(deployment.url) == before


def legacy_data(deployment: Deployment) -> str:
    """An account and an environment secret written as before the key ring: the identity
    log's eventsourcing AESCipher and `sealed:v1:` under keys derived from the secret key."""
    legacy_key = hashlib.sha256(f"testament:identity:{OLD_KEY}".encode()).digest()
    env = {
        **app_env(deployment.settings, deployment.url, "identity", create_table=False),
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": base64.b64encode(legacy_key).decode(),
    }
    identity = identity_application(deployment.settings, env)
    try:
        identity.register_user(
            RegisterUser(
                email=LEGACY_EMAIL, password=PASSWORD, display_name=None, meta=system_meta()
            )
        )
    finally:
        identity.close()
    runtime = deployment.runtime()
    try:
        runtime.testexec._box = AesGcmSecretBox(OLD_KEY)
        sealed = an_environment(runtime, deployment, "old-s3cret")
        catch_up(runtime)
    finally:
        runtime.close()
    assert sealed.startswith("sealed:v1:")
    return sealed


class TestDataFromBeforeTheRing:
    def test_is_read_and_moved_to_the_ring_by_reencrypt(self, deployment: Deployment) -> None:
        sealed = legacy_data(deployment)
        assert None in key_ids(deployment.url)["states"]

        runtime = deployment.runtime()
        try:
            assert runtime.identity.authenticate(LEGACY_EMAIL, PASSWORD)
            assert runtime.testexec.box.open(sealed) == "old-s3cret"
        finally:
            runtime.close()
        reencrypt(deployment.url, RingSecrets(OLD_KEY))

        assert key_ids(deployment.url) == {"states": {1}, "sealed": {1}}

    def test_moves_to_the_ring_when_the_secret_key_changes(self, deployment: Deployment) -> None:
        legacy_data(deployment)

        report = rewrap(deployment.url, RingSecrets(NEW_KEY, (OLD_KEY,)))

        assert report.encrypted_states >= 1 and report.rewrapped_keys == 1
        assert key_ids(deployment.url) == {"states": {1}, "sealed": {1}}
        with psycopg.connect(deployment.url) as conn:
            assert verify(conn).intact
        runtime = deployment.runtime(deployment.with_key(NEW_KEY))
        try:
            assert runtime.identity.authenticate(LEGACY_EMAIL, PASSWORD)
        finally:
            runtime.close()
        assert read_everything(deployment, deployment.with_key(NEW_KEY)) == expected(deployment)


class TestKeyRingCommandsWithTheWrongKey:
    def test_say_the_ring_does_not_open_and_change_nothing(
        self, deployment: Deployment, capsys: Any
    ) -> None:
        wrong = deployment.with_key(NEW_KEY)
        ring, states = ring_rows(deployment.url), stored_states(deployment.url)

        assert cmd_keys_status(wrong, NO_ARGS) == 1
        shown = capsys.readouterr()
        assert "TESTAMENT_PREVIOUS_SECRET_KEYS" in shown.err
        assert "wrapped by an unknown secret key" in shown.out
        assert cmd_keys_rotate(wrong, NO_ARGS) == 1
        assert cmd_keys_reencrypt(wrong, NO_ARGS) == 1
        assert capsys.readouterr().err.count("nothing changed") == 2

        assert (ring_rows(deployment.url), stored_states(deployment.url)) == (ring, states)
