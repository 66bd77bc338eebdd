/* cmd_export_bundle.c - `gridwalk export-bundle [--db PATH] FILE`: the outbox onto a USB stick.
 *
 * Writes every outbox row not yet confirmed by the hub, with the photo files they need, into
 * a bundle (sync/bundle.h) that `gridwalk-hub import-bundle FILE` takes in. The rows stay
 * queued: only the hub's own answer marks a row sent, so a lost stick loses nothing; when the
 * tablet meets the network later, the hub answers "duplicate" for what the bundle carried. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "data/outbox.h"
#include "data/mediastore.h"
#include "sync/bundle.h"
#include "sync/wire.h"

#include <stdio.h>
#include <string.h>

#define SYNOPSIS "[--db PATH] FILE"

int cmd_export_bundle(int argc, char **argv)
{
    const char *dbp = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            dbp = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return cli_usage("export-bundle", SYNOPSIS, "unexpected argument '%s'", argv[i]);
    }
    if (!file)
        return cli_usage("export-bundle", SYNOPSIS, "name the bundle file to write");
    struct db *db = NULL;
    if (cli_open_db(dbp, &db))
        return CLI_EXIT_FAIL;
    struct err e = {0};
    struct bundle_writer *w = NULL;
    char device[DB_UUID_LEN], now[DB_TIME_LEN], path[4096];
    int rc = db_device_id(db, device, &e);
    if (rc == GW_OK)
        rc = bundle_write_open(&w, file, device, &e);
    int64_t after = 0, records = 0;
    db_now(now);
    while (rc == GW_OK) {
        struct outbox_item *items = NULL;
        int n = 0;
        if ((rc = outbox_take(db, now, after, 200, 1, &items, &n, &e)) || n == 0) {
            outbox_items_free(items, n);
            break;
        }
        for (int i = 0; i < n && rc == GW_OK; i++) {
            json_t *rec = NULL;
            for (size_t k = 0; items[i].blobs && items[i].blobs[k] && rc == GW_OK; k++) {
                if ((rc = mediastore_file_for(db_path(db), items[i].blobs[k], path, sizeof path)))
                    err_set(&e, rc, "store path too long");
                else
                    rc = bundle_write_blob(w, items[i].blobs[k], path, &e);
            }
            if (rc == GW_OK)
                rc = wire_record_new(&rec, items[i].uuid, items[i].kind, items[i].entity_uuid,
                                     items[i].payload, (const char *const *)items[i].blobs, &e);
            if (rc == GW_OK)
                rc = bundle_write_record(w, rec, &e);
            json_decref(rec);
            records += rc == GW_OK;
        }
        after = items[n - 1].seq;
        outbox_items_free(items, n);
    }
    if (rc == GW_OK)
        rc = bundle_write_close(w, &e);
    else
        bundle_write_abort(w);
    db_close(db);
    if (rc)
        return cli_fail("export-bundle", &e);
    printf("%s: %lld records written; they stay queued until the hub confirms them\n", file,
           (long long)records);
    return CLI_EXIT_OK;
}
