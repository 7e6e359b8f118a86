// board.h - which board this is, from the devicetree (model, compatible)

#ifndef RP_BOARD_H
#define RP_BOARD_H

#include <stddef.h>

#include "err.h"

struct rp_board {
  int has_dt;           // a devicetree model or compatible was found
  char model[256];
  char compat[1024];    // NUL-separated list as the kernel gives it
  size_t compat_len;
};

// Read sys/firmware/devicetree/base/{model,compatible} under RPROC_ROOT.
// A machine without a devicetree is not an error (has_dt = 0).
int rp_board_read(struct rp_board *b, struct rp_err *e);

// 1 when want equals the model or one of the compatible strings.
int rp_board_match(const struct rp_board *b, const char *want);

// "\"X\" (compatible: a, b)", or "unknown (...)" without a devicetree; it
// completes sentences like "this board is %s".
void rp_board_describe(const struct rp_board *b, char *buf, size_t cap);

#endif
