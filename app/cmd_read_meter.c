/* cmd_read_meter.c - `gridwalk read-meter`: read a meter over the optical probe.
 *
 * Without --customer it reads and prints. With --customer it also compares the meter
 * number the meter reports with the customer's recorded one (a different meter is never
 * stored), validates the reading against the customer's history and stores it with its
 * outbox row. A warning (below the previous reading, above the high limit, no consumption)
 * stops the store unless --confirm says the reader checked the display. --manual VALUE
 * --again VALUE --reason CODE store a typed reading when the probe fails. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/probe/session.h"
#include "app/readflow.h"
#include "app/reading_check.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char synopsis[] =
    "--port DEV [--protocol auto|dlt645|iec62056] [--baud N] [--json] [--transcript]\n"
    "       [--customer ACCOUNT [--db PATH] [--task UUID] [--confirm] [--lat D --lon D\n"
    "       [--accuracy M]]]\n"
    "   or: gridwalk read-meter --customer ACCOUNT --manual VALUE --again VALUE --reason CODE\n"
    "   or: gridwalk read-meter --customer ACCOUNT --skip CODE";

static void json_str(FILE *o, const char *s)
{
    fputc('"', o);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(o, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", o);
        else if (*p < 0x20)
            fprintf(o, "\\u%04x", *p);
        else
            fputc(*p, o);
    }
    fputc('"', o);
}

static const char *status_name(enum probe_reg_status s)
{
    return s == PROBE_REG_OK ? "ok" : s == PROBE_REG_ABSENT ? "absent" : "failed";
}

static void print_result(FILE *o, const struct probe_result *r, int json, int transcript,
                         const struct readflow_outcome *fo, const struct err *fail)
{
    if (json) {
        fprintf(o, "{\"ok\":%s,\"protocol\":", fail ? "false" : "true");
        json_str(o, r->protocol);
        fputs(",\"meter_reported\":", o);
        json_str(o, r->meter_reported);
        fputs(",\"address\":", o);
        json_str(o, r->address);
        fputs(",\"ident\":", o);
        json_str(o, r->ident);
        fputs(",\"registers\":[", o);
        for (size_t i = 0; i < r->nregs; i++) {
            const struct probe_reg *g = &r->regs[i];
            fprintf(o, "%s{\"id\":", i ? "," : "");
            json_str(o, g->id);
            fputs(",\"code\":", o);
            json_str(o, g->code);
            fputs(",\"value\":", o);
            if (g->status == PROBE_REG_OK)
                json_str(o, g->value);
            else
                fputs("null", o);
            fputs(",\"unit\":", o);
            json_str(o, g->unit);
            fprintf(o, ",\"status\":\"%s\",\"note\":", status_name(g->status));
            json_str(o, g->note);
            fputc('}', o);
        }
        fprintf(o,
                "],\"elapsed_ms\":%lld,\"wire_ms\":%.1f,\"mandated_ms\":%llu,"
                "\"echo_bytes\":%zu",
                (long long)r->elapsed_ms, (double)r->wire_us / 1000.0,
                (unsigned long long)r->mandated_ms, r->echo_bytes);
        if (fo) {
            fputs(",\"meter_match\":", o);
            fputs(fo->meter_match ? "true" : "false", o);
            fputs(",\"validation\":", o);
            json_str(o, fo->validation);
            fputs(",\"stored\":", o);
            if (fo->stored_uuid[0])
                json_str(o, fo->stored_uuid);
            else
                fputs("null", o);
        }
        if (fail) {
            fputs(",\"error\":", o);
            json_str(o, fail->msg);
        }
        if (transcript) {
            fputs(",\"transcript\":", o);
            json_str(o, r->transcript ? r->transcript : "");
        }
        fputs("}\n", o);
        return;
    }
    if (r->protocol[0])
        fprintf(o, "protocol   %s\n", r->protocol);
    if (r->ident[0])
        fprintf(o, "ident      %s\n", r->ident);
    if (r->meter_reported[0])
        fprintf(o, "meter      %s\n", r->meter_reported);
    for (size_t i = 0; i < r->nregs; i++) {
        const struct probe_reg *g = &r->regs[i];
        if (g->status == PROBE_REG_OK)
            fprintf(o, "%-20s %-14s %s\n", g->id, g->value, g->unit);
        else
            fprintf(o, "%-20s %-14s (%s)\n", g->id, status_name(g->status), g->note);
    }
    if (r->protocol[0])
        fprintf(o, "took %lld ms (bytes on the wire %.0f ms, protocol delays %llu ms)%s\n",
                (long long)r->elapsed_ms, (double)r->wire_us / 1000.0,
                (unsigned long long)r->mandated_ms,
                r->echo_bytes ? "; the probe echoes what it sends" : "");
    if (transcript && r->transcript)
        fprintf(o, "transcript:\n%s", r->transcript);
}

int cmd_read_meter(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'},     {"protocol", required_argument, NULL, 'P'},
        {"baud", required_argument, NULL, 'b'},     {"json", no_argument, NULL, 'j'},
        {"transcript", no_argument, NULL, 't'},     {"customer", required_argument, NULL, 'c'},
        {"db", required_argument, NULL, 'd'},       {"task", required_argument, NULL, 'T'},
        {"confirm", no_argument, NULL, 'y'},        {"manual", required_argument, NULL, 'm'},
        {"again", required_argument, NULL, 'a'},    {"reason", required_argument, NULL, 'r'},
        {"address", required_argument, NULL, 'A'},  {"skip", required_argument, NULL, 's'},
        {"lat", required_argument, NULL, 'L'},      {"lon", required_argument, NULL, 'O'},
        {"accuracy", required_argument, NULL, 'C'}, {NULL, 0, NULL, 0}};
    const char *port = NULL, *customer = NULL, *dbpath = NULL, *task = NULL;
    const char *manual = NULL, *again = NULL, *reason = NULL, *skip = NULL;
    struct readflow_position pos = {NAN, NAN, NAN};
    int have_pos = 0;
    struct probe_options po = {0};
    int json = 0, transcript = 0, confirm = 0, c, rc = CLI_EXIT_OK;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            port = optarg;
            break;
        case 'P':
            if (strcmp(optarg, "auto") == 0)
                po.protocol = PROBE_AUTO;
            else if (strcmp(optarg, "dlt645") == 0)
                po.protocol = PROBE_DLT645;
            else if (strcmp(optarg, "iec62056") == 0)
                po.protocol = PROBE_IEC62056;
            else
                return cli_usage("read-meter", synopsis, "unknown protocol '%s'", optarg);
            break;
        case 'b': {
            char *end = NULL;
            unsigned long b = strtoul(optarg, &end, 10);
            if (!end || *end || b < 300 || b > 115200)
                return cli_usage("read-meter", synopsis, "'%s' is not a baud rate", optarg);
            po.dlt_baud = (unsigned)b;
            po.iec_max_baud = (unsigned)b;
            break;
        }
        case 'j':
            json = 1;
            break;
        case 't':
            transcript = 1;
            break;
        case 'c':
            customer = optarg;
            break;
        case 'd':
            dbpath = optarg;
            break;
        case 'T':
            task = optarg;
            break;
        case 'y':
            confirm = 1;
            break;
        case 'm':
            manual = optarg;
            break;
        case 'a':
            again = optarg;
            break;
        case 'r':
            reason = optarg;
            break;
        case 'A':
            po.iec_address = optarg;
            break;
        case 's':
            skip = optarg;
            break;
        case 'L':
        case 'O':
        case 'C': {
            char *end = NULL;
            double v = strtod(optarg, &end);
            if (!end || *end || isnan(v))
                return cli_usage("read-meter", synopsis, "'%s' is not a number", optarg);
            if (c == 'L')
                pos.lat = v;
            else if (c == 'O')
                pos.lon = v;
            else
                pos.accuracy_m = v;
            have_pos = 1;
            break;
        }
        default:
            return cli_usage("read-meter", synopsis, "unknown option");
        }
    }
    if (optind != argc)
        return cli_usage("read-meter", synopsis, "unexpected argument '%s'", argv[optind]);
    if (have_pos && (isnan(pos.lat) || isnan(pos.lon)))
        return cli_usage("read-meter", synopsis, "a position needs both --lat and --lon");
    if (skip) {
        if (!customer)
            return cli_usage("read-meter", synopsis, "--skip needs --customer");
    } else if (manual) {
        if (!customer || !again || !reason)
            return cli_usage("read-meter", synopsis,
                             "a manual reading needs --customer, --again and --reason");
    } else if (!port) {
        return cli_usage("read-meter", synopsis, "--port is required");
    }

    struct err e = {0};
    struct probe_result r = {0};
    struct db *db = NULL;
    struct readflow_outcome fo = {0};
    if (manual || skip) {
        if (cli_open_db(dbpath, &db))
            return CLI_EXIT_FAIL;
        struct readflow_manual m = {.account = customer,
                                    .task_uuid = task,
                                    .value = manual,
                                    .value_again = again,
                                    .reason_code = reason,
                                    .confirmed = confirm,
                                    .pos = have_pos ? &pos : NULL};
        rc = skip ? readflow_store_skip(db, customer, task, skip, have_pos ? &pos : NULL, &fo, &e)
                  : readflow_store_manual(db, &m, &fo, &e);
        if (rc == GW_OK) {
            printf("stored %s (%s)\n", fo.stored_uuid, fo.validation);
        } else {
            rc = cli_fail("read-meter", &e);
        }
        db_close(db);
        return rc;
    }

    int prc = probe_read_meter(port, &po, &r, &e);
    if (prc) {
        print_result(json ? stdout : stderr, &r, json, transcript, NULL, &e);
        if (!json)
            cli_fail("read-meter", &e);
        probe_result_done(&r);
        return CLI_EXIT_FAIL;
    }
    if (customer) {
        if (cli_open_db(dbpath, &db)) {
            probe_result_done(&r);
            return CLI_EXIT_FAIL;
        }
        struct readflow_probe_read pr = {.account = customer,
                                         .task_uuid = task,
                                         .result = &r,
                                         .confirmed = confirm,
                                         .pos = have_pos ? &pos : NULL};
        int frc = readflow_store_probe(db, &pr, &fo, &e);
        print_result(stdout, &r, json, transcript, &fo, frc ? &e : NULL);
        if (frc) {
            if (!json)
                fprintf(stderr, "gridwalk: read-meter: %s%s\n",
                        !fo.meter_match && fo.customer_meter[0] ? "WARNING: " : "", e.msg);
            rc = CLI_EXIT_FAIL;
        } else if (!json) {
            printf("stored %s (%s)\n", fo.stored_uuid, fo.validation);
        }
        db_close(db);
    } else {
        print_result(stdout, &r, json, transcript, NULL, NULL);
    }
    probe_result_done(&r);
    return rc;
}
