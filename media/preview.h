/* preview.h - a picture drawn with symbols in a terminal (libchafa), for the live camera
 * preview before the shot and for thumbnails in the entry page.
 *
 * Renders an RGB image into a grid of character cells, each a Unicode symbol with a
 * foreground and a background colour (24-bit), which a curses screen maps to its colours; or
 * into one ANSI string for a plain terminal. Owns nothing between calls. No screens, no store. */
#ifndef GRIDWALK_MEDIA_PREVIEW_H
#define GRIDWALK_MEDIA_PREVIEW_H

#include "gridwalk/config.h"
#include "gridwalk/err.h"
#include "media/image.h"

#include <stdint.h>

struct media_preview_cell {
    uint32_t ch;     /* Unicode code point */
    uint32_t fg, bg; /* 0xRRGGBB */
};

/* Renders img into cols x rows cells (the picture keeps its aspect ratio inside them, assuming
 * cells twice as tall as wide; unused cells are blank on black). cells (cols*rows, may be
 * NULL) receives the grid; *ansi (may be NULL) a malloc'd string of truecolour escapes and
 * symbols, rows separated by newlines, which the caller frees. GW_EINVAL for a grid under 1x1
 * or over 1000x1000. */
int media_preview_render(const struct media_image *img, int cols, int rows,
                         struct media_preview_cell *cells, char **ansi, struct err *e);

#endif
