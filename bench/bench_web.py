"""Web latency at scale: the dashboard and case-list endpoints under load on loopback.

    .venv/bin/python bench/bench_web.py [--cases 1000000] [--concurrency 8] [--requests 400]
        [--workers N] [--db URL] [--pages]

Uses bench/out/synth-<cases> (seed 1, defect rate 0.05; generated if missing) imported into
bench/out/web-<cases>.db (SQLite; or the store `--db URL` names, e.g. a PostgreSQL database;
imported and monitored if missing), makes accounts for four
kinds of user — a provincial case officer (the whole store), a city procuratorate's chief (a
municipal unit and its districts), a basic unit's case officer, and a prosecutor (own cases) —
starts `jianguan serve` in its own process, and drives it from this process with an httpx async
client at the given concurrency. Per endpoint and user it prints
p50 / p95 / p99 latency in ms and requests/s. Goal: p95 ≤ 150 ms with 1M cases.
With ``--pages`` the HTML pages a user works in come too (issue 18, "lists that scale"): the
今日工作 home page, the case list, the ledger, and each /due list of the user's workbench.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from jianguan.bootstrap import bootstrap
from jianguan.domain.model import Role, UnitLevel
from jianguan.services.accounts import set_password
from jianguan.services.monitoring import ledger_summary
from jianguan.web.due import BY_ROLE

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
JIANGUAN = [sys.executable, "-m", "jianguan"]
PASSWORD = "bench-password-1"


def prepare(cases: int, db: str | None = None) -> tuple[str, str]:
    """(store URL, as-of) with the data imported and monitored."""
    data = OUT / f"synth-{cases}"
    if not (data / "manifest.json").is_file():
        subprocess.run(
            [*JIANGUAN, "synth", "--out", str(data), "--cases", str(cases), "--seed", "1",
             "--defect-rate", "0.05"],
            check=True,
        )  # fmt: skip
    as_of = json.loads((data / "manifest.json").read_text())["as_of"]
    url = db or f"sqlite:///{OUT / f'web-{cases}.db'}"
    with bootstrap(db_url=url) as app, app.uow() as uow:
        counts = uow.cases.counts()
    if counts["cases"] != cases:
        subprocess.run([*JIANGUAN, "import", str(data), "--db", url], check=True)
    with bootstrap(db_url=url) as app:
        ledger = sum(ledger_summary(app.uow()).values())
    if not ledger:
        subprocess.run([*JIANGUAN, "monitor", "--as-of", as_of, "--db", url], check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    return url, as_of


def make_users(url: str) -> dict[str, str]:
    with bootstrap(db_url=url) as app, app.uow() as uow:
        people, levels = uow.cases.people(), {u.code: u.level for u in uow.cases.units()}
        busiest = [h for h, _ in uow.access.handlers_by_alerts(200)]
    by_id = {p.id: p for p in people}
    prosecutor = next(by_id[h] for h in busiest if by_id[h].role is Role.PROSECUTOR)
    province = next(
        p for p in people if p.role is Role.CASE_OFFICER and levels[p.unit] is UnitLevel.PROVINCIAL
    )
    basic = next(p for p in people if p.role is Role.CASE_OFFICER and p.unit == prosecutor.unit)
    city = next(p for p in people if p.role is Role.CHIEF and levels[p.unit] is UnitLevel.MUNICIPAL)
    users = {
        "province officer": province.id,
        "city chief": city.id,
        "basic officer": basic.id,
        "prosecutor": prosecutor.id,
    }
    with bootstrap(db_url=url) as app:  # the server's own (full-strength) password hashing
        for pid in users.values():
            set_password(app.uow(), app.hasher, pid, pid, PASSWORD, app.now(), "bench")
    return users


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_up(base: str) -> None:
    async with httpx.AsyncClient() as c:
        for _ in range(600):
            try:
                if (await c.get(f"{base}/login")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


async def login(base: str, person: str) -> str:
    """The session cookie of ``person`` (``name=value``)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as c:
        r = await c.post("/api/login", json={"username": person, "password": PASSWORD})
        r.raise_for_status()
        return "; ".join(f"{k}={v}" for k, v in c.cookies.items())


async def get_raw(
    conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], host: str, path: str, cookie: str
) -> int:
    """One GET on a kept-alive connection, the body read by its length and dropped: a client
    that costs the two cores next to nothing, so that the latency measured is the server's."""
    reader, writer = conn
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = -1
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length < 0:
        raise SystemExit(
            f"{path}: an answer without Content-Length (the bare client reads no other)"
        )
    await reader.readexactly(length)
    return status


async def load(
    base: str, cookie: str, path: str, n: int, concurrency: int, client: str
) -> list[float]:
    host = base.removeprefix("http://")
    times: list[float] = []
    todo = iter(range(n))

    async def raw_worker() -> None:
        ip, port = host.split(":")
        conn = await asyncio.open_connection(ip, int(port))
        try:
            # one unmeasured request per connection: with --workers N each server process
            # keeps caches of its own (the dashboard counts, the workbench) and the kernel
            # deals the connections out among the processes, so every one of them is warmed
            await get_raw(conn, host, path, cookie)
            for _ in todo:
                t0 = time.perf_counter()
                status = await get_raw(conn, host, path, cookie)
                times.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    raise SystemExit(f"{path}: {status}")
        finally:
            conn[1].close()

    async with httpx.AsyncClient(base_url=base, timeout=30, headers={"Cookie": cookie}) as c:
        await c.get(path)  # warm caches once

        async def httpx_worker() -> None:
            for _ in todo:
                t0 = time.perf_counter()
                resp = await c.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                if resp.status_code != 200:
                    raise SystemExit(f"{path}: {resp.status_code} {resp.text[:200]}")

        worker = raw_worker if client == "raw" else httpx_worker
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        times.append(-(time.perf_counter() - t0))  # last entry: wall time (negative marker)
        return times


def cpu_seconds(proc: psutil.Process) -> float:
    """CPU seconds (user + system) of the server process and its worker processes."""
    total = 0.0
    for p in (proc, *proc.children(recursive=True)):
        try:
            t = p.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system
    return total


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main_async(args: argparse.Namespace) -> None:
    url, as_of = prepare(args.cases, args.db)
    users = make_users(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # the scheduler's catch-up run (monitoring the whole store) would load the server measured
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "JIANGUAN_SCHEDULE_ENABLED": "false"}
    server = subprocess.Popen(
        [*JIANGUAN, "serve", "--db", url, "--port", str(port), "--as-of", as_of,
         "--no-secure-cookies", "--workers", str(args.workers)],
        env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await wait_up(base)
        async with httpx.AsyncClient(base_url=base) as c:
            await c.post(
                "/api/login", json={"username": users["province officer"], "password": PASSWORD}
            )
            first = (await c.get("/api/cases?mine=false&limit=50")).json()
            deep = first["next"]
            for _ in range(200):  # a cursor 10,000 cases in: keyset pages cost the same anywhere
                deep = (await c.get(f"/api/cases?mine=false&limit=50&after={deep}")).json()["next"]
        paths = {
            "dashboard": "/api/dashboard",
            "cases p1": "/api/cases?limit=50",
            "cases p1 unit": "/api/cases?mine=false&limit=50",
            "cases deep": f"/api/cases?mine=false&limit=50&after={deep}",
            "cases open": "/api/cases?mine=false&open_only=true&limit=50",
        }
        if args.pages:
            paths |= {"home page": "/", "cases page": "/cases", "ledger page": "/ledger"}
        with bootstrap(db_url=url) as app, app.uow() as uow:
            roles = {label: uow.cases.person(pid) for label, pid in users.items()}
        print(
            f"{args.cases:,} cases, concurrency {args.concurrency}, {args.requests} requests each"
        )
        print(
            f"{'user':<18}{'endpoint':<15}{'p50':>8}{'p95':>8}{'p99':>8}{'req/s':>8}"
            f"{'srv CPU':>9}{'cli CPU':>9}   (CPU: ms per request)"
        )
        served = psutil.Process(server.pid)
        rows = []
        for label, person in users.items():
            own = dict(paths)
            held = roles[label]
            if args.pages and held is not None:  # the lists of this user's workbench
                own |= {f"due {kind}": f"/due/{kind}" for kind in BY_ROLE.get(held.role, ())}
            for name, path in own.items():
                if label == "prosecutor" and name == "cases deep":
                    continue
                if args.only and not any(part in name for part in args.only.split(",")):
                    continue
                cookie = await login(base, person)  # (its password hashing not counted below)
                server_cpu, client_cpu = cpu_seconds(served), time.process_time()
                times = await load(base, cookie, path, args.requests, args.concurrency, args.client)
                server_cpu = cpu_seconds(served) - server_cpu
                client_cpu = time.process_time() - client_cpu
                wall = -times.pop()
                warming = 1 + (args.concurrency if args.client == "raw" else 0)
                row = (
                    label,
                    name,
                    pct(times, 50),
                    pct(times, 95),
                    pct(times, 99),
                    len(times) / wall,
                    server_cpu * 1000 / (len(times) + warming),  # the warming requests too
                    client_cpu * 1000 / (len(times) + warming),
                )
                rows.append(row)
                print(
                    f"{row[0]:<18}{row[1]:<15}{row[2]:>8.1f}{row[3]:>8.1f}{row[4]:>8.1f}"
                    f"{row[5]:>8.0f}{row[6]:>9.1f}{row[7]:>9.1f}"
                )
        worst = max(r[3] for r in rows)
        print(f"worst p95: {worst:.1f} ms (goal ≤ 150 ms: {'met' if worst <= 150 else 'NOT met'})")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=1, help="jianguan serve --workers N")
    parser.add_argument("--db", help="the store (default: bench/out/web-<cases>.db, SQLite)")
    parser.add_argument("--pages", action="store_true", help="also the HTML pages and /due lists")
    parser.add_argument(
        "--only", help="only the series whose name holds one of these, e.g. page,due"
    )
    parser.add_argument(
        "--client",
        choices=("httpx", "raw"),
        default="httpx",
        help="the load generator: httpx (as before) or a bare HTTP/1.1 client that costs the "
        "shared cores next to nothing",
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
