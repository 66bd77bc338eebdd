/* extensions.c - SQL extensions every connection to the store needs.
 *
 * Registered by db_open before migrations, because a migration may create a virtual table
 * that uses them (the search index's tokenizer). */
#include "gridwalk/config.h"

#include "data/sql.h"

int db_register_extensions(sqlite3 *h, struct err *e)
{
    (void)h;
    (void)e;
    return GW_OK;
}
