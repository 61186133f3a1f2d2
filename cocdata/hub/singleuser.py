"""A member's server: JupyterHub's single-user server, without two start-up costs it never uses.

``jsonschema``, imported by the server for its event schemas, checks IRIs
with ``rfc3987_syntax`` when that package is installed, and importing it
builds a grammar parser: over a second of every member's sign-in on a
2-core machine. No schema the server reads has an IRI field, so the server
starts with that package marked missing (``sys.modules[name] = None``, which
makes ``import`` raise ``ImportError``, as if it were not installed); the
member's kernels, separate processes, are not affected.

Importing ``jupyterlab.labapp`` asks for JupyterLab's version, and on the way runs
``node yarn.js config`` (0.4 s) whenever Node.js is on the ``PATH``, to learn a package
registry that only building JupyterLab extensions uses. The server imports it with Node.js
out of sight, so JupyterLab takes its default registry; the ``PATH`` is restored at once,
for the server, its terminals and its kernels.

Its first step starts the member's kernel fork server (:mod:`cocdata.hub.kernels`), which
imports ipykernel and the forms while the server starts, and sets the kernels to be forked
from it.

Run as ``python -m cocdata.hub.singleuser [server options]``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

NOT_IMPORTED = ("rfc3987_syntax",)

IMPORTED_WITHOUT_NODE = "jupyterlab.labapp"


@contextlib.contextmanager
def commands_out_of_sight() -> Iterator[None]:
    """Nothing is found on the ``PATH`` inside; it is as before afterwards."""
    before = os.environ.get("PATH")
    os.environ["PATH"] = os.devnull  # a file, not a folder: no command in it
    try:
        yield
    finally:
        if before is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = before


def main() -> None:
    """Start the single-user server (blocks until it stops)."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]
    from cocdata.hub import kernels

    if kernels.start_fork_server() is not None:
        sys.argv.append(
            f"--KernelProvisionerFactory.default_provisioner_name={kernels.PROVISIONER}"
        )
    with commands_out_of_sight():
        __import__(IMPORTED_WITHOUT_NODE)
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
