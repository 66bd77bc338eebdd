/* fuzz_dlt645.c - libFuzzer target for the DL/T 645 frame parser and value decoders: any
 * bytes from a meter must give "need more", a frame, or an error; never a crash. */
#include "gridwalk/config.h"

#include "app/probe/dlt645.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;
    while (off < size) {
        struct dlt645_frame f;
        size_t used = 0;
        struct err e;
        int r = dlt645_parse(data + off, size - off, &f, &used, &e);
        if (r <= 0)
            break;
        char addr[13], val[64];
        dlt645_addr_text(f.addr, addr);
        (void)dlt645_error_text(DLT645_2007, f.len ? f.data[0] : 0);
        for (const struct dlt645_item *it = dlt645_items; it->id; it++) {
            size_t skip = f.len >= 4 ? 4 : f.len;
            (void)dlt645_decode_value(it, DLT645_2007, f.data + skip, f.len - skip, val, sizeof val,
                                      &e);
            skip = f.len >= 2 ? 2 : f.len;
            (void)dlt645_decode_value(it, DLT645_1997, f.data + skip, f.len - skip, val, sizeof val,
                                      &e);
        }
        off += used;
    }
    return 0;
}
