// boot.c - unit tests of rp_boot_parse (lib/boot.c): the rproc boot config
//
// The config is read at boot by `rproc boot`; a typo must fail loudly with a
// message naming the key, never be ignored, and processors must come out in
// "order", ties kept in file order.

#include "unit.h"

#include <errno.h>

#include "boot.h"

static jsmntok_t toks[RP_BOOT_TOKENS];
static struct rp_boot_cfg cfg;
static struct rp_err e;

static int parse(const char *js)
{
  rp_errclear(&e);
  return rp_boot_parse(js, strlen(js), "cfg", toks, RP_BOOT_TOKENS, &cfg, &e);
}

static int fails(const char *js, int err, const char *msg)
{
  int r = parse(js);
  if (r != -err || strcmp(e.msg, msg)) printf("  %s\n  -> %d \"%s\"\n", js, r, e.msg);
  return r == -err && e.code == err && !strcmp(e.msg, msg);
}

static int test_full_entry(void)
{
  check(parse("{\"board\": \"acme,board\", \"processors\": [{\"name\": \"m4\","
              " \"firmware\": \"/lib/firmware/app.elf\", \"board\": \"acme,som\", \"order\": -3,"
              " \"timeout_ms\": 600000, \"on_failure\": \"retry\", \"retries\": 100,"
              " \"recovery\": \"disabled\"}]}") == 0);
  check_str(cfg.board, "acme,board");
  check(cfg.n == 1);
  const struct rp_boot_entry *en = &cfg.e[0];
  check_str(en->proc, "m4");
  check_str(en->firmware, "/lib/firmware/app.elf");
  check_str(en->board, "acme,som");
  check(en->order == -3 && en->timeout_ms == 600000 && en->retries == 100);
  check(en->on_failure == RP_BOOT_RETRY);
  check_str(en->recovery, "disabled");
  return 0;
}

static int test_defaults(void)
{
  check(parse("{\"processors\": [{\"name\": \"a\", \"firmware\": \"a.elf\"},"
              " {\"name\": \"b\", \"firmware\": \"b.elf\", \"on_failure\": \"abort\", \"recovery\": \"enabled\"}]}") == 0);
  check_str(cfg.board, "");
  check(cfg.n == 2);
  const struct rp_boot_entry *a = &cfg.e[0], *b = &cfg.e[1];
  check_str(a->proc, "a");
  check_str(a->board, "");
  check(a->order == 0 && a->timeout_ms == 10000 && a->retries == 2);
  check(a->on_failure == RP_BOOT_CONTINUE);
  check_str(a->recovery, "");
  check_str(b->proc, "b");
  check(b->order == 1 && b->on_failure == RP_BOOT_ABORT);
  check_str(b->recovery, "enabled");
  check(parse("{\"processors\": []}") == 0 && cfg.n == 0);
  return 0;
}

// Sorted by "order"; equal orders keep their order in the file. An entry
// without "order" has its index as order.
static int test_ordering(void)
{
  check(parse("{\"processors\": ["
              "{\"name\": \"p0\", \"firmware\": \"f\", \"order\": 5},"
              "{\"name\": \"p1\", \"firmware\": \"f\", \"order\": 1},"
              "{\"name\": \"p2\", \"firmware\": \"f\", \"order\": 5},"
              "{\"name\": \"p3\", \"firmware\": \"f\", \"order\": -1},"
              "{\"name\": \"p4\", \"firmware\": \"f\", \"order\": 1},"
              "{\"name\": \"p5\", \"firmware\": \"f\"},"
              "{\"name\": \"p6\", \"firmware\": \"f\", \"order\": 5}]}") == 0);
  // p5 gets order 5 (its index) and so sits among the 5s in file order.
  static const char *const want[] = {"p3", "p1", "p4", "p0", "p2", "p5", "p6"};
  check(cfg.n == 7);
  for (int i = 0; i < 7; i++) check_str(cfg.e[i].proc, want[i]);
  check(cfg.e[5].order == 5);
  return 0;
}

static int test_max_processors(void)
{
  char js[4096];
  int n = snprintf(js, sizeof(js), "{\"processors\": [");
  for (int i = 0; i < RP_BOOT_MAX; i++)
    n += snprintf(js + n, sizeof(js) - (size_t)n, "%s{\"name\": \"p%d\", \"firmware\": \"f\"}", i ? "," : "", i);
  snprintf(js + n, sizeof(js) - (size_t)n, "]}");
  check(parse(js) == 0 && cfg.n == RP_BOOT_MAX);
  check_str(cfg.e[15].proc, "p15");
  snprintf(js + n, sizeof(js) - (size_t)n, ",{\"name\": \"x\", \"firmware\": \"f\"}]}");
  check(fails(js, E2BIG, "cfg lists 17 processors, at most 16 are supported"));
  return 0;
}

static int test_document_errors(void)
{
  check(fails("{\"processors\": [}", EINVAL, "cfg is not valid JSON (error near byte 16)"));
  check(fails("{\"processors\": []", EINVAL, "cfg is truncated JSON"));
  check(fails("", EINVAL, "cfg is empty"));
  check(fails("[]", EINVAL, "cfg must hold a JSON object"));
  check(fails("{}", EINVAL, "cfg: \"processors\" must be a list"));
  check(fails("{\"processors\": {}}", EINVAL, "cfg: \"processors\" must be a list"));
  check(fails("{\"processors\": [], \"boards\": \"x\"}", EINVAL, "cfg: unknown key \"boards\" in the top level"));
  check(fails("{\"board\": 1, \"processors\": []}", EINVAL, "cfg: board must be a string"));
  check(fails("{\"processors\": [1]}", EINVAL, "cfg: processors[0] must be an object"));
  int r = rp_boot_parse("{\"processors\": [1, 2, 3]}", 24, "cfg", toks, 3, &cfg, &e);
  check(r == -E2BIG);
  check_str(e.msg, "cfg is too complex (more than 3 JSON tokens)");
  return 0;
}

#define P1(body) "{\"processors\": [{\"name\": \"a\", \"firmware\": \"f\"}, {" body "}]}"

static int test_entry_errors(void)
{
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"nmae\": 1"), EINVAL,
              "cfg: unknown key \"nmae\" in processors[1]"));
  check(fails(P1("\"firmware\": \"f\""), EINVAL, "cfg: processors[1].name is missing"));
  check(fails(P1("\"name\": \"\", \"firmware\": \"f\""), EINVAL, "cfg: processors[1].name is missing"));
  check(fails(P1("\"name\": \"b\""), EINVAL, "cfg: processors[1].firmware is missing"));
  check(fails(P1("\"name\": 5, \"firmware\": \"f\""), EINVAL, "cfg: processors[1].name must be a string"));
  check(fails(P1("\"name\": \"b\", \"firmware\": [\"f\"]"), EINVAL, "cfg: processors[1].firmware must be a string"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"board\": null"), EINVAL,
              "cfg: processors[1].board must be a string"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"recovery\": true"), EINVAL,
              "cfg: processors[1].recovery must be a string"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"on_failure\": 1"), EINVAL,
              "cfg: processors[1].on_failure must be a string"));
  check(fails(P1("\"name\": \"b\\ud800\", \"firmware\": \"f\""), EINVAL,  // lone surrogate
              "cfg: processors[1].name must be a string"));
  return 0;
}

static int test_entry_values(void)
{
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"on_failure\": \"stop\""), EINVAL,
              "cfg: processors[1].on_failure must be continue, abort or retry"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"recovery\": \"on\""), EINVAL,
              "cfg: processors[1].recovery must be enabled or disabled"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"order\": \"1\""), EINVAL,
              "cfg: processors[1].order must be a whole number from -1000000 to 1000000"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"order\": 1000001"), EINVAL,
              "cfg: processors[1].order must be a whole number from -1000000 to 1000000"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"timeout_ms\": 0"), EINVAL,
              "cfg: processors[1].timeout_ms must be a whole number from 1 to 600000"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"timeout_ms\": 1.5"), EINVAL,
              "cfg: processors[1].timeout_ms must be a whole number from 1 to 600000"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"retries\": 101"), EINVAL,
              "cfg: processors[1].retries must be a whole number from 0 to 100"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"retries\": -1"), EINVAL,
              "cfg: processors[1].retries must be a whole number from 0 to 100"));
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"retries\": 99999999999999999999"), EINVAL,
              "cfg: processors[1].retries must be a whole number from 0 to 100"));
  return 0;
}

// Strings that do not fit their field are refused, not cut.
static int test_too_long(void)
{
  char js[1200], name[100];
  memset(name, 'n', 96);
  name[96] = 0;  // proc[96] holds 95
  snprintf(js, sizeof(js), "{\"processors\": [{\"name\": \"%s\", \"firmware\": \"f\"}]}", name);
  check(fails(js, E2BIG, "cfg: processors[0].name is too long"));
  name[95] = 0;
  snprintf(js, sizeof(js), "{\"processors\": [{\"name\": \"%s\", \"firmware\": \"f\"}]}", name);
  check(parse(js) == 0 && strlen(cfg.e[0].proc) == 95);
  check(fails(P1("\"name\": \"b\", \"firmware\": \"f\", \"on_failure\": \"continue-continue\""), E2BIG,
              "cfg: processors[1].on_failure is too long"));
  return 0;
}

int main(void)
{
  RUN(test_full_entry);
  RUN(test_defaults);
  RUN(test_ordering);
  RUN(test_max_processors);
  RUN(test_document_errors);
  RUN(test_entry_errors);
  RUN(test_entry_values);
  RUN(test_too_long);
  return unit_end();
}
