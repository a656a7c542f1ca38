"""The `testament` command line: what `rebuild` offers."""

import pytest

from infrastructure.projections.catalog import READ_MODELS
from interfaces.cli.main import main, parser


class TestRebuildHelp:
    def test_lists_every_rebuildable_read_model_of_the_catalog(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit):
            main(["rebuild", "--help"])
        shown = " ".join(capsys.readouterr().out.split())
        rebuildable = [m.name for m in READ_MODELS if m.rebuildable]
        assert len(rebuildable) >= 7
        for name in rebuildable:
            assert name in shown

    def test_refuses_an_unknown_or_delivery_log_name_before_connecting(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        outbox = next(m.name for m in READ_MODELS if not m.rebuildable)
        for name in ("no_such_model", outbox):
            with pytest.raises(SystemExit) as exited:
                main(["rebuild", name])
            assert exited.value.code == 2
            assert "invalid choice" in capsys.readouterr().err


class TestKeyRingCommands:
    def test_offers_the_key_rings_commands_beside_the_api_keys_client(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit):
            main(["key-ring", "--help"])
        shown = capsys.readouterr().out
        for command in ("status", "rotate", "reencrypt", "rewrap"):
            assert command in shown
        for command in ("status", "rotate", "reencrypt", "rewrap"):
            assert parser().parse_args(["key-ring", command]).func.__name__.startswith("cmd_keys")
