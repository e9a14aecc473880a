"""Start and stop a private Virtuoso (Debian ``virtuoso-opensource``) for the remote tests.

Its own temporary database folder and ini, ports chosen free on 127.0.0.1, the SPARQL user
allowed to update; stopped (and its folder removed with the test's tmp dir) afterwards.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {d}
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 300
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Virtuoso:
    def __init__(self, folder: Path, max_rows: int = 1_000_000) -> None:
        binary = shutil.which("virtuoso-t")
        assert binary, "virtuoso-t is missing: run .ci/install-system-deps"
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.sql, self.http = free_port(), free_port()
        (folder / "virtuoso.ini").write_text(
            INI.format(d=folder, sql=self.sql, http=self.http, max_rows=max_rows), encoding="utf-8"
        )
        self.process = subprocess.Popen(
            [binary, "+configfile", str(folder / "virtuoso.ini"), "+foreground"],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.endpoint = f"http://127.0.0.1:{self.http}/sparql"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.endpoint + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                assert self.process.poll() is None, "Virtuoso exited while starting"
                assert time.monotonic() < deadline, "Virtuoso did not start in 60 s"
                time.sleep(0.3)
        subprocess.run(
            [
                "isql-vt",
                f"127.0.0.1:{self.sql}",
                "dba",
                "dba",
                'exec=GRANT SPARQL_UPDATE TO "SPARQL";',
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
