"""Fixtures for the classroom app: the real server in a subprocess, and offline Chromium."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browsers import chromium as launch_chromium

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    # belt and braces: no name but localhost resolves, so nothing can reach the internet
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
SERVER_START_SECONDS = 60


@dataclass
class DemoServer:
    """A running ``alliances demo`` subprocess."""

    process: subprocess.Popen
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_demo(tmp_dir: Path, scenario: str = "default", lang: str = "en") -> DemoServer:
    """Start ``python -m simulation.cli demo --port 0`` and wait until the page answers."""
    log = tmp_dir / "demo-server.log"
    handle = log.open("w", encoding="utf-8")
    command = ["demo", "--port", "0", "--scenario", scenario, "--lang", lang]
    process = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", *command],
        cwd=ROOT,
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    handle.close()
    deadline = time.monotonic() + SERVER_START_SECONDS
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"demo server exited with {process.returncode}:\n{log.read_text()}")
        for line in log.read_text(encoding="utf-8").splitlines():
            if "http://" in line:
                url = line[line.index("http://") :].split()[0]
        if url:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return DemoServer(process, url, log)
            except OSError:
                pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(
        f"demo server did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()}"
    )


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started (by its process id only)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> DemoServer:
    server = start_demo(tmp_path_factory.mktemp("demo"))
    yield server
    stop(server.process)
    # the server must not have logged a traceback while the tests drove it
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture(scope="module")
def browser():
    with launch_chromium(CHROMIUM_ARGS) as launched:
        yield launched


@dataclass
class OfflineGuard:
    """Records what a page asked of the network and said on its console."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def websocket(self, websocket) -> None:
        if urlsplit(websocket.url).hostname not in LOCAL_HOSTS:
            self.blocked.append(websocket.url)

    def response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def console(self, message) -> None:
        if message.type == "error":
            self.errors.append(message.text)
        elif message.type == "warning":
            self.warnings.append(message.text)

    def page_error(self, error) -> None:
        self.errors.append(f"uncaught: {error}")

    def assert_clean(self) -> None:
        """Fail if the page needed the internet, got an error response or logged an error."""
        assert not self.blocked, f"the page asked for non-local resources: {self.blocked}"
        assert not self.failed, f"local requests failed: {self.failed}"
        assert not self.errors, f"errors in the browser console: {self.errors}"


@pytest.fixture
def offline_page(browser, demo_server):
    """A fresh page of the demo (a new session, so a new model) with the network guarded."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    guard = OfflineGuard()
    page.route("**/*", guard.route)
    page.on("websocket", guard.websocket)
    page.on("response", guard.response)
    page.on("console", guard.console)
    page.on("pageerror", guard.page_error)
    page.set_default_timeout(30_000)
    page.goto(demo_server.url)
    page.wait_for_selector("[data-testid=month-value]")
    yield page, guard
    context.close()


@pytest.fixture(scope="module")
def dutch_server(tmp_path_factory) -> DemoServer:
    """``alliances demo --lang nl``: the page opens in Dutch."""
    server = start_demo(tmp_path_factory.mktemp("demo-nl"), lang="nl")
    yield server
    stop(server.process)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture
def window_page(browser):
    """Open a server's page in a window of a given size and zoom, with the network guarded.

    Browser zoom is emulated as Chromium applies it to the layout: a viewport of
    ``width / zoom`` x ``height / zoom`` CSS pixels at ``zoom`` device pixels per CSS pixel.
    """
    contexts = []

    def open_page(server: DemoServer, width: int, height: int, zoom: float = 1.0):
        viewport = {"width": round(width / zoom), "height": round(height / zoom)}
        context = browser.new_context(viewport=viewport, device_scale_factor=zoom)
        contexts.append(context)
        page = context.new_page()
        guard = OfflineGuard()
        page.route("**/*", guard.route)
        page.on("console", guard.console)
        page.on("pageerror", guard.page_error)
        page.on("response", guard.response)
        page.set_default_timeout(30_000)
        page.goto(server.url)
        page.wait_for_selector("[data-testid=month-value]")
        return page, guard

    yield open_page
    for context in contexts:
        context.close()
