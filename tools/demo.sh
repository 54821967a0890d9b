#!/bin/sh
# The main job on the bundled sample (sample/sales.csv): create a
# database, load the CSV, look at what is stored. Later programs
# (rdb-query, ...) extend this walk-through.
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
run rdb load --infer-only "$demo/sales.rdb" sales sample/sales.csv
run rdb load "$demo/sales.rdb" sales sample/sales.csv
run rdb compact --report --format table "$demo/sales.rdb"
run rdb stat --tables --format table "$demo/sales.rdb"
run rdb stat --columns --format table "$demo/sales.rdb"
run rdb stat --format table "$demo/sales.rdb"
printf '\nThe demo database is in %s.\n' "$demo/sales.rdb"
