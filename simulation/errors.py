"""Errors a user can cause, each with a one-line message that names the problem.

The command line prints these as ``error: <message>`` and exits non-zero; everything else
is a bug and keeps its traceback.
"""


class AllianceError(Exception):
    """Base class of the errors caused by input (parameters, files, folders)."""


class ParameterError(AllianceError, ValueError):
    """A parameter has an unknown name, a wrong type or a value out of range."""


class ConfigError(AllianceError, ValueError):
    """A configuration or experiment file cannot be read or is malformed."""


class OutputError(AllianceError, OSError):
    """An output folder cannot be written."""
