#!/bin/sh
# The main job on a bundled sample: today, create a database and show it.
# Later programs (rdb-load, rdb-query, ...) extend this walk-through.
set -eu
cd "$(dirname "$0")/.."
PATH=$PWD/build:$PATH
demo=build/demo
rm -rf "$demo"
mkdir -p "$demo"

run() {
	printf '\n$ %s\n' "$*"
	"$@"
}

run rdb init --compression zstd --retention 30d "$demo/sales.rdb"
run rdb stat --format table "$demo/sales.rdb"
run rdb stat --sizes --format table "$demo/sales.rdb"
run rdb stat --format json --no-header "$demo/sales.rdb"
printf '\nThe demo database is in %s.\n' "$demo/sales.rdb"
