"""Helpers of the classroom tests and benchmark: the real server, and WebSocket clients."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60
LECTURER = re.compile(r"Lecturer's screen: (?P<url>http://\S+/lecturer\S*)#(?P<token>\S+)")
JOIN = re.compile(r"Students join at:\s+(?P<url>http://\S+)\s+with code (?P<code>\S+)")


@dataclass
class ClassroomServer:
    """A running ``alliances classroom`` subprocess and what it printed."""

    process: subprocess.Popen
    base: str
    lecturer_url: str
    token: str
    join_url: str
    code: str
    log: Path

    @property
    def ws(self) -> str:
        return self.base.replace("http://", "ws://") + "ws"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_classroom(tmp_dir: Path, *args: str) -> ClassroomServer:
    """Start the server on an ephemeral port and wait until it answers."""
    log = tmp_dir / "classroom-server.log"
    handle = log.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "simulation.cli", "classroom", "--port", "0", *args],
        cwd=tmp_dir,
        stdout=handle,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    handle.close()
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"classroom exited with {process.returncode}:\n{log.read_text()}")
        text = log.read_text(encoding="utf-8")
        lecturer, join = LECTURER.search(text), JOIN.search(text)
        if lecturer and join:
            base = join["url"]
            try:
                with urllib.request.urlopen(base, timeout=5) as response:
                    if response.status == 200:
                        return ClassroomServer(
                            process,
                            base,
                            lecturer["url"],
                            lecturer["token"],
                            base,
                            join["code"],
                            log,
                        )
            except OSError:
                pass
        time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"classroom did not answer within {START_SECONDS} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """Stop a server we started (by its process id only)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Client:
    """A WebSocket client speaking the classroom protocol (JSON messages).

    Every client opened is remembered in ``Client.opened``, so a fixture can close them all.
    """

    opened: list[Client] = []

    def __init__(self, url: str, **options) -> None:
        from websockets.sync.client import connect

        self.socket = connect(url, open_timeout=10, **options)
        Client.opened.append(self)

    def send(self, message) -> None:
        self.socket.send(message if isinstance(message, str) else json.dumps(message))

    def receive(self, timeout: float = 10.0) -> dict:
        return json.loads(self.socket.recv(timeout=timeout))

    def until(self, kind: str, timeout: float = 10.0, where=lambda m: True) -> dict:
        """The next message of type ``kind`` (satisfying ``where``), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no '{kind}' message within {timeout} s")
            message = self.receive(left)
            if message["type"] == kind and where(message):
                return message

    def close(self) -> None:
        self.socket.close()

    @classmethod
    def close_all(cls) -> None:
        while cls.opened:
            cls.opened.pop().close()


def lecturer(server: ClassroomServer) -> Client:
    client = Client(server.ws)
    client.send({"type": "hello", "role": "lecturer", "token": server.token})
    client.until("setup")
    return client


def student(server: ClassroomServer, name: str) -> Client:
    client = Client(server.ws)
    client.send({"type": "join", "code": server.code, "name": name})
    client.until("welcome")
    client.view = client.until("you")
    return client
