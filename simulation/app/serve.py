"""Serve the classroom page on this machine, offline: every asset from ``solara-assets``.

By default Solara's page loads its front end (Vue, Vuetify, fonts, require.js) through a
proxy that fetches from a CDN and caches under ``<prefix>/share/solara/cdn``; the
``solara-assets`` package fills that cache in advance. Offline mode, the default here:

- ``SOLARA_ASSETS_PROXY=true``: the page loads its assets from this server, never from a CDN;
- ``SOLARA_ASSETS_CDN`` points at a closed port on this machine, so an asset missing from the
  cache fails at once instead of being fetched from the internet;
- ``SOLARA_TELEMETRY_MIXPANEL_ENABLE=false``: the server reports nothing home;
- production mode: no version check and no call-home iframe.

Each of these is only a default: a variable already set in the environment wins. Before the
server starts, every asset the page template names is checked in the cache, so a missing
``solara-assets`` is a one-line error rather than a blank page in the classroom.

Only the standard library is imported at module level; Solara and uvicorn are imported by
``serve`` itself.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path

from simulation.errors import AllianceError

#: The environment variable through which ``alliances demo`` tells the page its scenario.
SCENARIO_ENV = "ALLIANCES_SCENARIO"
#: ... and the language it opens in.
LANG_ENV = "ALLIANCES_LANG"
#: The module Solara serves (its ``Page`` component).
APP_MODULE = "simulation.app.app"
#: Where a missing asset would be fetched from in offline mode: a closed port on this host.
OFFLINE_CDN = "http://127.0.0.1:9/offline-mode-asset-missing/"
#: Environment defaults of offline mode (a value already in the environment wins).
OFFLINE_DEFAULTS: dict[str, str] = {
    "SOLARA_ASSETS_PROXY": "true",
    "SOLARA_ASSETS_CDN": OFFLINE_CDN,
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
    "SOLARA_THEME_SHOW_BANNER": "false",
    "SOLARA_MODE": "production",
}
_TEMPLATE_ASSET = re.compile(r"\{\{\s*cdn\s*\}\}(?P<path>[^\"'\s>]+)")


class ServeError(AllianceError):
    """The page cannot be served: port in use, host unknown, assets missing."""


def offline_environment(
    environ: Mapping[str, str], scenario: str, lang: str = "en"
) -> dict[str, str]:
    """The variables to set for serving ``scenario`` offline, given the current ``environ``."""
    wanted = {name: value for name, value in OFFLINE_DEFAULTS.items() if name not in environ}
    wanted["SOLARA_APP"] = APP_MODULE
    wanted[SCENARIO_ENV] = scenario
    wanted[LANG_ENV] = lang
    return wanted


def required_assets(template: str, widgets_major: int, fontawesome_path: str) -> list[str]:
    """Paths under the asset cache that Solara's page template loads (Vue 2 build).

    Args:
        template: text of Solara's ``solara.html.j2``.
        widgets_major: the major version of ipywidgets (the template picks files by it).
        fontawesome_path: Solara's ``assets.fontawesome_path`` setting.
    """
    paths = []
    for match in _TEMPLATE_ASSET.finditer(template):
        path = match.group("path")
        path = re.sub(r"\{\{\s*ipywidget_major_version\s*\}\}", str(widgets_major), path)
        path = re.sub(r"\{\{\s*assets\.fontawesome_path\s*\}\}", fontawesome_path, path)
        if "vuetify3" in path or "{" in path:  # the Vue 3 build is for ipyvue >= 3 only
            continue
        paths.append(path.lstrip("/"))
    return sorted(set(paths))


def missing_assets(cache: Path, paths: list[str]) -> list[str]:
    """Those of ``paths`` that are not files under ``cache``."""
    return [path for path in paths if not (cache / path).is_file()]


def check_assets() -> None:
    """Raise ``ServeError`` unless the page can be served without the internet."""
    import ipywidgets
    import solara.server.server
    import solara.server.settings as server_settings
    import solara.settings

    if not solara.settings.assets.proxy:
        raise ServeError(
            "SOLARA_ASSETS_PROXY is off, so the page would load its front end from the "
            "internet; unset it to serve offline"
        )
    template = Path(solara.server.server.__file__).parent / "templates" / "solara.html.j2"
    paths = required_assets(
        template.read_text(encoding="utf-8"),
        int(ipywidgets.__version__.split(".")[0]),
        server_settings.assets.fontawesome_path,
    )
    missing = missing_assets(server_settings.assets.proxy_cache_dir, paths)
    if missing:
        raise ServeError(
            f"the page's assets are not installed in {server_settings.assets.proxy_cache_dir} "
            f"(missing {missing[0]}{' and more' if len(missing) > 1 else ''}); install "
            f"'alliance-lifecycle[app]' (solara-assets) to serve offline"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free port).

    Raises:
        ServeError: if the host is unknown or the port is taken.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise ServeError(f"cannot serve on host '{host}': {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        hint = "; choose another with --port" if exc.errno == 98 else ""
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from None
    sock.set_inheritable(True)
    return sock


#: Addresses that mean "every interface"; the page is then opened locally on loopback.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def url_of(sock: socket.socket) -> str:
    """The page's address on this machine for a bound socket."""
    host, port = sock.getsockname()[:2]
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def serve(
    scenario: str,
    host: str = "127.0.0.1",
    port: int = 8521,
    announce: Callable[[str], None] | None = None,
    lang: str = "en",
) -> None:
    """Serve the classroom page until interrupted.

    Args:
        scenario: the preset the page starts with.
        host: the address to listen on (default: this machine only).
        port: the port (0: any free port).
        announce: called with the page's URL once the port is bound (default: print it).
        lang: the language the page opens in (it has a switch for the others).

    Raises:
        ServeError: the port is taken, the host is unknown, or assets are missing.
        ParameterError: the scenario or the language does not exist.
    """
    from simulation.i18n import check_language
    from simulation.scenarios import get_scenario

    get_scenario(scenario)
    check_language(lang)
    os.environ.update(offline_environment(os.environ, scenario, lang))
    # Served over plain http on a host other than "localhost", Solara warns on every first
    # page load that it falls back to SameSite=lax cookies; that is right for a page that
    # is not embedded in an iframe.
    warnings.filterwarnings(
        "ignore", message="Cookies with samesite=none require https", category=UserWarning
    )
    sock = bind(host, port)
    try:
        check_assets()
        import uvicorn

        from simulation.app.session import SHUTTING_DOWN

        SHUTTING_DOWN.clear()

        class Server(uvicorn.Server):
            def handle_exit(self, sig, frame) -> None:
                # stop the play loops first, so none is drawing when Solara closes its kernels
                SHUTTING_DOWN.set()
                super().handle_exit(sig, frame)

        config = uvicorn.Config(
            "solara.server.starlette:app",
            log_level="warning",
            timeout_graceful_shutdown=2,
        )
        server = Server(config)
        url = url_of(sock)
        if announce is None:
            shared = sock.getsockname()[0] in WILDCARD_HOSTS
            where = "; others on the network use this machine's address" if shared else ""
            print(f"Serving the classroom app at {url}  (offline{where}; Ctrl+C to stop)")
            sys.stdout.flush()
        else:
            announce(url)
        server.run(sockets=[sock])
    finally:
        sock.close()
