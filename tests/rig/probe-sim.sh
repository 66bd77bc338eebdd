#!/usr/bin/env bash
# probe-sim.sh - `gridwalk read-meter` (the real serial code) against the meter simulator on
# a pty, for both protocols and every misbehaviour the simulator offers, then the stored
# reading: meter-number check, validation, outbox row.
set -u
. "${GRIDWALK_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/tap.sh"
. "$GRIDWALK_TOP/scripts/probe-rig.sh"

gw=$GRIDWALK_BUILD/bin/gridwalk
regs=$GRIDWALK_TOP/tests/data/probe/meter-a.txt
tmp=$(mktemp -d /tmp/gw-probe-rig-XXXXXX)
trap 'probe_rig_stop; rm -rf "$tmp"' EXIT

# read_json OUT [read-meter args...]: runs a read with --json into OUT; returns its status.
read_json() {
    local out=$1
    shift
    # 9600 baud keeps the rig quick; the speed itself is the benchmark's business.
    "$gw" read-meter --port "$PROBE_PORT" --json --transcript --baud "${BAUD:-9600}" "$@" \
        >"$out" 2>"$out.err"
}
# jq_ FILE PYEXPR: evaluates a Python expression over the JSON document `d`.
jq_() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
reg() { jq_ "$1" "[r['value'] for r in d['registers'] if r['id']=='$2'][0]"; }
is() { [ "$1" = "$2" ] || { diag "got '$1', want '$2'"; return 1; }; }
has() { grep -q -- "$2" "$1" || { diag "'$2' not in $1: $(head -c 300 "$1")"; return 1; }; }

# --- happy paths, both protocols ---
probe_rig_start "$tmp" "$regs"
read_json "$tmp/a.json"
ok "auto finds the DL/T 645-2007 meter" is "$(jq_ "$tmp/a.json" "d['protocol']")" dlt645-2007
ok "DL/T 645: total energy as the display shows" is "$(reg "$tmp/a.json" energy_fwd_total)" 12345.67
ok "DL/T 645: tariff 2, reverse, balance" is \
    "$(reg "$tmp/a.json" energy_fwd_t2) $(reg "$tmp/a.json" energy_rev_total) $(reg "$tmp/a.json" balance)" \
    "4567.89 0.00 88.50"
ok "DL/T 645: date, time, voltage, current, power" is \
    "$(reg "$tmp/a.json" date) $(reg "$tmp/a.json" time) $(reg "$tmp/a.json" voltage_a) $(reg "$tmp/a.json" current_a) $(reg "$tmp/a.json" power_active_total)" \
    "2026-11-22 14:03:07 229.8 5.123 1.1773"
ok "DL/T 645: the meter number it reports" is "$(jq_ "$tmp/a.json" "d['meter_reported']")" 330100012345
ok "DL/T 645: the transcript holds the address read with the wildcard" \
    has "$tmp/a.json" "TX FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16"
BAUD=19200 read_json "$tmp/i.json" --protocol iec62056
ok "IEC 62056-21 mode C at 9600 baud" is "$(jq_ "$tmp/i.json" "d['protocol'], d['ident']")" \
    "('iec62056-21', 'GWS5 GWSIM-DDZY1')"
ok "IEC: the same registers" is "$(reg "$tmp/i.json" energy_fwd_total) $(reg "$tmp/i.json" date) $(reg "$tmp/i.json" meter_number)" \
    "12345.67 2026-11-22 330100012345"
ok "IEC: the acknowledgement asked for 9600 and the line switched" has "$tmp/i.json" "TX 06 30 35 30 0D 0A"
ok "IEC: the simulator never saw the wrong speed" eval '! grep -q garbage "$tmp/metersim.log"'
read_json "$tmp/i12.json" --protocol iec62056 --baud 1200
ok "IEC: --baud 1200 caps the speed asked for" has "$tmp/i12.json" "TX 06 30 32 30 0D 0A"

probe_rig_start "$tmp" --protocol iec "$regs"
read_json "$tmp/ia.json"
ok "auto falls back to IEC 62056-21 when DL/T 645 is silent" is "$(jq_ "$tmp/ia.json" "d['protocol']")" iec62056-21
probe_rig_start "$tmp" --protocol iec --iec-mode B "$regs"
read_json "$tmp/ib.json" --protocol iec62056
ok "IEC mode B: the meter switches speed itself" is "$(reg "$tmp/ib.json" energy_fwd_total)" 12345.67
probe_rig_start "$tmp" --protocol iec --iec-mode A "$GRIDWALK_TOP/tests/data/probe/meter-small.txt"
read_json "$tmp/iA.json" --protocol iec62056
ok "IEC mode A: data at 300 baud" is "$(reg "$tmp/iA.json" energy_fwd_t1)" 3012.34

probe_rig_start "$tmp" --protocol iec --stuck-baud "$GRIDWALK_TOP/tests/data/probe/meter-small.txt"
read_json "$tmp/st.json" --protocol iec62056
ok "IEC meter that cannot change speed: read at 300 baud on the retry" is "$(reg "$tmp/st.json" energy_fwd_total)" 12345.67
ok "IEC: the fallback is in the transcript" has "$tmp/st.json" "falling back to 300 baud"
probe_rig_start "$tmp" --protocol iec "$regs"
read_json "$tmp/ad.json" --protocol iec62056 --address 330100012345
ok "IEC sign-on with the device address" has "$tmp/ad.json" "TX 2F 3F 33 33 30 31 30 30 30 31 32 33 34 35 21 0D 0A"

probe_rig_start "$tmp" --protocol dlt97 "$regs"
read_json "$tmp/97.json" --protocol dlt645
ok "DL/T 645-1997 when 2007 is silent" is "$(jq_ "$tmp/97.json" "d['protocol']")" dlt645-1997
ok "1997: total energy and meter number" is "$(reg "$tmp/97.json" energy_fwd_total) $(jq_ "$tmp/97.json" "d['meter_reported']")" \
    "12345.67 330100012345"
ok "1997: no balance item in that edition" is \
    "$(jq_ "$tmp/97.json" "[r['status'] for r in d['registers'] if r['id']=='balance'][0]")" absent

probe_rig_start "$tmp" --followup "$regs"
read_json "$tmp/fu.json" --protocol dlt645
ok "follow-up frames are asked for and joined" is "$(reg "$tmp/fu.json" energy_fwd_total)" 12345.67
ok "the follow-up request went out" has "$tmp/fu.json" "follow-up frame 1"
probe_rig_start "$tmp" --protocol dlt97 --followup "$regs"
read_json "$tmp/fu97.json" --protocol dlt645
ok "1997: follow-up frames are asked for and joined" \
    is "$(reg "$tmp/fu97.json" energy_fwd_total) $(jq_ "$tmp/fu97.json" "d['meter_reported']")" \
    "12345.67 330100012345"
ok "1997: the follow-up request went out" has "$tmp/fu97.json" "follow-up frame 1"

# --- misbehaviour ---
probe_rig_start "$tmp" --echo "$regs"
read_json "$tmp/e.json"
ok "echoing head: DL/T 645 read succeeds" is "$(reg "$tmp/e.json" energy_fwd_total)" 12345.67
ok "echoing head: the echo is noticed" test "$(jq_ "$tmp/e.json" "d['echo_bytes']")" -gt 0
probe_rig_start "$tmp" --echo --protocol iec "$regs"
read_json "$tmp/ie.json" --protocol iec62056
ok "echoing head: IEC read succeeds" is "$(reg "$tmp/ie.json" energy_fwd_total)" 12345.67

probe_rig_start "$tmp" --silent "$regs"
read_json "$tmp/s.json"
ok "silent meter: the read fails" is "$?" 1
ok "silent meter: tells where to look" has "$tmp/s.json" "no meter answered in DL/T 645 or IEC 62056-21"
ok "silent meter: each protocol was retried" has "$tmp/s.json" "retry 3 of 3.*retry 3 of 3.*retry 2 of 2"

probe_rig_start "$tmp" --bad-checksum "$regs"
read_json "$tmp/b.json"
ok "wrong checksum: the read fails" is "$?" 1
ok "wrong checksum: said so" has "$tmp/b.json" "failed its checksum"
probe_rig_start "$tmp" --bad-checksum --protocol iec "$regs"
read_json "$tmp/ib2.json" --protocol iec62056
ok "IEC wrong BCC: the read fails and says so" has "$tmp/ib2.json" "failed its check character"

probe_rig_start "$tmp" --garble=1 "$regs"
read_json "$tmp/g1.json"
ok "one garbled answer: the retry recovers" is "$(reg "$tmp/g1.json" energy_fwd_total)" 12345.67
ok "one garbled answer: the retry is in the transcript" has "$tmp/g1.json" "retry 2 of 3"
probe_rig_start "$tmp" --garble "$regs"
read_json "$tmp/g.json"
ok "garbled answers: the read fails" is "$(jq_ "$tmp/g.json" "d['ok']")" False

probe_rig_start "$tmp" --slow 300 "$regs"
read_json "$tmp/sl.json" --protocol dlt645
ok "slow meter (300 ms): still read" is "$(reg "$tmp/sl.json" energy_fwd_total)" 12345.67
probe_rig_start "$tmp" --slow 10000 "$regs"
read_json "$tmp/sl2.json" --protocol dlt645
ok "far too slow (10 s): times out and says so" has "$tmp/sl2.json" "no DL/T 645 meter answered"

probe_rig_start "$tmp" --error 0x04 "$regs"
read_json "$tmp/er.json" --protocol dlt645
ok "error response: the read fails" is "$?" 1
ok "error response: the meter's reason is shown" has "$tmp/er.json" "password wrong or not authorized"
probe_rig_start "$tmp" --error 05 --protocol iec "$regs"
read_json "$tmp/ier.json" --protocol iec62056
ok "IEC error message: shown" has "$tmp/ier.json" "answered with an error: ERR05"

probe_rig_start "$tmp" --hangup-after 40 "$regs"
read_json "$tmp/h.json"
ok "unplugged mid-read: the read fails" is "$?" 1
ok "unplugged mid-read: says so" has "$tmp/h.json" "unplugged"

# --- storing against a customer ---
db=$tmp/store.db
"$gw" read-meter --customer none --db "$db" --manual 1 --again 1 --reason NO_PROBE >/dev/null 2>&1
sqlite3 "$db" "INSERT INTO customers(account, name, meter, updated_at) VALUES
  ('0101', 'Zhang San', '330100012345', '2026-01-01T00:00:00.000Z'),
  ('0202', 'Li Si', '330100099999', '2026-01-01T00:00:00.000Z')"
probe_rig_start "$tmp" "$regs"
"$gw" read-meter --baud 9600 --port "$PROBE_PORT" --customer 0101 --db "$db" >"$tmp/st.out" 2>&1
ok "stored against the right customer" has "$tmp/st.out" "stored .* (no-history)"
ok "one reading and its outbox row" is "$(sqlite3 "$db" "SELECT count(*) FROM readings; SELECT count(*) FROM outbox WHERE kind='reading'" | tr '\n' ' ')" "1 1 "
ok "the outbox payload has the registers and the transcript" is \
    "$(sqlite3 "$db" "SELECT json_extract(payload,'\$.method')||' '||json_extract(payload,'\$.registers[1].value')||' '||(length(json_extract(payload,'\$.transcript_b64'))>100)||' '||json_type(payload,'\$.lat') FROM outbox")" \
    "probe 12345.67 1 null"
"$gw" read-meter --baud 9600 --port "$PROBE_PORT" --customer 0202 --db "$db" >"$tmp/mm.out" 2>&1
ok "another customer's meter: refused" is "$?" 1
ok "another customer's meter: a loud warning" has "$tmp/mm.out" "WARNING: this is meter 330100012345, but customer 0202's meter is 330100099999"
ok "another customer's meter: nothing stored" is "$(sqlite3 "$db" "SELECT count(*) FROM readings")" 1
probe_rig_start "$tmp" --meter 330100077777 "$regs"
"$gw" read-meter --baud 9600 --port "$PROBE_PORT" --customer 0101 --db "$db" >"$tmp/mm2.out" 2>&1
ok "the simulator reporting a different meter number: refused" has "$tmp/mm2.out" "this is meter 330100077777"
probe_rig_start "$tmp" "$regs"
"$gw" read-meter --baud 9600 --port "$PROBE_PORT" --customer 0101 --db "$db" >"$tmp/z.out" 2>&1
ok "same value again: zero consumption needs confirmation" has "$tmp/z.out" "no consumption since the last reading"
"$gw" read-meter --baud 9600 --port "$PROBE_PORT" --customer 0101 --db "$db" --confirm >"$tmp/z2.out" 2>&1
ok "confirmed: stored with the warning kept" has "$tmp/z2.out" "(zero,confirmed)"
"$gw" read-meter --customer 0101 --db "$db" --manual 12400.5 --again 12400.6 --reason PROBE_FAILED >"$tmp/m.out" 2>&1
ok "manual entry typed differently twice: refused" has "$tmp/m.out" "the two entries differ"
"$gw" read-meter --customer 0101 --db "$db" --manual 12400.5 --again 12400.50 --reason PROBE_FAILED >"$tmp/m2.out" 2>&1
ok "manual entry typed the same twice: stored" has "$tmp/m2.out" "stored"
ok "manual entry keeps its reason code" is "$(sqlite3 "$db" "SELECT method||' '||reason_code FROM readings ORDER BY id DESC LIMIT 1")" "manual PROBE_FAILED"
tap_done
