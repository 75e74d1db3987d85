"""Issue 17, item 4: `jianguan serve --workers N` runs N server processes on one store, each
answering as the single-process server does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from tests.factories import write_dataset
from tests.support import imported


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_worker_processes_serve_the_same_store(store_url: str, tmp_path: Path) -> None:
    with imported(write_dataset(tmp_path / "set"), store_url):
        pass
    port = _free_port()
    env = {**os.environ, "JIANGUAN_DATA_DIR": str(tmp_path / "var"),
           "JIANGUAN_SCHEDULE_ENABLED": "false"}  # fmt: skip
    cmd = [sys.executable, "-m", "jianguan", "serve", "--workers", "2", "--port", str(port),
           "--db", store_url]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        answers = _wait_and_ask(f"http://127.0.0.1:{port}/login", server)
        assert answers == [200] * 20
        children = psutil.Process(server.pid).children(recursive=True)
        workers = [p for p in children if "spawn_main" in " ".join(p.cmdline())]
        assert len(workers) == 2, [p.cmdline() for p in children]
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server is the failure
            server.kill()
            raise
        finally:
            if server.stdout is not None:
                server.stdout.close()


def _wait_and_ask(url: str, server: subprocess.Popen[bytes]) -> list[int]:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=2)
            break
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read().decode() if server.stdout else ""
                raise AssertionError(f"the server did not start: {output}") from None
            time.sleep(0.3)
    return [httpx.get(url, timeout=10).status_code for _ in range(20)]
