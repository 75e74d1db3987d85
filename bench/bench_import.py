"""Import throughput into SQLite and PostgreSQL, side by side with hand-written baselines.

    .venv/bin/python bench/bench_import.py [--cases 100000 1000000] [--pg URL] [--skip-sqlite]

For each size it generates (or reuses) a synthetic data set, then times, each in its own child
process so that peak RSS is that process's own:
  - `jianguan import` into a fresh SQLite file and into a fresh PostgreSQL schema (full checks),
    each twice: decoded in one process (JIANGUAN_IMPORT_WORKERS=1, the import before issue 17)
    and by worker processes (the default: the machine's cores, at most 4);
  - re-importing the same data into PostgreSQL (idempotent path: everything unchanged);
  - baseline A: PostgreSQL COPY of the raw JSON lines into one jsonb column (no checks at all);
  - baseline A': the same COPY into one text column (no JSON parsing by the server either);
  - baseline B: DuckDB `read_json` of cases.jsonl into a table (parsing, no checks).
It prints cases/s, peak RSS and ratios to the baselines. Machines here are noisy: read ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
JIANGUAN = [sys.executable, "-m", "jianguan"]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a child; returns (seconds, peak RSS in MiB) of that child alone."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def dataset(cases: int) -> Path:
    folder = OUT / f"synth-{cases}"
    manifest = folder / "manifest.json"
    if not (manifest.is_file() and json.loads(manifest.read_text())["cases"] == cases):
        run(
            [
                *JIANGUAN,
                "synth",
                "--out",
                str(folder),
                "--cases",
                str(cases),
                "--seed",
                "1",
                "--defect-rate",
                "0.05",
            ]
        )
    return folder


def _workers(n: str) -> dict[str, str]:
    """The environment of an import with ``n`` decoding processes ('' = the default)."""
    return {"JIANGUAN_IMPORT_WORKERS": n} if n else {}


def pg_schema(base: str) -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    return name


def drop_schema(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{name}" CASCADE')


BASELINE_COPY = """
import sys, psycopg
url, schema, path = sys.argv[1:4]
with psycopg.connect(url, options=f"-csearch_path={schema}") as conn:
    conn.execute("CREATE TABLE raw_cases (doc jsonb)")
    with conn.cursor().copy("COPY raw_cases (doc) FROM STDIN WITH (FORMAT csv, QUOTE e'\\\\x01', DELIMITER e'\\\\x02')") as cp:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                cp.write(chunk)
"""

BASELINE_TEXT_COPY = BASELINE_COPY.replace("doc jsonb", "doc text")

BASELINE_DUCKDB = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE cases AS SELECT * FROM read_json(?, format='newline_delimited')", [sys.argv[2]])
"""


def bench_size(cases: int, pg: str | None, skip_sqlite: bool) -> dict[str, object]:
    folder = dataset(cases)
    jsonl = folder / "cases.jsonl"
    row: dict[str, object] = {"cases": cases, "mib": round(jsonl.stat().st_size / 2**20)}
    if not skip_sqlite:
        db = OUT / f"bench-{cases}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        for key, workers in (("sqlite_one_process", "1"), ("sqlite", "")):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            row[key] = run(
                [*JIANGUAN, "import", str(folder), "--db", f"sqlite:///{db}"], _workers(workers)
            )
    if pg:
        for key, workers in (("pg_one_process", "1"), ("pg", "")):
            schema = pg_schema(pg)
            url = f"{pg}?options=-csearch_path%3D{schema}"
            try:
                row[key] = run([*JIANGUAN, "import", str(folder), "--db", url], _workers(workers))
                if key == "pg":
                    row["pg_reimport"] = run([*JIANGUAN, "import", str(folder), "--db", url])
            finally:
                drop_schema(pg, schema)
        for key, script in (("pg_raw_copy", BASELINE_COPY), ("pg_text_copy", BASELINE_TEXT_COPY)):
            schema = pg_schema(pg)
            try:
                row[key] = run([sys.executable, "-c", script, pg, schema, str(jsonl)])
            finally:
                drop_schema(pg, schema)
    duck = OUT / f"bench-{cases}.duckdb"
    duck.unlink(missing_ok=True)
    row["duckdb_read_json"] = run([sys.executable, "-c", BASELINE_DUCKDB, str(duck), str(jsonl)])
    duck.unlink(missing_ok=True)
    return row


def report(rows: list[dict[str, object]]) -> None:
    print(
        f"\n{'cases':>9} {'what':<22} {'seconds':>8} {'cases/s':>9} {'peak MiB':>9} {'÷ pg COPY':>10} {'÷ duckdb':>9}"
    )
    for row in rows:
        n = int(row["cases"])  # type: ignore[arg-type]
        copy_s = row.get("pg_raw_copy", (None,))[0]  # type: ignore[index]
        duck_s = row["duckdb_read_json"][0]  # type: ignore[index]
        keys = ("sqlite_one_process", "sqlite", "pg_one_process", "pg", "pg_reimport")
        for key in (*keys, "pg_raw_copy", "pg_text_copy", "duckdb_read_json"):
            if key not in row:
                continue
            secs, rss = row[key]  # type: ignore[misc]
            ratio_copy = f"{secs / copy_s:.1f}×" if copy_s else "-"
            print(
                f"{n:>9} {key:<22} {secs:>8.1f} {n / secs:>9,.0f} {rss:>9,.0f} {ratio_copy:>10} {secs / duck_s:>8.1f}×"
            )


def ratios(rows: list[dict[str, object]]) -> None:
    """The issue 17 ratios, each from one run: workers ÷ one process, and ÷ the text COPY."""
    for row in rows:
        for backend in ("sqlite", "pg"):
            one, many = row.get(f"{backend}_one_process"), row.get(backend)
            if one and many:
                print(f"{row['cases']:>9} {backend}: one process ÷ workers = "
                      f"{one[0] / many[0]:.2f}×")  # type: ignore[index]  # fmt: skip
        text, many = row.get("pg_text_copy"), row.get("pg")
        if text and many:
            print(f"{row['cases']:>9} pg: workers ÷ text COPY = {many[0] / text[0]:.2f}×")  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pg", default=os.environ.get("JIANGUAN_BENCH_PG", DEFAULT_PG))
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows = [bench_size(n, None if args.no_pg else args.pg, args.skip_sqlite) for n in args.cases]
    report(rows)
    ratios(rows)
    (OUT / "bench_import.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
