"""`testament key-ring ...` and `testament rotate-secret-key`: the key ring's rotations
(docs/runbook.md, "Key rotation")."""

import argparse
import os
import sys
from typing import Any

from infrastructure.settings import Settings


def _database(settings: Settings) -> tuple[str, Any]:
    """The database URL, and the embedded servers to stop afterwards (or None)."""
    from interfaces.bootstrap import resolve_servers

    servers = resolve_servers(settings)
    return servers.database_url, servers.embedded


def _secrets(settings: Settings) -> Any:
    from infrastructure.security.keyring import RingSecrets

    return RingSecrets(settings.resolved_secret_key(), settings.resolved_previous_secret_keys())


def cmd_keys_status(settings: Settings, _: argparse.Namespace) -> int:
    """This function will list the ring's keys: which is current, which secret wraps each."""
    import psycopg

    from infrastructure.security.keyring import KeyRingError, ensure_ring, open_keys, ring_keys

    url, embedded = _database(settings)
    secrets = _secrets(settings)
    names = {fp: "TESTAMENT_SECRET_KEY" for fp, _ in secrets.keks()[:1]}
    for index, (fp, _kek) in enumerate(secrets.keks()[1:], start=1):
        names[fp] = f"previous secret key {index}"
    try:
        with psycopg.connect(url) as conn:
            ensure_ring(conn, secrets)
            keys = ring_keys(conn)
            try:
                current: int | None = open_keys(conn, secrets).current
            except KeyRingError as error:
                print(f"testament: {error}", file=sys.stderr)
                current = None
    finally:
        if embedded is not None:
            embedded.stop()
    for key in keys:
        state = "retired" if key.retired else ("current" if key.id == current else "readable")
        wrapped = names.get(key.wrapped_by(), f"an unknown secret key ({key.wrapped_by()})")
        print(f"{key.id}\t{key.friendly_name}\t{state}\twrapped by {wrapped}")
    return 0 if current is not None else 1


def cmd_keys_rotate(settings: Settings, _: argparse.Namespace) -> int:
    """This function will add a data key: new data goes under it (running processes take it
    within 30 seconds); old data stays readable until `key-ring reencrypt` moves it."""
    import psycopg

    from infrastructure.security.keyring import KeyRingError, add_key, ensure_ring, open_keys

    url, embedded = _database(settings)
    secrets = _secrets(settings)
    try:
        with psycopg.connect(url) as conn:
            ensure_ring(conn, secrets)
            conn.execute("LOCK TABLE identity.data_protection_keys IN EXCLUSIVE MODE")
            open_keys(conn, secrets)  # refuse to add a key to a ring this key cannot open
            key_id = add_key(conn, secrets)
    except KeyRingError as error:
        print(f"testament: nothing changed: {error}", file=sys.stderr)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
    print(
        f"data key {key_id} is current; run `testament key-ring reencrypt` once every process has"
        " taken it (after 30 seconds) to move old data to it and retire the older keys"
    )
    return 0


def cmd_keys_reencrypt(settings: Settings, _: argparse.Namespace) -> int:
    """This function will move all data to the current data key and retire the others."""
    from infrastructure.security.rekey import RekeyError, reencrypt

    url, embedded = _database(settings)
    try:
        report = reencrypt(url, _secrets(settings))
    except RekeyError as error:
        print(f"testament: nothing changed: {error}", file=sys.stderr)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
    print(
        f"re-encrypted under data key {report.current_key}: {report.encrypted_states} encrypted"
        f" states, {report.sealed_states} states and {report.sealed_read_rows} read rows with"
        f" sealed secrets; {report.retired_keys} older keys retired"
    )
    return 0


def cmd_keys_rewrap(settings: Settings, _: argparse.Namespace) -> int:
    """This function will wrap the ring under TESTAMENT_SECRET_KEY, opening it with one of
    TESTAMENT_PREVIOUS_SECRET_KEYS."""
    from infrastructure.security.rekey import RekeyError, rewrap

    url, embedded = _database(settings)
    try:
        report = rewrap(url, _secrets(settings))
    except RekeyError as error:
        print(f"testament: nothing changed: {error}", file=sys.stderr)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
    _print_rewrapped(report)
    return 0


def _print_rewrapped(report: Any) -> None:
    print(
        f"re-wrapped {report.rewrapped_keys} keys of the ring under the new secret key; moved"
        f" {report.encrypted_states} encrypted states, {report.sealed_states} states and"
        f" {report.sealed_read_rows} read rows sealed before the key ring to data key"
        f" {report.current_key}. TESTAMENT_PREVIOUS_SECRET_KEYS is no longer needed"
    )


def cmd_rotate_secret_key(settings: Settings, _: argparse.Namespace) -> int:
    """This function will move the deployment to the key in TESTAMENT_NEW_SECRET_KEY (an
    environment variable, so the key never shows in a process list): the ring is wrapped
    under it. Access tokens signed with the old key stop working."""
    from infrastructure.security.keyring import RingSecrets
    from infrastructure.security.rekey import RekeyError, rewrap

    new_key = os.environ.get("TESTAMENT_NEW_SECRET_KEY", "")
    if len(new_key) < 32:
        print(
            "testament: set TESTAMENT_NEW_SECRET_KEY to the new key (at least 32 characters)",
            file=sys.stderr,
        )
        return 2
    old_key = settings.resolved_secret_key()
    if new_key == old_key:
        print("testament: the new key is the current key", file=sys.stderr)
        return 2
    url, embedded = _database(settings)
    secrets = RingSecrets(new_key, (old_key, *settings.resolved_previous_secret_keys()))
    try:
        report = rewrap(url, secrets)
    except RekeyError as error:
        print(f"testament: nothing changed: {error}", file=sys.stderr)
        return 1
    finally:
        if embedded is not None:
            embedded.stop()
    if settings.embedded and not settings.secret_key:  # the generated key file: replace it
        (settings.data_dir / "secret_key").write_text(new_key)
    _print_rewrapped(report)
    print("start Testament with the new TESTAMENT_SECRET_KEY (everyone logs in again)")
    return 0


def add_key_commands(commands: Any) -> None:
    """This function will add `keys` and `rotate-secret-key` to the CLI's commands."""
    keys = commands.add_parser(
        "key-ring", help="the key ring that encrypts secrets at rest (docs/runbook.md)"
    ).add_subparsers(dest="key_ring_command", required=True)
    keys.add_parser("status", help="the ring's data keys and what wraps them").set_defaults(
        func=cmd_keys_status
    )
    keys.add_parser("rotate", help="add a data key; new data goes under it").set_defaults(
        func=cmd_keys_rotate
    )
    keys.add_parser(
        "reencrypt", help="move all data to the current data key and retire the others"
    ).set_defaults(func=cmd_keys_reencrypt)
    keys.add_parser(
        "rewrap",
        help="wrap the ring under TESTAMENT_SECRET_KEY, opening it with a previous secret key",
    ).set_defaults(func=cmd_keys_rewrap)
    commands.add_parser(
        "rotate-secret-key",
        help="move the deployment to the key in TESTAMENT_NEW_SECRET_KEY (docs/runbook.md)",
    ).set_defaults(func=cmd_rotate_secret_key)
