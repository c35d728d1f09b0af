"""Classroom latency with 30 students: from a student's action to the lecturer's screen.

Starts the real ``alliances classroom`` server on loopback, connects the lecturer and 30
simulated students (WebSocket clients in this process), starts the round at a brisk pace
so months step during the test, and lets every student act at random moments (about one
action per second each: stay, invite, answer). Each action carries a ``ref``; its latency
is the time from sending it to the lecturer's connection receiving the activity entry
with that ref. Bounded: ``--actions`` per student and ``--seconds`` in all.

Targets (issue 11): median under 200 ms, 95th percentile under 500 ms. Printed as ratios
to the targets, and to the latency of one student acting alone, measured in the same run.

    python benchmarks/bench_classroom.py [--students 30] [--actions 20] [--seconds 90]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LECTURER = re.compile(r"Lecturer's screen: \S+#(?P<token>\S+)")
JOIN = re.compile(r"Students join at:\s+(?P<url>http://\S+)\s+with code (?P<code>\S+)")
MEDIAN_TARGET, P95_TARGET = 0.200, 0.500


def start_server(folder: Path) -> tuple[subprocess.Popen, str, str, str]:
    log = folder / "server.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "simulation.cli", "classroom", "--port", "0"],
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text()
        lecturer, join = LECTURER.search(text), JOIN.search(text)
        if lecturer and join:
            ws = join["url"].replace("http://", "ws://") + "ws"
            return process, ws, lecturer["token"], join["code"]
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"the classroom server did not start:\n{log.read_text()}")


class Screen:
    """The lecturer's connection: records when each (student, ref) reached it."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.seen: dict[tuple[str, int], float] = {}
        self.worlds = 0

    async def listen(self) -> None:
        async for raw in self.socket:
            now = time.perf_counter()
            message = json.loads(raw)
            if message["type"] in ("activity", "world"):
                for entry in message["feed"]:
                    if entry["ref"] is not None:
                        self.seen.setdefault((entry["student"], entry["ref"]), now)
                self.worlds += message["type"] == "world"


class Student:
    """A simulated student: joins, then acts at random moments."""

    def __init__(self, socket, name: str, rng: random.Random) -> None:
        self.socket = socket
        self.name = name
        self.rng = rng
        self.view: dict | None = None
        self.sent: dict[int, float] = {}
        self.refused = 0
        self.ref = 0

    async def listen(self) -> None:
        async for raw in self.socket:
            message = json.loads(raw)
            if message["type"] == "you":
                self.view = message
            elif message["type"] == "error":
                self.refused += 1
                self.sent.pop(message.get("ref"), None)

    def action(self) -> dict | None:
        view = self.view
        if view is None or view["state"] != "running":
            return None
        if view["invitations"]:
            invitation = self.rng.choice(view["invitations"])
            return {"type": "answer", "invitation": invitation["id"], "accept": True}
        if view["alliances"] and (self.rng.random() < 0.7 or view["invites_left"] <= 0):
            alliance = self.rng.choice(view["alliances"])
            return {"type": "stay", "alliance": alliance["id"]}
        if view["invites_left"] > 0 and view["load"] < view["capacity"] and view["candidates"]:
            target = self.rng.choice(view["candidates"])
            return {"type": "invite", "orgs": [target["org"]]}
        if view["alliances"]:
            return {"type": "stay", "alliance": view["alliances"][0]["id"]}
        return None

    async def play(self, actions: int, rate: float, stop_at: float) -> None:
        done = 0
        while done < actions and time.perf_counter() < stop_at:
            await asyncio.sleep(self.rng.expovariate(rate))
            message = self.action()
            if message is None:
                continue
            self.ref += 1
            message["ref"] = self.ref
            self.sent[self.ref] = time.perf_counter()
            await self.socket.send(json.dumps(message))
            done += 1


async def session(ws: str, token: str, code: str, students: int, actions: int, seconds: float):
    from websockets.asyncio.client import connect

    lecturer = await connect(ws, max_size=2**24)
    await lecturer.send(json.dumps({"type": "hello", "role": "lecturer", "token": token}))
    screen = Screen(lecturer)
    tasks = [asyncio.create_task(screen.listen())]
    players = []
    for k in range(students):
        socket = await connect(ws)
        player = Student(socket, f"student{k:02d}", random.Random(k))
        await socket.send(json.dumps({"type": "join", "code": code, "name": player.name}))
        players.append(player)
        tasks.append(asyncio.create_task(player.listen()))
    await asyncio.sleep(1.0)
    await lecturer.send(json.dumps({"type": "control", "command": "pace", "value": 4}))
    await lecturer.send(json.dumps({"type": "control", "command": "start"}))
    await asyncio.sleep(0.5)
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(*(p.play(actions, 1.0, stop_at) for p in players))
    await asyncio.sleep(1.0)  # the last updates arrive
    for socket in [lecturer, *(p.socket for p in players)]:
        await socket.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies, lost = [], 0
    for player in players:
        for ref, sent in player.sent.items():
            got = screen.seen.get((player.name, ref))
            if got is None:
                lost += 1
            else:
                latencies.append(got - sent)
    return latencies, lost, sum(p.refused for p in players), screen.worlds


def summary(latencies: list[float]) -> tuple[float, float, float]:
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95, ordered[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--actions", type=int, default=20, help="actions per student")
    parser.add_argument("--seconds", type=float, default=90.0, help="time limit of the load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        process, ws, token, code = start_server(Path(folder))
        try:
            alone, _, _, _ = asyncio.run(session(ws, token, code, 1, 10, 30))
            process.terminate()
            process.wait(10)
            process, ws, token, code = start_server(Path(folder))
            loaded, lost, refused, months = asyncio.run(
                session(ws, token, code, args.students, args.actions, args.seconds)
            )
        finally:
            process.terminate()
            process.wait(10)
    if not loaded or not alone:
        print("no latencies measured")
        return 1
    median, p95, worst = summary(loaded)
    alone_median = statistics.median(alone)
    print(
        f"{args.students} students, {len(loaded)} actions measured ({lost} lost, {refused} "
        f"refused by the round), {months} monthly updates"
    )
    print(
        f"  action -> lecturer: median {1000 * median:.1f} ms, p95 {1000 * p95:.1f} ms, "
        f"max {1000 * worst:.1f} ms"
    )
    print(f"  median / target (200 ms): {median / MEDIAN_TARGET:.3f}")
    print(f"  p95 / target (500 ms):    {p95 / P95_TARGET:.3f}")
    print(
        f"  median / one student alone ({1000 * alone_median:.1f} ms): {median / alone_median:.2f}"
    )
    ok = median < MEDIAN_TARGET and p95 < P95_TARGET and lost == 0
    print("  within targets" if ok else "  OUTSIDE TARGETS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
