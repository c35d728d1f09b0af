"""The ``alliances demo`` and ``alliances animate`` subcommands.

``alliances --help`` imports this module, so it imports nothing heavy: Solara, uvicorn and
matplotlib are imported by the handlers.
"""

from __future__ import annotations

import argparse

from simulation.errors import OutputError, ParameterError
from simulation.i18n import DEFAULT_LANGUAGE, LANGUAGES, check_language

#: Where ``alliances demo`` listens unless told otherwise (this machine only).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8521


def configure_demo(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``alliances demo``."""
    parser.description = (
        "Serve the classroom app on this machine. It needs no internet: every asset is "
        "served locally. Open the printed address in a browser; Ctrl+C stops it."
    )
    parser.add_argument("--scenario", help="preset to start with (default: default)")
    _settings_options(parser)
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this machine only; "
        "0.0.0.0 lets others on the network connect)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)"
    )
    add_lang_option(parser)


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang`` (checked by ``check_language``, so a bad one is a one-line error)."""
    parser.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        metavar="|".join(LANGUAGES),
        help=f"language of the page or the frames (default {DEFAULT_LANGUAGE})",
    )


def main_demo(args: argparse.Namespace) -> int:
    """Serve the page until interrupted."""
    from simulation.app.serve import ServeError, serve

    if not 0 <= args.port <= 65535:
        raise ServeError(f"--port must be between 0 and 65535, got {args.port}")
    scenario, _ = _scenario_with_settings(args)
    serve(scenario, host=args.host, port=args.port, lang=check_language(args.lang))
    return 0


def configure_animate(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``alliances animate``."""
    parser.description = (
        "Render the classroom views (network, alliances per phase, pressure) month by month "
        "to a GIF, or to an MP4 when ffmpeg is installed."
    )
    parser.add_argument("--scenario", help="scenario name (default: default)")
    _settings_options(parser)
    parser.add_argument("--steps", type=int, help="months to run (default: the scenario's 240)")
    parser.add_argument("--seed", type=int, help="random seed (default 0)")
    parser.add_argument("--fps", type=int, default=8, help="months per second (default 8)")
    parser.add_argument("--out", required=True, metavar="FILE.gif", help="file to write")
    add_lang_option(parser)


def main_animate(args: argparse.Namespace) -> int:
    """Write the animation and say where."""
    if args.steps is not None and args.steps < 1:
        raise ParameterError(f"--steps must be at least 1, got {args.steps}")
    if args.fps < 1:
        raise OutputError(f"--fps must be at least 1, got {args.fps}")
    lang = check_language(args.lang)
    scenario, seed = _scenario_with_settings(args)
    from simulation.app.animate import animate

    out = animate(args.out, scenario, steps=args.steps, seed=seed, fps=args.fps, lang=lang)
    print(f"animation written to {out}")
    return 0


def _settings_options(parser: argparse.ArgumentParser) -> None:
    from simulation.cli import add_settings_options

    add_settings_options(parser)


def _scenario_with_settings(args: argparse.Namespace) -> tuple[str, int]:
    """The scenario to show with ``--config``/``--set`` applied, and the seed.

    With settings, a derived scenario ``<name>-custom`` is registered for this process
    (the page and the animation take scenarios by name).

    Raises:
        ConfigError, ParameterError: bad settings (one line, before anything starts).
    """
    from simulation.cli import describe_settings, read_settings
    from simulation.scenarios import SCENARIOS, Scenario, get_scenario

    configured, overrides = read_settings(args)
    name = args.scenario or configured or "default"
    base = get_scenario(name)
    seed = getattr(args, "seed", None)
    seed = overrides.pop("seed", 0) if seed is None else seed
    overrides.pop("seed", None)
    params = base.params(**overrides, seed=seed)  # validated here: one-line errors
    seed = params.seed
    describe_settings(name, params, overrides)
    if not overrides:
        return name, seed
    custom = f"{name}-custom"
    changes = ", ".join(f"{k}={v}" for k, v in overrides.items())
    SCENARIOS[custom] = Scenario(
        custom, f"{base.description} Set: {changes}.", {**base.overrides, **overrides}
    )
    return custom, seed
