# gridwalk - a plain GNU Makefile.
#
# Each part of the tree describes itself in a `module.mk` next to its sources (data/module.mk,
# app/probe/module.mk, ...). A fragment appends to these lists and sets per-name variables:
#
#   MODULES    += m        m_SRCS, m_PKGS (pkg-config names), m_LDLIBS   -> $(BUILD)/lib/libgw_m.a
#   PROGRAMS   += p        p_SRCS, p_MODULES, p_PKGS, p_LDLIBS           -> $(BUILD)/bin/p
#   UNIT_TESTS += t        t_SRCS, t_MODULES, t_PKGS, t_LDLIBS           -> $(BUILD)/tests/t  (cmocka)
#   TOOLS      += x        like a program, for test helpers               -> $(BUILD)/tools/x
#
# Objects go under $(BUILD)/obj with -MMD -MP dependency files. `make SAN=1 BUILD=build/asan`
# gives the ASan+UBSan build that `make check` also runs.

.DEFAULT_GOAL := all
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
CC      ?= cc
CFLAGS  ?= -O2 -g

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Werror
ALL_CFLAGS  = -std=c11 $(WARN) -Iinclude -I. $(CFLAGS) $(PKG_CFLAGS) -DLOCALEDIR='"$(PREFIX)/share/locale"'
ALL_LDFLAGS = $(LDFLAGS)
ifeq ($(SAN),1)
ALL_CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=address,undefined
endif

MODULES    :=
PROGRAMS   :=
UNIT_TESTS :=
TOOLS      :=
include $(sort $(wildcard */module.mk */*/module.mk))

ALL_PKGS   := $(sort $(foreach x,$(MODULES) $(PROGRAMS) $(UNIT_TESTS) $(TOOLS),$($(x)_PKGS)) cmocka)
PKG_CFLAGS := $(shell pkg-config --cflags $(ALL_PKGS) 2>/dev/null)

objs_of = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
libs_of = $(foreach m,$(1),$(BUILD)/lib/libgw_$(m).a)
pkgs_of = $(sort $($(1)_PKGS) $(foreach m,$($(1)_MODULES),$($(m)_PKGS)))
ldlibs_of = $($(1)_LDLIBS) $(foreach m,$($(1)_MODULES),$($(m)_LDLIBS))

define MODULE_template
$(BUILD)/lib/libgw_$(1).a: $(call objs_of,$($(1)_SRCS))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef

# $(1) name, $(2) output dir, $(3) extra pkgs
define LINK_template
$(2)/$(1): $(call objs_of,$($(1)_SRCS)) $(call libs_of,$($(1)_MODULES))
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(ALL_LDFLAGS) -o $$@ $(call objs_of,$($(1)_SRCS)) \
	  -Wl,--start-group $(call libs_of,$($(1)_MODULES)) -Wl,--end-group \
	  $$(shell pkg-config --libs $(call pkgs_of,$(1)) $(3)) $(call ldlibs_of,$(1))
endef

$(foreach m,$(MODULES),$(eval $(call MODULE_template,$(m))))
$(foreach p,$(PROGRAMS),$(eval $(call LINK_template,$(p),$(BUILD)/bin,)))
$(foreach t,$(UNIT_TESTS),$(eval $(call LINK_template,$(t),$(BUILD)/tests,cmocka)))
$(foreach t,$(TOOLS),$(eval $(call LINK_template,$(t),$(BUILD)/tools,)))

BINS       := $(addprefix $(BUILD)/bin/,$(PROGRAMS))
TEST_BINS  := $(addprefix $(BUILD)/tests/,$(UNIT_TESTS))
TOOL_BINS  := $(addprefix $(BUILD)/tools/,$(TOOLS))

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

.PHONY: all deps tests check demo bench install clean fmt print-%
all: $(BINS) $(TOOL_BINS) locale

tests: all $(TEST_BINS)

deps:
	@scripts/install-deps

# Everything the README promises: install what is missing, build with warnings as errors,
# run the unit tests plain, under ASan+UBSan and under valgrind, then the rigs and the
# end-to-end tests. Ends with one line `N passed, N failed`.
check: deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 tests
	@UNIT_TESTS="$(UNIT_TESTS)" scripts/run-tests build build/asan

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	@for mo in $(MO_FILES); do \
	  lang=$$(basename $$(dirname $$(dirname $$mo))); \
	  install -d $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES; \
	  install -m 0644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$lang/LC_MESSAGES/gridwalk.mo; \
	done

clean:
	rm -rf build

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

print-%:
	@echo $($*)

# Message catalogs (ui/po/*.po) compiled for the app, laid out as gettext looks for them
# (<dir>/<lang>/LC_MESSAGES/gridwalk.mo) so GRIDWALK_LOCALEDIR=build/locale works uninstalled.
PO_FILES := $(wildcard ui/po/*.po)
MO_FILES := $(patsubst ui/po/%.po,$(BUILD)/locale/%/LC_MESSAGES/gridwalk.mo,$(PO_FILES))
locale: $(MO_FILES)
$(BUILD)/locale/%/LC_MESSAGES/gridwalk.mo: ui/po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<
.PHONY: locale

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
