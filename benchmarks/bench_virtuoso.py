"""Moving a store's graph to Virtuoso, the remote store for graphs larger than one machine: two ways, timed.

    python -m benchmarks.bench_virtuoso --store DIR [--insert-sources N] [--buffers PAGES]

1. `cchc export --format nq` of the local store (N-Quads keep the per-file graphs);
2. the way `cchc` writes to a remote store (`GraphStore.open_remote`: per file, a DROP then INSERT DATA requests of
   2,000 triples) for the first N sources, timed, then dropped again;
3. Virtuoso's own bulk loader (`ld_dir` + `rdf_loader_run`, then a checkpoint) over the export;
4. the check that the server now holds the same triples and the same file graphs as the local store.

A throwaway server (`tests/kg/virtuoso.py`, 127.0.0.1 only, its database in a temporary folder) is started and
stopped. Prints each phase's seconds and triples/s, the server's resident memory, and the load average.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.memory import rss_mb
from kg.store import GraphStore
from tests.kg.virtuoso import isql_run, running_virtuoso

DEFAULT_BUFFERS = 170_000  # 8 KB pages, 1.3 GB: Virtuoso's own figure for a machine giving it 2 GB
BULK_TIMEOUT_S = 4 * 3600


def _loaded_errors(isql: str, port: int, password: str) -> str:
    out = isql_run(isql, port, password, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
    return "" if "0 Rows" in out else out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built by `cchc ingest`")
    parser.add_argument("--insert-sources", type=int, default=200, help="sources sent the way `cchc` writes")
    parser.add_argument("--buffers", type=int, default=DEFAULT_BUFFERS, help="Virtuoso NumberOfBuffers (8 KB)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped, it still stops its server (the `finally`s)
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not isql:
        raise SystemExit("virtuoso-opensource is not installed (apt-get install virtuoso-opensource)")

    local = GraphStore.open_local(args.store, read_only=True)
    triples, sources = local.triple_count(), local.file_graphs()
    print(f"store {args.store}: {triples:,} triples in {len(sources):,} file graphs; load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="bench-virtuoso-") as tmp:
        directory = Path(tmp)
        dump = directory / "export.nq"
        began = time.perf_counter()
        local.dump(dump, "nquads")
        seconds = time.perf_counter() - began
        size_mb = dump.stat().st_size / 1e6
        print(f"export N-Quads: {seconds:.1f} s, {size_mb:,.0f} MB, {triples / seconds:,.0f} triples/s")

        with running_virtuoso(directory, server, isql, buffers=args.buffers) as endpoint:
            remote = GraphStore.open_remote(endpoint.query, endpoint.update)
            chosen = {source: local.graph_of(source) for source in sorted(sources)[: args.insert_sources]}
            sent = sum(len(graph) for graph in chosen.values())
            began = time.perf_counter()
            for source, graph in chosen.items():
                remote.replace_file(source, sources[source].graph, sources[source].sha256, graph, known={})
            seconds = time.perf_counter() - began
            print(
                f"cchc's remote writes (INSERT DATA): {len(chosen)} sources, {sent:,} triples in {seconds:.1f} s = "
                f"{sent / seconds:,.0f} triples/s; load {os.getloadavg()[0]:.2f}"
            )
            for source in chosen:
                remote.remove_file(source)

            began = time.perf_counter()
            isql_run(
                isql,
                endpoint.sql_port,
                endpoint.dba_password,
                f"ld_dir('{directory}', 'export.nq', 'urn:cchc:default-graph');\nrdf_loader_run();\ncheckpoint;\n",
                timeout=BULK_TIMEOUT_S,
            )
            seconds = time.perf_counter() - began
            errors = _loaded_errors(isql, endpoint.sql_port, endpoint.dba_password)
            print(
                f"Virtuoso bulk load (ld_dir + rdf_loader_run + checkpoint): {triples:,} triples in {seconds:.1f} s = "
                f"{triples / seconds:,.0f} triples/s; server RSS {rss_mb(endpoint.pid):,.0f} MB; "
                f"load {os.getloadavg()[0]:.2f}{'; ERRORS ' + errors if errors else ''}"
            )
            remote_triples, remote_sources = remote.triple_count(), remote.file_graphs()
            same = remote_triples == triples and remote_sources == sources
            print(
                f"check: {remote_triples:,} triples, {len(remote_sources):,} file graphs on the server: "
                f"{'the same as the local store' if same else 'DIFFERENT from the local store'}"
            )
            if not same:
                raise SystemExit(1)


if __name__ == "__main__":
    main()
