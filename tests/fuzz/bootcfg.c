// bootcfg.c - fuzz rp_boot_parse (lib/boot.c): the `rproc boot` config
//
// Input: an /etc/rproc.json document. On success: at most RP_BOOT_MAX
// entries sorted by order, every string NUL-terminated in its field, name
// and firmware present, the firmware absolute or a safe relative name,
// numbers within their documented ranges, recovery "", enabled or disabled.

#include "boot.h"
#include "fuzz.h"
#include "path.h"

static void field(const char *s, size_t cap, const char *what)
{
  FUZZ_CHECK(memchr(s, 0, cap) != NULL, "%s is not NUL-terminated", what);
}

static void check(const struct rp_boot_cfg *c)
{
  field(c->board, sizeof(c->board), "board");
  FUZZ_CHECK(c->n >= 0 && c->n <= RP_BOOT_MAX, "n %d", c->n);
  for (int i = 0; i < c->n; i++) {
    const struct rp_boot_entry *en = &c->e[i];
    field(en->proc, sizeof(en->proc), "name");
    field(en->firmware, sizeof(en->firmware), "firmware");
    field(en->board, sizeof(en->board), "entry board");
    field(en->recovery, sizeof(en->recovery), "recovery");
    FUZZ_CHECK(en->proc[0] && en->firmware[0], "entry %d lacks name or firmware", i);
    FUZZ_CHECK(en->firmware[0] == '/' || rp_path_safe_rel(en->firmware), "firmware %s", en->firmware);
    FUZZ_CHECK(en->order >= -1000000 && en->order <= 1000000, "order %d", en->order);
    FUZZ_CHECK(en->timeout_ms >= 1 && en->timeout_ms <= 600000, "timeout %d", en->timeout_ms);
    FUZZ_CHECK(en->retries >= 0 && en->retries <= 100, "retries %d", en->retries);
    FUZZ_CHECK(en->on_failure == RP_BOOT_CONTINUE || en->on_failure == RP_BOOT_ABORT ||
                   en->on_failure == RP_BOOT_RETRY, "policy %d", (int)en->on_failure);
    FUZZ_CHECK(!en->recovery[0] || !strcmp(en->recovery, "enabled") ||
                   !strcmp(en->recovery, "disabled"), "recovery %s", en->recovery);
    FUZZ_CHECK(!en->force, "force set by the parser");
    if (i) FUZZ_CHECK(c->e[i - 1].order <= en->order, "not sorted at %d", i);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > RP_BOOT_CFG_MAX) return 0;   // the applet reads no more
  jsmntok_t *toks = malloc(RP_BOOT_TOKENS * sizeof(*toks));
  struct rp_boot_cfg *c = malloc(sizeof(*c));
  struct rp_err e = { 0 };
  int r = rp_boot_parse((const char *)data, size, "rproc.json", toks, RP_BOOT_TOKENS, c, &e);
  if (r) fuzz_check_err(r, &e);
  else check(c);
  free(c);
  free(toks);
  return 0;
}
