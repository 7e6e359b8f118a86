// spec.c - fuzz lib/spec.c: rp_spec_parse on config.json, then the accessors
//
// Input: an OCI bundle's config.json. On success every string the struct
// points at must be a NUL-terminated string inside its own arena, counts
// within their arrays, argv/envp NULL-terminated, hook paths absolute and
// timeouts in range; rp_spec_annotation finds each annotation's first value
// and rp_spec_processor/board follow their documented precedence.

#include "fuzz.h"
#include "spec.h"

#include <sched.h>

static void in_arena(const struct rp_spec *s, const char *p, const char *what)
{
  FUZZ_CHECK(fuzz_cstr_inside(p, s->arena, s->used), "%s is not a string in the arena", what);
}

static void check(const struct rp_spec *s)
{
  FUZZ_CHECK(s->used <= sizeof(s->arena), "arena used %zu", s->used);
  FUZZ_CHECK(memchr(s->version, 0, sizeof(s->version)) != NULL, "version not terminated");
  in_arena(s, s->root, "root");
  FUZZ_CHECK(s->root[0], "empty root.path accepted");
  if (s->fw) in_arena(s, s->fw, "fw");
  FUZZ_CHECK(s->sandbox || (s->fw && s->fw[0]), "no firmware in a non-sandbox container");
  if (s->mcu) in_arena(s, s->mcu, "mcu");
  if (s->board) in_arena(s, s->board, "board");
  FUZZ_CHECK(s->terminal == 0 || s->terminal == 1, "terminal %d", s->terminal);
  FUZZ_CHECK(s->nann >= 0 && s->nann <= RP_SPEC_ANN, "nann %d", s->nann);
  for (int i = 0; i < s->nann; i++) {
    in_arena(s, s->ann_key[i], "annotation key");
    in_arena(s, s->ann_val[i], "annotation value");
    const char *first = NULL;
    for (int k = 0; k <= i && !first; k++)
      if (!strcmp(s->ann_key[k], s->ann_key[i])) first = s->ann_val[k];
    FUZZ_CHECK(rp_spec_annotation(s, s->ann_key[i]) == first, "annotation %d", i);
  }
  for (int k = 0; k < RP_HOOK_KINDS; k++) {
    FUZZ_CHECK(s->nhook[k] >= 0 && s->nhook[k] <= RP_SPEC_HOOKS, "nhook[%d] %d", k, s->nhook[k]);
    for (int i = 0; i < s->nhook[k]; i++) {
      const struct rp_hook *h = &s->hook[k][i];
      in_arena(s, h->path, "hook path");
      FUZZ_CHECK(h->path[0] == '/', "hook path %s", h->path);
      FUZZ_CHECK(h->timeout > 0 && h->timeout <= 86400, "hook timeout %d", h->timeout);
      FUZZ_CHECK(h->argv[0] != NULL, "hook without argv[0]");
      int a = 0;
      while (a < RP_SPEC_HOOK_ARGS && h->argv[a]) {
        if (h->argv[a] != h->path) in_arena(s, h->argv[a], "hook arg");
        a++;
      }
      FUZZ_CHECK(!h->argv[a], "hook argv not NULL-terminated");
      for (a = 0; a < RP_SPEC_HOOK_ENV && h->envp[a]; a++) in_arena(s, h->envp[a], "hook env");
      FUZZ_CHECK(!h->envp[a], "hook envp not NULL-terminated");
    }
  }
  FUZZ_CHECK(s->nns >= 0 && s->nns <= RP_SPEC_NS, "nns %d", s->nns);
  for (int i = 0; i < s->nns; i++) {
    int t = s->ns[i].type;
    FUZZ_CHECK(t == CLONE_NEWPID || t == CLONE_NEWNET || t == CLONE_NEWNS || t == CLONE_NEWIPC ||
                   t == CLONE_NEWUTS || t == CLONE_NEWUSER || t == CLONE_NEWCGROUP || t == 0x80,
               "namespace type %#x", t);
    if (s->ns[i].path) {
      in_arena(s, s->ns[i].path, "namespace path");
      FUZZ_CHECK(s->ns[i].path[0], "empty namespace path kept");
    }
  }

  const char *name = rp_spec_annotation(s, "remoteproc.name");
  const char *p = rp_spec_processor(s);
  if (name && *name) FUZZ_CHECK(p == name, "processor ignores remoteproc.name");
  else if (s->mcu && *s->mcu) FUZZ_CHECK(p == s->mcu, "processor ignores MCU");
  else FUZZ_CHECK(p == NULL, "processor from nowhere");
  const char *board = rp_spec_annotation(s, "remoteproc.board");
  const char *b = rp_spec_board(s);
  if (board && *board) FUZZ_CHECK(b == board, "board ignores remoteproc.board");
  else if (s->board && *s->board) FUZZ_CHECK(b == s->board, "board ignores BOARD");
  else FUZZ_CHECK(b == NULL, "board from nowhere");
  FUZZ_CHECK(rp_spec_annotation(s, "") == NULL || s->nann > 0, "annotation without annotations");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > RP_SPEC_BYTES) return 0;   // rp_spec_load never reads more
  struct rp_spec *s = malloc(sizeof(*s));
  struct rp_err e = { 0 };
  int r = rp_spec_parse((const char *)data, size, s, &e);
  if (r) fuzz_check_err(r, &e);
  else check(s);
  free(s);
  return 0;
}
