"""The four lifecycle phases, one module each (C1, C23).

Forming, founding, evolving, transforming. Each module decides what changes for the
alliances in its phase and returns it as an ``Outcome``; the model applies it.
"""

from simulation.phases import evolving, forming, founding, transforming

__all__ = ["evolving", "forming", "founding", "transforming"]
