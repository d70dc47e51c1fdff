#!/usr/bin/env bash
# Roster benchmark (issue 2): a generated city of STUDENTS students imported into a fresh SQLite
# database, then a 1% delta; validation alone; and the floor: the sqlite3 shell `.import`ing the
# same CSV rows into equivalent tables, measured in the same run.
#
#   Benchmarks/roster-import.sh                 # 250 schools x 1000 students (250,000)
#   SCHOOLS=20 STUDENTS_PER_SCHOOL=500 Benchmarks/roster-import.sh
#   KAKEHASHI_BIN=/path/to/kakehashi Benchmarks/roster-import.sh   # skip the release build
#   BENCH_POSTGRES_URL=postgres://user:pw@127.0.0.1:5432/empty_db Benchmarks/roster-import.sh
#                                               # also import and delta into PostgreSQL (an empty database)
#
# Prints a Markdown table for docs/PERFORMANCE.md. Needs /usr/bin/time, sqlite3 and unzip
# (Debian: time, sqlite3, unzip).
set -euo pipefail
cd "$(dirname "$0")/.."
schools=${SCHOOLS:-250}
per_school=${STUDENTS_PER_SCHOOL:-1000}
work=${BENCH_DIR:-$(mktemp -d /tmp/kakehashi-bench.XXXXXX)}
mkdir -p "$work"

if [ -z "${KAKEHASHI_BIN:-}" ]; then
  swift build -c release --product kakehashi >&2
  KAKEHASHI_BIN=$(swift build -c release --show-bin-path)/kakehashi
fi
bin=$KAKEHASHI_BIN
for tool in /usr/bin/time sqlite3 unzip; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y time sqlite3 unzip)" >&2; exit 2; }
done

# measure NAME COMMAND... : wall seconds and peak resident memory (MB) of one run
declare -A seconds memory
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$name failed:" >&2; tail -n 20 "$work/$name.err" "$work/$name.out" >&2; exit 1; }
  read -r s kb <"$work/$name.time"
  seconds[$name]=$s
  memory[$name]=$((kb / 1024))
  echo "$name: ${s} s, $((kb / 1024)) MB" >&2
}

package="$work/city.zip"
delta="$work/city-delta.zip"
measure generate "$bin" demo generate --schools "$schools" --students-per-school "$per_school" --seed 1 --out "$package"
"$bin" demo generate --schools "$schools" --students-per-school "$per_school" --seed 1 --delta 0.01 --out "$delta" >/dev/null
rows=$(unzip -p "$package" '*.csv' | wc -l)
delta_rows=$(unzip -p "$delta" '*.csv' | wc -l)

measure validate "$bin" roster validate "$package"
rm -rf "$work/data"
measure import "$bin" roster import "$package" --tenant bench --data-dir "$work/data"
measure delta "$bin" roster import "$delta" --tenant bench --data-dir "$work/data"
measure reimport "$bin" roster import "$package" --tenant bench --data-dir "$work/data" --allow-shrink
measure export "$bin" roster export --tenant bench --out "$work/export.zip" --data-dir "$work/data"

pg_rows=""
if [ -n "${BENCH_POSTGRES_URL:-}" ]; then
  measure pg_import env KAKEHASHI_DATABASE_URL="$BENCH_POSTGRES_URL" "$bin" roster import "$package" --tenant bench-pg
  measure pg_delta env KAKEHASHI_DATABASE_URL="$BENCH_POSTGRES_URL" "$bin" roster import "$delta" --tenant bench-pg
  pg_rows="
| roster import, bulk into an empty PostgreSQL $(psql --version | awk '{print $3}') database | ${seconds[pg_import]} | ${memory[pg_import]} |
| roster import, 1% delta, PostgreSQL | ${seconds[pg_delta]} | ${memory[pg_delta]} |"
fi

# The floor: the same CSV rows into equivalent tables (every column text, a unique index on
# sourcedId, WAL journal as Kakehashi uses, one transaction) by the sqlite3 shell's .import. Measured
# twice: with only that index ("plain"), and with the lookup indexes Kakehashi's schema has on these
# tables (users by username; roles by user; enrollments by user and by class), which every import
# must maintain.
rm -rf "$work/csv"
mkdir -p "$work/csv"
unzip -q "$package" -d "$work/csv"
floor_sql() {  # $1: with lookup indexes (1) or not (0)
  echo "PRAGMA journal_mode=WAL;"
  echo "PRAGMA synchronous=NORMAL;"
  echo "BEGIN;"
  for f in "$work"/csv/*.csv; do
    name=$(basename "$f" .csv)
    [ "$name" = manifest ] && continue
    header=$(head -n 1 "$f" | tr -d '\r')
    columns=$(echo "$header" | sed 's/[^,][^,]*/"&" TEXT/g')
    echo "CREATE TABLE \"$name\" ($columns);"
    echo "CREATE UNIQUE INDEX \"${name}_id\" ON \"$name\" (\"sourcedId\");"
    if [ "$1" = 1 ]; then
      case "$name" in
        users) echo "CREATE INDEX users_username ON users (username);" ;;
        roles) echo "CREATE INDEX roles_user ON roles (userSourcedId);" ;;
        enrollments) echo "CREATE INDEX enrollments_user ON enrollments (userSourcedId);"
                     echo "CREATE INDEX enrollments_class ON enrollments (classSourcedId);" ;;
      esac
    fi
    echo ".import --csv --skip 1 '$f' \"$name\""
  done
  echo "COMMIT;"
}
floor_sql 0 >"$work/floor.sql"
floor_sql 1 >"$work/floor-indexed.sql"
rm -f "$work/floor.sqlite"* "$work/floor-indexed.sqlite"*
measure floor sqlite3 "$work/floor.sqlite" ".read $work/floor.sql"
measure floor_indexed sqlite3 "$work/floor-indexed.sqlite" ".read $work/floor-indexed.sql"

ratio=$(awk -v a="${seconds[import]}" -v b="${seconds[floor_indexed]}" 'BEGIN { printf "%.1f", a / b }')
ratio_plain=$(awk -v a="${seconds[import]}" -v b="${seconds[floor]}" 'BEGIN { printf "%.1f", a / b }')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat <<TABLE

Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); $(sqlite3 --version | cut -d' ' -f1) shell.
Package: $schools schools x $per_school students, $rows CSV lines (with headers and manifest); delta: $delta_rows lines.

| step | seconds | peak memory (MB) |
|---|---:|---:|
| demo generate (zip) | ${seconds[generate]} | ${memory[generate]} |
| roster validate | ${seconds[validate]} | ${memory[validate]} |
| roster import, bulk into a fresh SQLite database | ${seconds[import]} | ${memory[import]} |
| roster import, 1% delta | ${seconds[delta]} | ${memory[delta]} |
| roster import, the same bulk again (nothing changes but the delta's rows) | ${seconds[reimport]} | ${memory[reimport]} |
| roster export (zip) | ${seconds[export]} | ${memory[export]} |${pg_rows}
| floor: sqlite3 shell .import of the same CSV rows, same lookup indexes | ${seconds[floor_indexed]} | ${memory[floor_indexed]} |
| floor, plain: the same with only the sourcedId index | ${seconds[floor]} | ${memory[floor]} |

Bulk import / floor: ${ratio}x (against the plain floor: ${ratio_plain}x)
TABLE
