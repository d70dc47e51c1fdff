#!/usr/bin/env python3
"""The floor of the LRS benchmark: the same statements inserted into one plain table, with no
validation, no HTTP and no side tables (Benchmarks/lrs-bench.sh runs it). Python 3 standard
library only; SQLite through the sqlite3 module (the system's SQLite), PostgreSQL through psql.

Input: the rows of `lrs-bench generate --format tsv` (id, account name, verb IRI, object
activity id, registration, timestamp in µs since 1970, statement JSON), from a file or stdin.
The table keeps the statement's JSON text and the few columns the LRS indexes for the benchmark's
queries, with the same SQLite settings as the server (WAL, synchronous=NORMAL, 64 MiB cache):

  statements(statement_id PRIMARY KEY, actor, verb, activity, registration, timestamp_us,
             stored_us, statement)
  indexes (stored_us), (verb, stored_us), (actor, verb, stored_us), (registration, stored_us)

Only the database work is timed (reading and splitting the input is not): each batch of 1,000
rows is one transaction (`batch`), or each row its own (`single`). `query` then runs the
queries of `lrs-bench query --plan-out` on the table: the same agent + verb + since (the same
fraction of the window in which this table's rows were stored), newest first, LIMIT.

Each command prints one JSON object.

  floor.py sqlite-batch DB FILE|-            [--batch 1000]
  floor.py sqlite-single DB FILE|- --count K
  floor.py sqlite-query DB PLAN --limit N [--warmup W]
  floor.py pg-batch URL TABLE FILE|-         [--batch 1000]   (psql, COPY per batch)
  floor.py pg-single URL TABLE FILE|- --count K              (psql, one INSERT per row)
  floor.py pg-drop URL TABLE
"""
import argparse
import json
import math
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

COLUMNS = "statement_id, actor, verb, activity, registration, timestamp_us, stored_us, statement"
SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
  statement_id TEXT PRIMARY KEY, actor TEXT NOT NULL, verb TEXT NOT NULL, activity TEXT, registration TEXT,
  timestamp_us INTEGER NOT NULL, stored_us INTEGER NOT NULL, statement TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS statements_stored ON statements (stored_us);
CREATE INDEX IF NOT EXISTS statements_verb ON statements (verb, stored_us);
CREATE INDEX IF NOT EXISTS statements_actor_verb ON statements (actor, verb, stored_us);
CREATE INDEX IF NOT EXISTS statements_registration ON statements (registration, stored_us);
"""


def rows(path):
    """(id, actor, verb, activity, registration, timestamp_us, json) per input line."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    with stream:
        for line in stream:
            fields = line.rstrip("\n").split("\t", 6)
            if len(fields) == 7:
                yield fields


def batches(path, size):
    batch = []
    for row in rows(path):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def now_us():
    return int(time.time() * 1_000_000)


def percentiles(values):
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def rank(p):
        return round(ordered[max(0, min(len(ordered) - 1, math.ceil(len(ordered) * p / 100) - 1))], 2)

    return {"count": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": round(ordered[-1], 2),
            "mean": round(sum(ordered) / len(ordered), 2)}


def result(statements, seconds, **extra):
    out = {"statements": statements, "seconds": round(seconds, 3),
           "statements_per_s": round(statements / seconds, 1) if seconds > 0 else None}
    out.update(extra)
    return out


# MARK: - SQLite

def sqlite_open(path):
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    connection.executescript(SQLITE_SCHEMA)
    return connection


def sqlite_batch(args):
    connection = sqlite_open(args.db)
    insert = f"INSERT INTO statements ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    count, elapsed, wall = 0, 0.0, time.perf_counter()
    last_report = wall
    for batch in batches(args.input, args.batch):
        started = time.perf_counter()
        stored = now_us()
        connection.execute("BEGIN")
        connection.executemany(insert, [(r[0], r[1], r[2], r[3], r[4], int(r[5]), stored, r[6]) for r in batch])
        connection.execute("COMMIT")
        elapsed += time.perf_counter() - started
        count += len(batch)
        if args.progress and time.perf_counter() - last_report > 30:
            last_report = time.perf_counter()
            print(f"  floor: {count:,} rows, {count / elapsed:,.0f}/s", file=sys.stderr)
    connection.close()
    print(json.dumps(result(count, elapsed, wall_s=round(time.perf_counter() - wall, 1), batch=args.batch,
                            sqlite=sqlite3.sqlite_version)))


def sqlite_single(args):
    connection = sqlite_open(args.db)
    insert = f"INSERT INTO statements ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    count, elapsed = 0, 0.0
    for r in rows(args.input):
        if count >= args.count:
            break
        started = time.perf_counter()
        connection.execute(insert, (r[0], r[1], r[2], r[3], r[4], int(r[5]), now_us(), r[6]))  # autocommit: one transaction
        elapsed += time.perf_counter() - started
        count += 1
    connection.close()
    print(json.dumps(result(count, elapsed, sqlite=sqlite3.sqlite_version)))


def sqlite_query(args):
    connection = sqlite_open(args.db)
    low, high, stored = connection.execute("SELECT min(stored_us), max(stored_us), count(*) FROM statements").fetchone()
    plan = [line.rstrip("\n").split("\t") for line in open(args.plan, encoding="utf-8") if line.strip()]
    query = "SELECT statement FROM statements WHERE actor = ? AND verb = ? AND stored_us > ? ORDER BY stored_us DESC LIMIT ?"
    latencies, returned = [], []
    for index, (actor, verb, fraction, _since) in enumerate(plan):
        since = low + int((high - low) * float(fraction))
        started = time.perf_counter()
        found = connection.execute(query, (actor, verb, since, args.limit)).fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        if index >= args.warmup:
            latencies.append(elapsed)
            returned.append(len(found))
    connection.close()
    print(json.dumps({"stored": stored, "queries": len(latencies), "limit": args.limit, "latency_ms": percentiles(latencies),
                      "rows_mean": round(sum(returned) / len(returned), 1) if returned else None,
                      "database_mb": round(os.path.getsize(args.db) / 1048576), "sqlite": sqlite3.sqlite_version}))


# MARK: - PostgreSQL (psql)

def psql(url, script_path):
    started = time.perf_counter()
    subprocess.run(["psql", url, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", script_path], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def pg_schema(table):
    return ("SET client_min_messages = warning;\n"
            f"CREATE TABLE IF NOT EXISTS {table} (statement_id TEXT PRIMARY KEY, actor TEXT NOT NULL, verb TEXT NOT NULL, "
            f"activity TEXT, registration TEXT, timestamp_us BIGINT NOT NULL, stored_us BIGINT NOT NULL, statement TEXT NOT NULL);\n"
            f"CREATE INDEX IF NOT EXISTS {table}_stored ON {table} (stored_us);\n"
            f"CREATE INDEX IF NOT EXISTS {table}_verb ON {table} (verb, stored_us);\n"
            f"CREATE INDEX IF NOT EXISTS {table}_actor_verb ON {table} (actor, verb, stored_us);\n"
            f"CREATE INDEX IF NOT EXISTS {table}_registration ON {table} (registration, stored_us);\n")


def copy_text(value):
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def pg_run(args, body):
    """Creates the table (not timed), then times psql running the script `body` wrote."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as schema:
        schema.write(pg_schema(args.table))
    psql(args.url, schema.name)
    os.unlink(schema.name)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False, encoding="utf-8") as script:
        count = body(script)
    try:
        return count, psql(args.url, script.name)
    finally:
        os.unlink(script.name)


def pg_batch(args):
    def write(script):
        count = 0
        for batch in batches(args.input, args.batch):
            stored = str(now_us())
            script.write(f"BEGIN;\nCOPY {args.table} ({COLUMNS}) FROM STDIN;\n")
            for r in batch:
                script.write("\t".join(copy_text(v) for v in (r[0], r[1], r[2], r[3], r[4], r[5], stored, r[6])) + "\n")
            script.write("\\.\nCOMMIT;\n")
            count += len(batch)
        return count

    count, seconds = pg_run(args, write)
    print(json.dumps(result(count, seconds, batch=args.batch, method="COPY per batch, one transaction each, via psql")))


def pg_single(args):
    def quote(value):
        return "'" + value.replace("'", "''") + "'"

    def write(script):
        count = 0
        for r in rows(args.input):
            if count >= args.count:
                break
            script.write(f"INSERT INTO {args.table} ({COLUMNS}) VALUES ({quote(r[0])}, {quote(r[1])}, {quote(r[2])}, {quote(r[3])}, "
                         f"{quote(r[4])}, {int(r[5])}, {now_us()}, {quote(r[6])});\n")
            count += 1
        return count

    count, seconds = pg_run(args, write)
    print(json.dumps(result(count, seconds, method="one INSERT per statement (autocommit) via psql")))


def pg_drop(args):
    subprocess.run(["psql", args.url, "-q", "-X", "-c", f"DROP TABLE IF EXISTS {args.table}"], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("sqlite-batch")
    command.add_argument("db"), command.add_argument("input"), command.add_argument("--batch", type=int, default=1000)
    command.add_argument("--progress", action="store_true")
    command.set_defaults(run=sqlite_batch)
    command = commands.add_parser("sqlite-single")
    command.add_argument("db"), command.add_argument("input"), command.add_argument("--count", type=int, required=True)
    command.set_defaults(run=sqlite_single)
    command = commands.add_parser("sqlite-query")
    command.add_argument("db"), command.add_argument("plan"), command.add_argument("--limit", type=int, default=100)
    command.add_argument("--warmup", type=int, default=0)
    command.set_defaults(run=sqlite_query)
    command = commands.add_parser("pg-batch")
    command.add_argument("url"), command.add_argument("table"), command.add_argument("input")
    command.add_argument("--batch", type=int, default=1000)
    command.set_defaults(run=pg_batch)
    command = commands.add_parser("pg-single")
    command.add_argument("url"), command.add_argument("table"), command.add_argument("input")
    command.add_argument("--count", type=int, required=True)
    command.set_defaults(run=pg_single)
    command = commands.add_parser("pg-drop")
    command.add_argument("url"), command.add_argument("table")
    command.set_defaults(run=pg_drop)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
