"""Where `testament login` keeps what it needs to call the API again: a JSON file only its
owner can read (mode 0600, in a folder of mode 0700).

The file is `$TESTAMENT_CONFIG`, else `$XDG_CONFIG_HOME/testament/credentials.json`, else
`~/.config/testament/credentials.json`. It holds the API's URL and either an API key or the
session's tokens (never a password); a renewed session is written back, since a refresh
token works once.
"""

import json
import os
from pathlib import Path
from typing import Any


def config_path() -> Path:
    explicit = os.environ.get("TESTAMENT_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "testament" / "credentials.json"


def load_config() -> dict[str, Any]:
    """This function will read the saved log-in, or give {} when there is none."""
    path = config_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_config(data: dict[str, Any]) -> Path:
    """This function will write the log-in, readable by its owner only, replacing the file in
    one step (a crash leaves the old file or the new one, never half of it)."""
    path = config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    os.chmod(temporary, 0o600)  # an existing file keeps its mode through O_CREAT
    os.replace(temporary, path)
    return path


def forget_config() -> bool:
    """This function will delete the saved log-in; says whether there was one."""
    try:
        config_path().unlink()
        return True
    except FileNotFoundError:
        return False
