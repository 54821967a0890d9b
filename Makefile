# rdb - a database you drive from the shell.
#
#   make            build librdb (static and shared) and every program
#   make deps       install missing Debian packages (root or sudo)
#   make check      deps, build, unit tests, bats suites, the same under
#                   ASan+UBSan, man page lint, stale completion check
#   make demo       deps, build, run the main job on the bundled sample
#   make install    PREFIX=/usr/local DESTDIR= (and make uninstall)
#   make DEVELOPER=1  adds -Werror

VERSION := 0.1.0
SOVERSION := 0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share
DESTDIR ?=

CC ?= cc
AR ?= ar
PKG_CONFIG ?= pkg-config
PKGS := libzstd liblz4 libarchive libsodium libxxhash libmd

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif

ifeq ($(SAN),1)
BUILD ?= build/san
OPT ?= -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
SANLDFLAGS := -fsanitize=address,undefined -pthread
else
BUILD ?= build
# -O3: its vectorised loops (decoding, filters, sums) run TPC-H at SF 0.1
# in 10-12% fewer instructions than -O2 (Q1 462M -> 412M, Q6 86M -> 76M)
OPT ?= -O3 -g
SANLDFLAGS := -pthread
endif
# Programs load only the libraries they call (start-up time).
SANLDFLAGS += -Wl,--as-needed

# Evaluated only when a compile runs, so `make deps` works without them.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
# libarchive is opened with dlopen when an input is first read
# (lib/load/arch.h: linking it costs every program 2 ms of start-up), by
# the soname of the library pkg-config finds.
LINK_PKGS := $(filter-out libarchive,$(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(LINK_PKGS)) -lm
# The programs take those libraries' static archives (Debian's -dev
# packages ship them) where every one is there: each shared library
# costs every start of every program its loading and relocation
# (`rdb-query DIR 'SELECT 1'`: 1.67 -> 1.42 ms; TPC-H's small queries 2
# to 5% faster). librdb.so links them shared. STATIC_DEPS=0 turns it
# off; without an archive the programs link them shared too.
STATIC_DEPS ?= 1
DEP_LIBDIR = $(sort $(shell $(PKG_CONFIG) --variable=libdir $(LINK_PKGS)))
DEP_ARCHIVES = $(foreach p,$(LINK_PKGS),$(firstword $(wildcard \
	$(addsuffix /$(p).a,$(DEP_LIBDIR)))))
STATIC_LINK = -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs-only-l \
	$(LINK_PKGS)) -Wl,-Bdynamic -pthread -lm
PROG_LIBS = $(if $(filter 1,$(STATIC_DEPS)),$(if $(filter \
	$(words $(LINK_PKGS)),$(words $(DEP_ARCHIVES))),$(STATIC_LINK),\
	$(PKG_LIBS)),$(PKG_LIBS))
ARCHIVE_SONAME = $(shell readelf -d \
	"$$($(PKG_CONFIG) --variable=libdir libarchive)/libarchive.so" \
	2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')

CPPFLAGS += -D_GNU_SOURCE -Ilib -Ilib/include -Icmd
ALL_CFLAGS = -std=c11 -pthread $(OPT) $(WARN) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LIB_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DRDB_BUILDING_LIBRARY

LIB_SRC := $(sort $(wildcard lib/*/*.c))
COMMON_SRC := $(sort $(wildcard cmd/common/*.c))
PROGRAMS := rdb rdb-init rdb-stat rdb-compact rdb-load rdb-verify rdb-query \
	rdb-flashback rdb-index
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
MANPAGES := $(sort $(wildcard man/*.[0-9]))
HEADERS := $(sort $(wildcard lib/include/rdb/*.h))
COMPLETIONS := completions/rdb.bash completions/_rdb completions/rdb.fish

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
PROG_BIN := $(PROGRAMS:%=$(BUILD)/%)
STATIC_LIB := $(BUILD)/librdb.a
SHARED_LIB := $(BUILD)/librdb.so.$(VERSION)

.PHONY: all deps check check-long demo install uninstall clean completions \
	bench bench-query bench-verify bench-flashback bench-index fuzz
.DEFAULT_GOAL := all
# Keep objects that pattern rules chain through.
.SECONDARY:

all: $(STATIC_LIB) $(SHARED_LIB) $(PROG_BIN) $(BUILD)/rdb-test-helper \
	$(BUILD)/unit-tests $(BUILD)/slt

$(BUILD)/obj/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LIB_CFLAGS) -c -o $@ $<

$(BUILD)/obj/lib/load/arch.o: lib/load/arch.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(LIB_CFLAGS) \
		$(if $(ARCHIVE_SONAME),-DRDB_ARCHIVE_SONAME='"$(ARCHIVE_SONAME)"') \
		-c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,librdb.so.$(SOVERSION) $(SANLDFLAGS) \
		$(LDFLAGS) -o $@ $^ $(PKG_LIBS)
	ln -sf librdb.so.$(VERSION) $(BUILD)/librdb.so.$(SOVERSION)
	ln -sf librdb.so.$(VERSION) $(BUILD)/librdb.so

$(BUILD)/rdb-%: $(BUILD)/obj/cmd/rdb-%.o $(COMMON_OBJ) $(STATIC_LIB)
	$(CC) $(SANLDFLAGS) $(LDFLAGS) -o $@ $< $(COMMON_OBJ) $(STATIC_LIB) \
		$(PROG_LIBS)

# The shell's line editing: rdb-query opens libedit with dlopen when
# its shell starts, by the soname of the library pkg-config finds.
EDIT_SONAME = $(shell readelf -d \
	"$$($(PKG_CONFIG) --variable=libdir libedit)/libedit.so" \
	2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
$(BUILD)/obj/cmd/rdb-query.o: cmd/rdb-query.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) \
		$(if $(EDIT_SONAME),-DRDB_EDIT_SONAME='"$(EDIT_SONAME)"') \
		-c -o $@ $<

$(BUILD)/rdb: $(BUILD)/obj/cmd/rdb.o $(COMMON_OBJ) $(STATIC_LIB)
	$(CC) $(SANLDFLAGS) $(LDFLAGS) -o $@ $< $(COMMON_OBJ) $(STATIC_LIB) \
		$(PROG_LIBS)

$(BUILD)/rdb-test-helper: $(BUILD)/obj/tests/helper/rdb-test-helper.o \
		$(COMMON_OBJ) $(STATIC_LIB)
	$(CC) $(SANLDFLAGS) $(LDFLAGS) -o $@ $< $(COMMON_OBJ) $(STATIC_LIB) \
		$(PKG_LIBS)

# The sqllogictest runner (tests/slt): never installed.
$(BUILD)/slt: $(BUILD)/obj/tests/slt/slt.o $(STATIC_LIB)
	$(CC) $(SANLDFLAGS) $(LDFLAGS) -o $@ $< $(STATIC_LIB) $(PKG_LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(COMMON_OBJ) $(STATIC_LIB)
	$(CC) $(SANLDFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJ) $(COMMON_OBJ) \
		$(STATIC_LIB) $(PKG_LIBS)

deps:
	@tools/deps.sh

# The test builds turn warnings into errors: a warning fails the check.
check:
	@tools/deps.sh
	@$(MAKE) --no-print-directory DEVELOPER=1 all
	@$(MAKE) --no-print-directory DEVELOPER=1 SAN=1 all
	@tools/check.sh

# Longer torture runs: 1000 kill -9 crashes of a writer; the time travel
# model over 1500 commits and 5000 points, with the default seed and a
# new one (printed: RDB_MODEL_SEED replays it).
check-long: check
	RDB_KILLS=1000 bats tests/bats/crash.bats
	RDB_MODEL_COMMITS=1500 RDB_MODEL_POINTS=5000 bats tests/bats/flashback-model.bats
	RDB_MODEL_SEED=$$$$ RDB_MODEL_COMMITS=1500 RDB_MODEL_POINTS=5000 \
		bats tests/bats/flashback-model.bats

demo:
	@tools/deps.sh
	@$(MAKE) --no-print-directory all
	@tools/demo.sh

completions: all
	$(BUILD)/rdb completion bash > completions/rdb.bash
	$(BUILD)/rdb completion zsh > completions/_rdb
	$(BUILD)/rdb completion fish > completions/rdb.fish

bench: all
	@tests/bench/run

# libFuzzer targets for every decoder of on-disk bytes, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@tools/fuzz.sh $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/rdb $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	install -m 0755 $(PROG_BIN) $(DESTDIR)$(BINDIR)
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)
	ln -sf librdb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/librdb.so.$(SOVERSION)
	ln -sf librdb.so.$(VERSION) $(DESTDIR)$(LIBDIR)/librdb.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		-e 's|@REQUIRES@|$(LINK_PKGS)|' librdb.pc.in \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/librdb.pc
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/rdb
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s; \
	done
	install -m 0644 completions/rdb.bash \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/rdb
	for p in $(filter-out rdb,$(PROGRAMS)); do \
		ln -sf rdb $(DESTDIR)$(DATADIR)/bash-completion/completions/$$p; \
	done
	install -m 0644 completions/_rdb $(DESTDIR)$(DATADIR)/zsh/vendor-completions
	install -m 0644 completions/rdb.fish \
		$(DESTDIR)$(DATADIR)/fish/vendor_completions.d
	for p in $(filter-out rdb,$(PROGRAMS)); do \
		ln -sf rdb.fish $(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$p.fish; \
	done

uninstall:
	for p in $(PROGRAMS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	rm -f $(DESTDIR)$(LIBDIR)/librdb.a $(DESTDIR)$(LIBDIR)/librdb.so \
		$(DESTDIR)$(LIBDIR)/librdb.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/librdb.so.$(VERSION) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/librdb.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/rdb
	for m in $(MANPAGES); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done
	for p in $(PROGRAMS); do \
		rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/$$p \
			$(DESTDIR)$(DATADIR)/fish/vendor_completions.d/$$p.fish; \
	done
	rm -f $(DESTDIR)$(DATADIR)/zsh/vendor-completions/_rdb

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(COMMON_OBJ:.o=.d) $(UNIT_OBJ:.o=.d) \
	$(PROGRAMS:%=$(BUILD)/obj/cmd/%.d) \
	$(BUILD)/obj/tests/helper/rdb-test-helper.d

bench-query: all
	@tests/bench/query.sh build/bench $${SF:-1} $${RUNS:-3}

bench-verify: all
	@RDB_BUILD=$(BUILD) tests/bench/verify.sh build/bench $${SF:-1} $${RUNS:-3}

bench-flashback: all
	@RDB_BUILD=$(BUILD) tests/bench/flashback.sh build/bench $${SF:-1} $${RUNS:-3}

bench-index: all
	@RDB_BUILD=$(BUILD) tests/bench/index.sh build/bench $${SF:-1} $${RUNS:-3}
