"""kg.sparql_guard: a query's form and projection read before it runs; updates refused by name."""

from __future__ import annotations

import pytest

from kg.sparql_guard import RefusedQuery, check_query


def test_guard_reports_form_and_projection() -> None:
    checked = check_query("SELECT ?b ?a WHERE { ?a ?p ?b }")
    assert (checked.form, checked.variables) == ("select", ("b", "a"))
    assert check_query("DESCRIBE <http://example.org/x>").form == "describe"
    with pytest.raises(RefusedQuery) as refused:
        check_query("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert refused.value.code == "sparql_update_refused"
