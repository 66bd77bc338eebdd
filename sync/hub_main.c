/* hub_main.c - the gridwalk-hub program: the server and its admin commands.
 *
 *   gridwalk-hub serve --data DIR --listen ADDR:PORT [--max-blob BYTES] [--max-request BYTES]
 *   gridwalk-hub device add NAME            (prints the device's token)
 *   gridwalk-hub user add NAME --role supervisor|admin [--region R]   (password on stdin)
 *   gridwalk-hub import-customers FILE.csv [--region R]
 *   gridwalk-hub task add --device NAME --account ACCOUNT --kind inspection|meter-reading
 *                         [--due DATE] [--note TEXT]
 *   gridwalk-hub task import FILE.csv     (kind,account,due,assignee,instructions[,priority])
 *   gridwalk-hub task list [--json] [--late] [--attention] [--state S] [--device NAME]
 *   gridwalk-hub task cancel UUID | task reassign UUID --device NAME
 *   gridwalk-hub list [--limit N]           (what arrived, newest first)
 *   gridwalk-hub stats                      (records and photo blobs held)
 *   gridwalk-hub pull --customer X [--since DATE] --out DIR
 *   gridwalk-hub import-bundle FILE [--device NAME]
 * Every command takes --data DIR (default $GRIDWALK_HUB_DATA, else /var/lib/gridwalk-hub).
 * Exit status: 0 done, 1 failed (message on stderr), 2 bad usage. */
#include "gridwalk/config.h"

#include "sync/bundle.h"
#include "sync/hub_http.h"
#include "sync/hub_store.h"
#include "app/naming.h"
#include "sync/hub_tree.h"
#include "sync/wire.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: gridwalk-hub COMMAND [--data DIR] ...\n"
    "  serve --listen ADDR:PORT [--max-blob BYTES] [--max-request BYTES]\n"
    "                                                run the hub (foreground; SIGTERM stops);\n"
    "                                                --max-request caps a records request\n"
    "                                                (default 8 MiB)\n"
    "  device add NAME                               enrol a device, print its token\n"
    "  user add NAME --role supervisor|admin [--region R]   password on standard input\n"
    "  import-customers FILE.csv [--region R]        load customers (the app's CSV)\n"
    "  task add --device D --customer ACCOUNT --kind inspection|meter-reading [--due DATE]\n"
    "           [--note TEXT]                        assign a task to a device (--account = --customer)\n"
    "  task import FILE.csv                          tasks in bulk: kind,account,due,assignee,\n"
    "                                                instructions[,priority]; all or nothing\n"
    "  task list [--json] [--late] [--attention] [--state S] [--device D]\n"
    "                                                tasks with state, result and evidence\n"
    "                                                (--attention: late or failed)\n"
    "  task cancel UUID | task reassign UUID --device D   withdraw a task from its device\n"
    "  list [--limit N]                              what arrived, newest first\n"
    "  stats                                         records and photo blobs held\n"
    "  pull --customer ACCOUNT [--since DATE] --out DIR   copy a customer's evidence tree\n"
    "  import-bundle FILE [--device NAME]            take in a bundle from a USB stick (from\n"
    "                                                that tablet: its task reports count as its)\n"
    "--data DIR defaults to $GRIDWALK_HUB_DATA, else /var/lib/gridwalk-hub.\n";

static int fail(const char *what, const struct err *e)
{
    fprintf(stderr, "gridwalk-hub: %s: %s\n", what, e->msg);
    return 1;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gridwalk-hub: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return 2;
}

struct opts {
    const char *data, *listen, *role, *region, *device, *customer, *kind, *due, *note, *since,
        *out, *state;
    long long max_blob, max_request;
    int limit, json, late, attention;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},   {"listen", required_argument, NULL, 'l'},
        {"role", required_argument, NULL, 'r'},   {"region", required_argument, NULL, 'g'},
        {"device", required_argument, NULL, 'v'}, {"customer", required_argument, NULL, 'c'},
        {"kind", required_argument, NULL, 'k'},   {"due", required_argument, NULL, 'u'},
        {"note", required_argument, NULL, 'n'},   {"since", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},    {"max-blob", required_argument, NULL, 'b'},
        {"limit", required_argument, NULL, 'm'},  {"account", required_argument, NULL, 'c'},
        {"max-request", required_argument, NULL, 'q'},
        {"state", required_argument, NULL, 'S'},  {"json", no_argument, NULL, 'J'},
        {"late", no_argument, NULL, 'L'},         {"attention", no_argument, NULL, 'A'},
        {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': o->data = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'r': o->role = optarg; break;
        case 'g': o->region = optarg; break;
        case 'v': o->device = optarg; break;
        case 'c': o->customer = optarg; break;
        case 'k': o->kind = optarg; break;
        case 'u': o->due = optarg; break;
        case 'n': o->note = optarg; break;
        case 's': o->since = optarg; break;
        case 'o': o->out = optarg; break;
        case 'b': o->max_blob = strtoll(optarg, NULL, 10); break;
        case 'q': o->max_request = strtoll(optarg, NULL, 10); break;
        case 'm': o->limit = (int)strtol(optarg, NULL, 10); break;
        case 'S': o->state = optarg; break;
        case 'J': o->json = 1; break;
        case 'L': o->late = 1; break;
        case 'A': o->attention = 1; break;
        default: return -1;
        }
    }
    if (!o->data)
        o->data = getenv("GRIDWALK_HUB_DATA");
    if (!o->data || !*o->data)
        o->data = "/var/lib/gridwalk-hub";
    return optind;
}

static int cmd_serve(struct hub_store *hs, const struct opts *o)
{
    struct err e = {0};
    struct hub_http *h = NULL;
    struct hub_limits lim = {o->max_blob > 0 ? o->max_blob : (64LL << 20),
                             o->max_request > 0 ? o->max_request : WIRE_MAX_RECORDS_BODY,
                             WIRE_MAX_BATCH};
    if (!o->listen)
        return usage("serve needs --listen ADDR:PORT");
    /* Block the stop signals before the server thread starts, so only sigwait sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int swept = hub_blob_sweep(hs, 14 * 24 * 3600);
    if (swept)
        fprintf(stderr, "gridwalk-hub: removed %d partial uploads untouched for 14 days\n", swept);
    if (hub_http_start(&h, hs, o->listen, &lim, &e))
        return fail("serve", &e);
    fprintf(stderr, "gridwalk-hub: serving %s on %s (protocol %s)\n", hub_store_dir(hs),
            o->listen, WIRE_VERSION);
    int sig = 0;
    while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
        ;
    fprintf(stderr, "gridwalk-hub: signal %d: finishing open requests and stopping\n", sig);
    hub_http_stop(h);
    return 0;
}

static int read_password(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin))
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* ---- pull: write a customer's tree into a folder ---- */

static int mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return (mkdir(buf, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

static int copy_file(const char *from, const char *to, struct err *e)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.part", to);
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return err_set(e, GW_EIO, "cannot read %s: %s", from, strerror(errno));
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return err_set(e, GW_EIO, "cannot write %s: %s", tmp, strerror(errno));
    }
    char buf[65536];
    ssize_t n;
    int rc = GW_OK;
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            rc = err_set(e, GW_EIO, "cannot write %s: %s", tmp, strerror(errno));
            break;
        }
    close(in);
    if (close(out) != 0 && rc == GW_OK)
        rc = err_set(e, GW_EIO, "cannot write %s", tmp);
    if (rc == GW_OK && rename(tmp, to) != 0)
        rc = err_set(e, GW_EIO, "cannot rename %s: %s", tmp, strerror(errno));
    if (rc)
        unlink(tmp);
    return rc;
}

/* Writes a text file of the tree unless the same bytes are there already; 1 when written. */
static int pull_text(struct hub_store *hs, const struct tree_node *t, const char *path,
                     struct err *e)
{
    char *text = NULL, tmp[4200];
    size_t len = 0;
    int rc = tree_text(hs, t, &text, &len, e);
    if (rc)
        return -1;
    FILE *f = fopen(path, "rb");
    if (f) {
        char *have = malloc(len + 1);
        size_t got = have ? fread(have, 1, len + 1, f) : 0;
        int same = have && got == len && memcmp(have, text, len) == 0;
        free(have);
        fclose(f);
        if (same) {
            free(text);
            return 0;
        }
    }
    snprintf(tmp, sizeof tmp, "%s.part", path);
    f = fopen(tmp, "wb");
    int bad = !f || fwrite(text, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad || rename(tmp, path) != 0) {
        err_set(e, GW_EIO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(text);
        return -1;
    }
    free(text);
    return 1;
}

static int pull_walk(struct hub_store *hs, const struct tree_node *dir, const char *path,
                     const char *since, int64_t *files, struct err *e)
{
    struct tree_list l = {0};
    char child[4096], blob[4096];
    int rc = tree_children(hs, NULL, dir, since, &l, e);
    if (rc == GW_OK && mkdirs(path) != 0)
        rc = err_set(e, GW_EIO, "cannot create %s: %s", path, strerror(errno));
    for (int i = 0; i < l.n && rc == GW_OK; i++) {
        snprintf(child, sizeof child, "%s/%s", path, l.v[i].name);
        if (l.v[i].level != TL_FILE) {
            rc = pull_walk(hs, &l.v[i], child, since, files, e);
            continue;
        }
        if (l.v[i].file != TF_PHOTO) {
            /* Remarks change with a new version of the entry: compared by content. */
            int w = pull_text(hs, &l.v[i], child, e);
            if (w < 0)
                rc = e->code ? e->code : GW_EIO;
            else
                *files += w;
            continue;
        }
        struct stat sb;
        if (stat(child, &sb) == 0 && sb.st_size == l.v[i].size)
            continue; /* already pulled: content-addressed, so same name and size = same file */
        hub_blob_path(hs, l.v[i].sha, blob, sizeof blob);
        if ((rc = copy_file(blob, child, e)) == GW_OK)
            (*files)++;
    }
    tree_list_free(&l);
    return rc;
}

static void first_customer(void *ctx, const char *const *cols)
{
    struct tree_node *t = ctx;
    char raw[512];
    t->level = TL_CUSTOMER;
    snprintf(t->key, sizeof t->key, "%s", cols[0]);
    snprintf(raw, sizeof raw, "%s%s%s", cols[0], cols[1][0] ? " " : "", cols[1]);
    naming_safe(raw, t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", cols[2]);
}

static int cmd_pull(struct hub_store *hs, const struct opts *o)
{
    struct err e = {0};
    struct tree_node cust;
    if (!o->customer || !o->out)
        return usage("pull needs --customer ACCOUNT and --out DIR");
    memset(&cust, 0, sizeof cust);
    if (hub_q_customers(hs, NULL, o->customer, first_customer, &cust, &e))
        return fail("pull", &e);
    if (cust.level != TL_CUSTOMER) {
        fprintf(stderr, "gridwalk-hub: pull: customer %s has no evidence on this hub\n",
                o->customer);
        return 1;
    }
    char path[4096];
    int64_t files = 0;
    snprintf(path, sizeof path, "%s/%s", o->out, cust.name);
    if (pull_walk(hs, &cust, path, o->since, &files, &e))
        return fail("pull", &e);
    printf("%s: %lld new files\n", path, (long long)files);
    return 0;
}

/* ---- import-bundle ---- */

struct import_ctx {
    struct hub_store *hs;
    int64_t device_id; /* the tablet the bundle came from (--device), 0 when not said */
    int64_t blobs, stored, duplicate, refused;
};

static int import_blob(void *ctx, struct bundle_reader *r, const char *sha, int64_t size,
                       struct err *e)
{
    struct import_ctx *x = ctx;
    int64_t have;
    char buf[65536];
    if (hub_blob_state(x->hs, sha, &have) == HUB_BLOB_COMPLETE)
        return GW_OK; /* the same bytes by definition; skip reading them */
    int fd;
    int rc = hub_blob_begin(x->hs, sha, 0, &fd, e);
    if (rc)
        return rc;
    ssize_t n;
    while ((n = bundle_blob_read(r, buf, sizeof buf)) > 0)
        if (write(fd, buf, (size_t)n) != n) {
            close(fd);
            return err_set(e, GW_EIO, "cannot store blob %s: %s", sha, strerror(errno));
        }
    close(fd);
    if (n < 0)
        return err_set(e, GW_ECORRUPT, "the bundle's copy of blob %s is damaged", sha);
    rc = hub_blob_finish(x->hs, sha, size, e);
    if (rc == GW_ECORRUPT) {
        fprintf(stderr, "gridwalk-hub: import-bundle: %s\n", e->msg);
        x->refused++;
        return GW_OK; /* the records naming it will be refused for the missing blob */
    }
    if (rc == GW_OK)
        x->blobs++;
    return rc;
}

static int import_record(void *ctx, json_t *rec, struct err *e)
{
    struct import_ctx *x = ctx;
    char msg[GW_ERR_MSG_MAX];
    (void)e;
    enum hub_ingest s = hub_ingest_record(x->hs, x->device_id, rec, msg, sizeof msg);
    if (s == HUB_IN_STORED)
        x->stored++;
    else if (s == HUB_IN_DUPLICATE)
        x->duplicate++;
    else {
        x->refused++;
        fprintf(stderr, "gridwalk-hub: import-bundle: %s: %s\n", hub_ingest_name(s), msg);
        if (s == HUB_IN_ERROR)
            return err_set(e, GW_EDB, "%s", msg);
    }
    return GW_OK;
}

static int cmd_import_bundle(struct hub_store *hs, const char *file, const char *device)
{
    struct err e = {0};
    struct import_ctx x = {hs, 0, 0, 0, 0, 0};
    /* Said by the admin who took the stick from that tablet: its task reports count as that
     * device's work, exactly as if they had come over the network. */
    if (device && hub_device_id(hs, device, &x.device_id, &e))
        return fail("import-bundle", &e);
    struct bundle_sink sink = {import_blob, import_record, &x};
    if (hub_batch_begin(hs, &e))
        return fail("import-bundle", &e);
    int rc = bundle_read(file, &sink, &e);
    if (rc == GW_OK)
        rc = hub_batch_commit(hs, &e);
    else
        hub_batch_commit(hs, NULL); /* what was taken in is complete and valid: keep it */
    printf("%s: %lld blobs new, %lld records stored, %lld already here, %lld refused\n", file,
           (long long)x.blobs, (long long)x.stored, (long long)x.duplicate, (long long)x.refused);
    if (rc)
        return fail("import-bundle", &e);
    return x.refused ? 1 : 0;
}

static int cmd_task(struct hub_store *hs, const char *sub, const struct opts *o, char **args,
                    int nargs)
{
    struct err e = {0};
    if (strcmp(sub, "import") == 0) {
        int64_t n = 0;
        if (nargs != 1)
            return usage("task import FILE.csv");
        FILE *f = fopen(args[0], "r");
        if (!f) {
            fprintf(stderr, "gridwalk-hub: cannot read %s: %s\n", args[0], strerror(errno));
            return 1;
        }
        int rc = hub_task_import(hs, f, &n, &e);
        fclose(f);
        if (rc)
            return fail(args[0], &e);
        printf("%lld tasks imported\n", (long long)n);
        return 0;
    }
    if (strcmp(sub, "list") == 0) {
        struct hub_task_query q = {o->state, o->device, o->late, o->attention, NULL};
        return hub_task_list(hs, &q, o->json, stdout, &e) ? fail("task list", &e) : 0;
    }
    if (strcmp(sub, "cancel") == 0) {
        if (nargs != 1)
            return usage("task cancel UUID");
        return hub_task_cancel(hs, args[0], &e) ? fail("task cancel", &e) : 0;
    }
    if (nargs != 1 || !o->device)
        return usage("task reassign UUID --device NAME");
    return hub_task_reassign(hs, args[0], o->device, &e) ? fail("task reassign", &e) : 0;
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct err e = {0};
    struct hub_store *hs = NULL;
    int rc = 0;
    setlocale(LC_ALL, "C.UTF-8");
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    const char *sub = NULL;
    int shift = 1;
    if (strcmp(cmd, "task") == 0) {
        static const char *const subs[] = {"add", "import", "list", "cancel", "reassign"};
        int known = 0;
        for (size_t i = 0; argc >= 3 && i < sizeof subs / sizeof subs[0]; i++)
            known |= strcmp(argv[2], subs[i]) == 0;
        if (!known)
            return usage("task: the subcommands are add, import, list, cancel, reassign");
        sub = argv[2];
        shift = 2;
    } else if ((strcmp(cmd, "device") == 0 || strcmp(cmd, "user") == 0)) {
        if (argc < 3 || strcmp(argv[2], "add") != 0)
            return usage("%s: the only subcommand is add", cmd);
        sub = argv[2];
        shift = 2;
    }
    int first = parse_opts(argc - shift, argv + shift, &o);
    if (first < 0)
        return usage("%s: unknown option", cmd);
    char **args = argv + shift + first;
    int nargs = argc - shift - first;
    if (strcmp(cmd, "serve") && strcmp(cmd, "device") && strcmp(cmd, "user") &&
        strcmp(cmd, "import-customers") && strcmp(cmd, "task") && strcmp(cmd, "list") &&
        strcmp(cmd, "stats") && strcmp(cmd, "pull") && strcmp(cmd, "import-bundle"))
        return usage("unknown command '%s'", cmd);
    if (hub_store_open(&hs, o.data, &e))
        return fail(o.data, &e);
    if (strcmp(cmd, "serve") == 0)
        rc = cmd_serve(hs, &o);
    else if (strcmp(cmd, "device") == 0) {
        char token[HUB_TOKEN_LEN];
        if (nargs != 1)
            rc = usage("device add NAME");
        else if (hub_device_add(hs, args[0], token, &e))
            rc = fail("device add", &e);
        else
            printf("%s\n", token);
    } else if (strcmp(cmd, "user") == 0) {
        char pw[1024];
        if (nargs != 1 || !o.role)
            rc = usage("user add NAME --role supervisor|admin [--region R]");
        else if (read_password(pw, sizeof pw) != 0) {
            fprintf(stderr, "gridwalk-hub: user add: give the password on standard input\n");
            rc = 1;
        } else if (hub_user_add(hs, args[0], o.role, o.region, pw, &e))
            rc = fail("user add", &e);
        else
            fprintf(stderr, "gridwalk-hub: user %s (%s%s%s) saved\n", args[0], o.role,
                    o.region ? ", region " : "", o.region ? o.region : "");
        explicit_bzero(pw, sizeof pw);
    } else if (strcmp(cmd, "import-customers") == 0) {
        int64_t n = 0;
        FILE *f = nargs == 1 ? fopen(args[0], "r") : NULL;
        if (nargs != 1)
            rc = usage("import-customers FILE.csv");
        else if (!f) {
            fprintf(stderr, "gridwalk-hub: cannot read %s: %s\n", args[0], strerror(errno));
            rc = 1;
        } else if (hub_import_customers(hs, f, o.region, &n, &e))
            rc = fail(args[0], &e);
        else
            printf("%lld customers imported\n", (long long)n);
        if (f)
            fclose(f);
    } else if (strcmp(cmd, "task") == 0 && strcmp(sub, "add") != 0)
        rc = cmd_task(hs, sub, &o, args, nargs);
    else if (strcmp(cmd, "task") == 0) {
        char uuid[37];
        if (!o.device || !o.customer || !o.kind)
            rc = usage("task add --device D --account ACCOUNT --kind KIND");
        else if (hub_task_add(hs, o.device, o.kind, o.customer, o.due, o.note, uuid, &e))
            rc = fail("task add", &e);
        else
            printf("%s\n", uuid);
    } else if (strcmp(cmd, "list") == 0) {
        if (hub_list_records(hs, stdout, o.limit > 0 ? o.limit : 50, &e))
            rc = fail("list", &e);
    } else if (strcmp(cmd, "stats") == 0) {
        int64_t recs = 0, blobs = 0;
        if (hub_stats(hs, &recs, &blobs, &e))
            rc = fail("stats", &e);
        else
            printf("records %lld\nphoto_blobs %lld\n", (long long)recs, (long long)blobs);
    } else if (strcmp(cmd, "pull") == 0)
        rc = cmd_pull(hs, &o);
    else if (strcmp(cmd, "import-bundle") == 0)
        rc = nargs == 1 ? cmd_import_bundle(hs, args[0], o.device)
                        : usage("import-bundle FILE [--device NAME]");
    hub_store_close(hs);
    return rc;
}
