"""A throwaway Virtuoso server for the remote-store tests, bound to 127.0.0.1 only.

The packaged configuration listens on every interface with the default `dba` password, so the
helper writes its own `virtuoso.ini` (own ports, own database directory), replaces that password at
first start, and lets the anonymous SPARQL user update: SPARQLUpdateStore then writes over the plain
`/sparql` endpoint like it would to any SPARQL 1.1 server, with no Virtuoso-specific auth.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = "apt-get install virtuoso-opensource"
START_TIMEOUT = 90.0  # first start creates the database: ~2 s here, ~14 s on a slow disk

_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {d}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
; the defaults cap results at 10,000 rows and return partial results after 60 s
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""

# Run as dba with the default password, which is replaced last.
_SETUP_SQL = """\
GRANT SPARQL_UPDATE TO "SPARQL";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);
USER_SET_PASSWORD ('dba', '{password}');
"""


@dataclass(frozen=True, slots=True)
class VirtuosoEndpoint:
    query: str
    update: str
    sql_port: int
    dba_password: str
    log: Path
    pid: int  # the server's process


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers(endpoint: str) -> bool:
    url = f"{endpoint}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def isql_run(isql: str, port: int, password: str, sql: str, *, timeout: float = 60) -> str:
    """Run SQL through `isql-vt` as dba; its output, or RuntimeError when a statement failed."""
    done = subprocess.run(
        [isql, f"127.0.0.1:{port}", "dba", password],
        input=sql,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0 or "*** Error" in done.stdout:
        raise RuntimeError(f"isql failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return done.stdout


def require_binaries() -> tuple[str, str]:
    """(`virtuoso-t`, `isql-vt`) from Debian's virtuoso-opensource; skip where missing, but fail in CI."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if server and isql:
        return server, isql
    reason = f"virtuoso-opensource not installed: {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the remote-store tests; see .ci/run)")
    pytest.skip(reason)


@contextmanager
def running_virtuoso(directory: Path, server: str, isql: str, *, buffers: int = 10_000) -> Iterator[VirtuosoEndpoint]:
    """Start a fresh server with its database in `directory`; stop it (and only it) on exit. `buffers` are 8 KB
    pages of cache (Virtuoso's guide: 170,000 for 2 GB of memory to give a bulk load)."""
    sql_port, http_port = _free_port(), _free_port()
    ini = directory / "virtuoso.ini"
    settings = {"d": directory, "sql_port": sql_port, "http_port": http_port}
    ini.write_text(_INI.format(**settings, buffers=buffers, dirty_buffers=buffers * 3 // 4), encoding="utf-8")
    log = directory / "virtuoso.log"
    console = directory / "console.log"
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    with console.open("w") as out:
        proc = subprocess.Popen(
            [server, "+foreground", "+configfile", str(ini)], cwd=directory, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(endpoint):
            if proc.poll() is not None or time.monotonic() > deadline:
                state = f"exited with {proc.returncode}" if proc.poll() is not None else f"not up in {START_TIMEOUT}s"
                raise RuntimeError(f"virtuoso-t {state}; log tail:\n{_tail(log)}\n{_tail(console)}")
            time.sleep(0.2)
        password = secrets.token_hex(12)  # letters and digits only: no quoting trouble in isql
        isql_run(isql, sql_port, "dba", _SETUP_SQL.format(password=password))
        yield VirtuosoEndpoint(endpoint, endpoint, sql_port, password, log, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def virtuoso_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoEndpoint]:
    """A running server for the session; skipped where Virtuoso is not installed, except in CI."""
    server, isql = require_binaries()
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso"), server, isql) as endpoint:
        yield endpoint
