#!/usr/bin/env bats
# make install / uninstall into a staging directory, and a program built
# against the installed librdb through pkg-config.

load helper

@test "make install DESTDIR installs a working tree; uninstall removes it" {
	d=$BATS_TEST_TMPDIR/stage
	run make -s -C "$RDB_ROOT" install DESTDIR="$d" PREFIX=/usr
	is "$status" 0 || fail "$output"
	for f in bin/rdb bin/rdb-init bin/rdb-stat lib/librdb.a lib/librdb.so \
		lib/librdb.so.0 lib/pkgconfig/librdb.pc include/rdb/rdb.h \
		share/man/man1/rdb-stat.1 share/man/man7/rdb.7 \
		share/bash-completion/completions/rdb \
		share/bash-completion/completions/rdb-stat \
		share/zsh/vendor-completions/_rdb \
		share/fish/vendor_completions.d/rdb.fish; do
		[ -e "$d/usr/$f" ] || fail "missing $f" || return 1
	done
	[ ! -e "$d/usr/bin/rdb-test-helper" ]
	# the installed front door finds its programs beside itself
	PATH=/usr/bin:/bin run --separate-stderr "$d/usr/bin/rdb" init x.rdb
	is "$status" 0
	PATH=/usr/bin:/bin run --separate-stderr "$d/usr/bin/rdb" stat --no-header x.rdb
	is "${lines[0]}" "path,x.rdb"
	# a client of the library, built with the installed pkg-config file
	cat > client.c <<'C'
#include <stdio.h>
#include <rdb/rdb.h>
int main(int argc, char **argv)
{
	struct rdb_db *db;
	struct rdb_info info;
	char uuid[37];
	int rc = rdb_open(argv[1], NULL, &db);
	(void)argc;
	if (rc != RDB_OK) {
		fprintf(stderr, "%s\n", rdb_errmsg(db));
		rdb_close(db);
		return 1;
	}
	rdb_info(db, &info);
	rdb_uuid_format(info.uuid, uuid);
	printf("%s %u %s\n", rdb_version(), info.settings.page_size, uuid);
	rdb_close(db);
	return 0;
}
C
	flags=$(PKG_CONFIG_SYSROOT_DIR=$d PKG_CONFIG_PATH=$d/usr/lib/pkgconfig pkg-config --cflags --libs librdb)
	run cc -o client client.c $flags
	is "$status" 0 || fail "$output"
	LD_LIBRARY_PATH=$d/usr/lib ok ./client x.rdb
	[[ $output =~ ^0\.1\.0\ 4096\ [0-9a-f-]{36}$ ]]
	LD_LIBRARY_PATH=$d/usr/lib run ./client nope
	is "$status" 1
	run make -s -C "$RDB_ROOT" uninstall DESTDIR="$d" PREFIX=/usr
	is "$status" 0
	is "$(find "$d" -type f -o -type l)" ""
}
