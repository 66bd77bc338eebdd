/* tree_ops.c - see tree_ops.h. */
#include "gridwalk/config.h"

#include "app/i18n.h"
#include "app/tree_ops.h"
#include "data/outbox.h"
#include "data/tree.h"

#include <stdio.h>
#include <string.h>

/* Wakes gridwalk-syncd after a change was queued; no agent running is fine (its timer will
 * find the row), so the result is ignored. */
static int nudged(struct db *db, int rc)
{
    if (rc == GW_OK && strcmp(db_path(db), ":memory:") != 0)
        outbox_nudge(db_path(db), NULL);
    return rc;
}

static int blank(const char *s)
{
    return !s || !s[strspn(s, " \t")];
}

int tree_ops_folder_create(struct db *db, int64_t customer_id, int category, const char *name,
                           int64_t *id, struct err *e)
{
    int rc = naming_check(name, e);
    return rc ? rc : nudged(db, tree_folder_create(db, customer_id, category, name, id, e));
}

int tree_ops_folder_rename(struct db *db, int64_t id, const char *name, struct err *e)
{
    int rc = naming_check(name, e);
    return rc ? rc : nudged(db, tree_folder_rename(db, id, name, e));
}

int tree_ops_entry_create(struct db *db, int64_t folder_id, const char *name, time_t now,
                          const char *appearance, const char *nameplate, double lat, double lon,
                          double accuracy_m, int64_t *id, char name_out[256], struct err *e)
{
    char autoname[NAMING_AUTO_LEN];
    int rc;
    if (blank(name)) {
        naming_auto_entry(now, autoname);
        name = autoname;
    }
    if ((rc = naming_check(name, e)))
        return rc;
    if ((rc = nudged(db, tree_entry_create(db, folder_id, name, appearance, nameplate, lat, lon,
                                           accuracy_m, id, e))))
        return rc;
    if (name_out)
        snprintf(name_out, 256, "%s", name);
    return GW_OK;
}

int tree_ops_entry_edit(struct db *db, int64_t id, const char *name, const char *appearance,
                        const char *nameplate, struct err *e)
{
    int rc = name ? naming_check(name, e) : GW_OK;
    return rc ? rc : nudged(db, tree_entry_edit(db, id, name, appearance, nameplate, e));
}

int tree_ops_remove(struct db *db, enum tree_kind kind, int64_t id, const char *reason,
                    struct err *e)
{
    if (blank(reason))
        return err_set(e, GW_EINVAL, _("give a reason: evidence is never removed silently"));
    switch (kind) {
    case TREE_FOLDER:
        return nudged(db, tree_folder_remove(db, id, reason, e));
    case TREE_ENTRY:
        return nudged(db, tree_entry_remove(db, id, reason, e));
    case TREE_PHOTO:
        return nudged(db, tree_photo_remove(db, id, reason, e));
    }
    return err_set(e, GW_EINTERNAL, _("unknown kind of tree item"));
}
