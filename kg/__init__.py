"""Knowledge graph: extracted records → RDF, store, SPARQL, networkx views."""
