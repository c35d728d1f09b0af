"""Serving the page offline: environment defaults, the asset check, ports, and CLI errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from simulation.app import serve
from simulation.app.serve import ServeError
from simulation.errors import AllianceError

ROOT = Path(__file__).resolve().parents[2]


def test_offline_is_the_default_and_the_environment_wins():
    wanted = serve.offline_environment({"SOLARA_ASSETS_CDN": "http://mirror.local/"}, "crisis")
    assert wanted["SOLARA_ASSETS_PROXY"] == "true"
    assert wanted["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"
    assert wanted["SOLARA_MODE"] == "production"
    assert "SOLARA_ASSETS_CDN" not in wanted  # the user's own mirror is kept
    assert wanted["SOLARA_APP"] == serve.APP_MODULE
    assert wanted[serve.SCENARIO_ENV] == "crisis"
    assert serve.OFFLINE_CDN.startswith("http://127.0.0.1:")


TEMPLATE = """
<link href="{{cdn}}/@widgetti/solara-vuetify3-app@5.2.0/dist/main{{ipywidget_major_version}}.css">
<link href="{{cdn}}/@widgetti/solara-vuetify-app@10.1.1/dist/main{{ipywidget_major_version}}.css">
<link rel="stylesheet" href="{{cdn}}{{assets.fontawesome_path}}" type="text/css">
<script src="{{cdn}}/requirejs@2.3.6/require.js" crossorigin="anonymous">
solara.cdn = {{ cdn | tojson | safe }};
"""


def test_required_assets_are_read_from_the_template():
    assert serve.required_assets(TEMPLATE, 8, "/font-awesome@4.5.0/css/fa.min.css") == [
        "@widgetti/solara-vuetify-app@10.1.1/dist/main8.css",
        "font-awesome@4.5.0/css/fa.min.css",
        "requirejs@2.3.6/require.js",
    ]


def test_missing_assets_are_named(tmp_path):
    (tmp_path / "requirejs@2.3.6").mkdir()
    (tmp_path / "requirejs@2.3.6" / "require.js").write_text("//")
    paths = ["requirejs@2.3.6/require.js", "font-awesome@4.5.0/css/fa.min.css"]
    assert serve.missing_assets(tmp_path, paths) == ["font-awesome@4.5.0/css/fa.min.css"]


def test_this_installation_can_serve_offline():
    serve.check_assets()  # solara-assets holds every file Solara's page template loads


def test_a_taken_port_is_a_one_line_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}.*--port"):
            serve.bind("127.0.0.1", port)
    assert issubclass(ServeError, AllianceError)


def test_port_zero_picks_a_free_port_on_loopback():
    sock = serve.bind("127.0.0.1", 0)
    try:
        url = serve.url_of(sock)
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
    finally:
        sock.close()


def test_listening_everywhere_is_opened_on_loopback():
    sock = serve.bind("0.0.0.0", 0)
    try:
        assert serve.url_of(sock).startswith("http://127.0.0.1:")
    finally:
        sock.close()


def test_unknown_host_is_a_serve_error():
    with pytest.raises(ServeError, match="cannot serve on host"):
        serve.bind("no-such-host.invalid", 0)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulation.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_demo_reports_user_errors_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run_cli("demo", "--port", str(port))
    unknown = run_cli("demo", "--scenario", "crisiss", "--port", "0")
    bad_port = run_cli("demo", "--port", "70000")
    for result, message in (
        (busy, "cannot listen on"),
        (unknown, "unknown scenario 'crisiss'; did you mean 'crisis'"),
        (bad_port, "--port must be between 0 and 65535"),
    ):
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0], result.stderr
