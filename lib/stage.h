// stage.h - put firmware where the kernel's loader finds it
//
// Firmware is copied (atomically, size-bounded) into a private subdirectory
// of the firmware directory, <fwdir>/<owner>/<file>, and the kernel is given
// the relative name "<owner>/<file>". The global firmware directory itself is
// never written, so nothing a distribution installed there is replaced.

#ifndef RP_STAGE_H
#define RP_STAGE_H

#include <stddef.h>

#include "elf.h"
#include "err.h"

#define RP_FW_MAX_BYTES (64LL << 20)  // larger images are refused

// The rules for what is staged, for every caller to check at its first
// step that knows the name or holds the file, before anything is copied:
// rp_stage_name puts "<owner>/<file>" in relname (of size cap) when file is
// a plain name without control characters (the kernel's firmware attribute
// ends at a newline) and the staged path and name fit their limits;
// rp_stage_printable refuses a name (or path) with a control character;
// rp_stage_fits checks that fd is a regular file, not empty, of at most
// RP_FW_MAX_BYTES (a sparse file is refused by its size, unread): what no
// loader can take.
int rp_stage_name(const char *owner, const char *file, char *relname, size_t cap, struct rp_err *e);
int rp_stage_printable(const char *name, struct rp_err *e);
int rp_stage_fits(int fd, const char *name, struct rp_err *e);

// After rp_stage_fits: the ELF check (elf.h) of the file open on fd. A file
// the kernel's ELF loader would refuse is refused only when strict: drivers
// may bring loaders of their own (Qualcomm's split .mdt images, vendor DSP
// formats), so otherwise the kernel decides, and the reason is logged as a
// warning and 1 returned. 0: an ELF image, described in elf.
int rp_stage_format(int fd, const char *name, int strict, struct rp_elf *elf, struct rp_err *e);

// Copy the file open on srcfd to <fwdir>/<owner>/<file>, replacing whatever
// <owner> held before (one image per owner, so staging never piles up);
// relname receives "<owner>/<file>", the name to write to the processor's
// firmware attribute. Stage only while nothing runs the owner's old image.
int rp_stage_copy(int srcfd, const char *owner, const char *file, char *relname, size_t cap,
                  struct rp_err *e);

// Remove <fwdir>/<owner> and everything in it; missing is fine.
int rp_stage_remove(const char *owner, struct rp_err *e);

// Remove <fwdir>/<area>/NAME for every NAME that in_use(NAME) disowns: what
// owners staged before their records vanished (a reboot empties /run, where
// states and claims live, but not the firmware directory), of this user's
// only (claims are per user: rp_claim_dir). Best effort.
void rp_stage_sweep(const char *area, int (*in_use)(const char *name));

#endif
