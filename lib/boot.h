// boot.h - firmware launch at boot: the rproc boot config and one start
//
// The config (default /etc/rproc.json, example in config/rproc.json):
//   {"board": "...optional...",
//    "processors": [{"name": "m4", "firmware": "/lib/firmware/app.elf",
//                    "board": "...", "order": 1, "timeout_ms": 5000,
//                    "on_failure": "continue"|"abort"|"retry", "retries": 2,
//                    "recovery": "enabled"|"disabled",
//                    "coredump": "disabled"|"enabled"|"inline"}]}
// "firmware" is an absolute path (staged under <fwdir>/rproc/<dev>/) or a
// name already in the firmware directory (used as is).
// Nothing on this path allocates: the caller owns every buffer.

#ifndef RP_BOOT_H
#define RP_BOOT_H

#include <stddef.h>

#include "board.h"
#include "json.h"
#include "rproc.h"

#define RP_BOOT_MAX 16           // processors in one config
#define RP_BOOT_CFG_MAX 65536    // config file size limit
#define RP_BOOT_TOKENS 1024
#define RP_BOOT_SETTLE_MS 100    // a start counts once the state stayed running this long

enum rp_boot_policy { RP_BOOT_CONTINUE, RP_BOOT_ABORT, RP_BOOT_RETRY };

struct rp_boot_entry {
  char proc[96];                 // processor name or remoteprocN
  char firmware[512];
  char board[256];               // "" = no check
  int order, timeout_ms, retries;
  enum rp_boot_policy on_failure;
  char recovery[16];             // "" = leave as is
  char coredump[16];             // "" = leave as is
  char wait_rpmsg[32];           // "" = none; else the start waits (timeout_ms) for
                                 // this rpmsg channel ("any": one)
  int force;                     // set by the caller (not the config): ignore container claims
  int strict;                    // by the caller: RP_BOOT_STRICT to refuse what is not ELF
};

struct rp_boot_cfg {
  char board[256];
  int n;
  struct rp_boot_entry e[RP_BOOT_MAX];   // sorted by order, stable
};

// Parse a config document; what names it in messages.
int rp_boot_parse(const char *js, size_t len, const char *what, jsmntok_t *toks, int ntoks,
                  struct rp_boot_cfg *c, struct rp_err *e);

enum { RP_BOOT_STARTED = 0, RP_BOOT_ADOPTED = 1 };

// Bring p up with firmware name fw (NULL: whatever is set): adopt it when it
// already runs that firmware (or, fw NULL, is attached), else set the
// firmware and start it; an attached processor given a name is refused. The kernel's start write blocks until the driver is done, so it
// runs in a child process: after timeout_ms the caller gets -ETIMEDOUT while
// the kernel may still finish the start later. A processor that crashes or
// stops within RP_BOOT_SETTLE_MS of starting has failed to start.
int rp_boot_start(const struct rp_rproc *p, const char *fw, int timeout_ms, struct rp_err *e);

// One config entry, retries included: board check, claim check (unless
// en->force), stage, start or adopt (an attached processor is adopted: the
// kernel cannot name its firmware). A timeout is not retried (the kernel
// still holds the first start); the message of a retried failure ends with
// the number of attempts. p receives the processor when it was found.
int rp_boot_entry(const struct rp_boot_entry *en, const struct rp_board *b, struct rp_rproc *p,
                  struct rp_err *e);

// A firmware file for p: its name for the kernel, rproc/remoteprocN/BASE,
// goes to rel; RP_BOOT_CHECK also checks that file is a regular file and,
// a warning or with RP_BOOT_STRICT (or-ed in) a refusal, an ELF image
// (rp_stage_format); RP_BOOT_COPY then copies it there (lib/stage).
enum { RP_BOOT_NAME, RP_BOOT_CHECK, RP_BOOT_COPY, RP_BOOT_STRICT = 4 };
int rp_boot_stage(const struct rp_rproc *p, const char *file, int how, char *rel, size_t cap,
                  struct rp_err *e);

// Where the kernel would find firmware name (custom path, lib/firmware/
// updates, lib/firmware); fills path.
int rp_boot_find_fw(const char *name, char *path, size_t cap, struct rp_err *e);

#endif
