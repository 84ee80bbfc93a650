# tinyimg: a container image tarball from assembly, with no daemon.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
CC ?= cc
CFLAGS ?= -O2
# Always on, whatever CFLAGS the user gives:
TI_CFLAGS = -std=c11 -Wall -Wextra -Werror -iquote src

LIB_SRCS = $(filter-out src/main.c,$(sort $(wildcard src/*.c)))
LIB_OBJS = $(LIB_SRCS:.c=.o)
# Every tests/unit/test_*.c is a unit test; tests/fuzz/fuzz_*.c a fuzz target.
UNIT_TESTS = $(patsubst %.c,%,$(sort $(wildcard tests/unit/test_*.c)))
FUZZ_TARGETS = $(patsubst %.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SECONDS ?= 300

all: tinyimg

tinyimg: src/main.o $(LIB_OBJS)
	$(CC) $(TI_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ src/main.o $(LIB_OBJS)

src/%.o: src/%.c src/*.h
	$(CC) $(TI_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

tests/unit/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJS)
	$(CC) $(TI_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS)

units: $(UNIT_TESTS)

# The same suites with AddressSanitizer and UBSan (leaks included) in a
# separate binary; -Werror is off because gcc 12 warns falsely under UBSan.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
tinyimg-san: src/main.c $(LIB_SRCS) src/*.h
	$(CC) -std=c11 -Wall -Wextra -iquote src $(SAN_FLAGS) -o $@ src/main.c $(LIB_SRCS)

test-sanitize: tinyimg-san
	TINYIMG=$(CURDIR)/tinyimg-san TINYIMG_SANITIZED=1 \
		bash tests/run.sh build inputs docker inspect base

# libFuzzer targets (clang), each with its seed corpus in
# tests/fuzz/corpus/NAME; make fuzz runs each for FUZZ_SECONDS.
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
tests/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) src/*.h
	clang -std=c11 -Wall -Wextra -iquote src $(FUZZ_FLAGS) -o $@ $< $(LIB_SRCS)

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz.sh

bench: tinyimg
	bash tests/bench.sh

test: tinyimg units
	bash tests/run.sh

# The program, its man page and its bash completion; DESTDIR stages them.
install: tinyimg
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1" \
		"$(DESTDIR)$(BASHCOMPDIR)"
	install -m 0755 tinyimg "$(DESTDIR)$(BINDIR)/tinyimg"
	install -m 0644 src/tinyimg.1 "$(DESTDIR)$(MANDIR)/man1/tinyimg.1"
	install -m 0644 src/tinyimg.bash "$(DESTDIR)$(BASHCOMPDIR)/tinyimg"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/tinyimg" \
		"$(DESTDIR)$(MANDIR)/man1/tinyimg.1" \
		"$(DESTDIR)$(BASHCOMPDIR)/tinyimg"

clean:
	rm -f tinyimg tinyimg-san src/*.o $(UNIT_TESTS) $(FUZZ_TARGETS)

.PHONY: all units test test-sanitize fuzz fuzz-build bench install uninstall clean
