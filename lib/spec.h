// spec.h - the parts of an OCI bundle's config.json a remote processor uses
//
// runtime-spec config.md: root.path, process.args (exactly one: the firmware
// file inside the root), process.env (MCU=, BOARD= from the image),
// process.terminal, annotations, hooks, linux.namespaces, linux.cgroupsPath.
// Everything is size-bounded; strings are copied unescaped into the struct's own arena.

#ifndef RP_SPEC_H
#define RP_SPEC_H

#include <stddef.h>

#include "err.h"

#define RP_SPEC_BYTES (1 << 20)   // config.json size limit
#define RP_SPEC_TOKENS 32768
#define RP_SPEC_ANN 128
#define RP_SPEC_HOOKS 8           // per kind
#define RP_SPEC_HOOK_ARGS 32
#define RP_SPEC_HOOK_ENV 64
#define RP_SPEC_NS 8
#define RP_HOOK_DEFAULT_TIMEOUT 120  // seconds, when a hook gives none

enum rp_hook_kind { RP_HOOK_PRESTART, RP_HOOK_CREATE_RUNTIME, RP_HOOK_POSTSTART, RP_HOOK_POSTSTOP,
                    RP_HOOK_KINDS };

struct rp_hook {
  const char *path;
  const char *argv[RP_SPEC_HOOK_ARGS + 1];  // NULL-terminated
  const char *envp[RP_SPEC_HOOK_ENV + 1];
  int timeout;                              // seconds
};

struct rp_ns {
  int type;          // CLONE_NEW* flag
  const char *path;  // NULL: create a new namespace
};

struct rp_spec {
  char version[32];
  const char *root;      // root.path as written
  const char *fw;        // process.args[0]
  int terminal;
  const char *mcu, *board;  // image env MCU= and BOARD=
  int sandbox;           // a Kubernetes pod sandbox: holds no processor
  int nann;
  const char *ann_key[RP_SPEC_ANN], *ann_val[RP_SPEC_ANN];
  int nhook[RP_HOOK_KINDS];
  struct rp_hook hook[RP_HOOK_KINDS][RP_SPEC_HOOKS];
  int nns;
  struct rp_ns ns[RP_SPEC_NS];
  const char *cgroups_path;  // linux.cgroupsPath, NULL when absent or empty
  size_t used;
  char arena[96 * 1024];
};

// Parse config.json text. Returns 0 or a negative code with e filled.
int rp_spec_parse(const char *js, size_t len, struct rp_spec *s, struct rp_err *e);

// Read <bundle>/config.json (bounded) and parse it.
int rp_spec_load(const char *bundle, struct rp_spec *s, struct rp_err *e);

// Annotation value, or NULL.
const char *rp_spec_annotation(const struct rp_spec *s, const char *key);

// The processor the container asks for: annotation remoteproc.name, else the
// image's MCU; NULL when neither is set.
const char *rp_spec_processor(const struct rp_spec *s);

// Board wanted: annotation remoteproc.board, else the image's BOARD.
const char *rp_spec_board(const struct rp_spec *s);

// config.json's name of namespace type flag (CLONE_NEW*), e.g. "network".
const char *rp_spec_ns_name(int flag);

#endif
