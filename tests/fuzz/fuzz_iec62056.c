/* fuzz_iec62056.c - libFuzzer target for the IEC 62056-21 identification, block and data
 * parsers: any bytes from a meter give "need more", a message or an error; never a crash. */
#include "gridwalk/config.h"

#include "app/probe/iec62056.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct iec_register regs[16];
    struct iec_ident id;
    struct err e;
    size_t used = 0, start = 0, len = 0, count = 0;
    if (iec_parse_ident(data, size, &id, &used, &e) == 1) {
        (void)iec_baud_of(id.baud_char, id.mode);
        data += used;
        size -= used;
    }
    if (iec_find_block(data, size, &start, &len, &used, &e) == 1) {
        if (iec_parse_data((const char *)data + start, len, regs, 16, &count, &e) == GW_OK)
            for (size_t i = 0; i < count && i < 16; i++)
                (void)iec_canonical_id(regs[i].obis);
    }
    /* The data parser also sees raw bytes, as a meter in mode A might send them. */
    (void)iec_parse_data((const char *)data, size, regs, 16, &count, &e);
    return 0;
}
