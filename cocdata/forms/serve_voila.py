"""The web app's server: Voilà with a login on every route and nothing from the network.

Run as ``python -m cocdata.forms.serve_voila FOLDER [Voilà options]`` by
``cocdata app``. It differs from plain Voilà in three ways:

* **A token is required everywhere.** Voilà checks its token on the pages and
  the kernel API, but serves its static files, themes, extensions and the
  notebooks' folder (``/voila/files/``) to anyone. Here every handler but the
  login page refuses a request that carries neither the token nor the login
  cookie set on the first visit with it. The token comes from
  ``JUPYTER_TOKEN`` in the environment (never the command line, which every
  local user can read), and is taken out before any kernel starts.
* **Only local host names** are served (no DNS rebinding from a web page).
* **No request leaves the machine**: Voilà's ``lab`` template links Font
  Awesome from a CDN although its own bundle already holds the icons; the
  template ``cocdata`` (in ``jupyter_data/voila/templates/``, built on ``lab``)
  renders the same page without those links; the team hub's servers use it
  too (``JUPYTER_DATA``, ``TEMPLATE``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from tornado import web
from voila.app import Voila
from voila.handler import BaseVoilaHandler

TOKEN_ENV = "JUPYTER_TOKEN"
JUPYTER_DATA = Path(__file__).with_name("jupyter_data")
"""A Jupyter data folder holding Voilà's ``cocdata`` template (for ``JUPYTER_PATH``)."""
TEMPLATE = "cocdata"
TEMPLATE_FOLDER = JUPYTER_DATA / "voila" / "templates" / TEMPLATE


class _LoginRequired:
    """Refuse (403) any request that is neither token- nor cookie-authenticated."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        await super().prepare(*args, **kwargs)  # type: ignore[misc]
        if not self.current_user:  # type: ignore[attr-defined]
            raise web.HTTPError(403, "a login is required")


class _PageWithXsrfCookie(_LoginRequired):
    """A page that sets the ``_xsrf`` cookie its scripts send back.

    Voilà's page, as it closes, asks the server to shut its kernel down with
    the ``_xsrf`` cookie's value; Voilà never sets that cookie, so the request
    was refused and every closed page left its kernel running.
    """

    async def prepare(self, *args: Any, **kwargs: Any) -> None:
        await super().prepare(*args, **kwargs)
        self.xsrf_token  # noqa: B018 (reading it sets the cookie)


def locked(handler: type[web.RequestHandler]) -> type[web.RequestHandler]:
    """``handler`` with the login check of Jupyter's own handlers in front of it."""
    check = _PageWithXsrfCookie if issubclass(handler, BaseVoilaHandler) else _LoginRequired
    bases: tuple[type, ...] = (check, handler)
    if not issubclass(handler, JupyterHandler):
        # Static file handlers know nothing of users: borrow JupyterHandler's
        # identity lookup (jupyter_server's own FileFindHandler is built the same way).
        bases = (check, JupyterHandler, handler)
    return type(f"Locked{handler.__name__}", bases, {})


class CocdataVoila(Voila):
    """Voilà serving the cocdata forms behind a token."""

    def initialize(self, argv: list[str] | None = None) -> None:
        token = os.environ.pop(TOKEN_ENV, "")
        if not token:
            raise SystemExit(f"cocdata's web app needs a token in {TOKEN_ENV}")
        self.token = token
        super().initialize(argv)

    def setup_template_dirs(self) -> None:
        super().setup_template_dirs()
        # Our index.html.j2 comes first; it extends lab/index.html.j2 found further on.
        self.template_paths.insert(0, str(TEMPLATE_FOLDER))

    def init_settings(self) -> dict[str, Any]:
        settings = super().init_settings()
        settings["allow_remote_access"] = False
        return settings

    def init_handlers(self) -> list[Any]:
        handlers = super().init_handlers()
        login = {spec[1] for spec in self.identity_provider.get_handlers()}
        return [
            (spec[0], spec[1] if spec[1] in login else locked(spec[1]), *spec[2:])
            for spec in handlers
        ]


def main(argv: list[str] | None = None) -> None:
    """Start the app's server (blocks until it stops)."""
    CocdataVoila.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
