"""The table of the places page (``reference/places.md``): one row per place, its spellings,
point, the source of that point, and links to its events' entries."""

from __future__ import annotations

from .. import addresses, maps
from ..tables import Tables
from .markup import render


class PlacesTable:
    """A display object: the places table as escaped HTML (every cell from the tables)."""

    def __init__(self, t: Tables) -> None:
        self.rows = maps.gazetteer(t).to_dict("records")

    def _repr_html_(self) -> str:
        return render("places_table.html", rows=self.rows, event_href=addresses.event)

    def __repr__(self) -> str:
        return "\n".join(f"{r['place_id']}: {r['name']} ({r['n_events']} events)" for r in self.rows)


def places_table(t: Tables) -> PlacesTable:
    return PlacesTable(t)
