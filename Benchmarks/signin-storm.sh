#!/usr/bin/env bash
# Morning sign-in storm (08:30, a whole school signs in): SIGNINS password sign-ins of distinct
# students from CLIENTS concurrent clients against `kakehashi serve`, paced evenly over DURATION
# seconds, then the same flat out (as fast as the server answers, for the maximum throughput).
# Target: zero errors and a sign-in p95 under 1 s for 1,000 sign-ins in 60 s from 50 clients.
#
#   Benchmarks/signin-storm.sh                  # 1,000 sign-ins, 50 clients, 60 s, SQLite
#   KAKEHASHI_BIN=/path/to/kakehashi Benchmarks/signin-storm.sh   # skip the release build
#   BENCH_POSTGRES_URL=postgres://user:pw@127.0.0.1:5432/empty_db Benchmarks/signin-storm.sh
#                                               # also both runs on PostgreSQL (an empty database)
#   SIGNINS=100 CLIENTS=10 DURATION=10 SCHOOLS=1 STUDENTS_PER_SCHOOL=100 Benchmarks/signin-storm.sh
#                                               # a quick check
#   MODES=paced Benchmarks/signin-storm.sh      # only the paced run (or MODES=flat)
#
# Knobs: SCHOOLS (5) x STUDENTS_PER_SCHOOL (200) generated students (at least SIGNINS students
# needed); SIGNINS (1000); CLIENTS (50); DURATION (60, seconds for the paced run); MODES ("paced
# flat"); BENCH_DIR (a work folder, default a new one under /tmp); KAKEHASHI_BIN; BENCH_POSTGRES_URL.
#
# One sign-in = GET /signin (form cookie and CSRF token), POST /signin (303 to /home with a session
# cookie), GET /home (200); anything else is an error. The latencies in the table are of the
# sign-in proper (GET /signin + POST /signin); Benchmarks/signin_storm.py (Python 3 standard
# library only) is the load generator and reports each step.
#
# Every run gets a fresh database (SQLite: a copy of the prepared one; PostgreSQL: a new tenant of
# its own), so the server's rate limits (1,500 sign-in attempts per 5 minutes per client address,
# 20 per account) and lockouts of one run never touch the next; the load comes from a loopback
# address of its own per run (127.x.y.N: the per-address counter is global, not per tenant), so
# repeating the benchmark within 5 minutes against the same PostgreSQL database still stays within
# the limits. Server memory: VmRSS sampled every 200 ms, and VmHWM (peak resident set) at the end;
# the server only, not PostgreSQL's processes.
#
# Prints a Markdown table for docs/PERFORMANCE.md on stdout; progress on stderr. Needs python3
# (3.11) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
schools=${SCHOOLS:-5}
per_school=${STUDENTS_PER_SCHOOL:-200}
signins=${SIGNINS:-1000}
clients=${CLIENTS:-50}
duration=${DURATION:-60}
modes=${MODES:-paced flat}
work=${BENCH_DIR:-$(mktemp -d /tmp/kakehashi-signin.XXXXXX)}
mkdir -p "$work"
generator=$PWD/Benchmarks/signin_storm.py

if [ -z "${KAKEHASHI_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product kakehashi >&2
  KAKEHASHI_BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)/kakehashi
fi
bin=$KAKEHASHI_BIN
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y python3 curl)" >&2; exit 2; }
done
if [ "$signins" -gt 1500 ]; then
  echo "SIGNINS=$signins is over the server's 1,500 sign-ins per 5 minutes per address: the rest would be refused (429)" >&2
  exit 2
fi

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

# Setup, not measured: the city, its import into TENANT, and a password for every student.
package="$work/city"
echo "generating $schools schools x $per_school students…" >&2
rm -rf "$package" "$work/sqlite-prepared" "$work/pg-unused"
"$bin" demo generate --schools "$schools" --students-per-school "$per_school" --seed 7 --out "$package" >/dev/null
credentials="$work/credentials.csv"
rm -f "$credentials"
prepare_tenant() {  # TENANT
  local tenant=$1 started
  echo "importing the city into tenant $tenant…" >&2
  kk roster import "$package" --tenant "$tenant" >"$work/import-$tenant.out" 2>&1 || {
    echo "roster import failed:" >&2; tail -n 20 "$work/import-$tenant.out" >&2; exit 1; }
  kk users list --tenant "$tenant" --role student >"$work/students-$tenant.tsv"
  local students
  students=$(wc -l <"$work/students-$tenant.tsv")
  if [ "$students" -lt "$signins" ]; then
    echo "only $students students for $signins sign-ins (each sign-in is a distinct student): raise SCHOOLS or STUDENTS_PER_SCHOOL" >&2
    exit 2
  fi
  # A distinct random password per student (the same usernames in every tenant: one file).
  [ -s "$credentials" ] || head -n "$signins" "$work/students-$tenant.tsv" | python3 "$generator" passwords >"$credentials"
  started=$(date +%s)
  if "$bin" users --help 2>/dev/null | grep -q import-passwords; then
    echo "setting $signins passwords (users import-passwords)…" >&2
    kk users import-passwords --tenant "$tenant" <"$credentials" >"$work/passwords-$tenant.out" 2>&1 || {
      echo "users import-passwords failed:" >&2; tail -n 20 "$work/passwords-$tenant.out" >&2; exit 1; }
  else
    # Binaries without it: one `users set-password` process per student; on SQLite one at a time
    # (concurrent processes fail with "database is locked": a read-then-write transaction cannot
    # wait for another writer), on PostgreSQL as many at once as cores.
    local parallel=1
    [ "${db_env[1]}" = -u ] || parallel=$(nproc)
    echo "setting $signins passwords (users set-password, one process each: this binary has no import-passwords)…" >&2
    tr ',' ' ' <"$credentials" | BENCH_TENANT=$tenant "${db_env[@]}" KAKEHASHI_DATA_DIR="${db_args[1]}" xargs -P "$parallel" -n 2 \
      sh -c 'printf "%s\n" "$2" | "$0" users set-password --tenant "$BENCH_TENANT" --username "$1" --password-stdin >/dev/null' "$bin" \
      2>"$work/passwords-$tenant.err" || { echo "users set-password failed:" >&2; tail -n 20 "$work/passwords-$tenant.err" >&2; exit 1; }
  fi
  echo "passwords set in $(( $(date +%s) - started )) s" >&2
}

# One loopback network per invocation; run N connects from $net.N (see the header).
net="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1))"
run_number=0

# storm DATABASE-LABEL MODE TENANT: start a server on the current database, run, stop it.
storm() {
  local label=$1 mode=$2 tenant=$3 port name pacing mode_label
  run_number=$((run_number + 1))
  name="run$run_number-$mode"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  KAKEHASHI_LOG_LEVEL=${KAKEHASHI_LOG_LEVEL:-warning} "${db_env[@]}" "$bin" serve --port "$port" "${db_args[@]}" \
    >"$work/$name.server.log" 2>&1 &
  server_pid=$!
  local waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || { echo "the server exited:" >&2; tail -n 20 "$work/$name.server.log" >&2; exit 1; }
    waited=$((waited + 1))
    [ "$waited" -lt 600 ] || { echo "the server did not answer /healthz within 60 s" >&2; exit 1; }
    sleep 0.1
  done
  if [ "$mode" = paced ]; then pacing=$duration; mode_label="paced: $signins in ${duration} s"
  else pacing=0; mode_label="flat out"; fi
  echo "$label, $mode_label, $clients clients (server pid $server_pid, port $port, from $net.$run_number)…" >&2
  python3 "$generator" run --url "http://127.0.0.1:$port" --credentials "$credentials" --tenant "$tenant" \
    --signins "$signins" --clients "$clients" --duration "$pacing" --server-pid "$server_pid" \
    --source-address "$net.$run_number" --progress >"$work/$name.json"
  stop_server
  # Not measured: the audit log's hash chain after the concurrent appends of the storm.
  local audit
  if audit=$(kk audit verify --tenant "$tenant" 2>&1); then audit="intact, $(echo "$audit" | grep -o '[0-9][0-9]* entries' | head -n 1)"
  else echo "$audit" >&2; audit="**broken**"; fi
  python3 - "$work/$name.json" "$label" "$mode_label" "$mode" "$audit" >>"$work/rows.md" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
label, mode_label, mode = sys.argv[2], sys.argv[3], sys.argv[4]
s, p, f, h = r["latency_ms"]["signin"], r["latency_ms"]["post"], r["latency_ms"]["form"], r["latency_ms"]["home"]
lag = r["start_lag_ms"]
mem = r["server"]
fmt = lambda v: "–" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")
met = ""
if mode == "paced":
    met = "yes" if r["errors"] == 0 and s["p95"] is not None and s["p95"] < 1000 else "**no**"
print(f"| {label} | {mode_label} | {r['signins']:,} | {r['errors']} | {r['throughput_per_s']:.1f} | "
      f"{fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['p99'])} | {fmt(s['max'])} | {fmt(mem['vmhwm_mb'])} | {met or '–'} |")
detail = (f"| {label} | {mode_label} | {fmt(p['p50'])} | {fmt(p['p95'])} | {fmt(p['p99'])} | {fmt(f['p95'])} | {fmt(h['p95'])} | "
          f"{fmt(lag['p95'])} / {fmt(lag['max'])} | {fmt(mem['rss_before_mb'])} | {fmt(mem['rss_peak_sampled_mb'])} | {fmt(mem['cpu_ms_per_signin'])} | {r['generator_cpu_s']} / {r['wall_s']} | {sys.argv[5]} |")
with open(sys.argv[1] + ".detail", "w") as out:
    out.write(detail + "\n")
for sample in r["error_samples"]:
    print(f"  error: {sample}", file=sys.stderr)
PY
  cat "$work/$name.json.detail" >>"$work/details.md"
  echo "  $(tail -n 1 "$work/rows.md")" >&2
}

: >"$work/rows.md"
: >"$work/details.md"

# SQLite: prepare once, then each run on a copy of the prepared database.
use_db sqlite "$work/sqlite-prepared"
prepare_tenant bench
for mode in $modes; do
  rm -rf "$work/sqlite-$mode"
  cp -a "$work/sqlite-prepared" "$work/sqlite-$mode"
  use_db sqlite "$work/sqlite-$mode"
  storm "SQLite" "$mode" bench
done

pg_version=""
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  use_db pg
  pg_version=$(psql "$BENCH_POSTGRES_URL" -tAc 'SHOW server_version' 2>/dev/null | awk '{print $1}' || true)
  suffix=$(printf '%04x' $((RANDOM * 2 % 65536)))
  for mode in $modes; do
    tenant="bench-$suffix-$mode"
    prepare_tenant "$tenant"
    storm "PostgreSQL${pg_version:+ $pg_version}" "$mode" "$tenant"
  done
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
binary_note=$(ls -l --time-style=+%Y-%m-%dT%H:%M "$bin" | awk '{print $6}')
cat <<TABLE

Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); Python $(python3 -c 'import platform; print(platform.python_version())') load generator on the same machine.
Binary: $bin (built $binary_note; $(git rev-parse --short HEAD 2>/dev/null || echo "?")$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ", uncommitted changes")).
Storm: $signins sign-ins of distinct students (of $schools schools x $per_school generated), $clients concurrent clients, each sign-in on a new connection; latencies are of the sign-in itself (GET /signin + POST /signin), each also followed by GET /home.

| database | mode | sign-ins | errors | sign-ins/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | server peak RSS (MB) | target met (0 errors, p95 < 1 s) |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
$(cat "$work/rows.md")

Per step:

| database | mode | POST /signin p50 (ms) | POST p95 | POST p99 | GET /signin p95 | GET /home p95 | start lag p95 / max (ms) | server RSS before (MB) | RSS peak sampled (MB) | server CPU per sign-in (ms) | load generator CPU / wall (s) | audit chain after |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
$(cat "$work/details.md")

Start lag: how late sign-ins started against the schedule because all $clients clients were busy (flat out: the queue, by design).
Server CPU per sign-in: the server's user + system CPU time during the run over the sign-ins (each with its GET /home); with $(nproc) cores, $(nproc) x 1000 / that is the ceiling on sign-ins per second. The load generator runs on the same cores.
TABLE
