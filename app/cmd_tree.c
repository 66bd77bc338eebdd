/* cmd_tree.c - the directory tree from the command line: `folder`, `entry`, `photo` and
 * `tree`. The same operations as the app's screens, through the same data/tree.h calls and
 * naming rules, so a script can build and inspect evidence folders. */
#include "gridwalk/config.h"

#include "app/cli.h"
#include "app/commands.h"
#include "app/config.h"
#include "app/i18n.h"
#include "app/tree_ops.h"
#include "data/customers.h"
#include "data/tree.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Options shared by the tree commands; NULL when not given. */
struct opts {
    const char *db, *customer, *category, *folder, *name, *appearance, *nameplate, *reason;
    int json;
    int nargs;
    char **args;
};

enum {
    O_DB = 1,
    O_CUSTOMER,
    O_CATEGORY,
    O_FOLDER,
    O_NAME,
    O_APPEARANCE,
    O_NAMEPLATE,
    O_REASON,
    O_JSON
};

/* Parses argv (argv[0] is the verb) into o; prints usage and returns non-zero on an unknown
 * option. */
static int parse(int argc, char **argv, const char *cmd, const char *synopsis, struct opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"customer", required_argument, NULL, O_CUSTOMER},
        {"category", required_argument, NULL, O_CATEGORY},
        {"folder", required_argument, NULL, O_FOLDER},
        {"name", required_argument, NULL, O_NAME},
        {"appearance", required_argument, NULL, O_APPEARANCE},
        {"nameplate", required_argument, NULL, O_NAMEPLATE},
        {"reason", required_argument, NULL, O_REASON},
        {"json", no_argument, NULL, O_JSON},
        {NULL, 0, NULL, 0},
    };
    int c;
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB:
            o->db = optarg;
            break;
        case O_CUSTOMER:
            o->customer = optarg;
            break;
        case O_CATEGORY:
            o->category = optarg;
            break;
        case O_FOLDER:
            o->folder = optarg;
            break;
        case O_NAME:
            o->name = optarg;
            break;
        case O_APPEARANCE:
            o->appearance = optarg;
            break;
        case O_NAMEPLATE:
            o->nameplate = optarg;
            break;
        case O_REASON:
            o->reason = optarg;
            break;
        case O_JSON:
            o->json = 1;
            break;
        default:
            return cli_usage(cmd, synopsis, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    return 0;
}

/* Opens --db, else the store config.ini's [sync] db names (the one gridwalk-syncd drains),
 * else the default. */
static int open_store(const struct opts *o, struct db **db)
{
    struct config cfg;
    struct err e = {0};
    if (!o->db) {
        if (config_load(&cfg, NULL, &e))
            return cli_fail("configuration", &e);
        if (cfg.db[0])
            return cli_open_db(cfg.db, db);
    }
    return cli_open_db(o->db, db);
}

static int parse_id(const char *s, int64_t *out)
{
    char *end = NULL;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

#define FOLDER_SYN                                                                                 \
    "new --customer ACCOUNT --category N NAME | rename ID NAME | remove ID --reason TEXT "         \
    "[--db PATH]"

int cmd_folder(int argc, char **argv)
{
    struct opts o;
    struct db *db = NULL;
    struct err e = {0};
    int rc;
    if (argc < 2)
        return cli_usage("folder", FOLDER_SYN, "say new, rename or remove");
    const char *verb = argv[1];
    if ((rc = parse(argc - 1, argv + 1, "folder", FOLDER_SYN, &o)))
        return rc;
    if (strcmp(verb, "new") == 0) {
        int64_t cat = 0, id = 0;
        struct customer cu;
        if (!o.customer || !o.category || o.nargs != 1)
            return cli_usage("folder", FOLDER_SYN, "new needs --customer, --category and a NAME");
        if (parse_id(o.category, &cat) || cat > 3)
            return cli_usage("folder", FOLDER_SYN, "--category is 1, 2 or 3");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (customers_get_by_account(db, o.customer, &cu, &e) ||
            tree_ops_folder_create(db, cu.id, (int)cat, o.args[0], &id, &e)) {
            rc = cli_fail("folder new", &e);
            goto out;
        }
        printf("%" PRId64 "\n", id);
    } else if (strcmp(verb, "rename") == 0) {
        int64_t id;
        if (o.nargs != 2 || parse_id(o.args[0], &id))
            return cli_usage("folder", FOLDER_SYN, "rename needs an ID and a NAME");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (tree_ops_folder_rename(db, id, o.args[1], &e))
            rc = cli_fail("folder rename", &e);
    } else if (strcmp(verb, "remove") == 0) {
        int64_t id;
        if (o.nargs != 1 || parse_id(o.args[0], &id) || !o.reason)
            return cli_usage("folder", FOLDER_SYN, "remove needs an ID and --reason");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (tree_ops_remove(db, TREE_FOLDER, id, o.reason, &e))
            rc = cli_fail("folder remove", &e);
    } else {
        return cli_usage("folder", FOLDER_SYN, "unknown action '%s'", verb);
    }
out:
    db_close(db);
    return rc;
}

#define ENTRY_SYN                                                                                  \
    "new --folder ID [--name TEXT] [--appearance TEXT] [--nameplate TEXT] | edit ID [--name "      \
    "TEXT] [--appearance TEXT] [--nameplate TEXT] | remove ID --reason TEXT [--db PATH]"

int cmd_entry(int argc, char **argv)
{
    struct opts o;
    struct db *db = NULL;
    struct err e = {0};
    int rc;
    if (argc < 2)
        return cli_usage("entry", ENTRY_SYN, "say new, edit or remove");
    const char *verb = argv[1];
    if ((rc = parse(argc - 1, argv + 1, "entry", ENTRY_SYN, &o)))
        return rc;
    if (strcmp(verb, "new") == 0) {
        int64_t folder, id = 0;
        if (!o.folder || parse_id(o.folder, &folder) || o.nargs != 0)
            return cli_usage("entry", ENTRY_SYN, "new needs --folder ID");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (tree_ops_entry_create(db, folder, o.name, time(NULL), o.appearance, o.nameplate, NAN,
                                  NAN, NAN, &id, NULL, &e)) {
            rc = cli_fail("entry new", &e);
            goto out;
        }
        printf("%" PRId64 "\n", id);
    } else if (strcmp(verb, "edit") == 0) {
        int64_t id;
        if (o.nargs != 1 || parse_id(o.args[0], &id))
            return cli_usage("entry", ENTRY_SYN, "edit needs an ID");
        if (!o.name && !o.appearance && !o.nameplate)
            return cli_usage("entry", ENTRY_SYN, "edit needs --name, --appearance or --nameplate");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (tree_ops_entry_edit(db, id, o.name, o.appearance, o.nameplate, &e))
            rc = cli_fail("entry edit", &e);
    } else if (strcmp(verb, "remove") == 0) {
        int64_t id;
        if (o.nargs != 1 || parse_id(o.args[0], &id) || !o.reason)
            return cli_usage("entry", ENTRY_SYN, "remove needs an ID and --reason");
        if ((rc = open_store(&o, &db)))
            return rc;
        if (tree_ops_remove(db, TREE_ENTRY, id, o.reason, &e))
            rc = cli_fail("entry remove", &e);
    } else {
        return cli_usage("entry", ENTRY_SYN, "unknown action '%s'", verb);
    }
out:
    db_close(db);
    return rc;
}

#define PHOTO_SYN "remove ID --reason TEXT [--db PATH]"

int cmd_photo_remove(int argc, char **argv)
{
    struct opts o;
    struct db *db = NULL;
    struct err e = {0};
    int64_t id;
    int rc;
    if (argc < 2 || strcmp(argv[1], "remove") != 0)
        return cli_usage("photo", PHOTO_SYN, "say remove");
    if ((rc = parse(argc - 1, argv + 1, "photo", PHOTO_SYN, &o)))
        return rc;
    if (o.nargs != 1 || parse_id(o.args[0], &id) || !o.reason)
        return cli_usage("photo", PHOTO_SYN, "remove needs an ID and --reason");
    if ((rc = open_store(&o, &db)))
        return rc;
    if (tree_ops_remove(db, TREE_PHOTO, id, o.reason, &e))
        rc = cli_fail("photo remove", &e);
    db_close(db);
    return rc;
}

static json_t *jnum_or_null(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* Builds the customer's whole tree as JSON; NULL with e filled on failure. */
static json_t *tree_json(struct db *db, const struct config *cfg, const struct customer *cu,
                         struct err *e)
{
    json_t *root = json_object(), *cats = json_array();
    json_object_set_new(root, "account", json_string(cu->account));
    json_object_set_new(root, "name", json_string(cu->name));
    json_object_set_new(root, "categories", cats);
    for (int cat = 1; cat <= TREE_CATEGORIES; cat++) {
        struct tree_folder *fs = NULL;
        size_t nf = 0;
        json_t *jc = json_object(), *jfs = json_array();
        json_array_append_new(cats, jc);
        json_object_set_new(jc, "category", json_integer(cat));
        json_object_set_new(jc, "name", json_string(config_category_name(cfg, cat)));
        json_object_set_new(jc, "folders", jfs);
        if (tree_list_folders(db, cu->id, cat, &fs, &nf, e))
            goto fail;
        for (size_t i = 0; i < nf; i++) {
            struct tree_entry *es = NULL;
            size_t ne = 0;
            json_t *jf = json_object(), *jes = json_array();
            json_array_append_new(jfs, jf);
            json_object_set_new(jf, "id", json_integer(fs[i].id));
            json_object_set_new(jf, "uuid", json_string(fs[i].uuid));
            json_object_set_new(jf, "name", json_string(fs[i].name));
            json_object_set_new(jf, "created_at", json_string(fs[i].created_at));
            json_object_set_new(jf, "photos", json_integer(fs[i].photos));
            json_object_set_new(jf, "sync", json_string(tree_sync_name(fs[i].sync)));
            json_object_set_new(jf, "entries", jes);
            if (tree_list_entries(db, fs[i].id, &es, &ne, e)) {
                free(fs);
                goto fail;
            }
            for (size_t j = 0; j < ne; j++) {
                const struct tree_entry *en = &es[j];
                json_t *je = json_object();
                json_array_append_new(jes, je);
                json_object_set_new(je, "id", json_integer(en->id));
                json_object_set_new(je, "uuid", json_string(en->uuid));
                json_object_set_new(je, "name", json_string(en->name));
                json_object_set_new(je, "appearance_remark", json_string(en->appearance_remark));
                json_object_set_new(je, "nameplate_remark", json_string(en->nameplate_remark));
                json_object_set_new(je, "created_at", json_string(en->created_at));
                json_object_set_new(je, "updated_at", json_string(en->updated_at));
                json_object_set_new(je, "version", json_integer(en->version));
                json_object_set_new(je, "lat", jnum_or_null(en->lat));
                json_object_set_new(je, "lon", jnum_or_null(en->lon));
                json_object_set_new(je, "appearance_photos", json_integer(en->appearance_photos));
                json_object_set_new(je, "nameplate_photos", json_integer(en->nameplate_photos));
                json_object_set_new(je, "sync", json_string(tree_sync_name(en->sync)));
            }
            free(es);
        }
        free(fs);
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}

static void print_tree_text(json_t *root)
{
    size_t i, j, k;
    json_t *cat, *f, *en;
    printf("%s %s\n", json_string_value(json_object_get(root, "account")),
           json_string_value(json_object_get(root, "name")));
    json_array_foreach(json_object_get(root, "categories"), i, cat)
    {
        printf("%lld %s\n", (long long)json_integer_value(json_object_get(cat, "category")),
               json_string_value(json_object_get(cat, "name")));
        json_array_foreach(json_object_get(cat, "folders"), j, f)
        {
            printf("  [%lld] %s  (%s: %zu, %s: %lld)\n",
                   (long long)json_integer_value(json_object_get(f, "id")),
                   json_string_value(json_object_get(f, "name")), _("entries"),
                   json_array_size(json_object_get(f, "entries")), _("photos"),
                   (long long)json_integer_value(json_object_get(f, "photos")));
            json_array_foreach(json_object_get(f, "entries"), k, en)
            {
                printf("    [%lld] %s  (%s: %lld, %s: %lld)  %s\n",
                       (long long)json_integer_value(json_object_get(en, "id")),
                       json_string_value(json_object_get(en, "name")), _("appearance"),
                       (long long)json_integer_value(json_object_get(en, "appearance_photos")),
                       _("nameplate"),
                       (long long)json_integer_value(json_object_get(en, "nameplate_photos")),
                       json_string_value(json_object_get(en, "sync")));
                const char *a = json_string_value(json_object_get(en, "appearance_remark"));
                const char *n = json_string_value(json_object_get(en, "nameplate_remark"));
                if (a && *a)
                    printf("        %s: %s\n", _("appearance remark"), a);
                if (n && *n)
                    printf("        %s: %s\n", _("nameplate remark"), n);
            }
        }
    }
}

#define TREE_SYN "ACCOUNT [--json] [--db PATH]"

int cmd_tree(int argc, char **argv)
{
    struct opts o;
    struct db *db = NULL;
    struct err e = {0};
    struct customer cu;
    struct config cfg;
    json_t *root = NULL;
    int rc;
    if ((rc = parse(argc, argv, "tree", TREE_SYN, &o)))
        return rc;
    if (o.nargs != 1)
        return cli_usage("tree", TREE_SYN, "give one customer account");
    if (config_load(&cfg, NULL, &e))
        return cli_fail("configuration", &e);
    if ((rc = open_store(&o, &db)))
        return rc;
    if (customers_get_by_account(db, o.args[0], &cu, &e) ||
        !(root = tree_json(db, &cfg, &cu, &e))) {
        rc = cli_fail("tree", &e);
        goto out;
    }
    if (o.json) {
        char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        if (!s)
            abort();
        puts(s);
        free(s);
    } else {
        print_tree_text(root);
    }
out:
    json_decref(root);
    db_close(db);
    return rc;
}
