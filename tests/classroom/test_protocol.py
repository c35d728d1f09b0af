"""The classroom server over its real protocol: a real server on an ephemeral port.

Safe by default: loopback only, a join code per round, a lecturer token, every message
checked (schema, size, rate), bad clients refused without hurting the others, and no
student data written unless the lecturer exports.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
import urllib.error
import urllib.request

import pytest
from classroom_clients import Client, lecturer, student

from simulation.classroom.protocol import MAX_MESSAGE_BYTES, MAX_STRIKES


def closed(client: Client, timeout: float = 10.0) -> int | None:
    """Wait until the server closes ``client``; return the close code."""
    from websockets.exceptions import ConnectionClosed

    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            client.receive(deadline - time.monotonic())
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    raise AssertionError("the server did not close the connection")


def test_listens_on_loopback_only_by_default(lobby):
    assert lobby.join_url.startswith("http://127.0.0.1:")
    assert lobby.lecturer_url.startswith("http://127.0.0.1:")
    assert "Only this machine can connect" in lobby.output()
    port = int(lobby.join_url.rsplit(":", 1)[1].strip("/"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            other = probe.getsockname()[0]
        except OSError:
            other = None
    if other and not other.startswith("127."):
        with pytest.raises(OSError):
            socket.create_connection((other, port), timeout=2).close()


def test_pages_are_local_and_locked_down(lobby):
    for path in ("", "lecturer", "static/common.js", "static/classroom.css", "strings.json"):
        with urllib.request.urlopen(lobby.base + path, timeout=5) as response:
            assert response.status == 200
            policy = response.headers["content-security-policy"]
            assert "default-src 'none'" in policy and "script-src 'self'" in policy
            body = response.read().decode()
            assert not re.search(r"https?://\w", body), f"{path} refers to another host"
    for path in ("static/..%2Fgame.py", "static/game.py", "static/nothing.js"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(lobby.base + path, timeout=5)
        assert info.value.code == 404
        info.value.close()
    with urllib.request.urlopen(lobby.base + "strings.json?lang=nl", timeout=5) as response:
        assert json.load(response)["strings"]["phase_founding"] == "funderen"


def test_wrong_code_is_refused_and_repeated_guessing_closes(lobby, name):
    client = Client(lobby.ws)
    wrong = "A" * 6 if lobby.code != "A" * 6 else "B" * 6
    client.send({"type": "join", "code": wrong, "name": "Guess"})
    assert client.until("error")["error"] == "wrong_code"
    client.send({"type": "join", "code": wrong, "name": "Guess"})
    client.send({"type": "join", "code": wrong, "name": "Guess"})
    assert closed(client) is not None
    # the right code still works for somebody else
    ok = student(lobby, name)
    assert ok.view["name"] == name


def test_students_cannot_reach_the_lecturers_controls(lobby, name):
    screen = lecturer(lobby)
    ada = student(lobby, name)
    for message in (
        {"type": "control", "command": "start"},
        {"type": "control", "command": "end"},
        {"type": "export", "format": "csv"},
        {"type": "debrief"},
        {"type": "hello", "role": "lecturer", "token": "x" * 32},
    ):
        ada.send(message)
        assert ada.until("error")["error"] == "not_allowed"
    # a guest (not joined) cannot either
    guest = Client(lobby.ws)
    guest.send({"type": "control", "command": "start"})
    assert guest.until("error")["error"] == "not_allowed"
    # a wrong lecturer token gets nothing and is disconnected
    impostor = Client(lobby.ws)
    impostor.send({"type": "hello", "role": "lecturer", "token": "wrong-token-123"})
    assert impostor.until("error")["error"] == "not_allowed"
    assert closed(impostor) is not None
    # nothing happened to the round
    screen.send({"type": "control", "command": "pace", "value": 30})
    world = screen.until("world", where=lambda m: m["pace"] == 30)
    assert world["state"] == "lobby" and world["month"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        "[1, 2]",
        '{"type": "fly"}',
        '{"type": "stay"}',
        '{"type": "stay", "alliance": "1"}',
        '{"type": "stay", "alliance": true}',
        '{"type": "stay", "alliance": -1}',
        '{"type": "stay", "alliance": 1, "extra": 0}',
        '{"type": "vote", "alliance": 1, "choice": "coup"}',
        '{"type": "invite", "orgs": []}',
        '{"type": "invite", "orgs": [1, 2, 3, 4, 5, 6, 7]}',
        '{"type": "answer", "invitation": 1, "accept": 1}',
    ],
)
def test_malformed_messages_are_refused_one_by_one(lobby, name, bad):
    ada = student(lobby, name)
    ada.send(bad)
    assert ada.until("error")["error"] in {"bad_message", "not_allowed"}
    ada.send({"type": "stay", "alliance": 0})  # well formed: a game answer, not a refusal
    error = ada.until("error")
    assert error["error"] == "not_started"


def test_oversized_messages_are_refused(lobby, name):
    ada = student(lobby, name)
    ada.send(json.dumps({"type": "join", "code": "x", "name": "y" * MAX_MESSAGE_BYTES}))
    assert ada.until("error")["error"] == "too_large"
    huge = Client(lobby.ws)
    huge.send("x" * (MAX_MESSAGE_BYTES * 4))
    assert closed(huge) == 1009


def test_guessing_codes_from_many_connections_gets_nowhere(fresh_classroom):
    classroom = fresh_classroom
    from simulation.classroom.protocol import WRONG_CODES_BURST

    wrong = "A" * 6 if classroom.code != "A" * 6 else "B" * 6
    refused = set()
    for k in range(WRONG_CODES_BURST // 3 + 2):
        guesser = Client(classroom.ws)
        for _ in range(3):
            guesser.send({"type": "join", "code": wrong, "name": f"g{k}"})
            try:
                refused.add(guesser.until("error", timeout=5)["error"])
            except Exception:
                break
        guesser.close()
    assert refused == {"wrong_code", "rate_limited"}
    # even the right code waits while the guessing lasts
    late = Client(classroom.ws)
    late.send({"type": "join", "code": classroom.code, "name": "Late"})
    assert late.until("error")["error"] == "rate_limited"


def test_a_flooding_client_is_cut_off_and_the_others_carry_on(classroom):
    screen = lecturer(classroom)
    ada = student(classroom, "Ada")
    flood = student(classroom, "Flood")
    screen.send({"type": "control", "command": "start"})
    screen.until("world", where=lambda m: m["state"] == "running")
    from websockets.exceptions import ConnectionClosed

    with contextlib.suppress(ConnectionClosed):  # the server may cut it off mid-flood
        for _ in range(200):
            flood.send({"type": "stay", "alliance": 0})
    assert closed(flood) == 1008
    # Ada's action still reaches the lecturer's screen
    ada.send({"type": "invite", "orgs": [ada.view["candidates"][0]["org"]], "ref": 7})
    activity = screen.until(
        "activity", where=lambda m: any(e["ref"] == 7 and e["student"] == "Ada" for e in m["feed"])
    )
    assert activity["type"] == "activity"


def test_repeated_bad_messages_close_only_that_connection(lobby, name):
    ada = student(lobby, name)
    noisy = student(lobby, name + "n")
    for _ in range(MAX_STRIKES):
        noisy.send("{")
    assert closed(noisy) == 1008
    ada.send({"type": "stay", "alliance": 0})
    assert ada.until("error")["error"] == "not_started"


def test_other_sites_pages_cannot_connect(lobby):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as info:
        Client(lobby.ws, origin="http://evil.example")
    assert info.value.response.status_code == 403
    host = lobby.base.split("://", 1)[1].rstrip("/")
    Client(lobby.ws, origin=f"http://{host}").close()  # the page's own origin is fine


def upgrade_status(server, host: str) -> int:
    """The HTTP status of a WebSocket upgrade to ``server`` that names ``host``."""
    address, port = server.base.split("://", 1)[1].rstrip("/").rsplit(":", 1)
    with socket.create_connection((address, int(port)), timeout=5) as raw:
        raw.sendall(
            (
                f"GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        return int(raw.recv(1024).split()[1])


def test_names_that_are_not_this_servers_are_refused(lobby):
    port = lobby.base.rstrip("/").rsplit(":", 1)[1]
    assert upgrade_status(lobby, f"evil.example:{port}") == 403  # DNS rebinding
    assert upgrade_status(lobby, f"127.0.0.1:{port}") == 101
    assert upgrade_status(lobby, f"localhost:{port}") == 101


def test_a_round_played_over_the_wire(classroom):
    screen = lecturer(classroom)
    ada, bo = student(classroom, "Ada"), student(classroom, "Bo")
    assert ada.view["org"] != bo.view["org"]
    screen.send({"type": "control", "command": "start"})
    screen.until("world", where=lambda m: m["state"] == "running")
    ada.send({"type": "invite", "orgs": [bo.view["org"]], "ref": 1})
    done = ada.until("done")
    assert done["answers"] == {str(bo.view["org"]): "pending"}
    invitation = bo.until("you", where=lambda m: m["invitations"])["invitations"][0]
    assert invitation["from"]["name"] == "Ada" and invitation["new"]
    bo.send({"type": "answer", "invitation": invitation["id"], "accept": True, "ref": 2})
    assert bo.until("done")["ok"] == "accepted"
    view = ada.until("you", where=lambda m: m["alliances"])
    names = {m["name"] for m in view["alliances"][0]["members"]}
    assert names == {"Ada", "Bo"}
    activity = screen.until(
        "activity", where=lambda m: any(e["ref"] == 2 and e["student"] == "Bo" for e in m["feed"])
    )
    assert {s["name"] for s in activity["students"]} == {"Ada", "Bo"}
    screen.send({"type": "control", "command": "advance"})
    world = screen.until("world", where=lambda m: m["month"] == 1)
    assert world["counts"]["forming"] >= 1
    screen.send({"type": "control", "command": "end"})
    report = screen.until("debrief")
    assert report["students"] == 2
    assert report["choices"]["invitation"]["decisions"] == 1
    assert any(set(a["students"]) == {"Ada", "Bo"} for a in report["alliances"])
    screen.send({"type": "export", "format": "csv"})
    export = screen.until("export")
    assert export["name"].endswith(".csv")
    assert export["text"].splitlines()[1].split(",")[1] == "Bo"
    # nothing was written on the server's side: its folder holds only its own log
    assert sorted(p.name for p in classroom.log.parent.iterdir()) == ["classroom-server.log"]
    ada.send({"type": "stay", "alliance": 0})
    assert ada.until("error")["error"] == "round_over"


def test_a_new_round_has_a_new_code_and_forgets_the_students(classroom):
    screen = lecturer(classroom)
    ada = student(classroom, "Ada")
    screen.send({"type": "control", "command": "new"})
    assert screen.until("error")["error"] == "round_running"
    screen.send({"type": "control", "command": "end"})
    screen.until("debrief")
    screen.send({"type": "control", "command": "new"})
    setup = screen.until("setup")
    assert setup["code"] != classroom.code
    world = screen.until("world")
    assert (world["state"], world["month"], world["students"]) == ("lobby", 0, [])
    ada.until("reset")
    ada.send({"type": "stay", "alliance": 0})  # no longer a student of the round
    assert ada.until("error")["error"] == "not_allowed"
    ada.send({"type": "join", "code": classroom.code, "name": "Ada"})
    assert ada.until("error")["error"] == "wrong_code"
    ada.send({"type": "join", "code": setup["code"], "name": "Ada"})
    assert ada.until("welcome")["name"] == "Ada"


def test_a_page_that_reconnects_keeps_its_organisation(lobby, name):
    client = Client(lobby.ws)
    client.send({"type": "join", "code": lobby.code, "name": name})
    token = client.until("welcome")["token"]
    org = client.until("you")["org"]
    client.close()
    again = Client(lobby.ws)
    again.send({"type": "resume", "token": token})
    assert again.until("welcome")["name"] == name
    assert again.until("you")["org"] == org
    stranger = Client(lobby.ws)
    stranger.send({"type": "resume", "token": "not-a-token-of-this-round"})
    assert stranger.until("error")["error"] == "unknown_student"


def test_a_stuck_client_loses_its_updates_and_is_closed_alone():
    import asyncio

    from simulation.classroom.protocol import RateLimit
    from simulation.classroom.server import OUTBOX_SIZE, Connection

    async def scenario():
        stuck = Connection(socket=None, limit=RateLimit(lambda: 0.0))
        fine = Connection(socket=None, limit=RateLimit(lambda: 0.0))
        for k in range(OUTBOX_SIZE + 5):
            stuck.send({"n": k})
        fine.send({"n": 0})
        return stuck, fine

    stuck, fine = asyncio.run(scenario())
    assert stuck.closed and stuck.outbox.qsize() == 1 and stuck.outbox.get_nowait() is None
    assert not fine.closed and fine.outbox.qsize() == 1
