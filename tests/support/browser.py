"""A real headless Chromium (Debian's `chromium`), driven over the DevTools protocol: open a
page, take a screenshot, and report every request the page made and every console error."""

import base64
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect


@dataclass
class PageVisit:
    """What opening a page did."""

    requests: list[str] = field(default_factory=list)  # every URL but the page's own file
    console_errors: list[str] = field(default_factory=list)
    screenshot: bytes = b""


def chromium() -> str:
    """This function will find Chromium (installed by .ci/run: apt-get install chromium)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise RuntimeError("chromium is not installed: run .ci/run, or apt-get install chromium")
    return found


class _Session:
    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self._ids)
        self._ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.recv(timeout=60))
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == event for e in self.events):
            self.events.append(
                json.loads(self._ws.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            )

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self._ws.recv(timeout=left)))
            except TimeoutError:
                return


def _devtools_port(log: Path, process: "subprocess.Popen[bytes]") -> int:
    """This function will wait for Chromium to write where its DevTools endpoint listens."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", log.read_text())
        if found:
            return int(found.group(1))
        time.sleep(0.05)
    raise RuntimeError(f"chromium did not start its DevTools endpoint: {log.read_text()[-2000:]}")


def visit(page: Path, *, width: int = 1280, height: int = 900) -> PageVisit:
    """This function will open a local file in headless Chromium, wait for it to load and
    settle, and tell what it requested, what it logged as errors, and how it looked."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        log = Path(profile) / "chromium.log"
        with log.open("wb") as errors:
            process = subprocess.Popen(
                [
                    chromium(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--remote-debugging-port=0",
                    f"--user-data-dir={profile}/data",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-default-apps",
                    f"--window-size={width},{height}",
                    # No name resolves: whatever the page asks for is seen here, goes nowhere.
                    "--host-resolver-rules=MAP * ~NOTFOUND",
                    "about:blank",
                ],
                stderr=errors,
                stdout=subprocess.DEVNULL,
                start_new_session=True,  # its renderer and GPU processes end with it
            )
        try:
            port = _devtools_port(log, process)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=20) as r:
                targets = json.load(r)
            target = next(t for t in targets if t["type"] == "page")
            with connect(
                target["webSocketDebuggerUrl"], max_size=64 * 1024 * 1024, open_timeout=20
            ) as ws:
                session = _Session(ws)
                for domain in ("Network", "Runtime", "Log", "Page"):
                    session.call(f"{domain}.enable")
                session.call("Page.navigate", url=page.resolve().as_uri())
                session.wait_for("Page.loadEventFired")
                session.drain(0.5)
                shot = session.call("Page.captureScreenshot", format="png")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
    own = page.resolve().as_uri()
    result = PageVisit(screenshot=base64.b64decode(shot["data"]))
    for event in session.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url != own and not url.startswith("data:"):
                result.requests.append(url)
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.console_errors.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            result.console_errors.append(str(params["exceptionDetails"].get("text", "")))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            result.console_errors.append(str(params["entry"].get("text", "")))
    return result
