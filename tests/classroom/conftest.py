"""Fixtures for the classroom tests: the real ``alliances classroom`` server."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

import pytest
from browsers import chromium as launch_chromium
from classroom_clients import Client, start_classroom, stop


@pytest.fixture
def fresh_classroom(tmp_path):
    """A server of its own for one test (for tests that leave the server changed)."""
    server = start_classroom(tmp_path)
    yield server
    Client.close_all()
    stop(server.process)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory):
    """One server for the session; ``classroom`` gives each test a new round on it."""
    server = start_classroom(tmp_path_factory.mktemp("classroom"))
    yield server
    Client.close_all()
    stop(server.process)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture
def classroom(shared_server):
    """A new round for one test: the lecturer ends the last round and starts a new one."""
    screen = Client(shared_server.ws)
    screen.send({"type": "hello", "role": "lecturer", "token": shared_server.token})
    screen.until("setup")
    if screen.until("world")["state"] != "ended":
        screen.send({"type": "control", "command": "end"})
        screen.until("debrief")
    screen.send({"type": "control", "command": "new"})
    code = screen.until("setup")["code"]
    screen.close()
    yield replace(shared_server, code=code)
    Client.close_all()


@pytest.fixture
def lobby(classroom):
    """A new round that the test leaves in the lobby (it never starts it)."""
    return classroom


@pytest.fixture
def name(request) -> str:
    """A student name unique to the test (tests share the lobby's round)."""
    return "S" + str(abs(hash(request.node.nodeid)) % 10**8)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium (the system's), as in the app's browser tests."""
    with launch_chromium(CHROMIUM_ARGS) as launched:
        yield launched


@dataclass
class Guard:
    """What a page asked of the network and logged as errors."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        def route(route) -> None:
            if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        page.route("**/*", route)
        page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def assert_clean(self) -> None:
        assert not self.blocked, f"non-local requests: {self.blocked}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def pages(chromium):
    """Opens pages in fresh browser contexts (one per person), guarded; closes them after."""
    contexts, guard = [], Guard()

    def open_page(url: str, width: int = 1280, height: int = 800):
        context = chromium.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        guard.attach(page)
        page.goto(url)
        return page

    open_page.guard = guard
    yield open_page
    for context in contexts:
        context.close()
