"""The classroom faces of the model: a live Solara page and an animation for slides.

- ``simulation.app.views``: pure helpers shared by both (palette, network layout, the
  running figures, the matplotlib panels). No Solara.
- ``simulation.app.app``: the Solara page (``Page``; ``AllianceApp`` in a notebook).
- ``simulation.app.animate``: the same panels frame by frame, written to a GIF or MP4.
- ``simulation.app.serve``: serves the page locally with every asset from ``solara-assets``.
- ``simulation.app.command``: the ``alliances demo`` and ``alliances animate`` subcommands.

Importing this package is cheap: Solara and matplotlib are imported by the modules that
need them, and only when used.
"""
