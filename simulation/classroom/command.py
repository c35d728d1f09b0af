"""The ``alliances classroom`` subcommand: serve a participatory round on this machine.

``alliances --help`` imports this module, so it imports nothing heavy: Starlette, uvicorn
and segno are imported when the round is served.
"""

from __future__ import annotations

import argparse
import sys

from simulation.classroom.strings import LANGUAGES
from simulation.errors import AllianceError

#: Where ``alliances classroom`` listens unless told otherwise (this machine only).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8522


def configure_classroom(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``alliances classroom``."""
    parser.description = (
        "Serve a participatory round: each student joins from a phone or laptop with the "
        "round's code and plays one organisation in a shared model; the lecturer's screen "
        "shows the world, the join code and the controls. Needs no internet. By default only "
        "this machine can connect; use --host 0.0.0.0 to let the room's network in."
    )
    parser.add_argument("--scenario", default="default", help="preset of the shared world")
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
        "0.0.0.0 lets students on the network join)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="language of the pages (default en)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of the world (default 0)")


def main_classroom(args: argparse.Namespace) -> int:
    """Serve the round until interrupted."""
    from simulation.app.serve import WILDCARD_HOSTS, ServeError, bind

    if not 0 <= args.port <= 65535:
        raise ServeError(f"--port must be between 0 and 65535, got {args.port}")
    try:
        import segno  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as exc:
        raise AllianceError(
            f"the classroom needs '{exc.name}': install 'alliance-lifecycle[classroom]'"
        ) from None
    from simulation.classroom.game import Round
    from simulation.classroom.server import lan_address, run
    from simulation.scenarios import get_scenario

    get_scenario(args.scenario)  # an unknown scenario fails before the port is taken
    game = Round(args.scenario, seed=args.seed)
    sock = bind(args.host, args.port)
    try:
        host, port = sock.getsockname()[:2]
        local = WILDCARD_HOSTS.get(host, host)
        shared = host in WILDCARD_HOSTS
        public = (lan_address() or local) if shared else local
        join_url = f"http://{_bracket(public)}:{port}/"
        lecturer = f"http://{_bracket(local)}:{port}/lecturer"
        if args.lang != "en":
            lecturer += f"?lang={args.lang}"

        def announce(classroom) -> None:
            print(f"Lecturer's screen: {lecturer}#{classroom.token}  (keep this address private)")
            print(f"Students join at:  {join_url}  with code {game.code}")
            if not shared:
                print("Only this machine can connect; use --host 0.0.0.0 for the room's network.")
            print("Offline; Ctrl+C ends the round (nothing is saved unless you export).")
            sys.stdout.flush()

        run(
            game,
            sock,
            lang=args.lang,
            join_url=join_url,
            announce=announce,
            hosts=(args.host, public, local),
        )
    finally:
        sock.close()
    return 0


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host
