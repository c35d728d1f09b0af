"""The classroom's message protocol: what a page may send, checked before anything is done.

Every message is one JSON object of at most ``MAX_MESSAGE_BYTES`` with a ``type`` and
exactly the fields its schema names (each of the right type and within bounds); anything
else is refused. Which types are allowed depends on who is connected: a student's
connection can never send the lecturer's ``control``, ``debrief`` or ``export``. Each
connection has a token bucket (``RateLimit``); a client that keeps sending malformed or
too many messages is disconnected, which does not affect anybody else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulation.control import BACKING, VOTES

#: Largest message accepted (bytes of UTF-8); the server refuses larger frames outright.
MAX_MESSAGE_BYTES = 2048
#: Messages per second a connection may send on average, and the burst it may send at once.
RATE_PER_SECOND = 8.0
BURST = 20
#: Refused messages (malformed, not allowed or over the rate) before the connection is closed.
MAX_STRIKES = 12
MAX_NAME = 24
MAX_ID = 2**31 - 1

COMMANDS = ("start", "pause", "pace", "shock", "advance", "end", "new")
EXPORT_FORMATS = ("csv", "json")
#: Wrong join codes the whole server accepts per second on average, and at once: beyond
#: them every join waits, so guessing the code from many connections gets nowhere.
WRONG_CODES_PER_SECOND = 1.0
WRONG_CODES_BURST = 30


class ProtocolError(ValueError):
    """A message that breaks the protocol; ``key`` names the reason for the sender."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


def _int(low: int = 0, high: int = MAX_ID) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and low <= v <= high


def _text(low: int, high: int) -> Callable[[Any], bool]:
    return lambda v: (
        isinstance(v, str) and low <= len(v) <= high and v.isprintable() and v.strip() != ""
    )


def _one_of(options: tuple[str, ...]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and v in options


def _bool(v: Any) -> bool:
    return type(v) is bool


def _number(low: float, high: float) -> Callable[[Any], bool]:
    return lambda v: type(v) in (int, float) and math.isfinite(v) and low <= v <= high


def _orgs(v: Any) -> bool:
    return isinstance(v, list) and 1 <= len(v) <= 6 and all(_int()(o) for o in v)


def _optional_int(v: Any) -> bool:
    return v is None or _int()(v)


@dataclass(frozen=True)
class Schema:
    """Required and optional fields of one message type, with their checks."""

    required: dict[str, Callable[[Any], bool]]
    optional: dict[str, Callable[[Any], bool]]


_REF = {"ref": _int()}
SCHEMAS: dict[str, Schema] = {
    "hello": Schema({"role": _one_of(("lecturer",)), "token": _text(8, 128)}, {}),
    "join": Schema({"code": _text(1, 16), "name": _text(1, MAX_NAME)}, {"lang": _text(2, 2)}),
    "resume": Schema({"token": _text(8, 128)}, {}),
    "invite": Schema({"orgs": _orgs}, {"alliance": _optional_int, "open": _bool, **_REF}),
    "answer": Schema({"invitation": _int(), "accept": _bool}, _REF),
    "stay": Schema({"alliance": _int()}, _REF),
    "leave": Schema({"alliance": _int()}, _REF),
    "vote": Schema({"alliance": _int(), "choice": _one_of(VOTES)}, _REF),
    "back": Schema({"alliance": _int(), "choice": _one_of(BACKING)}, _REF),
    "control": Schema({"command": _one_of(COMMANDS)}, {"value": _number(0, 1000)}),
    "debrief": Schema({}, {}),
    "export": Schema({"format": _one_of(EXPORT_FORMATS)}, {}),
}
#: Message types by who may send them on a connection.
ALLOWED: dict[str, frozenset[str]] = {
    "guest": frozenset({"hello", "join", "resume"}),
    "student": frozenset({"invite", "answer", "stay", "leave", "vote", "back"}),
    "lecturer": frozenset({"control", "debrief", "export"}),
}
STUDENT_ACTIONS = ALLOWED["student"]


def parse(text: str | bytes, role: str) -> dict[str, Any]:
    """Decode and check one message from a connection in ``role``.

    Raises:
        ProtocolError: the message is too large, not JSON, of an unknown type, not
            allowed for ``role``, or its fields do not match the schema.
    """
    if isinstance(text, bytes):
        raise ProtocolError("bad_message", "binary frames are not accepted")
    if len(text.encode("utf-8", errors="replace")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_message", "not JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("bad_message", "not a JSON object")
    kind = message.get("type")
    schema = SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise ProtocolError("bad_message", "unknown type")
    if kind not in ALLOWED[role]:
        raise ProtocolError("not_allowed", str(kind))
    fields = set(message) - {"type"}
    missing = set(schema.required) - fields
    extra = fields - set(schema.required) - set(schema.optional)
    if missing or extra:
        raise ProtocolError("bad_message", f"fields {sorted(missing | extra)}")
    for name, check in (*schema.required.items(), *schema.optional.items()):
        if name in message and not check(message[name]):
            raise ProtocolError("bad_message", f"field {name}")
    if kind == "control" and (message["command"] == "pace") != ("value" in message):
        raise ProtocolError("bad_message", "pace takes a value, other commands none")
    return message


class RateLimit:
    """A token bucket: ``rate`` messages per second on average, bursts up to ``burst``.

    Args:
        clock: the time source (seconds).
        rate: tokens added per second.
        burst: the bucket's size.
    """

    def __init__(self, clock: Callable[[], float], rate: float = RATE_PER_SECOND, burst=BURST):
        self.clock = clock
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.last = clock()

    def available(self) -> bool:
        """Whether a token is there now (without taking it)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        return self.tokens >= 1.0

    def allow(self) -> bool:
        """Whether one more message may pass now (and take a token if so)."""
        if self.available():
            self.tokens -= 1.0
            return True
        return False
