"""The classroom views frame by frame, for slides: a GIF (Pillow) or an MP4 (ffmpeg).

Each frame is one month: the organisations as a network, the alliances in each phase over
time and pressure over time, drawn by the same functions as the live page
(``simulation.app.views``). The file appears only when complete: frames go to a temporary
file in the target folder, which is then renamed.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib as mpl
from matplotlib.animation import AbstractMovieWriter, FFMpegWriter
from PIL import Image
from tqdm import tqdm

from simulation.app.views import Slide, model_layout
from simulation.errors import OutputError
from simulation.i18n import DEFAULT_LANGUAGE, check_language
from simulation.model import AllianceModel
from simulation.scenarios import get_scenario

#: Output formats by file suffix.
FORMATS = (".gif", ".mp4")
#: Colours kept per GIF frame (the panels use few; anti-aliasing needs some more).
GIF_COLOURS = 128


class PaletteGifWriter(AbstractMovieWriter):
    """Matplotlib movie writer that makes a GIF with Pillow, like ``PillowWriter``.

    Unlike ``PillowWriter`` it keeps each frame as an 8-bit palette image (one byte per
    pixel instead of three or four), so a 20-year run of 241 frames at 1152 x 648 pixels
    fits in about 180 MB, and it quantises without dithering, so flat colours stay flat.
    """

    def setup(self, fig, outfile, dpi=None) -> None:
        """Prepare to write frames of ``fig`` to ``outfile``."""
        super().setup(fig, outfile, dpi=dpi)
        self._frames: list[Image.Image] = []

    def grab_frame(self, **savefig_kwargs) -> None:
        """Render the figure as it is now and keep it as the next frame."""
        buffer = io.BytesIO()
        self.fig.savefig(buffer, **{**savefig_kwargs, "format": "rgba", "dpi": self.dpi})
        frame = Image.frombuffer("RGBA", self.frame_size, buffer.getvalue(), "raw", "RGBA", 0, 1)
        self._frames.append(frame.convert("RGB").quantize(GIF_COLOURS, dither=Image.Dither.NONE))

    def finish(self) -> None:
        """Write the GIF (looping, ``fps`` frames per second)."""
        first, *rest = self._frames
        first.save(
            self.outfile,
            format="GIF",
            save_all=True,
            append_images=rest,
            duration=round(1000 / self.fps),
            loop=0,
        )
        self._frames = []


def check_output(out: Path) -> str:
    """Check that ``out`` can be written; return its format (``.gif`` or ``.mp4``).

    Raises:
        OutputError: wrong suffix, missing or read-only folder, or ``.mp4`` without ffmpeg.
    """
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise OutputError(f"--out must end in .gif or .mp4, got '{out.name}'")
    if suffix == ".mp4" and shutil.which(mpl.rcParams["animation.ffmpeg_path"]) is None:
        raise OutputError(
            "writing .mp4 needs ffmpeg on PATH (e.g. apt-get install ffmpeg); write a .gif instead"
        )
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write '{out}': folder '{folder}' does not exist")
    if out.is_dir():
        raise OutputError(f"cannot write '{out}': it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write '{out}': folder '{folder}' is not writable")
    return suffix


def animate(
    out: str | os.PathLike[str],
    scenario: str = "default",
    *,
    steps: int | None = None,
    seed: int = 0,
    fps: int = 8,
    dpi: int = 72,
    progress: bool = True,
    lang: str = DEFAULT_LANGUAGE,
) -> Path:
    """Run ``scenario`` and write one frame per month (and the start) to ``out``.

    Args:
        out: the file to write, ``.gif`` or ``.mp4`` (replaced if it exists).
        scenario: the preset (see ``alliances scenarios``).
        steps: months to run (default: the scenario's horizon).
        seed: the model's seed.
        fps: frames (months) per second.
        dpi: pixels per inch of the 16 x 9 inch frame (72: 1152 x 648 pixels).
        progress: show a progress bar on stderr.
        lang: the language of every label (``en``, ``nl`` or ``es``).

    Returns:
        The path written.

    Raises:
        OutputError: ``out`` cannot be written (see ``check_output``).
        ParameterError: unknown scenario, unknown language or a value out of range.
    """
    check_language(lang)
    overrides = {"seed": seed} | ({"steps": steps} if steps is not None else {})
    params = get_scenario(scenario).params(**overrides)
    out = Path(out)
    suffix = check_output(out)
    if fps < 1:
        raise OutputError(f"--fps must be at least 1, got {fps}")
    model = AllianceModel(params, run_id=f"{scenario}-{seed}")
    layout = model_layout(model)
    slide = Slide.create(dpi=dpi)
    if suffix == ".gif":
        writer: AbstractMovieWriter = PaletteGifWriter(fps=fps)
    else:
        writer = FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])

    handle, temporary = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=suffix, dir=out.parent)
    os.close(handle)
    try:
        with (
            writer.saving(slide.figure, temporary, dpi),
            tqdm(
                total=params.steps + 1,
                desc=f"animate {scenario}",
                unit="month",
                disable=None if progress else True,  # None: quiet when not on a terminal
            ) as bar,
        ):
            while True:
                slide.draw(model, layout, scenario, lang)
                writer.grab_frame()
                bar.update()
                if not model.running:
                    break
                model.step()
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
