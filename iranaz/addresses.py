"""Where each entry of the reference lives in the built book.

Every address is derived from an id alone (an event's ``event_id``, a claim check's
``check_id``, an actor's ``actor_id``, a place's ``place_id``), so it never changes when rows
are added, removed or reordered. Every page of the book sits one folder below its root
(``notebooks/``, ``book/``, ``reference/``, ``events/``), so the addresses are written relative
to such a page; :func:`from_root` gives the same address from the root.
"""

from __future__ import annotations

import re

#: The folder of the event entries, one page each: ``events/E300.html``.
EVENTS_DIR = "events"
#: The reference pages, by what they hold (docnames, without ``.html``).
CHRONOLOGY = "reference/chronology"
EXPLORER = "reference/explorer"
WHO = "reference/who"
PLACES = "reference/places"
CLAIMS = "reference/claims"
GLOSSARY = "reference/glossary"

EVENT_ID = re.compile(r"\bE\d{3}\b")
CHECK_ID = re.compile(r"\bC\d{2}\b")


def anchor(prefix: str, key: str) -> str:
    """An HTML id for ``key`` that survives any id scheme: lower case, letters, digits, hyphens."""
    return prefix + "-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def event_docname(event_id: str) -> str:
    return f"{EVENTS_DIR}/{event_id}"


def event(event_id: str) -> str:
    """The entry of one event: its own page."""
    return f"../{event_docname(event_id)}.html"


def claim(check_id: str) -> str:
    """One claim check, on the page of claim checks."""
    return f"../{CLAIMS}.html#{anchor('check', check_id)}"


def actor(actor_id: str) -> str:
    """One actor's entry in the who's who."""
    return f"../{WHO}.html#{anchor('actor', actor_id)}"


def place(place_id: str) -> str:
    """One place's entry on the page of places and maps."""
    return f"../{PLACES}.html#{anchor('place', place_id)}"


def from_root(address: str) -> str:
    """The same address written from the book's root (for ``index.html`` or a citation)."""
    return address.removeprefix("../")
