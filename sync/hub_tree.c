/* hub_tree.c - the evidence tree over the hub's tables (see hub_tree.h). */
#include "gridwalk/config.h"

#include "app/naming.h"
#include "sync/hub_tree.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void tree_root(struct tree_node *out)
{
    memset(out, 0, sizeof *out);
    out->level = TL_ROOT;
    snprintf(out->name, sizeof out->name, "/");
    /* The root changes whenever anything arrives; "now" is the honest modification time. */
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out->mtime, sizeof out->mtime, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

void tree_list_free(struct tree_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

static struct tree_node *push(struct tree_list *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        struct tree_node *nv = realloc(l->v, (size_t)l->cap * sizeof *nv);
        if (!nv)
            abort();
        l->v = nv;
    }
    struct tree_node *t = &l->v[l->n++];
    memset(t, 0, sizeof *t);
    return t;
}

struct ctx {
    struct tree_list *l;
    const struct tree_node *dir;
};

static void on_customer(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    char raw[512];
    t->level = TL_CUSTOMER;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(raw, sizeof raw, "%s%s%s", c[0], c[1][0] ? " " : "", c[1]);
    naming_safe(raw, t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_folder(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    t->level = TL_FOLDER;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    naming_safe(c[1], t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_entry(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    t->level = TL_ENTRY;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    naming_safe(c[1], t->name, sizeof t->name);
    snprintf(t->mtime, sizeof t->mtime, "%s", c[2]);
}

static void on_photo(void *p, const char *const *c)
{
    struct ctx *x = p;
    struct tree_node *t = push(x->l);
    const char *ta = c[3];
    char stamp[32] = "";
    size_t k = 0;
    /* "2026-11-22T14:03:07.123Z" -> "20261122-140307": sortable, safe everywhere. */
    for (size_t i = 0; ta[i] && ta[i] != '.' && k + 1 < sizeof stamp; i++) {
        if (ta[i] >= '0' && ta[i] <= '9')
            stamp[k++] = ta[i];
        else if (ta[i] == 'T')
            stamp[k++] = '-';
    }
    stamp[k] = '\0';
    t->level = TL_FILE;
    snprintf(t->key, sizeof t->key, "%s", c[0]);
    snprintf(t->sha, sizeof t->sha, "%s", c[1]);
    t->size = strtoll(c[2], NULL, 10);
    snprintf(t->name, sizeof t->name, "%s_%.8s.jpg", stamp[0] ? stamp : "photo", c[1]);
    snprintf(t->mtime, sizeof t->mtime, "%s", ta);
}

/* Siblings with the same safe name get " (2)", " (3)"... in listing (creation) order. */
static void make_unique(struct tree_list *l)
{
    for (int i = 1; i < l->n; i++) {
        int dup = 1;
        for (int j = 0; j < i; j++)
            if (strcmp(l->v[i].name, l->v[j].name) == 0)
                dup++;
        if (dup == 1)
            continue;
        char base[256], ext[16] = "";
        snprintf(base, sizeof base, "%s", l->v[i].name);
        char *dot = l->v[i].level == TL_FILE ? strrchr(base, '.') : NULL;
        if (dot) {
            snprintf(ext, sizeof ext, "%s", dot);
            *dot = '\0';
        }
        snprintf(l->v[i].name, sizeof l->v[i].name, "%.200s (%d)%s", base, dup, ext);
    }
}

int tree_children(struct hub_store *hs, const struct hub_user *u, const struct tree_node *dir,
                  const char *since, struct tree_list *l, struct err *e)
{
    struct ctx x = {l, dir};
    int rc = GW_OK;
    l->n = 0;
    switch (dir->level) {
    case TL_ROOT:
        rc = hub_q_customers(hs, u, NULL, on_customer, &x, e);
        break;
    case TL_CUSTOMER:
        for (int c = 1; c <= 3; c++) {
            struct tree_node *t = push(l);
            t->level = TL_CATEGORY;
            t->category = c;
            snprintf(t->key, sizeof t->key, "%s", dir->key);
            naming_safe(hub_category_name(hs, c), t->name, sizeof t->name);
            snprintf(t->mtime, sizeof t->mtime, "%s", dir->mtime);
        }
        break;
    case TL_CATEGORY:
        rc = hub_q_folders(hs, dir->key, dir->category, on_folder, &x, e);
        break;
    case TL_FOLDER:
        rc = hub_q_entries(hs, dir->key, since, on_entry, &x, e);
        break;
    case TL_ENTRY:
        for (int s = 0; s < 2; s++) {
            struct tree_node *t = push(l);
            t->level = TL_SUB;
            snprintf(t->key, sizeof t->key, "%s", dir->key);
            snprintf(t->sub, sizeof t->sub, "%s", s ? "nameplate" : "appearance");
            snprintf(t->name, sizeof t->name, "%s", t->sub);
            snprintf(t->mtime, sizeof t->mtime, "%s", dir->mtime);
        }
        break;
    case TL_SUB:
        rc = hub_q_photos(hs, dir->key, dir->sub, on_photo, &x, e);
        break;
    case TL_FILE:
        break;
    }
    make_unique(l);
    return rc;
}

int tree_resolve(struct hub_store *hs, const struct hub_user *u, const char *path,
                 struct tree_node *out, struct err *e)
{
    struct tree_list l = {0};
    char name[512];
    int rc = GW_OK;
    tree_root(out);
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= sizeof name || out->level == TL_FILE) {
            rc = err_set(e, GW_ENOTFOUND, "no such folder or file");
            goto out;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        if ((rc = tree_children(hs, u, out, NULL, &l, e)))
            goto out;
        int found = -1;
        for (int i = 0; i < l.n && found < 0; i++)
            if (strcmp(l.v[i].name, name) == 0)
                found = i;
        if (found < 0) {
            rc = err_set(e, GW_ENOTFOUND, "no such folder or file: %s", name);
            goto out;
        }
        *out = l.v[found];
        p += len;
    }
out:
    tree_list_free(&l);
    return rc;
}
