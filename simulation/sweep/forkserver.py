"""The forkserver that worker processes come from when the sweep's process cannot fork.

A process that runs other threads (a notebook kernel, a Dask LocalCluster's event loop)
must not fork itself; its workers are forked from a forkserver instead, a fresh process
that has imported the model once, so each worker starts in milliseconds with nothing to
import. Started early (:func:`start`), it imports while this process does its own setup.

This module is light: it imports only :mod:`multiprocessing`.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

#: What the forkserver imports before forking workers.
PRELOAD = ("simulation.runner", "simulation.sweep.worker")


def context(*extra: str) -> multiprocessing.context.BaseContext:
    """The forkserver context, preloading the worker module (and ``extra`` modules first).

    The preload list counts only when the forkserver starts; once it runs, it is kept.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([*extra, *PRELOAD])
    return ctx


def start(*extra: str) -> None:
    """Start the forkserver now (it imports in the background); nothing if it runs."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return  # Windows: spawned workers
    context(*extra)
    multiprocessing.forkserver.ensure_running()
