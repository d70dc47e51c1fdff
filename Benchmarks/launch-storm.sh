#!/usr/bin/env bash
# LTI launch storm (a whole school opens a tool at once): CLIENTS concurrent clients, each a distinct
# signed-in student, repeat full three-leg launches (login initiation → authorization → id_token)
# back to back against `kakehashi serve` on SQLite for DURATION seconds after WARMUP seconds; then
# the cost of the server's signing, measured alone, and its share of the server's CPU per launch.
# Target: at least 300 launches/s on a 2-core machine with a launch p99 under 100 ms, 50 clients.
#
#   Benchmarks/launch-storm.sh                  # 50 clients, 5 s warm-up, 30 s measured, SQLite
#   KAKEHASHI_BIN=/path/to/kakehashi Benchmarks/launch-storm.sh   # skip the server's release build
#   CLIENTS=10 DURATION=10 WARMUP=2 SCHOOLS=1 STUDENTS_PER_SCHOOL=100 Benchmarks/launch-storm.sh
#                                               # a quick check
#
# Knobs: CLIENTS (50); RATE (0: closed loop; e.g. 300: launches per second spread evenly over the clients); DURATION (30, measured seconds); WARMUP (5, seconds not counted); SCHOOLS (5)
# x STUDENTS_PER_SCHOOL (200) generated students (at least CLIENTS needed); SIGN_ITERATIONS (300,
# of each operation in the signing micro-benchmark); GENERATOR_THREADS (1, event loop threads of the
# load generator); PERF (0; 1: also `perf record` the server over the measured window, cpu-clock at
# 499 Hz, and report the share of its samples in BoringSSL, the signing measured under load; needs
# perf, Debian's linux-perf); BENCH_DIR (a work folder, default a new one under /tmp); KAKEHASHI_BIN;
# LAUNCH_STORM_BIN (a built load generator: skips its release build).
#
# Setup, not measured: a generated city imported into a fresh SQLite database, a password for the
# chosen students, one tool registered (it is never contacted: the benchmark plays the browser and
# the tool's side of the redirects) and placed in every class of a chosen student; the students
# are spread over the classes round-robin, each client launching the link of its own class. Each
# client signs in once (GET /signin, POST /signin), then loops: leg 1 GET /launch/{link} (expect 303
# to the tool's login initiation URL with a signed lti_message_hint), legs 2–3 GET /lti/authorize
# with that hint, a fresh state and nonce (expect 200 with the auto-post form of a signed id_token
# and the state); anything else is an error. One keep-alive connection per client (HTTP/1.1), no
# redirects followed.
#
# The load generator is Benchmarks/launch-storm (a SwiftPM package of its own: AsyncHTTPClient on one
# event loop thread that Swift concurrency runs on too); it shares the cores with the server, and
# its CPU time is reported. Server CPU per launch: the server's user + system time over the measured
# window (/proc/PID/stat) over the launches that finished in it. Signing share: (sign the hint + verify
# the hint + sign the id_token), each measured alone on one thread through JWTKit with a 2,048-bit
# RS256 key and the claims of one of the run's id_tokens, over the server CPU per launch; alone, on
# an idle machine, so under load (both cores busy) the real share is somewhat higher.
#
# Prints Markdown tables for docs/PERFORMANCE.md on stdout; progress on stderr. Needs python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
schools=${SCHOOLS:-5}
per_school=${STUDENTS_PER_SCHOOL:-200}
clients=${CLIENTS:-50}
rate=${RATE:-0}   # launches/s over all clients, spread evenly; 0: closed loop (each client back to back)
duration=${DURATION:-30}
warmup=${WARMUP:-5}
sign_iterations=${SIGN_ITERATIONS:-300}
generator_threads=${GENERATOR_THREADS:-1}
perf=${PERF:-0}
work=${BENCH_DIR:-$(mktemp -d /tmp/kakehashi-launch.XXXXXX)}
mkdir -p "$work"
tenant=bench

perf_args=()
if [ "$perf" = 1 ]; then
  command -v perf >/dev/null || { echo "PERF=1 needs perf (apt-get install -y linux-perf)" >&2; exit 2; }
  rm -f "$work/perf.data"
  perf_args=(--perf-output "$work/perf.data")
fi
for tool in python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y python3 curl)" >&2; exit 2; }
done
if [ -z "${KAKEHASHI_BIN:-}" ]; then
  swift build -c release --scratch-path .build-release --product kakehashi >&2
  KAKEHASHI_BIN=$(swift build -c release --scratch-path .build-release --show-bin-path)/kakehashi
fi
bin=$KAKEHASHI_BIN
if [ -z "${LAUNCH_STORM_BIN:-}" ]; then
  echo "building the load generator (Benchmarks/launch-storm, release)…" >&2
  swift build -c release --package-path Benchmarks/launch-storm --product launch-storm >&2
  LAUNCH_STORM_BIN=$(swift build -c release --package-path Benchmarks/launch-storm --show-bin-path)/launch-storm
fi
generator=$LAUNCH_STORM_BIN

server_pid=""
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

data="$work/data"
kk() { env -u KAKEHASHI_DATABASE_URL "$bin" "$@" --data-dir "$data"; }

# Setup, not measured.
echo "generating $schools schools x $per_school students and importing them…" >&2
rm -rf "$work/city" "$work/export" "$data"
"$bin" demo generate --schools "$schools" --students-per-school "$per_school" --seed 7 --out "$work/city" >/dev/null
kk roster import "$work/city" --tenant "$tenant" >"$work/import.out" 2>&1 || {
  echo "roster import failed:" >&2; tail -n 20 "$work/import.out" >&2; exit 1; }
kk roster export --tenant "$tenant" --out "$work/export" >/dev/null
kk users list --tenant "$tenant" --role student >"$work/students.tsv"

# CLIENTS students, round-robin over the classes they are enrolled in (as students), each with a
# random password: chosen.csv is username,password,class_sourced_id.
python3 - "$work/students.tsv" "$work/export" "$clients" >"$work/chosen.csv" <<'PY'
import csv, secrets, sys
students_tsv, export, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
by_id = {}
for line in open(students_tsv, encoding="utf-8"):
    fields = line.rstrip("\n").split("\t")
    if len(fields) >= 4:
        by_id[fields[3]] = fields[0]
classes = {}
with open(f"{export}/enrollments.csv", newline="", encoding="utf-8") as file:
    for row in csv.DictReader(file):
        if row["role"] == "student" and row.get("status", "") in ("", "active") and row["userSourcedId"] in by_id:
            classes.setdefault(row["classSourcedId"], []).append(by_id[row["userSourcedId"]])
chosen, seen = [], set()
queues = [sorted(set(users)) for _, users in sorted(classes.items())]
while len(chosen) < wanted and any(queues):
    for class_id, queue in zip(sorted(classes), queues):
        while queue and queue[0] in seen:
            queue.pop(0)
        if queue and len(chosen) < wanted:
            user = queue.pop(0)
            seen.add(user)
            chosen.append((user, class_id))
if len(chosen) < wanted:
    sys.exit(f"only {len(chosen)} students enrolled in classes for {wanted} clients: raise SCHOOLS or STUDENTS_PER_SCHOOL")
for user, class_id in chosen:
    print(f"{user},{secrets.token_urlsafe(12)},{class_id}")
PY
cut -d, -f1,2 "$work/chosen.csv" | kk users import-passwords --tenant "$tenant" >"$work/passwords.out" 2>&1 || {
  echo "users import-passwords failed:" >&2; tail -n 20 "$work/passwords.out" >&2; exit 1; }

cat >"$work/tool.json" <<'JSON'
{"client_name": "Bench tool", "initiate_login_uri": "https://tool.example/login", "redirect_uris": ["https://tool.example/launch"],
 "jwks_uri": "https://tool.example/jwks", "target_link_uri": "https://tool.example/launch"}
JSON
registration=$(kk tools register --tenant "$tenant" --file "$work/tool.json")
client_id=$(printf '%s' "$registration" | python3 -c 'import json, sys; print(json.load(sys.stdin)["client_id"])')
class_count=$(cut -d, -f3 "$work/chosen.csv" | sort -u | wc -l)
echo "tool $client_id registered; placing it in $class_count classes…" >&2
: >"$work/links.csv"
for class_id in $(cut -d, -f3 "$work/chosen.csv" | sort -u); do
  link=$(kk tools place --tenant "$tenant" --class "$class_id" --client-id "$client_id" --title "Bench tool")
  echo "$class_id,$link" >>"$work/links.csv"
done
# clients.csv: username,password,link_id
awk -F, 'NR == FNR { link[$1] = $2; next } { print $1 "," $2 "," link[$3] }' "$work/links.csv" "$work/chosen.csv" >"$work/clients.csv"

# The storm.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KAKEHASHI_LOG_LEVEL=${KAKEHASHI_LOG_LEVEL:-warning} KAKEHASHI_PUBLIC_URL="http://127.0.0.1:$port" \
  env -u KAKEHASHI_DATABASE_URL "$bin" serve --port "$port" --data-dir "$data" >"$work/server.log" 2>&1 &
server_pid=$!
waited=0
until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited:" >&2; tail -n 20 "$work/server.log" >&2; exit 1; }
  waited=$((waited + 1))
  [ "$waited" -lt 600 ] || { echo "the server did not answer /healthz within 60 s" >&2; exit 1; }
  sleep 0.1
done
echo "SQLite, $clients clients, rate ${rate}/s (0: closed loop), ${warmup} s warm-up + ${duration} s (server pid $server_pid, port $port)…" >&2
"$generator" run --url "http://127.0.0.1:$port" --clients-file "$work/clients.csv" --tenant "$tenant" --clients "$clients" \
  --duration "$duration" --warmup "$warmup" --server-pid "$server_pid" --sign-iterations "$sign_iterations" \
  --threads "$generator_threads" --rate "$rate" --progress "${perf_args[@]}" >"$work/run.json"
stop_server

# With PERF=1: the share of the server's samples in BoringSSL (RSA and its bignum code, SHA-256).
perf_share=""
if [ "$perf" = 1 ] && [ -s "$work/perf.data" ]; then
  perf report -i "$work/perf.data" --no-children --sort symbol -g none --stdio 2>/dev/null >"$work/perf.txt" || true
  perf_share=$(awk '/^ *[0-9.]+%/ { p = $1; sub("%", "", p); total += p
      if ($0 ~ /CCryptoBoringSSL|mulx4x|sqrx8x|mul4x|sqr8x|bn_mul_mont|rsaz|sha256_block/) crypto += p }
    END { if (total > 0) printf "%.1f", crypto * 100 / total }' "$work/perf.txt")
fi

# Not measured: the audit log's hash chain after the concurrent appends of the storm (two per launch).
if audit=$(kk audit verify --tenant "$tenant" 2>&1); then audit="intact, $(echo "$audit" | grep -o '[0-9][0-9]* entries' | head -n 1)"
else echo "$audit" >&2; audit="**broken**"; fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
binary_note=$(ls -l --time-style=+%Y-%m-%dT%H:%M "$bin" | awk '{print $6}')
echo >&2
cat <<HEAD

Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); Swift load generator (Benchmarks/launch-storm) on the same machine.
Binary: $bin (built $binary_note; $(git rev-parse --short HEAD 2>/dev/null || echo "?")$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ", uncommitted changes")).
Storm: $clients signed-in students (of $schools schools x $per_school generated) in $class_count classes, one tool placed in each; each client launches back to back on its own keep-alive connection; ${warmup} s warm-up, then ${duration} s measured. A launch = GET /launch/{link} (303) + GET /lti/authorize (200, id_token).
HEAD
python3 - "$work/run.json" "$audit" "$perf_share" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
audit = sys.argv[2]
perf_share = sys.argv[3]
fmt = lambda v: "–" if v is None else (f"{v:,.0f}" if v >= 100 else f"{v:.1f}")
pct = lambda v: "–" if v is None else f"{v * 100:.0f}%"
L, srv, gen, sig = r["latency_ms"], r["server"], r["generator"], r.get("signing")
launch = L["launch"]
share = sig["share_of_server_cpu"] if sig else None
met = "yes" if r["errors"] == 0 and r["launches_per_s"] >= 300 and launch["p99"] is not None and launch["p99"] < 100 else "**no**"
print()
print("| database | clients | launches | errors | launches/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | server CPU per launch (ms) | signing share of it | server peak RSS (MB) | target met (≥ 300/s, p99 < 100 ms, 0 errors) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
print(f"| SQLite | {r['clients']} | {r['launches']:,} | {r['errors']} | {r['launches_per_s']:.1f} | {fmt(launch['p50'])} | {fmt(launch['p95'])} | "
      f"{fmt(launch['p99'])} | {fmt(launch['max'])} | {fmt(srv['cpu_ms_per_launch'])} | {pct(share)} | {fmt(srv['vmhwm_mb'])} | {met} |")
print()
print("Per leg:")
print()
print("| request | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | mean (ms) |")
print("|---|---:|---:|---:|---:|---:|")
for name, label in (("login", "leg 1: GET /launch/{link} → 303 (signs the message hint)"),
                    ("authorize", "legs 2–3: GET /lti/authorize → 200 id_token (verifies the hint, signs the id_token)"),
                    ("launch", "the launch (both)")):
    l = L[name]
    print(f"| {label} | {fmt(l['p50'])} | {fmt(l['p95'])} | {fmt(l['p99'])} | {fmt(l['max'])} | {fmt(l['mean'])} |")
print()
print("CPU and memory:")
print()
print("| process | CPU over the window (s) | cores busy | CPU per launch (ms) | notes |")
print("|---|---:|---:|---:|---|")
print(f"| server | {fmt(srv['cpu_s'])} | {srv['cores_busy']} | {fmt(srv['cpu_ms_per_launch'])} | {srv['threads']} threads; RSS {fmt(srv['rss_before_mb'])} MB before, "
      f"{fmt(srv['rss_peak_sampled_mb'])} MB peak sampled, VmHWM {fmt(srv['vmhwm_mb'])} MB; audit chain after: {audit} |")
print(f"| load generator | {fmt(gen['cpu_s'])} | {gen['cores_busy']} | {fmt(gen['cpu_ms_per_launch'])} | {gen['threads']} event loop thread(s), "
      f"Swift concurrency on {gen['executor']}; wall {r['wall_s']} s; sign-in of the clients (not measured) {r['sign_in_s']} s |")
if sig:
    b = sig["benchmark"]
    print()
    print(f"Signing (measured alone, as the server does it: the hint HS256 with its launch sealed by AES-256-GCM, the id_token RS256 with a {b['key_bits']}-bit key; JWTKit, one thread, {b['iterations']} iterations each, CPU time per operation):")
    print()
    print("| operation | CPU per operation (ms) | per launch | share of the server's CPU per launch |")
    print("|---|---:|---:|---:|")
    cpu = srv["cpu_ms_per_launch"]
    rows = [(f"seal the launch and sign the lti_message_hint, HS256 ({b['hint_payload_bytes']} B of claims; leg 1)", b["sign_hint_ms"]),
            (f"verify the lti_message_hint and open its launch (leg 2)", b["verify_hint_ms"]),
            (f"sign the id_token ({b['id_token_payload_bytes']:,} B of claims, {b['id_token_payload']}; leg 2)", b["sign_id_token_ms"])]
    for label, ms in rows:
        print(f"| {label} | {ms:.3f} | 1 | {pct(ms / cpu) if cpu else '–'} |")
    print(f"| **the signing of one launch** | **{b['per_launch_ms']:.3f}** | | **{pct(sig['share_of_server_cpu'])}** |")
    print(f"| for reference: RSA-2048 PKCS#1 v1.5 sign / verify of a digest through swift-crypto alone | {b['raw_sign_ms']:.3f} / {b['raw_verify_ms']:.3f} | | |")
    mean_token = r.get("id_token_bytes_mean")
    print()
    print(f"id_token as sent: {fmt(mean_token)} bytes on average." +
          (f" Under load, by perf: {perf_share}% of the server's CPU samples were in BoringSSL (RSA, bignum, SHA-256)." if perf_share else ""))
if r["errors"] or r["warmup_errors"]:
    print()
    print(f"Errors: {r['errors']} in the window ({r['warmup_errors']} during warm-up): " +
          "; ".join(f"{e['kind']} × {e['count']}" for e in r["errors_by_kind"]))
for sample in r["error_samples"]:
    print(f"  error: {sample}", file=sys.stderr)
print()
print(f"Server CPU per launch: with {__import__('os').cpu_count()} cores, cores x 1000 / that is the ceiling on launches per second "
      "if the server had the machine to itself; the load generator's CPU comes out of the same cores.")
PY
echo "work folder: $work (run.json: the generator's report)" >&2
