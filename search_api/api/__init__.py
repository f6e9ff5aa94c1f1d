"""The HTTP API: one router per resource, the response models, dependencies (see `search_api.app.create_app`).

Routers never import each other; what several need is in `answers` (shaped kg answers), `deps`, `errors`,
`filters`, `formats`, `ids` and `models`.
"""

from __future__ import annotations

from search_api.api import (
    align,
    anomalies,
    deadlines,
    documents,
    graph,
    health,
    plans,
    search,
    sparql,
    tasks,
    units,
    uploads,
    works,
)

ROUTERS = (
    health.router,
    search.router,
    documents.router,
    uploads.router,
    works.router,
    units.router,
    tasks.router,
    plans.router,
    align.router,
    deadlines.router,
    anomalies.router,
    graph.router,
    sparql.router,
)
# Paths whose `.csv` / `.ttl` / `.jsonld` / `.ics` suffix selects the format.
FORMAT_PREFIXES = ("/documents", "/works", "/units", "/tasks", "/anomalies", "/graph", "/deadlines", "/align")
