"""The classroom server: two pages and one WebSocket, on Starlette and uvicorn, offline.

- ``/`` is the student page, ``/lecturer`` the lecturer's; both load only files from
  this package (no CDN), under a strict Content-Security-Policy.
- ``/ws`` carries every message. A connection starts as a guest; ``join`` (with the
  round's code) or ``resume`` (with a student's secret) makes it a student's, ``hello``
  with the lecturer's token makes it the lecturer's. Every message is checked by
  ``protocol.parse`` for the connection's role; refused messages count as strikes, and
  a connection with too many strikes, or one that floods, is closed.
- Each connection has its own bounded outbox, written by its own task: a slow or stuck
  client loses its updates (and is closed when its outbox overflows) without slowing the
  others.
- A clock task ends each month when its window closes. Students' actions are pushed to
  the lecturer's screen at once (coalesced over a few milliseconds).

All model work happens on the event loop's thread, one message at a time, so the round
needs no locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import secrets
import socket
import time
import traceback
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from simulation.classroom import debrief as debriefing
from simulation.classroom import protocol
from simulation.classroom.game import ENDED, RUNNING, Round, RoundError
from simulation.classroom.strings import LANGUAGES, strings_for

#: Updates queued for one connection before it is considered stuck and closed.
OUTBOX_SIZE = 64
#: Coalescing window of the pushes that follow students' actions (seconds).
PUSH_DELAY = 0.01
#: How often the clock task looks whether the month is over (seconds).
TICK = 0.05
#: Most WebSocket connections at once (a class of 60 with a few spare tabs each).
MAX_CONNECTIONS = 300
#: Wrong join codes a connection may send before it is closed.
MAX_WRONG_CODES = 3
#: WebSocket close codes.
CLOSE_POLICY, CLOSE_TOO_BIG, CLOSE_FULL = 1008, 1009, 1013

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}


@dataclass(eq=False)
class Connection:
    """One page's WebSocket and its outbox."""

    socket: Any
    limit: protocol.RateLimit
    role: str = "guest"
    student: Any = None
    strikes: int = 0
    wrong_codes: int = 0
    outbox: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(OUTBOX_SIZE))
    closed: bool = False
    last_view: str | None = None

    def send(self, message: dict[str, Any] | str) -> None:
        """Queue a message; a connection whose outbox is full is closed."""
        if self.closed:
            return
        text = message if isinstance(message, str) else json.dumps(message)
        try:
            self.outbox.put_nowait(text)
        except asyncio.QueueFull:  # a stuck client: drop its updates and close it
            self.closed = True
            while not self.outbox.empty():
                self.outbox.get_nowait()
            self.outbox.put_nowait(None)


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data URI (made here, offline, with segno)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=8, border=2, dark="#000")


def lan_address() -> str | None:
    """This machine's address on the local network, if it has one (no packet is sent)."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
        if not address.startswith("127."):
            return address
    return None


class Classroom:
    """The running server's state: the round, the connections, the lecturer's token.

    Args:
        game: the round to serve.
        lang: the pages' default language.
        join_url: the address students open (shown as text and as a QR code).
    """

    def __init__(
        self, game: Round, lang: str = "en", join_url: str = "", hosts: tuple[str, ...] = ()
    ) -> None:
        self.game = game
        self.lang = lang
        self.join_url = join_url
        self.hosts = {"localhost", *hosts}
        self.token = secrets.token_urlsafe(24)
        self.connections: set[Connection] = set()
        self.guesses = protocol.RateLimit(
            time.monotonic, protocol.WRONG_CODES_PER_SECOND, protocol.WRONG_CODES_BURST
        )
        self._pending_push: asyncio.TimerHandle | None = None
        self._pushed_seq = 0
        self._layout: list[float] | None = None
        self.layout()  # before serving: it imports matplotlib, which takes a while

    # --- the app -----------------------------------------------------------------------
    def app(self):
        """The Starlette application."""
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route, WebSocketRoute

        static = resources.files("simulation.classroom") / "static"

        def page(name: str):
            body = (static / name).read_bytes()

            async def handler(request):
                return Response(body, media_type="text/html", headers=SECURITY_HEADERS)

            return handler

        async def asset(request):
            name = request.path_params["name"]
            suffix = name[name.rfind(".") :] if "." in name else ""
            target = static / name
            if suffix not in STATIC_TYPES or "/" in name or not target.is_file():
                return Response("not found", status_code=404, headers=SECURITY_HEADERS)
            return Response(
                target.read_bytes(), media_type=STATIC_TYPES[suffix], headers=SECURITY_HEADERS
            )

        async def strings(request):
            lang = request.query_params.get("lang", self.lang)
            if lang not in LANGUAGES:
                lang = self.lang
            return JSONResponse(
                {"lang": lang, "languages": list(LANGUAGES), "strings": strings_for(lang)},
                headers=SECURITY_HEADERS,
            )

        routes = [
            Route("/", page("student.html")),
            Route("/lecturer", page("lecturer.html")),
            Route("/static/{name}", asset),
            Route("/strings.json", strings),
            WebSocketRoute("/ws", self.websocket),
        ]

        @contextlib.asynccontextmanager
        async def lifespan(app):
            clock = asyncio.create_task(self.clock())
            try:
                yield
            finally:
                clock.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await clock

        return Starlette(routes=routes, lifespan=lifespan)

    # --- connections -------------------------------------------------------------------
    async def websocket(self, ws) -> None:
        """Serve one WebSocket until it closes."""
        origin = ws.headers.get("origin")
        host = ws.headers.get("host", "")
        if origin is not None and origin.split("://", 1)[-1] != host:
            await ws.close(code=CLOSE_POLICY)  # another site's page: refused
            return
        if not self.trusted_host(host):
            await ws.close(code=CLOSE_POLICY)  # a name that is not this server's (rebinding)
            return
        if len(self.connections) >= MAX_CONNECTIONS:
            await ws.close(code=CLOSE_FULL)
            return
        await ws.accept()
        conn = Connection(ws, protocol.RateLimit(time.monotonic))
        self.connections.add(conn)
        writer = asyncio.create_task(self._write(conn))
        try:
            while not conn.closed:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                self._handle(conn, text if text is not None else message.get("bytes"))
        except Exception:  # a broken connection ends only itself
            conn.closed = True
        finally:
            conn.closed = True
            self.connections.discard(conn)
            with contextlib.suppress(asyncio.QueueFull):
                conn.outbox.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 2.0)
            writer.cancel()

    def trusted_host(self, host: str) -> bool:
        """Whether a request's Host header names this server: an address, or a known name.

        A web page elsewhere can point its own name at this machine (DNS rebinding); its
        requests then carry that name, and are refused.
        """
        name = host[1 : host.find("]")] if host.startswith("[") else host.rsplit(":", 1)[0]
        if name in self.hosts:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    async def _write(self, conn: Connection) -> None:
        close_code = None
        while True:
            text = await conn.outbox.get()
            if text is None:
                close_code = CLOSE_POLICY if conn.strikes >= protocol.MAX_STRIKES else 1000
                break
            try:
                await conn.socket.send_text(text)
            except Exception:
                conn.closed = True
                return
        with contextlib.suppress(Exception):
            await conn.socket.close(code=close_code)

    def _refuse(self, conn: Connection, key: str, detail: str = "") -> None:
        conn.strikes += 1
        conn.send({"type": "error", "error": key, "detail": detail})
        if conn.strikes >= protocol.MAX_STRIKES:
            self._close(conn)

    def _close(self, conn: Connection) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            conn.outbox.put_nowait(None)
        conn.closed = True

    def _handle(self, conn: Connection, text: str | bytes | None) -> None:
        """Check one message and carry it out."""
        if not conn.limit.allow():
            self._refuse(conn, "rate_limited")
            return
        try:
            message = protocol.parse(text if text is not None else b"", conn.role)
        except protocol.ProtocolError as exc:
            self._refuse(conn, exc.key, exc.detail)
            return
        kind = message["type"]
        try:
            if kind in protocol.STUDENT_ACTIONS:
                self._student_action(conn, message)
            else:
                getattr(self, f"_on_{kind}")(conn, message)
        except RoundError as exc:
            conn.send({"type": "error", "error": exc.key, "ref": message.get("ref"), **exc.details})
        except Exception:  # a bug: say so in the server's log, keep the round going
            traceback.print_exc()
            conn.send({"type": "error", "error": "not_possible", "ref": message.get("ref")})

    def _on_hello(self, conn: Connection, message: dict[str, Any]) -> None:
        if not secrets.compare_digest(message["token"].encode(), self.token.encode()):
            self._refuse(conn, "not_allowed", "wrong lecturer token")
            self._close(conn)
            return
        conn.role = "lecturer"
        conn.send(self.setup())
        conn.send(self.game.world_view())
        if self.game.state == ENDED:
            conn.send(debriefing.debrief(self.game))

    def _on_join(self, conn: Connection, message: dict[str, Any]) -> None:
        if not self.guesses.available():  # someone is guessing codes: joins wait a moment
            self._refuse(conn, "rate_limited")
            return
        try:
            student = self.game.join(message["code"], message["name"])
        except RoundError as exc:
            if exc.key == "wrong_code":
                self.guesses.allow()
                conn.wrong_codes += 1
                if conn.wrong_codes >= MAX_WRONG_CODES:
                    conn.send({"type": "error", "error": "wrong_code"})
                    self._close(conn)
                    return
            raise
        self._become(conn, student)
        self.push_soon()

    def _on_resume(self, conn: Connection, message: dict[str, Any]) -> None:
        self._become(conn, self.game.resume(message["token"]))

    def _become(self, conn: Connection, student) -> None:
        conn.role = "student"
        conn.student = student
        conn.send({"type": "welcome", "token": student.token, "name": student.name})
        self._send_view(conn, force=True)

    def _student_action(self, conn: Connection, message: dict[str, Any]) -> None:
        result = self.game.act(conn.student, message)
        conn.send({"type": "done", "ref": message.get("ref"), **result})
        self._send_view(conn, force=True)
        self.push_soon()

    def _on_control(self, conn: Connection, message: dict[str, Any]) -> None:
        if message["command"] == "new":
            self.new_round()
            return
        game = self.game
        before = game.model.steps
        game.control(message["command"], message.get("value"))
        if message["command"] == "shock" and game.model.steps == before:
            self.send_lecturers(game.world_view())
        else:  # the month, the state or the pace changed: everybody's countdown too
            self.broadcast_month()
        if game.state == ENDED:
            self.send_lecturers(debriefing.debrief(game))

    def new_round(self) -> None:
        """After a round has ended: a new world (the next seed), a new join code.

        The students' pages are told to join again; their old secrets no longer work.
        """
        old = self.game
        if old.state != ENDED:
            raise RoundError("round_running")
        self.game = Round(old.scenario, seed=old.seed + 1, clock=old.clock)
        self._layout = None
        self._pushed_seq = 0
        for conn in list(self.connections):
            if conn.role == "student":
                conn.role, conn.student, conn.last_view = "guest", None, None
                conn.send({"type": "reset"})
        for conn in self.lecturers():
            conn.send(self.setup())
            conn.send(self.game.world_view())

    def _on_debrief(self, conn: Connection, message: dict[str, Any]) -> None:
        conn.send(debriefing.debrief(self.game))

    def _on_export(self, conn: Connection, message: dict[str, Any]) -> None:
        name, media, text = debriefing.export(self.game, message["format"])
        conn.send({"type": "export", "name": name, "media": media, "text": text})

    # --- what is sent ------------------------------------------------------------------
    def layout(self) -> list[float]:
        """The organisations' places on the lecturer's screen (as in ``alliances demo``)."""
        if self._layout is None:
            from simulation.app.views import model_layout

            positions = model_layout(self.game.model).positions
            self._layout = [round(float(v), 4) for v in positions.ravel()]
        return self._layout

    def setup(self) -> dict[str, Any]:
        """What the lecturer's screen needs once: layout, join code and address, QR code."""
        layout = self.layout()
        url = f"{self.join_url}?code={self.game.code}" if self.join_url else ""
        return {
            "type": "setup",
            "code": self.game.code,
            "join_url": self.join_url,
            "qr": qr_data_uri(url) if url else None,
            "positions": layout,
            "scenario": self.game.scenario,
        }

    def lecturers(self) -> list[Connection]:
        """The lecturer's connections."""
        return [c for c in self.connections if c.role == "lecturer"]

    def send_lecturers(self, message: dict[str, Any]) -> None:
        """Send ``message`` to every lecturer connection."""
        text = json.dumps(message)
        for conn in self.lecturers():
            conn.send(text)

    def _send_view(self, conn: Connection, force: bool = False) -> None:
        text = json.dumps(self.game.student_view(conn.student))
        if force or text != conn.last_view:
            conn.last_view = text
            conn.send(text)

    def push_soon(self) -> None:
        """Push students' activity to the lecturer, and fresh views, within ``PUSH_DELAY``."""
        if self._pending_push is None:
            loop = asyncio.get_running_loop()
            self._pending_push = loop.call_later(PUSH_DELAY, self._push)

    def _push(self) -> None:
        self._pending_push = None
        self.send_lecturers(self.game.activity_since(self._pushed_seq))
        self._pushed_seq = self.game.sequence
        changed = self.game.take_changed()
        for conn in list(self.connections):
            if conn.role == "student" and (changed is None or conn.student.id in changed):
                self._send_view(conn)

    def broadcast_month(self) -> None:
        """After a month (or a change of state): the world to the lecturer, views to all."""
        self._pushed_seq = self.game.sequence
        self.game.take_changed()  # everyone gets a fresh view
        self.send_lecturers(self.game.world_view())
        for conn in list(self.connections):
            if conn.role == "student":
                self._send_view(conn, force=True)

    async def clock(self) -> None:
        """End each month when its window closes."""
        while True:
            await asyncio.sleep(TICK)
            game = self.game
            if game.state == RUNNING and game.due():
                try:
                    game.end_month()
                except Exception:  # a bug: say so in the server's log, keep the clock going
                    traceback.print_exc()
                self.broadcast_month()
                if game.state == ENDED:
                    self.send_lecturers(debriefing.debrief(game))


def run(
    game: Round,
    sock: socket.socket,
    lang: str,
    join_url: str,
    announce,
    hosts: tuple[str, ...] = (),
) -> Classroom:
    """Serve ``game`` on the bound ``sock`` until interrupted (``hosts``: its names)."""
    import uvicorn

    classroom = Classroom(game, lang=lang, join_url=join_url, hosts=hosts)
    config = uvicorn.Config(
        classroom.app(),
        log_level="warning",
        ws_max_size=protocol.MAX_MESSAGE_BYTES * 2,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        timeout_graceful_shutdown=2,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    announce(classroom)
    server.run(sockets=[sock])
    return classroom
