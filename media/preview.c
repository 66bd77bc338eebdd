/* preview.c - libchafa glue. Why the block and half-block symbols only: they read well at
 * small sizes on every terminal font of the tablets, and a preview must be recognisable, not
 * artistic. Why truecolour: chafa picks colours per cell; curses screens reduce them. */
#include "gridwalk/config.h"

#include "media/preview.h"

#include <chafa.h>
#include <stdlib.h>
#include <string.h>

int media_preview_render(const struct media_image *img, int cols, int rows,
                         struct media_preview_cell *cells, char **ansi, struct err *e)
{
    if (cols < 1 || rows < 1 || cols > 1000 || rows > 1000)
        return err_set(e, GW_EINVAL, "a preview of %dx%d cells is not possible", cols, rows);
    if (ansi)
        *ansi = NULL;
    gint w = cols, h = rows;
    /* Fit the picture into the grid: cells are about twice as tall as wide. */
    chafa_calc_canvas_geometry(img->width, img->height, &w, &h, 0.5f, FALSE, FALSE);
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    ChafaSymbolMap *map = chafa_symbol_map_new();
    chafa_symbol_map_add_by_tags(map, CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_HALF |
                                          CHAFA_SYMBOL_TAG_SPACE);
    ChafaCanvasConfig *cfg = chafa_canvas_config_new();
    chafa_canvas_config_set_geometry(cfg, w, h);
    chafa_canvas_config_set_canvas_mode(cfg, CHAFA_CANVAS_MODE_TRUECOLOR);
    chafa_canvas_config_set_symbol_map(cfg, map);
    ChafaCanvas *canvas = chafa_canvas_new(cfg);
    chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGB8, img->px, img->width, img->height,
                                 img->width * 3);
    if (cells) {
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++) {
                struct media_preview_cell *c = &cells[y * cols + x];
                if (x < w && y < h) {
                    gint fg = 0, bg = 0;
                    c->ch = chafa_canvas_get_char_at(canvas, x, y);
                    chafa_canvas_get_colors_at(canvas, x, y, &fg, &bg);
                    c->fg = (uint32_t)fg & 0xffffff;
                    c->bg = (uint32_t)bg & 0xffffff;
                } else {
                    c->ch = ' ';
                    c->fg = c->bg = 0;
                }
            }
    }
    if (ansi) {
        ChafaTermInfo *ti = chafa_term_db_get_fallback_info(chafa_term_db_get_default());
        GString *s = chafa_canvas_print(canvas, ti);
        *ansi = malloc(s->len + 1);
        if (!*ansi)
            abort();
        memcpy(*ansi, s->str, s->len + 1);
        g_string_free(s, TRUE);
        chafa_term_info_unref(ti);
    }
    chafa_canvas_unref(canvas);
    chafa_canvas_config_unref(cfg);
    chafa_symbol_map_unref(map);
    return GW_OK;
}
