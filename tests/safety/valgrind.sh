#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the core tests and a round of CLI commands under valgrind memcheck:
# no invalid reads or writes, no use of uninitialised memory and no definite
# leaks (GLib's type system and one-time allocations are "still reachable"
# or "possibly lost" and do not count; see valgrind.supp for the rest).
#
#   tests/safety/valgrind.sh [BUILD_DIR]      (default: _build)
#
# MIGRATOR_VALGRIND_SLOW=1 also runs the slow tests skipped by default
# (/graph/ten-thousand: 10,000 revision files, about 10 minutes under
# valgrind). The meson test 'valgrind' (suite 'valgrind') runs this script
# only when MIGRATOR_VALGRIND=1 is set; CI does not set it.
set -u

if [ "${1:-}" = --if-enabled ]; then
  shift
  if [ "${MIGRATOR_VALGRIND:-0}" != 1 ]; then
    echo "skipped: set MIGRATOR_VALGRIND=1 to run the valgrind suite"
    exit 77
  fi
fi

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../_build}" && pwd)
migrator=$build/src/migrator
glib_supp=$(pkg-config --variable=prefix glib-2.0 2>/dev/null)/share/glib-2.0/valgrind/glib.supp

if ! command -v valgrind >/dev/null; then
  echo "1..0 # SKIP valgrind is not installed"
  exit 77
fi

vg=(valgrind --quiet --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --error-exitcode=1 --num-callers=30
    --suppressions="$here/valgrind.supp")
[ -f "$glib_supp" ] && vg+=(--suppressions="$glib_supp")

export G_SLICE=always-malloc G_DEBUG=gc-friendly,fatal-warnings TZ=UTC LC_ALL=C.UTF-8
export GIO_USE_VFS=local GSETTINGS_BACKEND=memory
export MIGRATOR_SOURCE_DIR=${MIGRATOR_SOURCE_DIR:-$here/../..}
unset MIGRATOR_PROJECT MIGRATOR_DATABASE_URL DATABASE_URL

skip=()
[ "${MIGRATOR_VALGRIND_SLOW:-0}" = 1 ] || skip=(-s /graph/ten-thousand)

n=0
failed=0
start=$(date +%s)

# check_rc EXPECTED_EXIT NAME COMMAND...: the command exits as expected
# and valgrind reports nothing (--quiet: the log is empty).
check_rc () {
  local expected=$1 name=$2
  shift 2
  n=$((n + 1))
  local t0=$(date +%s) rc
  "${vg[@]}" --log-file="$tmp/vg-$n.log" "$@" >"$tmp/out-$n.log" 2>&1
  rc=$?
  if [ $rc -eq "$expected" ] && ! [ -s "$tmp/vg-$n.log" ]; then
    echo "ok $n - $name ($(( $(date +%s) - t0 )) s)"
  else
    echo "not ok $n - $name: exit $rc ($(( $(date +%s) - t0 )) s)"
    sed 's/^/# /' "$tmp/vg-$n.log" | head -200
    tail -n 20 "$tmp/out-$n.log" | sed 's/^/# out: /'
    failed=$((failed + 1))
  fi
}

check () {
  check_rc 0 "$@"
}

tmp=$(mktemp -d -t migrator-valgrind-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The core tests
for t in "$build"/tests/core/test-*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  check "$(basename "$t")" "$t" "${skip[@]}"
done

# The command line on a copy of the bundled sample and on a new project
proj=$tmp/sample
cp -r "$MIGRATOR_SOURCE_DIR/migrations" "$proj"
rm -rf "$proj"/*.db "$proj"/backups
check "cli upgrade head" "$migrator" --project "$proj" --quiet upgrade heads
check "cli status --json" "$migrator" --project "$proj" --json status
check "cli history -v" "$migrator" --project "$proj" history -v
check "cli downgrade -1" "$migrator" --project "$proj" --quiet downgrade -1
check "cli upgrade --dry-run" "$migrator" --project "$proj" upgrade heads --dry-run
check "cli upgrade --sql" "$migrator" --project "$proj" upgrade heads --sql
check "cli schema --json" "$migrator" --project "$proj" --json schema
# diff exits 1 when it finds a difference (SPEC §5)
check_rc 1 "cli diff base head" "$migrator" --project "$proj" diff base head
check "cli backup" "$migrator" --project "$proj" --quiet backup
check "cli restore latest" "$migrator" --project "$proj" --quiet restore latest
check "cli check" "$migrator" --project "$proj" check

new=$tmp/new
check "cli init" "$migrator" --quiet init "$new"
check "cli revision" "$migrator" --project "$new" --quiet revision -m "First table"
# an error path: an unknown target is exit 2, and no leak either
check_rc 2 "cli error path" "$migrator" --project "$new" upgrade nosuchrev

echo "1..$n"
echo "# valgrind: $n runs, $failed failed, $(( $(date +%s) - start )) s"
[ $failed -eq 0 ]
