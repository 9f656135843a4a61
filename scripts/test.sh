#!/usr/bin/env bash
# The test command: every node:test file under test/ (Node 20's runner does not expand quoted globs, so
# the list comes from the shell). PostgreSQL tests run when a server answers at LIFECYCLE_TEST_PG_URL
# (default postgres://postgres@127.0.0.1:5432/test) and skip with a note otherwise; under CI=true a
# missing server fails them.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-reporter=spec "${files[@]}" "$@"
