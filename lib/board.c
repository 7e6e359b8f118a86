// board.c - devicetree model/compatible (see board.h)

#include "board.h"
#include "fs.h"
#include "path.h"

#include <errno.h>
#include <string.h>

static int read_dt(const char *name, char *buf, size_t cap)
{
  char p[512];
  if (rp_path(p, sizeof(p), "sys/firmware/devicetree/base/%s", name)) return -1;
  return rp_fs_read(p, buf, cap, NULL);
}

int rp_board_read(struct rp_board *b, struct rp_err *e)
{
  memset(b, 0, sizeof(*b));
  int m = read_dt("model", b->model, sizeof(b->model));
  int c = read_dt("compatible", b->compat, sizeof(b->compat));
  if (m < 0) b->model[0] = 0;
  if (c > 0) {
    b->compat_len = (size_t)c;
    if (b->compat[c - 1] != 0) b->compat_len++;  // keep the list NUL-terminated
  }
  b->model[strcspn(b->model, "\n")] = 0;
  b->has_dt = b->model[0] || b->compat_len;
  (void)e;
  return 0;
}

int rp_board_match(const struct rp_board *b, const char *want)
{
  if (b->model[0] && !strcmp(b->model, want)) return 1;
  for (size_t i = 0; i < b->compat_len; i += strlen(b->compat + i) + 1)
    if (b->compat[i] && !strcmp(b->compat + i, want)) return 1;
  return 0;
}

void rp_board_describe(const struct rp_board *b, char *buf, size_t cap)
{
  if (!b->has_dt) {
    rp_fmt(buf, cap, "unknown (no devicetree model or compatible)");
    return;
  }
  int listed = 0;
  rp_fmt(buf, cap, "\"%s\"", b->model[0] ? b->model : "(no model)");
  for (size_t i = 0; i < b->compat_len; i += strlen(b->compat + i) + 1) {
    size_t n = strlen(buf);
    if (!b->compat[i]) continue;
    if (rp_fmt(buf + n, cap - n, "%s%s", listed++ ? ", " : " (compatible: ", b->compat + i)) break;
  }
  size_t n = strlen(buf);
  if (listed) rp_fmt(buf + n, cap - n, ")");
}
