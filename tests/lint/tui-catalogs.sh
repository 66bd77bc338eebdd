#!/usr/bin/env bash
# Every translatable string of the app's screens and tree commands is in both catalogs, and
# the Chinese one translates all of them (a missing msgid would show English on a Chinese
# tablet without anyone noticing).
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
cd "$GRIDWALK_TOP" || exit 1
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
xgettext --from-code=UTF-8 -k_ -kN_ -o "$pot" ui/*.c ui/*.h app/naming.c app/tree_ops.c \
    app/config.c app/cmd_tree.c app/main.c
for po in ui/po/en.po ui/po/zh_CN.po; do
    ok "$po has every message" msgcmp --use-untranslated "$po" "$pot"
    ok "$po compiles" msgfmt --check -o /dev/null "$po"
done
untranslated() { test -z "$(msgattrib --untranslated --no-obsolete ui/po/zh_CN.po | grep '^msgid ' | grep -v '^msgid ""$')"; }
ok "zh_CN.po translates every message" untranslated
tap_done
