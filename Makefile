# sendoc — see README.md. `make deps demo` renders the samples; `make deps check` runs every test.
PREFIX   ?= /usr/local
DESTDIR  ?=
B        ?= build
CC       ?= cc
SAN      ?=
PKGS      = libxml-2.0 libcmark harfbuzz harfbuzz-subset icu-uc icu-i18n fontconfig libpng libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_FLAGS := $(shell pkg-config --cflags --libs check 2>/dev/null)
# OpenSSL's libcrypto (sha256 of batch outputs and fingerprints) is in PKGS: the
# library runs batches; CLI_* stay empty-safe for older checkouts
CLI_CFLAGS := $(shell pkg-config --cflags libcrypto 2>/dev/null)
CLI_LIBS   := $(shell pkg-config --libs libcrypto 2>/dev/null)

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT      ?= -O2 -g
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) -fPIC \
             -fvisibility=hidden -DSD_BUILDING -Iengine/include -Iengine $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LIBS_ALL = $(PKG_LIBS) -lhpdf -lz -lm -lpthread

ENGINE_SRC = $(sort $(wildcard engine/*.c))
CLI_SRC    = $(sort $(wildcard cli/*.c))
ENGINE_OBJ = $(ENGINE_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(B)/obj/%.o)
CHECK_SRC  = $(sort $(wildcard tests/check_*.c))
CHECK_BIN  = $(CHECK_SRC:tests/%.c=$(B)/tests/%)
LOCALE_SRC = $(sort $(wildcard locales/*.txt))
LOCALE_RES = $(LOCALE_SRC:locales/%.txt=$(B)/share/sendoc/locales/%.res)
DATA       = $(B)/share/sendoc
DATA_FILES = $(DATA)/schema/case.xsd $(DATA)/fonts/fontmap.txt \
             $(patsubst templates/%,$(DATA)/templates/%,$(wildcard templates/*.md)) $(LOCALE_RES)

.PHONY: all demo check check-unit check-integration check-cli check-asan check-locale bench fuzz deps install clean data
all: $(B)/bin/sendoc $(B)/lib/libsendoc.so data

data: $(DATA_FILES)

$(B)/obj/%.o: %.c $(wildcard engine/*.h engine/include/*.h cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(CLI_OBJ): CFLAGS_ALL += $(CLI_CFLAGS)

$(B)/lib/libsendoc.a: $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/lib/libsendoc.so: $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -o $@ $^ $(LIBS_ALL) $(SAN)

$(B)/bin/sendoc: $(CLI_OBJ) $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(CLI_OBJ) $(B)/lib/libsendoc.a $(LIBS_ALL) $(CLI_LIBS) $(SAN)

$(B)/tests/check_%: tests/check_%.c tests/testutil.h $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(CHECK_FLAGS) $(LIBS_ALL)

# Benchmarks: tests/bench/*.c against the library (run by `make bench`)
BENCH_SRC = $(sort $(wildcard tests/bench/*.c))
BENCH_BIN = $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)
$(B)/bench/%: tests/bench/%.c $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(LIBS_ALL)

# Test tools: tests/tools/*.c against the library (used by the integration tests)
TOOL_SRC = $(sort $(wildcard tests/tools/*.c))
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)
$(B)/tools/%: tests/tools/%.c $(B)/lib/libsendoc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests -o $@ $< $(B)/lib/libsendoc.a $(LIBS_ALL)

$(DATA)/schema/%: engine/schema/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/fonts/%: fonts/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/templates/%: templates/%
	@mkdir -p $(dir $@) && cp $< $@
$(DATA)/locales/%.res: locales/%.txt
	@mkdir -p $(dir $@)
	genrb -q -e UTF-8 -d $(dir $@) $<

# Renders every sample into out/ (see samples/README.md for what each shows).
demo: all
	@mkdir -p out
	SOURCE_DATE_EPOCH=1764547200 sh tools/render-samples.sh $(B)/bin/sendoc out

# Every test: unit suites, integration on rendered PDFs, the suites again
# under another locale and under ASan+UBSan, batches under ThreadSanitizer. The ../shared/a11y checks run
# when ../shared is beside the clone (as in CI) and are reported skipped otherwise.
check: check-unit check-locale check-integration check-cli check-asan check-tsan
	@echo "make check: all test stages passed"

check-unit: all $(CHECK_BIN)
	@sh tools/run-suites.sh $(B)

check-locale: all $(CHECK_BIN)
	@LANG=fr_FR.UTF-8 LC_ALL=fr_FR.UTF-8 sh tools/run-suites.sh $(B)

check-integration: all $(TOOL_BIN)
	@sh tests/integration/run.sh $(B)
	@sh tests/lint/cli.sh $(B)
	@sh tests/text/roundtrip.sh $(B)
	@sh tests/integration/matrix.sh $(B)

# The command line as other systems use it: exit codes, batch, hostile input, install
check-cli: all
	@sh tests/cli/run.sh $(B)

check-asan:
	@$(MAKE) --no-print-directory B=build-asan OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" check-unit

# Batches on two threads built with ThreadSanitizer (tests/tsan/suppressions
# says which library-internal reports are hidden, and why)
check-tsan: all
	@sh tests/tsan/run.sh $(B)

bench: all $(BENCH_BIN)
	@sh tools/bench.sh $(B)

fuzz:
	@sh tools/fuzz.sh

# Debian packages for the build, the fonts and the tests (run as root, or
# through sudo). Node/npm come from Debian only when no node is installed.
DEB_PKGS = build-essential pkg-config libhpdf-dev libxml2-dev libcmark-dev libicu-dev \
  icu-devtools check libharfbuzz-dev libharfbuzz-bin libfontconfig-dev libpng-dev zlib1g-dev \
  fonts-noto-core fonts-noto-cjk fonts-noto-ui-core fonts-dejavu-core fonts-wqy-microhei \
  qpdf poppler-utils python3 locales clang libclang-rt-14-dev libtsan2 valgrind \
  libssl-dev time strace \
  parallel
deps:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEB_PKGS) >/dev/null && \
	if ! command -v node >/dev/null; then DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; fi && \
	if ! locale -a 2>/dev/null | grep -qi '^fr_FR.utf8$$'; then \
	  echo 'fr_FR.UTF-8 UTF-8' | $$SUDO tee -a /etc/locale.gen >/dev/null && $$SUDO locale-gen >/dev/null; fi
	@echo "deps: Debian packages installed"

# `make install PREFIX=/opt/sendoc DESTDIR=/tmp/stage`: the binary finds its
# data as ../share/sendoc next to itself, so the installed tree can move.
SD_VER = $(shell sed -n 's/^#define SD_VERSION "\(.*\)"/\1/p' engine/include/sendoc.h)
install: all $(B)/lib/libsendoc.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/sendoc $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/bin/sendoc $(DESTDIR)$(PREFIX)/bin/sendoc
	install -m 755 $(B)/lib/libsendoc.so $(DESTDIR)$(PREFIX)/lib/libsendoc.so
	install -m 644 $(B)/lib/libsendoc.a $(DESTDIR)$(PREFIX)/lib/libsendoc.a
	install -m 644 engine/include/sendoc.h $(DESTDIR)$(PREFIX)/include/sendoc.h
	cd $(DATA) && find . -type d -exec install -d -m 755 $(abspath $(DESTDIR)$(PREFIX))/share/sendoc/{} \; \
	  && find . -type f -exec install -m 644 {} $(abspath $(DESTDIR)$(PREFIX))/share/sendoc/{} \;
	install -m 644 cli/sendoc.1 $(DESTDIR)$(PREFIX)/share/man/man1/sendoc.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(SD_VER)|' -e 's|@REQUIRES@|$(PKGS)|' \
	  tools/sendoc.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/sendoc.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/sendoc.pc

clean:
	rm -rf build build-asan out
