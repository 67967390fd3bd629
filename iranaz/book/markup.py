"""HTML the book writes itself (citation blocks, chart containers, the PDF's front matter),
rendered from the Jinja2 templates in ``templates/`` with autoescaping: text from the
tables or the metadata can never become markup."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a missing value is an error, never an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(template: str, **context: Any) -> str:
    """``templates/<template>`` rendered with ``context``; mark trusted HTML with :func:`trusted`."""
    return _environment().get_template(template).render(**context).strip("\n")


def trusted(html: str) -> Any:
    """HTML made by a trusted formatter (citeproc-py), inserted as it is."""
    from markupsafe import Markup

    return Markup(html)
