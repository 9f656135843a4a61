#!/usr/bin/env bash
# The test command: the console's component tests (vitest), then every node:test file under test/
# (Node 20's runner does not expand quoted globs, so the list comes from the shell). PostgreSQL tests run
# when a server answers at LIFECYCLE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test) and skip
# with a note otherwise; under CI=true a missing server fails them. Browser tests (test/browser) need
# Chromium: .ci/run installs Debian's; without it they skip with a note, and under CI=true fail.
#
# node:test runs one file at a time on 2 cores. The longest files (the browser tests, which mostly wait on a
# demo server and a browser of their own; the route fuzzer; the kill -9 loops) run beside the rest as a
# second lane: every test file has its own folders, ports and PostgreSQL database. The second lane is
# printed after the first, then the closing lines count both.
set -uo pipefail
cd "$(dirname "$0")/.."
npx vitest run --config web/vitest.config.ts --reporter=dot || exit $?
long=(test/server/fuzz.test.ts test/engine/crash.test.ts test/engine/rmm-docs-crash.test.ts)
mapfile -t browser < <(find test/browser -name '*.test.ts' | sort)
mapfile -t rest < <(find test -name '*.test.ts' -not -path 'test/browser/*' | sort | grep -vxF -f <(printf '%s\n' "${long[@]}"))
lane=$(mktemp)
main=$(mktemp)
trap 'rm -f "$lane" "$main"' EXIT
node --import tsx --test --test-reporter=spec "${browser[@]}" "${long[@]}" "$@" >"$lane" 2>&1 &
browser_pid=$!
status=0
node --import tsx --test --test-reporter=spec "${rest[@]}" "$@" 2>&1 | tee "$main" || status=$?
browser_status=0
wait "$browser_pid" || browser_status=$?
echo "--- the second lane: test/browser, ${long[*]} ---"
cat "$lane"
# node:test's closing lines ("ℹ tests 1412" with the spec reporter), summed over both lanes.
echo "--- both lanes ---"
for key in tests suites pass fail cancelled skipped todo; do
  total=0
  for file in "$main" "$lane"; do
    n=$(grep -E "^ℹ $key [0-9]+$" "$file" | tail -n 1 | awk '{print $3}')
    total=$((total + ${n:-0}))
  done
  echo "ℹ $key $total"
done
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$browser_status"
