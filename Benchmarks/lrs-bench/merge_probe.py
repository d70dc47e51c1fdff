#!/usr/bin/env python3
"""How much a merge of staged filter rows costs with text keys (the LRS before migration 020) and with
compact keys (`hashint` is what the LRS stores since; docs/PERFORMANCE.md). Python 3 standard library
only; the system's SQLite, with the server's settings (16 KiB pages, WAL, synchronous=NORMAL,
64 MiB cache, temporary data in memory).

It builds the activity filter table of the Japan profile's CBT shape: four rows per statement
(the question, its test, a second test activity, the profile's category), 14,700 questions, one
tenant. Each round stages 100,000 statements (400,000 rows) in a table without an index, then
times one transaction that moves them into the filter table in key order and empties the staging
table, as `StatementStore.mergeStagedFilters` does, and checkpoints outside the timing.

  python3 Benchmarks/lrs-bench/merge_probe.py MODE [--rounds 8] [--dir /tmp]

Modes (the row's key, then the statement's position):
  text      tenant id and statement id as 36-character texts, the activity IRI (about 50 bytes): before 020
  int       a tenant number, an activity number, the statement's number (dictionary encoding)
  hashint   the first 8 bytes of SHA-256(tenant | activity) as an integer, the statement id as text
            (the LRS since migration 020 also hashes the kind: FilterKeys.swift)
  hashblob  the same integer, the statement id as its 16 bytes
Prints the seconds of each round's merge and the file's size.
"""
import argparse
import hashlib
import os
import random
import sqlite3
import time
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["text", "int", "hashint", "hashblob"])
parser.add_argument("--rounds", type=int, default=8)
parser.add_argument("--dir", default="/tmp")
args = parser.parse_args()

path = os.path.join(args.dir, f"merge-probe-{args.mode}.sqlite")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
db = sqlite3.connect(path, isolation_level=None)
for pragma in ("page_size=16384", "journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "temp_store=MEMORY",
               "wal_autocheckpoint=65536"):
    db.execute("PRAGMA " + pragma)

random.seed(1)
tenant = str(uuid.UUID(int=7)).upper()
questions = [f"https://cbt.example.jp/tests/math-{i // 40}-{i % 7}/questions/{i % 40 + 1}" for i in range(14_700)]
category = "https://w3id.org/japan-xapi/profiles/assessment"
if args.mode == "text":
    columns = "tenant_id, activity_id, stored_us, statement_id, direct"
    db.execute("CREATE TABLE filters (tenant_id TEXT NOT NULL, activity_id TEXT NOT NULL, stored_us INTEGER NOT NULL, "
               "statement_id TEXT NOT NULL, direct INTEGER NOT NULL, PRIMARY KEY (tenant_id, activity_id, stored_us, statement_id)) WITHOUT ROWID")
    db.execute("CREATE TABLE staging (kind INTEGER NOT NULL, tenant_id TEXT NOT NULL, activity_id TEXT, stored_us INTEGER NOT NULL, "
               "statement_id TEXT NOT NULL, direct INTEGER NOT NULL)")
elif args.mode in ("hashint", "hashblob"):
    statement_type = "TEXT" if args.mode == "hashint" else "BLOB"
    columns = "activity, stored_us, statement_id, direct"
    db.execute(f"CREATE TABLE filters (activity INTEGER NOT NULL, stored_us INTEGER NOT NULL, statement_id {statement_type} NOT NULL, "
               "direct INTEGER NOT NULL, PRIMARY KEY (activity, stored_us, statement_id)) WITHOUT ROWID")
    db.execute(f"CREATE TABLE staging (kind INTEGER NOT NULL, activity INTEGER, stored_us INTEGER NOT NULL, statement_id {statement_type} NOT NULL, "
               "direct INTEGER NOT NULL)")
else:
    columns = "tenant, activity, stored_us, statement, direct"
    db.execute("CREATE TABLE filters (tenant INTEGER NOT NULL, activity INTEGER NOT NULL, stored_us INTEGER NOT NULL, "
               "statement INTEGER NOT NULL, direct INTEGER NOT NULL, PRIMARY KEY (tenant, activity, stored_us, statement)) WITHOUT ROWID")
    db.execute("CREATE TABLE staging (kind INTEGER NOT NULL, tenant INTEGER NOT NULL, activity INTEGER, stored_us INTEGER NOT NULL, "
               "statement INTEGER NOT NULL, direct INTEGER NOT NULL)")

number = 0


def staged_rows(count):
    """The staged rows of `count` statements."""
    global number
    rows = []
    for _ in range(count):
        number += 1
        question = random.randrange(len(questions))
        test = question // 40 * 40
        statement_id = str(uuid.uuid4())
        stored = 1_700_000_000_000_000 + number * 100
        for activity, direct in ((question, 1), (test, 0), (test + 1, 0), (-1, 0)):
            iri = questions[activity] if activity >= 0 else category
            if args.mode == "text":
                rows.append((1, tenant, iri, stored, statement_id, direct))
            elif args.mode in ("hashint", "hashblob"):
                key = int.from_bytes(hashlib.sha256(f"{tenant}|{iri}".encode()).digest()[:8], "big", signed=True)
                rows.append((1, key, stored, statement_id if args.mode == "hashint" else uuid.UUID(statement_id).bytes, direct))
            else:
                rows.append((1, 1, activity if activity >= 0 else len(questions), stored, number, direct))
    return rows


times = []
for _ in range(args.rounds):
    db.execute("BEGIN")
    for _ in range(100):
        rows = staged_rows(1_000)
        db.executemany("INSERT INTO staging VALUES (" + ", ".join("?" * len(rows[0])) + ")", rows)
    db.execute("COMMIT")
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute(f"INSERT OR IGNORE INTO filters ({columns}) SELECT {columns} FROM staging WHERE kind = 1 ORDER BY {columns}")
    db.execute("DELETE FROM staging")
    db.execute("COMMIT")
    times.append(time.perf_counter() - start)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"{args.mode}: seconds per merge of 400,000 rows: " + " ".join(f"{t:.2f}" for t in times)
      + f"; file {os.path.getsize(path) / 1e6:.0f} MB; SQLite {sqlite3.sqlite_version}")
db.close()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
