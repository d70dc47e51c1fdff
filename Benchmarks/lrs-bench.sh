#!/usr/bin/env bash
# Learning Record Store benchmark (issue 5, item 8): xAPI statements into `kakehashi serve` on
# SQLite, with full validation, each next to the floor measured in the same run (the same
# statements inserted into one plain SQLite table). Targets on this 2-core machine: batched
# ingestion (batches of 1,000, 4 concurrent clients) ≥ 20,000 statements/s; single-statement POST
# from 50 concurrent clients ≥ 2,000/s; a query by agent + verb + since over 10 million stored
# statements p95 < 100 ms; server peak memory ≤ 1 GB. With BENCH_POSTGRES_URL, the same ingestion
# on PostgreSQL too.
#
#   Benchmarks/lrs-bench.sh                     # 10,000,000 stored for the query (about 2 h at
#                                               # 2,000 statements/s; ~65 GB free disk, see DISK_CHECK)
#   KAKEHASHI_BIN=/path/to/kakehashi LRS_BENCH_BIN=/path/to/lrs-bench Benchmarks/lrs-bench.sh
#                                               # skip the release builds
#   STORED=200000 INGEST_STATEMENTS=50000 SINGLE_DURATION=10 QUERIES=300 Benchmarks/lrs-bench.sh
#                                               # a quick check
#   BENCH_POSTGRES_URL=postgres://user:pw@127.0.0.1:5432/empty_db Benchmarks/lrs-bench.sh
#                                               # also ingestion on PostgreSQL (an empty database)
#
# Knobs: INGEST_STATEMENTS (400000, statements of the batched run, sent once each); BATCH (1000,
# statements per request); INGEST_CLIENTS (4); SINGLE_CLIENTS (50); SINGLE_DURATION (30, measured
# seconds) after SINGLE_WARMUP (5); SINGLE_STATEMENTS (200000, most the single run can send); STORED
# (10000000: statements in the store before the queries; the rest after the two runs is posted
# through the batch API, 4 clients x BATCH, as fast as the server takes them); QUERIES (2000) after
# QUERY_WARMUP (0) from QUERY_CLIENTS (4) with QUERY_LIMIT (100, the limit parameter); STUDENTS
# (2000) and SEED (1) of the generated statements; FLOOR_QUERY (1; 0: skip the floor's query run,
# which builds a plain table of STORED rows); DISK_CHECK (1: stop before populating when the store,
# projected from the bytes per statement of runs 1 and 2, would not fit the free disk, and skip the
# floor's query run when its table would not; 0: go on regardless; the store took 4.2 KB per
# statement at 10,000,000 (41.5 GB), the floor's table 3.8 KB, and the store is deleted before the
# floor's table is built unless KEEP=1); KEEP (0; 1: keep the databases and generated files); BENCH_DIR (a work
# folder, default a new one under /tmp); KAKEHASHI_BIN; KAKEHASHI_COMMIT (named in the report when
# KAKEHASHI_BIN lies outside a git work tree); LRS_BENCH_BIN (a built load generator: skips its
# release build); BENCH_POSTGRES_URL.
#
# Statements: `lrs-bench generate` (Benchmarks/lrs-bench, seeded, so every run and the floor see
# the same bytes): a school year (2025-04 to 2026-03, school days 08:30–16:00 JST) of CBT
# records of STUDENTS students (account actors, homePage = the server's public URL) in 7 grades
# x 5 subjects x 12 units x 3 tests x 10 questions: 70% `answered` (cmi.interaction with
# interactionType, correctResponsesPattern, choices; result score scaled/raw/min/max, success,
# response, duration), 10% each `attempted`, `completed` (score, success, completion, duration)
# and `experienced` (the unit's explanation page); context with registration (one per attempt),
# contextActivities parent / grouping (course) / category (the Japan xAPI core profile), platform,
# language ja-JP and the Japan profile extensions grade, subject, course-of-study-code, unit and
# assessment-type; names in ja-JP and en-US. About 1.9 KB of JSON each. Statement ids are in the
# statements, so a retried request stores nothing twice.
#
# Runs, one server on a fresh SQLite database (a tiny generated roster gives the tenant and
# `kakehashi lrs credentials create` its key): (1) batched ingestion of INGEST_STATEMENTS from
# INGEST_CLIENTS clients, closed loop, until all are stored, then its first 4 batches again from
# one client (every statement stored already: what an idempotent retry costs); (2) single
# statements from SINGLE_CLIENTS clients, closed loop; (3) population to STORED (not a target:
# its rate is reported); (4) the queries: agent and verb drawn among the generated students and
# verbs, since spread evenly over the window in which the statements were stored (xAPI's `since`
# compares `stored`), each row checked (its actor, its verb, stored after since). Server CPU
# (user + system, /proc/PID/stat) over each run, and per thread (/proc/PID/task/*/stat; printed
# for the batched run), its resident memory sampled every 200 ms, and its peak (VmHWM) at the end
# of all four.
#
# The floor (Benchmarks/lrs-bench/floor.py, Python's sqlite3 module, the system SQLite, the
# server's settings: WAL, synchronous=NORMAL, 64 MiB cache): the same statements as (1) in
# batches of BATCH, one transaction each; the same as (2) one transaction each; then (FLOOR_QUERY)
# the same STORED statements in the same order, and the same queries on that table. Only the
# database calls are timed. On PostgreSQL the floor is psql: COPY per batch, and one INSERT per
# statement (skipped without psql).
#
# Prints Markdown tables for docs/PERFORMANCE.md on stdout; progress on stderr. Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ingest_statements=${INGEST_STATEMENTS:-400000}
batch=${BATCH:-1000}
ingest_clients=${INGEST_CLIENTS:-4}
single_clients=${SINGLE_CLIENTS:-50}
single_duration=${SINGLE_DURATION:-30}
single_warmup=${SINGLE_WARMUP:-5}
single_statements=${SINGLE_STATEMENTS:-200000}
stored=${STORED:-10000000}
queries=${QUERIES:-2000}
query_warmup=${QUERY_WARMUP:-0}
query_clients=${QUERY_CLIENTS:-4}
query_limit=${QUERY_LIMIT:-100}
students=${STUDENTS:-2000}
seed=${SEED:-1}
floor_query=${FLOOR_QUERY:-1}
disk_check=${DISK_CHECK:-1}
keep=${KEEP:-0}
work=${BENCH_DIR:-$(mktemp -d /tmp/kakehashi-lrs.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
floor=$PWD/Benchmarks/lrs-bench/floor.py
single_start=1000000000   # the single run's statements: indexes of their own, never in the batches

for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y python3 curl)" >&2; exit 2; }
done
if [ -z "${KAKEHASHI_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product kakehashi >&2
  KAKEHASHI_BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)/kakehashi
fi
bin=$KAKEHASHI_BIN
if [ -z "${LRS_BENCH_BIN:-}" ]; then
  echo "building the load generator (Benchmarks/lrs-bench, release)…" >&2
  swift build -c release --package-path Benchmarks/lrs-bench --product lrs-bench >&2
  LRS_BENCH_BIN=$(swift build -c release --package-path Benchmarks/lrs-bench --show-bin-path)/lrs-bench
fi
gen=$LRS_BENCH_BIN
"$bin" lrs credentials create --help >/dev/null 2>&1 || { echo "$bin has no \`lrs credentials create\`: not an LRS build" >&2; exit 2; }

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

# The database of the next commands: sqlite DIR, or pg (BENCH_POSTGRES_URL).
db_env=() db_args=()
use_db() {
  if [ "$1" = sqlite ]; then
    db_env=(env -u KAKEHASHI_DATABASE_URL) db_args=(--data-dir "$2")
  else
    db_env=(env KAKEHASHI_DATABASE_URL="$BENCH_POSTGRES_URL") db_args=(--data-dir "$work/pg-unused")
  fi
}
kk() { "${db_env[@]}" "$bin" "$@" "${db_args[@]}"; }

# prepare_tenant TENANT: a tiny generated roster makes the tenant; then LRS credentials for it.
prepare_tenant() {
  local tenant=$1
  kk roster import "$work/city" --tenant "$tenant" >"$work/import-$tenant.out" 2>&1 || {
    echo "roster import failed:" >&2; tail -n 20 "$work/import-$tenant.out" >&2; exit 1; }
  kk lrs credentials create --tenant "$tenant" --label "lrs-bench" --format json >"$work/credentials-$tenant.json"
}

port=""
start_server() {  # NAME
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  KAKEHASHI_LOG_LEVEL=${KAKEHASHI_LOG_LEVEL:-warning} KAKEHASHI_PUBLIC_URL="$public_url" \
    "${db_env[@]}" "$bin" serve --port "$port" "${db_args[@]}" >"$work/$1.server.log" 2>&1 &
  server_pid=$!
  local waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || { echo "the server exited:" >&2; tail -n 20 "$work/$1.server.log" >&2; exit 1; }
    waited=$((waited + 1))
    [ "$waited" -lt 600 ] || { echo "the server did not answer /healthz within 60 s" >&2; exit 1; }
    sleep 0.1
  done
}

# load NAME SUBCOMMAND ARGS…: lrs-bench against the running server; its report in NAME.json.
load() {
  local name=$1; shift
  local sub=$1; shift
  "$gen" "$sub" --url "http://127.0.0.1:$port" --home-page "$public_url" --credentials "$credentials" --server-pid "$server_pid" \
    --progress "$@" >"$work/$name.json" || { echo "lrs-bench $sub failed" >&2; exit 1; }
  python3 - "$work/$name.json" "$name" <<'PY' >&2
import json, sys
r = json.load(open(sys.argv[1]))
rate = r.get("statements_per_s", r.get("queries_per_s"))
print(f"  {sys.argv[2]}: {rate}/s, p95 {r['latency_ms'].get('p95')} ms, {r['errors']} errors, {r.get('retries', 0)} retries")
for sample in r["error_samples"]:
    print(f"  error: {sample}")
PY
}
json_field() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"r": r}))' "$@"; }
iso_now() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# Setup, not measured. The actors' homePage must be the server's public URL; it is fixed here so
# that the generated files fit every server of the run (each on a port of its own).
public_url="http://127.0.0.1:8080"
echo "generating a tenant's roster and the statements (${ingest_statements} batched, up to ${single_statements} single)…" >&2
rm -rf "$work/city" "$work/sqlite" "$work/pg-unused"
"$bin" demo generate --schools 1 --students-per-school 20 --seed 7 --out "$work/city" >/dev/null
common=(--seed "$seed" --students "$students" --url "$public_url")
"$gen" generate "${common[@]}" --start 0 --count "$ingest_statements" --batch "$batch" --out "$work/ingest.batches" 2>"$work/generate.out"
"$gen" generate "${common[@]}" --start 0 --count "$ingest_statements" --format tsv --out "$work/ingest.tsv" 2>/dev/null
"$gen" generate "${common[@]}" --start "$single_start" --count "$single_statements" --batch 1 --out "$work/single.ndjson" 2>/dev/null
"$gen" generate "${common[@]}" --start "$single_start" --count "$single_statements" --format tsv --out "$work/single.tsv" 2>/dev/null
statement_bytes=$(grep -o '[0-9]* bytes each' "$work/generate.out" | awk '{print $1}')

# MARK: - SQLite

use_db sqlite "$work/sqlite"
prepare_tenant bench
credentials="$work/credentials-bench.json"
start_server sqlite
sqlite_pid=$server_pid
window_from=$(iso_now)
echo "SQLite: batched ingestion, $ingest_clients clients x $batch (server pid $server_pid, port $port)…" >&2
load ingest ingest --input "$work/ingest.batches" --clients "$ingest_clients" --label ingest
echo "SQLite: single statements, $single_clients clients, ${single_warmup} s + ${single_duration} s…" >&2
load single single --input "$work/single.ndjson" --clients "$single_clients" --warmup "$single_warmup" --duration "$single_duration"
echo "SQLite: the first 4 batches again (stored already: a retry's cost), one client…" >&2
head -n 4 "$work/ingest.batches" >"$work/repeat.batches"
load repeat ingest --input "$work/repeat.batches" --clients 1 --label repeat
ingest_stored=$(json_field "$work/ingest.json" 'r["stored_total"]')
single_stored=$(json_field "$work/single.json" 'r["stored_total"]')
remaining=$((stored - ingest_stored - single_stored))
[ "$remaining" -ge 0 ] || remaining=0

# Disk: project the database file from what (1) and (2) took, once the WAL is copied into it (the
# WAL itself is reused, not grown: counted once, as it is now), with 1 GiB to spare.
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA wal_checkpoint(PASSIVE)")' \
  "$work/sqlite/kakehashi.sqlite" 2>/dev/null || true
data_kb=$(du -sk "$work/sqlite/kakehashi.sqlite" | awk '{print $1}')
wal_kb=$( { du -sk "$work/sqlite/kakehashi.sqlite-wal" 2>/dev/null || echo 0; } | awk '{print $1}')
bytes_per_statement=$((data_kb * 1024 / (ingest_stored + single_stored)))
need_kb=$((bytes_per_statement * remaining / 1024 + wal_kb + 1048576))
free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
echo "the store takes ~$bytes_per_statement bytes per statement on disk: $stored statements need ~$((need_kb / 1048576 + data_kb / 1048576)) GiB; $((free_kb / 1048576)) GiB free" >&2
if [ "$disk_check" = 1 ] && [ "$need_kb" -gt "$free_kb" ]; then
  echo "not enough free disk under $work for STORED=$stored (need ~$((need_kb / 1048576)) GiB more, $((free_kb / 1048576)) GiB free): lower STORED, point BENCH_DIR at a larger disk, or DISK_CHECK=0" >&2
  exit 2
fi
if [ "$remaining" -gt 0 ]; then
  echo "SQLite: populating to $stored statements ($remaining more through the batch API, $ingest_clients clients x $batch)…" >&2
  load populate ingest --seed "$seed" --students "$students" --start "$ingest_statements" --count "$remaining" --batch "$batch" \
    --clients "$ingest_clients" --label populate --progress-interval 60
else
  echo '{}' >"$work/populate.json"
fi
window_to=$(iso_now)
echo "SQLite: $queries queries by agent + verb + since over $stored statements, $query_clients clients, limit $query_limit…" >&2
load query query --seed "$seed" --students "$students" --queries "$queries" --warmup "$query_warmup" --clients "$query_clients" \
  --limit "$query_limit" --since-from "$window_from" --since-to "$window_to" --plan-out "$work/plan.tsv"
vmhwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$sqlite_pid/status")
stop_server
sqlite_file_mb=$(( $(du -sk "$work/sqlite" | awk '{print $1}') / 1024 ))
stored_count=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM lrs_statements").fetchone()[0])' \
  "$work/sqlite/kakehashi.sqlite")
[ "$keep" = 1 ] || rm -rf "$work/sqlite"

# The floor, SQLite.
echo "floor (SQLite): the batched statements, $batch per transaction…" >&2
rm -f "$work/floor.sqlite"*
python3 "$floor" sqlite-batch "$work/floor.sqlite" "$work/ingest.tsv" --batch "$batch" >"$work/floor-batch.json"
echo "floor (SQLite): the single statements, one per transaction…" >&2
python3 "$floor" sqlite-single "$work/floor.sqlite" "$work/single.tsv" --count "$single_stored" >"$work/floor-single.json"
rm -f "$work/floor.sqlite"*
echo '{}' >"$work/floor-query.json"
if [ "$floor_query" = 1 ]; then
  free_kb=$(df -Pk "$work" | awk 'NR == 2 {print $4}')
  floor_need_kb=$((stored * (statement_bytes + 2200) / 1024))
  if [ "$disk_check" = 1 ] && [ "$floor_need_kb" -gt "$free_kb" ]; then
    echo "floor query skipped: a plain table of $stored rows needs ~$((floor_need_kb / 1048576)) GiB, $((free_kb / 1048576)) GiB free" >&2
    echo "{\"skipped\": \"not enough free disk (~$((floor_need_kb / 1048576)) GiB needed)\"}" >"$work/floor-query.json"
  else
    echo "floor (SQLite): the same $stored statements in the same order, then the same queries…" >&2
    { cat "$work/ingest.tsv"; head -n "$single_stored" "$work/single.tsv"
      [ "$remaining" -eq 0 ] || "$gen" generate "${common[@]}" --start "$ingest_statements" --count "$remaining" --format tsv 2>/dev/null
    } | python3 "$floor" sqlite-batch "$work/floor.sqlite" - --batch "$batch" --progress >"$work/floor-populate.json"
    python3 "$floor" sqlite-query "$work/floor.sqlite" "$work/plan.tsv" --limit "$query_limit" --warmup "$query_warmup" >"$work/floor-query.json"
    [ "$keep" = 1 ] || rm -f "$work/floor.sqlite"*
  fi
fi

# MARK: - PostgreSQL

pg_version=""
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  use_db pg
  pg_version=$(psql "$BENCH_POSTGRES_URL" -tAc 'SHOW server_version' 2>/dev/null | awk '{print $1}' || true)
  suffix=$(printf '%04x' $((RANDOM * 2 % 65536)))
  prepare_tenant "bench-$suffix"
  credentials="$work/credentials-bench-$suffix.json"
  start_server pg
  pg_pid=$server_pid
  echo "PostgreSQL${pg_version:+ $pg_version}: batched ingestion, $ingest_clients clients x $batch (tenant bench-$suffix)…" >&2
  load pg-ingest ingest --input "$work/ingest.batches" --clients "$ingest_clients" --label pg-ingest
  echo "PostgreSQL: single statements, $single_clients clients, ${single_warmup} s + ${single_duration} s…" >&2
  load pg-single single --input "$work/single.ndjson" --clients "$single_clients" --warmup "$single_warmup" --duration "$single_duration" \
    --label pg-single
  pg_vmhwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pg_pid/status")
  stop_server
  echo "{\"vmhwm_mb\": $((pg_vmhwm_kb / 1024))}" >"$work/pg-server.json"
  if command -v psql >/dev/null; then
    table="lrs_floor_$suffix"
    pg_single_stored=$(json_field "$work/pg-single.json" 'r["stored_total"]')
    echo "floor (PostgreSQL, psql): COPY per batch, then one INSERT per statement…" >&2
    python3 "$floor" pg-batch "$BENCH_POSTGRES_URL" "$table" "$work/ingest.tsv" --batch "$batch" >"$work/pg-floor-batch.json"
    python3 "$floor" pg-single "$BENCH_POSTGRES_URL" "$table" "$work/single.tsv" --count "$pg_single_stored" >"$work/pg-floor-single.json"
    python3 "$floor" pg-drop "$BENCH_POSTGRES_URL" "$table"
  else
    echo '{"skipped": "no psql"}' >"$work/pg-floor-batch.json"
    echo '{"skipped": "no psql"}' >"$work/pg-floor-single.json"
  fi
fi
[ "$keep" = 1 ] || rm -f "$work/ingest.batches" "$work/ingest.tsv" "$work/single.ndjson" "$work/single.tsv"

# MARK: - Report

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
binary_note=$(ls -l --time-style=+%Y-%m-%dT%H:%M "$bin" | awk '{print $6}')
bin_dir=$(cd "$(dirname "$bin")" && pwd)
if commit=$(git -C "$bin_dir" rev-parse --short HEAD 2>/dev/null); then
  git -C "$bin_dir" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || commit="$commit, uncommitted changes"
  commit="commit $commit of $(git -C "$bin_dir" rev-parse --show-toplevel)"
else
  commit="${KAKEHASHI_COMMIT:+commit $KAKEHASHI_COMMIT, }outside a git work tree"
fi
cat <<HEAD

Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)') (floor, Python's sqlite3); the load generator (Benchmarks/lrs-bench, AsyncHTTPClient on one event loop thread) on the same machine.
Binary: $bin (built $binary_note; $commit).
Statements: generated with seed $seed, $students students, about $statement_bytes bytes of JSON each; stored $stored_count in the SQLite store before the queries ($sqlite_file_mb MB on disk with the roster).
HEAD
python3 - "$work" "$ingest_clients" "$batch" "$single_clients" "$stored" "$vmhwm_kb" "$pg_version" <<'PY'
import json, os, sys
work, ingest_clients, batch, single_clients, stored, vmhwm_kb, pg_version = sys.argv[1:8]
stored, vmhwm_mb = int(stored), int(vmhwm_kb) / 1024

def load(name):
    path = os.path.join(work, name + ".json")
    return json.load(open(path)) if os.path.exists(path) else None

fmt = lambda v: "–" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")
ingest, single, populate, query = load("ingest"), load("single"), load("populate"), load("query")
fb, fs, fq, fp = load("floor-batch"), load("floor-single"), load("floor-query"), load("floor-populate")

def ratio(measured, floor):
    return f"{measured / floor * 100:.0f}% of the floor" if measured and floor else "–"

def met(ok, note=""):
    return ("yes" if ok else "**no**") + note

q95 = query["latency_ms"].get("p95")
fq95 = (fq or {}).get("latency_ms", {}).get("p95")
scale_note = "" if stored >= 10_000_000 else f" (at {stored:,} stored, not 10M)"
print()
print("| target | measured | floor: plain SQLite, same statements | measured / floor | target | met |")
print("|---|---:|---:|---|---|---|")
print(f"| batched ingestion, {ingest_clients} clients x {int(batch):,} | {fmt(ingest['statements_per_s'])} statements/s | "
      f"{fmt(fb['statements_per_s'])}/s ({int(batch):,} per transaction) | {ratio(ingest['statements_per_s'], fb['statements_per_s'])} | ≥ 20,000/s | "
      f"{met(ingest['statements_per_s'] >= 20000 and ingest['errors'] == 0)} |")
print(f"| single-statement POST, {single_clients} clients | {fmt(single['statements_per_s'])} statements/s | "
      f"{fmt(fs['statements_per_s'])}/s (one per transaction, one writer) | {ratio(single['statements_per_s'], fs['statements_per_s'])} | ≥ 2,000/s | "
      f"{met(single['statements_per_s'] >= 2000 and single['errors'] == 0)} |")
floor_q = f"{fmt(fq95)} ms" if fq95 is not None else (fq or {}).get("skipped", "–")
print(f"| query by agent + verb + since, p95 over {stored:,} stored | {fmt(q95)} ms | {floor_q} | – | < 100 ms over 10M | "
      f"{met(q95 is not None and q95 < 100 and query['errors'] == 0, scale_note)} |")
print(f"| server peak memory (VmHWM, all runs) | {fmt(vmhwm_mb)} MB | – | – | ≤ 1 GB | {met(vmhwm_mb <= 1024)} |")

print()
print("Runs (SQLite unless said; latency per request: a batch, one statement or one query):")
print()
print("| run | clients | statements | errors | retries | per s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | server CPU per 1,000 statements (ms) | server cores busy | server RSS peak sampled (MB) | load generator CPU (s) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
def row(label, r, count_key="statements"):
    if not r or "latency_ms" not in r:
        return
    L, s = r["latency_ms"], r["server"]
    rate = r.get("statements_per_s", r.get("queries_per_s"))
    print(f"| {label} | {r['clients']} | {r.get(count_key, 0):,} | {r['errors']} | {r.get('retries', '–')} | {fmt(rate)} | {fmt(L.get('p50'))} | "
          f"{fmt(L.get('p95'))} | {fmt(L.get('p99'))} | {fmt(L.get('max'))} | {fmt(r.get('server_cpu_ms_per_1000'))} | {s.get('cores_busy')} | "
          f"{fmt(s.get('rss_peak_sampled_mb'))} | {s['generator_cpu_s']} |")
row(f"batched ingestion ({int(batch):,} per request)", ingest)
row(f"single statements ({single['warmup_s']} s warm-up, {single['duration_s']} s)", single)
row(f"the first batches again (all stored already: what a retry costs), one client", load("repeat"))
row(f"population to {stored:,} (batch API)", populate)
row(f"queries (limit {query['limit']}; {query['rows']['mean']} rows on average, {query['rows']['empty']} empty; per s = queries)", query, "queries")
pg_ingest, pg_single = load("pg-ingest"), load("pg-single")
if pg_ingest:
    label = f"PostgreSQL{' ' + pg_version if pg_version else ''}"
    row(f"{label}: batched ingestion", pg_ingest)
    row(f"{label}: single statements", pg_single)

threads = (ingest or {}).get("server", {}).get("thread_cpu")
if threads:
    print()
    print("Server CPU by thread in the batched run (s; the statement writer and the checkpointer are thread-pool threads, "
          "the event loops parse and validate): " + ", ".join(f"{t['name']} ({t['tid']}) {t['cpu_s']}" for t in threads) + ".")

print()
print("Floor (only the database calls timed):")
print()
print("| floor | statements | seconds | per s |")
print("|---|---:|---:|---:|")
print(f"| SQLite, {int(batch):,} per transaction (the batched run's statements) | {fb['statements']:,} | {fb['seconds']} | {fmt(fb['statements_per_s'])} |")
print(f"| SQLite, one per transaction (the single run's statements) | {fs['statements']:,} | {fs['seconds']} | {fmt(fs['statements_per_s'])} |")
if fp:
    print(f"| SQLite, the {fp['statements']:,} stored statements, {int(batch):,} per transaction | {fp['statements']:,} | {fp['seconds']} | {fmt(fp['statements_per_s'])} |")
if fq and "latency_ms" in fq:
    L = fq["latency_ms"]
    print(f"| SQLite, the same {fq['queries']:,} queries on that table (p50 / p95 / p99 ms) | | | {L['p50']} / {L['p95']} / {L['p99']} |")
if pg_ingest:
    pfb, pfs = load("pg-floor-batch") or {}, load("pg-floor-single") or {}
    for label, r in ((f"PostgreSQL, COPY per {int(batch):,} (psql)", pfb), ("PostgreSQL, one INSERT per statement (psql)", pfs)):
        if "skipped" in r:
            print(f"| {label} | skipped: {r['skipped']} | | |")
        else:
            print(f"| {label} | {r['statements']:,} | {r['seconds']} | {fmt(r['statements_per_s'])} |")
    print()
    print(f"PostgreSQL ingestion next to its floor: batched {ratio(pg_ingest['statements_per_s'], pfb.get('statements_per_s'))}, "
          f"single {ratio(pg_single['statements_per_s'], pfs.get('statements_per_s'))}; server VmHWM {load('pg-server')['vmhwm_mb']} MB.")
notes = []
for name in ("ingest", "single", "populate", "query", "pg-ingest", "pg-single"):
    r = load(name) or {}
    if r.get("errors_by_kind") or r.get("retried_by_kind"):
        kinds = "; ".join(f"{e['kind']} x {e['count']}" for e in r.get("errors_by_kind", []))
        retried = "; ".join(f"{e['kind']} x {e['count']}" for e in r.get("retried_by_kind", []))
        notes.append(f"- {name}: " + (f"errors {kinds}" if kinds else "no errors") + (f"; retried after {retried}" if retried else ""))
if notes:
    print()
    print("Errors and retries (a retry sends the same statement ids again):")
    print()
    print("\n".join(notes))
for name in ("ingest", "single", "populate", "query", "pg-ingest", "pg-single"):
    r = load(name)
    for sample in (r or {}).get("error_samples", []):
        print(f"  {name} error: {sample}", file=sys.stderr)
PY
echo "work folder: $work (*.json: each run's report)" >&2
