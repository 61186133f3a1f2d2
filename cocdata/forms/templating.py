"""The forms' HTML from Jinja2 templates shipped in the package (``cocdata/forms/templates/``).

Autoescaping is on for every template, so record text put into one is
escaped however it is passed; only the package's own style sheet goes in
as it is.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    """One environment for the forms' templates, reading them from the installed package."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("cocdata.forms", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(name: str, **values: Any) -> str:
    """A template rendered with ``values`` (escaped)."""
    return environment().get_template(name).render(**values)


@functools.cache
def style_sheet() -> str:
    """The forms' ``<style>`` element (rendered once per process)."""
    return render("style.html.j2")
