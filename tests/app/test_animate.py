"""``alliances animate``: frames, file formats, atomic writes and one-line errors."""

from __future__ import annotations

import os

import pytest
from PIL import Image, ImageSequence

from simulation.app import animate as animate_module
from simulation.app.animate import animate
from simulation.cli import main
from simulation.errors import OutputError, ParameterError


def test_gif_has_one_frame_per_month_and_the_start(tmp_path):
    out = animate(tmp_path / "crisis.gif", "crisis", steps=3, seed=1, fps=4, dpi=20, progress=False)
    assert out == tmp_path / "crisis.gif"
    with Image.open(out) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == 4
        assert gif.size == (320, 180)  # 16 x 9 inches at 20 dpi
        assert gif.info["duration"] == 250
        assert gif.info["loop"] == 0
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(gif)]
    assert len(set(frame.tobytes() for frame in frames)) > 1  # the picture moves
    assert len(frames[-1].getcolors(maxcolors=1 << 16)) > 8  # and is not blank
    assert os.listdir(tmp_path) == ["crisis.gif"]  # no temporary file left behind


def test_an_existing_file_is_replaced_whole(tmp_path):
    out = tmp_path / "slides.gif"
    out.write_bytes(b"old")
    animate(out, steps=1, dpi=10, progress=False)
    with Image.open(out) as gif:
        assert gif.n_frames == 2
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # readable like any other file


def test_a_failure_midway_leaves_nothing_behind(tmp_path, monkeypatch):
    drawn = []

    def draw(self, model, layout, scenario, lang="en"):
        drawn.append(model.steps)
        if len(drawn) == 3:
            raise RuntimeError("boom")

    monkeypatch.setattr(animate_module.Slide, "draw", draw)
    with pytest.raises(RuntimeError, match="boom"):
        animate(tmp_path / "broken.gif", steps=5, dpi=10, progress=False)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("slides.png", "must end in .gif or .mp4"),
        ("missing/slides.gif", "does not exist"),
    ],
)
def test_bad_output_paths_are_output_errors(tmp_path, name, message):
    with pytest.raises(OutputError, match=message):
        animate(tmp_path / name, steps=1, progress=False)


def test_read_only_folder_is_an_output_error(tmp_path, monkeypatch):
    # os.access, not chmod: the tests may run as root, who can write anywhere
    monkeypatch.setattr(animate_module.os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="not writable"):
        animate(tmp_path / "slides.gif", steps=1, progress=False)
    assert os.listdir(tmp_path) == []


def test_mp4_without_ffmpeg_is_a_one_line_error(tmp_path, monkeypatch):
    monkeypatch.setattr(animate_module.shutil, "which", lambda name: None)
    with pytest.raises(OutputError, match="needs ffmpeg"):
        animate(tmp_path / "slides.mp4", steps=1, progress=False)


@pytest.mark.skipif(animate_module.shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_mp4_with_ffmpeg(tmp_path):
    out = animate(tmp_path / "slides.mp4", steps=2, dpi=20, progress=False)
    assert out.stat().st_size > 1000


def test_unknown_scenario_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="unknown scenario"):
        animate(tmp_path / "x.gif", "crisiss", steps=1, progress=False)


def test_cli_writes_the_gif_quietly_when_piped(tmp_path, capsys):
    out = tmp_path / "cli.gif"
    assert main(["animate", "--scenario", "stable", "--steps", "2", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"animation written to {out}" in captured.out
    assert "3/3" not in captured.err  # the progress bar shows on a terminal only
    with Image.open(out) as gif:
        assert gif.n_frames == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "0"], "--steps must be at least 1"),
        (["--fps", "0"], "--fps must be at least 1"),
        (["--scenario", "nope"], "unknown scenario 'nope'"),
        (["--out", "/proc/nope/x.gif"], "does not exist"),
        (["--out", "x.mp4"], None),  # depends on ffmpeg; only the exit code is checked
    ],
)
def test_cli_errors_are_one_line(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.setattr(animate_module.shutil, "which", lambda name: None)
    argv = ["animate", "--steps", "1", "--out", str(tmp_path / "x.gif"), *args]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("alliances: error:")
    if message:
        assert message in err[0]


def test_animate_command_in_another_language(tmp_path, capsys, monkeypatch):
    from simulation.cli import main

    titles = []
    draw = animate_module.Slide.draw

    def spy(self, model, layout, scenario, lang="en"):
        draw(self, model, layout, scenario, lang)
        titles.append(self.figure._suptitle.get_text())

    monkeypatch.setattr(animate_module.Slide, "draw", spy)
    out = tmp_path / "es.gif"
    assert main(["animate", "--steps", "1", "--lang", "es", "--out", str(out)]) == 0
    assert f"animation written to {out}" in capsys.readouterr().out
    with Image.open(out) as gif:
        assert gif.n_frames == 2
    assert titles[-1].startswith("default  ·  mes 1/1  ·  presión")
