"""Fixtures for the classroom tests: the real ``alliances classroom`` server."""

from __future__ import annotations

import pytest
from classroom_clients import Client, start_classroom, stop


@pytest.fixture
def classroom(tmp_path):
    """A fresh server (a fresh round) for one test."""
    server = start_classroom(tmp_path)
    yield server
    Client.close_all()
    stop(server.process)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture(scope="module")
def lobby(tmp_path_factory):
    """One server for a module's tests that never start the round (it stays in the lobby)."""
    server = start_classroom(tmp_path_factory.mktemp("lobby"))
    yield server
    Client.close_all()
    stop(server.process)
    assert "Traceback" not in server.output(), server.output()


@pytest.fixture
def name(request) -> str:
    """A student name unique to the test (tests share the lobby's round)."""
    return "S" + str(abs(hash(request.node.nodeid)) % 10**8)
