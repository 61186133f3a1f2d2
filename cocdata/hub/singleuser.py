"""A member's server: JupyterHub's single-user server, without one import it never uses.

``jsonschema``, imported by the server for its event schemas, checks IRIs
with ``rfc3987_syntax`` when that package is installed, and importing it
builds a grammar parser: over a second of every member's sign-in on a
2-core machine. No schema the server reads has an IRI field, so the server
starts with that package marked missing (``sys.modules[name] = None``, which
makes ``import`` raise ``ImportError``, as if it were not installed); the
member's kernels, separate processes, are not affected.

Its first step starts the member's kernel fork server (:mod:`cocdata.hub.kernels`), which
imports ipykernel and the forms while the server starts, and sets the kernels to be forked
from it.

Run as ``python -m cocdata.hub.singleuser [server options]``.
"""

from __future__ import annotations

import sys

NOT_IMPORTED = ("rfc3987_syntax",)


def main() -> None:
    """Start the single-user server (blocks until it stops)."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]
    from cocdata.hub import kernels

    if kernels.start_fork_server() is not None:
        sys.argv.append(
            f"--KernelProvisionerFactory.default_provisioner_name={kernels.PROVISIONER}"
        )
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
