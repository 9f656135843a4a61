#!/usr/bin/env bash
# The test command: the console's component tests (vitest), then every node:test file under test/
# (Node 20's runner does not expand quoted globs, so the list comes from the shell); node:test's closing
# lines are what CI reads. PostgreSQL tests run when a server answers at LIFECYCLE_TEST_PG_URL (default
# postgres://postgres@127.0.0.1:5432/test) and skip with a note otherwise; under CI=true a missing server
# fails them. Browser tests (test/browser) need Chromium: .ci/run installs Debian's; without it they skip
# with a note, and under CI=true fail.
set -euo pipefail
cd "$(dirname "$0")/.."
npx vitest run --config web/vitest.config.ts --reporter=dot
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-reporter=spec "${files[@]}" "$@"
