#!/usr/bin/env bash
# The hub refuses what it must, each with a clear 4xx and nothing stored; the agent treats a
# captive portal and a refused token as failures it reports, never as success.
. "$(dirname "$0")/../lib/tap.sh"
. "$GRIDWALK_TOP/tests/lib/sync.sh"

D=$SYNC_TMP/hub
hub_setup "$D" || { tap_fail "hub setup"; tap_done; }
hub_start "$D" "" --max-blob 100000 || { tap_fail "hub starts"; tap_done; }
TOKEN=$(cat "$SYNC_TMP/token")
AUTH="Authorization: Bearer $TOKEN"

# code METHOD PATH [curl args...]: the HTTP status; the body lands in $SYNC_TMP/body.
code() {
    local m=$1 p=$2
    shift 2
    curl -s -o "$SYNC_TMP/body" -w '%{http_code}' -X "$m" "$@" "$HUB_URL$p"
}
records() { "$HUB" stats --data "$D" | awk '/^records/ {print $2}'; }
is_json_error() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["ok"] is False and d["error"]["message"] else 1)' "$SYNC_TMP/body"; }

head -c 5000 /dev/urandom >"$SYNC_TMP/blob"
SHA=$(sha256sum "$SYNC_TMP/blob" | cut -c1-64)
BAD=$(printf '0%.0s' $(seq 64))

ok "no token: 401" test "$(code PUT /api/v1/blobs/$SHA -T "$SYNC_TMP/blob")" = 401
ok "no token: the answer is a JSON error envelope" is_json_error
ok "wrong token: 401" test "$(code GET /api/v1/changes -H 'Authorization: Bearer gw1_nope')" = 401
ok "a blob whose bytes do not match its name: 422" \
    test "$(code PUT /api/v1/blobs/$BAD -H "$AUTH" -T "$SYNC_TMP/blob")" = 422
ok "  ...and says why" grep -q 'hash to' "$SYNC_TMP/body"
ok "  ...and nothing of it is kept" test -z "$(find "$D/blobs" -type f -name "$BAD*")"
head -c 200000 /dev/urandom >"$SYNC_TMP/big"
BIGSHA=$(sha256sum "$SYNC_TMP/big" | cut -c1-64)
ok "an oversized blob: 413" test "$(code PUT /api/v1/blobs/$BIGSHA -H "$AUTH" -T "$SYNC_TMP/big")" = 413
ok "  ...nothing kept" test -z "$(find "$D/blobs" -type f -name "$BIGSHA*")"
python3 -c 'import sys; sys.stdout.write("{\"records\":[" + ",".join(["{}"]*1) + "]," + "\"pad\":\"" + "x"*(9<<20) + "\"}")' >"$SYNC_TMP/huge.json"
ok "an oversized records request: 413" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary @"$SYNC_TMP/huge.json")" = 413
ok "a blob name with ../ in it: 400" \
    test "$(code PUT "/api/v1/blobs/..%2F..%2Fetc%2Fpasswd" -H "$AUTH" -T "$SYNC_TMP/blob")" = 400
ok "malformed JSON: 400" test "$(code POST /api/v1/records -H "$AUTH" --data-binary '{"records": [')" = 400
ok "  ...with a JSON error envelope" is_json_error

u() { python3 -c 'import uuid; print(uuid.uuid4())'; }
FID=$(u) RID=$(u)
folder() { # folder RECORD_ID NAME
    printf '{"records":[{"id":"%s","kind":"folder","entity_uuid":"%s","payload":{"uuid":"%s","customer_account":"1001","category":1,"name":"%s","created_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:00.000Z"},"blobs":[]}]}' "$1" "$FID" "$FID" "$2"
}
ok "a folder named ../x: 400" test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(folder "$RID" '../x')")" = 400
ok "a folder named a/b: 400" test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(folder "$RID" 'a/b')")" = 400
ok "  ...nothing stored" test "$(records)" = 0
ok "a good folder is stored: 200" test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(folder "$RID" '表箱 A')")" = 200
ok "  ...repeating it is harmless (duplicate, 200)" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(folder "$RID" '表箱 A')")" = 200
ok "  ...and said so" grep -q '"duplicate"' "$SYNC_TMP/body"
ok "the same record id with other content: 409" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(folder "$RID" '表箱 B')")" = 409
ok "  ...the first content stays" test "$(records)" = 1

PID_=$(u) EID=$(u)
photo='{"records":[{"id":"'$(u)'","kind":"photo","entity_uuid":"'$PID_'","payload":{"uuid":"'$PID_'","entry_uuid":"'$EID'","folder":"appearance","sha256":"'$SHA'","bytes":5000,"taken_at":"2026-11-22T10:00:01.000Z","original_sha256":null},"blobs":["'$SHA'"]}]}'
ok "a photo whose blob is missing: refused (422)" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$photo")" = 422
ok "  ...with missing-blobs" grep -q 'missing-blobs' "$SYNC_TMP/body"
ok "  ...and not half stored" test "$(records)" = 1
ok "the blob uploads: 201" test "$(code PUT /api/v1/blobs/$SHA -H "$AUTH" -T "$SYNC_TMP/blob")" = 201
ok "  ...then the same photo record is stored" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$photo")" = 200

entry() { # entry RECORD_ID NAME
    printf '{"records":[{"id":"%s","kind":"entry","entity_uuid":"%s","payload":{"uuid":"%s","folder_uuid":"%s","customer_account":"1001","name":"%s","version":1,"created_at":"2026-11-22T10:00:00.000Z","updated_at":"2026-11-22T10:00:00.000Z"},"blobs":[]}]}' "$1" "$EID" "$EID" "$FID" "$2"
}
ok "an entry version 1 is stored" test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(entry "$(u)" one)")" = 200
ok "the same entry version with other content (new record id): 409" \
    test "$(code POST /api/v1/records -H "$AUTH" --data-binary "$(entry "$(u)" two)")" = 409

printf 'account,name\n1003,\xd5\xc5\xc8\xfd\n' >"$SYNC_TMP/gb.csv"
"$HUB" import-customers "$SYNC_TMP/gb.csv" --data "$D" 2>"$SYNC_TMP/gb.err" >/dev/null
ok "a customer CSV in GB18030 is refused with the way out" \
    sh -c "test $? = 1 && grep -q 'iconv -f GB18030' '$SYNC_TMP/gb.err'"

# The agent: a captive portal answers 200 with a login page; that is not delivery.
PORTAL_PORT=$(free_port)
mkdir -p "$SYNC_TMP/portal"
echo '<html><body>Please log in to the hotel Wi-Fi</body></html>' >"$SYNC_TMP/portal/index.html"
python3 - "$PORTAL_PORT" "$SYNC_TMP/portal/index.html" <<'PY' &
import http.server, sys
page = open(sys.argv[2], 'rb').read()
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        n = int(self.headers.get('Content-Length') or 0)
        if n: self.rfile.read(n)
        self.send_response(200); self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(page))); self.end_headers(); self.wfile.write(page)
    do_GET = do_POST = do_PUT = do_HEAD = answer
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
PY
sync_track $!
wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$PORTAL_PORT/"
TAB=$SYNC_TMP/tab/gw.db
"$FILL" --db "$TAB" --photos 3 --size 3000 --account 1001 --name 张三 --seed 7
"$SYNCD" --db "$TAB" --hub "http://127.0.0.1:$PORTAL_PORT" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/portal.log"
rc=$?
ok "agent behind a captive portal: fails (exit 1)" test "$rc" = 1
ok "  ...nothing marked sent" test "$(outbox_left "$TAB")" = "$(sqlite3 "$TAB" 'SELECT count(*) FROM outbox')"
ok "  ...and the store says why" \
    sh -c "sqlite3 '$TAB' \"SELECT value FROM settings WHERE key='sync.status'\" | grep -q 'captive portal'"

# TLS: verification is on by default; a private CA can be named with --ca-file.
if command -v openssl >/dev/null; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 -keyout "$SYNC_TMP/key.pem" -out "$SYNC_TMP/cert.pem" 2>/dev/null
    TLS_PORT=$(free_port)
    openssl s_server -quiet -accept "$TLS_PORT" -cert "$SYNC_TMP/cert.pem" -key "$SYNC_TMP/key.pem" \
        -www </dev/null >/dev/null 2>&1 &
    sync_track $!
    wait_for 5 sh -c "curl -sk -o /dev/null https://127.0.0.1:$TLS_PORT/"
    "$SYNCD" --db "$TAB" --hub "https://127.0.0.1:$TLS_PORT" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/tls.log"
    ok "a hub with an unknown certificate is refused (TLS verification is on)" \
        sh -c "test $? = 1 && grep -qi 'certificate' '$SYNC_TMP/tls.log'"
    "$SYNCD" --db "$TAB" --hub "https://127.0.0.1:$TLS_PORT" --token-file "$SYNC_TMP/token" \
        --ca-file "$SYNC_TMP/cert.pem" --once 2>"$SYNC_TMP/tls2.log"
    ok "  ...trusted with --ca-file, and then judged by its answer (not a hub)" \
        sh -c "test $? = 1 && grep -q 'did not come from a gridwalk hub' '$SYNC_TMP/tls2.log'"
    ok "  ...nothing marked sent" test "$(outbox_left "$TAB")" = "$(sqlite3 "$TAB" 'SELECT count(*) FROM outbox')"
else
    tap_fail "TLS checks" "openssl is not installed"
fi

echo "gw1_0000" >"$SYNC_TMP/badtoken"
chmod 600 "$SYNC_TMP/badtoken"
"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/badtoken" --once 2>"$SYNC_TMP/auth.log"
ok "agent with a refused token: exit 3" test "$?" = 3
ok "  ...the store keeps the auth error for the app" \
    test -n "$(sqlite3 "$TAB" "SELECT value FROM settings WHERE key='sync.auth_error'")"
ok "  ...nothing marked sent" test "$(outbox_left "$TAB")" -gt 0

"$SYNCD" --db "$TAB" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/good.log"
ok "agent with the right token: exit 0" test "$?" = 0
ok "  ...outbox empty" test "$(outbox_left "$TAB")" = 0
ok "  ...auth error cleared" test -z "$(sqlite3 "$TAB" "SELECT value FROM settings WHERE key='sync.auth_error'")"
ok "  ...last success recorded" test -n "$(sqlite3 "$TAB" "SELECT value FROM settings WHERE key='sync.last_success'")"

# A photo whose file vanished from the media store: held with a plain error, the rest goes on.
TAB2=$SYNC_TMP/tab2/gw.db
"$FILL" --db "$TAB2" --photos 2 --size 3000 --per-entry 2 --account 1001 --name 张三 --seed 8
GONE=$(sqlite3 "$TAB2" "SELECT b.sha256 FROM outbox_blobs b JOIN outbox o ON o.seq = b.seq ORDER BY o.seq LIMIT 1")
rm "$(dirname "$TAB2")/media/${GONE:0:2}/$GONE.jpg"
"$SYNCD" --db "$TAB2" --hub "$HUB_URL" --token-file "$SYNC_TMP/token" --once 2>"$SYNC_TMP/gone.log"
ok "a photo whose file is gone fails the pass (exit 1)" test $? = 1
ok "  ...is held for a person with the reason" test "$(sqlite3 "$TAB2" "SELECT count(*) FROM outbox
    WHERE state = 'failed' AND next_try_at IS NULL AND last_error LIKE '%missing from the media store%'")" = 1
ok "  ...and everything else was sent" test "$(outbox_left "$TAB2")" = 1
tap_done
