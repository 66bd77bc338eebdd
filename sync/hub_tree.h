/* hub_tree.h - the evidence tree as folders: names, listing and path lookup.
 *
 * Owns the mapping from the hub's evidence tables to the tree supervisors see:
 *   <account> <name>/<category>/<folder>/<entry>/<appearance|nameplate>/<time>_<hash8>.jpg
 *   <account> <name>/<category>/<folder>/<entry>/remarks.txt     (the entry's written remarks)
 *   <account> <name>/readings/<read_at> <method>.txt              (one meter reading each)
 * Every name is made safe for every file system (naming_safe of app/naming.h) and made unique among its
 * siblings (" (2)", " (3)" in creation order), so a path always names one thing. The web
 * page, WebDAV, zip downloads and `gridwalk-hub pull` all walk the tree through here. The
 * text files are made here from the hub's tables (tree_text), so every view shows the same
 * bytes, and a listing gives their exact size and hash. It does no HTTP and no file I/O. */
#ifndef GRIDWALK_HUB_TREE_H
#define GRIDWALK_HUB_TREE_H

#include "sync/hub_store.h"

enum tree_level {
    TL_ROOT,
    TL_CUSTOMER, /* key = account */
    TL_CATEGORY, /* key = account, category */
    TL_FOLDER,   /* key = folder uuid */
    TL_ENTRY,    /* key = entry uuid */
    TL_SUB,      /* key = entry uuid, sub = appearance|nameplate */
    TL_READINGS, /* key = account */
    TL_FILE      /* a file: sha (of its bytes), size; what it is in `file` */
};

enum tree_file {
    TF_PHOTO,   /* a blob: key = photo uuid */
    TF_REMARKS, /* remarks.txt: key = entry uuid */
    TF_READING  /* a reading's text: key = reading uuid, owner = account */
};

struct tree_node {
    enum tree_level level;
    char name[256];
    char key[80];
    int category;
    char sub[16];
    enum tree_file file;
    char owner[80];
    char sha[65];
    int64_t size;
    char mtime[32];
};

struct tree_list {
    struct tree_node *v;
    int n, cap;
};

/* The root node. */
void tree_root(struct tree_node *out);

/* Lists the children of a directory node as the user may see them (u NULL = everything).
 * since ("" or NULL = all) filters entries by their last update. l is reset first; free with
 * tree_list_free. */
int tree_children(struct hub_store *hs, const struct hub_user *u, const struct tree_node *dir,
                  const char *since, struct tree_list *l, struct err *e);
void tree_list_free(struct tree_list *l);

/* The bytes of a text file node (TF_REMARKS, TF_READING) as of now: UTF-8 text, labels in
 * English and Chinese. *buf (NUL-terminated, *len bytes) is the caller's to free().
 * GW_ENOTFOUND when its entry or reading is gone; GW_EINVAL for a photo node. */
int tree_text(struct hub_store *hs, const struct tree_node *file, char **buf, size_t *len,
              struct err *e);

/* Walks a '/'-separated path of decoded names from the root. GW_ENOTFOUND when any step is
 * missing or not visible to u. A trailing '/' is allowed. */
int tree_resolve(struct hub_store *hs, const struct hub_user *u, const char *path,
                 struct tree_node *out, struct err *e);

#endif
