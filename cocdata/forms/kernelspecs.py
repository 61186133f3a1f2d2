"""Where the form's servers look for kernels: Jupyter's folders, found without importing IPython.

Jupyter's ``KernelSpecManager`` adds IPython's legacy ``kernels`` folder to
Jupyter's own by importing IPython (0.3–0.4 s on a 2-core machine) to learn
where that folder is: the server paid it on its first render of the report
form, in the middle of opening the app or signing in on the hub.
``KernelSpecsWithoutIPython`` finds the same folders, in the same order, the
way IPython does for the account (``$IPYTHONDIR``, else ``~/.ipython``), with
nothing imported. ``cocdata app``, ``cocdata lab`` and the members' servers
on the hub are given it by name (``cocdata.forms.serve.KERNEL_SPECS``).
"""

from __future__ import annotations

import os

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_core.paths import jupyter_path


def ipython_folder() -> str:
    """IPython's folder for this account, as IPython 3 and later choose it."""
    chosen = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
    return os.path.normpath(os.path.expanduser(chosen))


class KernelSpecsWithoutIPython(KernelSpecManager):
    """Jupyter's kernel specs from Jupyter's folders and IPython's, IPython not imported."""

    def _kernel_dirs_default(self) -> list[str]:
        return [*jupyter_path("kernels"), os.path.join(ipython_folder(), "kernels")]
