// state.h - the container store: one directory per container under --root
//
//   <root>/<key>/state.json   what create/start recorded (atomic replace)
//   <root>/<key>/config.json  the bundle's config at create time
//   <root>/<key>/ctl          the proxy's control socket
//   <root>/<key>/started      made by the proxy once the processor runs
//   <root>/<key>/exit         "<code> <reason>" written by the proxy as it ends
// <key> is the id, or "~" + sha256(id) for ids too long for a file name.
// Status is derived live: from the proxy process (alive, and started or
// not), and from the processor where sysfs shows at once that the firmware
// is gone; state.json only says what phase a command reached.

#ifndef RP_STATE_H
#define RP_STATE_H

#include "cgroup.h"
#include "err.h"
#include "rproc.h"

#define RP_ID_MAX 1024         // a container id's length (rp_state_valid_id)
#define RP_STATE_KEY_MAX 200   // longer ids are hashed into the key
// The runtime's containers stage firmware under <firmware dir>/<this>/
// (stage.h); rp_state_owner names each container's part of it.
#define RP_STATE_AREA "remoteproc-runtime"

enum rp_status { RP_ST_CREATING, RP_ST_CREATED, RP_ST_RUNNING, RP_ST_STOPPED };

// How far the commands got (state.json's "phase"): create writes CREATING
// before it makes anything and CREATED when the proxy waits; start moves
// CREATED to STARTING and then STARTED (or back to CREATED on failure).
// The live status (rp_state_status) is derived from it and the processes.
enum rp_phase { RP_PH_CREATING, RP_PH_CREATED, RP_PH_STARTING, RP_PH_STARTED, RP_PHASES };

struct rp_state {
  char id[RP_ID_MAX + 1];
  char key[RP_STATE_KEY_MAX + 1];
  char dir[2048];                 // <root>/<key>
  char bundle[2048];
  char rootfs[2048];
  char fw[512];                   // process.args[0]
  char fw_resolved[1024];         // the file inside the root
  char fw_staged[RP_FW_NAME_MAX]; // name given to the kernel, "" before start
  char proc_name[96], proc_dev[24];
  char log[256];                  // "trace", "none" or a tty path
  enum rp_phase phase;
  char created[40];               // RFC 3339
  char cgroup[RP_CG_PATH_MAX];    // rp_cg_resolve's path, "" for none
  int sandbox;                    // a pod sandbox: holds no processor
  int rsc;                        // the firmware has a resource table
  int mounts;                     // rootfs mounts the shim made in the bundle: its delete undoes them
  int pid, creator;               // proxy; the create that is in progress
  unsigned long long pid_start, creator_start;
  unsigned long long root_id[2], fw_id[2];  // device and inode create checked: start loads only those
};

// Containers ids: [A-Za-z0-9][A-Za-z0-9_.+-]*, at most RP_ID_MAX bytes.
int rp_state_valid_id(const char *id, struct rp_err *e);

// Default --root: rp_path_run's remoteproc-runtime; canonical (rp_path_canon).
int rp_state_default_root(char *buf, size_t cap, struct rp_err *e);

// Where the container whose state directory is statedir stages firmware
// (stage.h): "remoteproc-runtime/<key>" under the default root as root,
// "remoteproc-runtime/<key>@<8 hex digits of sha256(root)>" under any other,
// as one id may name containers under two roots. Roots are canonical
// (rp_path_canon), so one root gives one name. 0 or -ENAMETOOLONG.
int rp_state_owner(const char *statedir, char *buf, size_t cap);

// Fill st->key and st->dir for id under root.
int rp_state_locate(const char *root, const char *id, struct rp_state *st, struct rp_err *e);

// Read the state of id. -ENOENT: "container <id> does not exist".
int rp_state_read(const char *root, const char *id, struct rp_state *st, struct rp_err *e);
int rp_state_write(const struct rp_state *st, struct rp_err *e);

// Exclusive lock on the container's directory (serialises commands on one
// id). Returns the fd; the directory may have been removed meanwhile, so
// callers re-read the state after locking.
int rp_state_lock(const struct rp_state *st, struct rp_err *e);

// Live status (see the file comment).
enum rp_status rp_state_status(const struct rp_state *st);
const char *rp_status_name(enum rp_status s);
const char *rp_phase_name(enum rp_phase p);

// The proxy's last words: exit code and reason, if it left them. 0 or -ENOENT.
int rp_state_exit(const struct rp_state *st, int *code, char *reason, size_t cap);

// Call fn for every container under root (sorted by key is not promised).
int rp_state_each(const char *root, int (*fn)(const struct rp_state *, void *), void *arg,
                  struct rp_err *e);

#endif
