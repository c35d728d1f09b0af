"""``alliances classroom`` on bad input: one line on stderr, exit status 2, nothing served."""

from __future__ import annotations

import socket

import pytest

from simulation.cli import build_parser, main


def test_defaults_are_safe():
    args = build_parser().parse_args(["classroom"])
    assert (args.host, args.lang, args.scenario) == ("127.0.0.1", "en", "default")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["classroom", "--port", "70000"], "--port must be between 0 and 65535"),
        (["classroom", "--scenario", "nope", "--port", "0"], "nope"),
        (["classroom", "--host", "no-such-host.invalid", "--port", "0"], "cannot serve on host"),
    ],
)
def test_bad_input_is_one_line(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("alliances: error:") and message in err
    assert len(err.strip().splitlines()) == 1


def test_a_taken_port_is_one_line(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["classroom", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "cannot listen on" in err and len(err.strip().splitlines()) == 1


def test_an_unknown_language_is_refused(capsys):
    with pytest.raises(SystemExit) as info:
        main(["classroom", "--lang", "de"])
    assert info.value.code == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
