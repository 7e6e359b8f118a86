// shimtask.c - the containerd.task.v2/v3 Task service of the shim
//
// Each handler decodes its request, acts through lib/rt (the same code and
// state store as the remoteproc-runtime CLI) and answers, or parks the
// request for the loop to answer later. Which request is legal in which
// state, and the state after it, is the table in shimfsm.c: a handler asks
// it (rule), answers a refusal (refused), and enters the rule's state once
// its work succeeded.
// One file for the whole service: its handlers share the dispatch table,
// the parked-request helpers and the event publishing they all end with.

#include "shimint.h"
#include "cgstats.h"
#include "log.h"
#include "mount.h"
#include "path.h"
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

typedef void handler(int ci, const struct rp_ttrpc_call *call, const struct waiter *w);

static int decode(int ci, const struct rp_ttrpc_call *call, const struct rp_pb_msg *d, void *msg)
{
  return rp_ttrpc_conn_decode(&shim.c[ci].c, call, d, msg);
}

static struct task *find(struct rp_pb_str id)
{
  for (int i = 0; i < SHIM_TASKS; i++)
    if (shim.t[i].used && rp_pb_str_eq(id, shim.t[i].id)) return &shim.t[i];
  return NULL;
}

// The task named in a request, or NULL after answering NOT_FOUND.
static struct task *need(struct rp_pb_str id, const struct waiter *w)
{
  struct task *t = find(id);
  if (!t) shim_reply_err(w, RP_TTRPC_NOT_FOUND, "task %.*s not found", (int)(id.len > 255 ? 255 : id.len), id.p);
  return t;
}

// The init process of the task named in a request: this shim runs no execs,
// so any exec id is NOT_FOUND, as a missing task is. NULL after answering.
static struct task *need_init(struct rp_pb_str id, struct rp_pb_str exec_id, const struct waiter *w)
{
  struct task *t = need(id, w);
  if (t && exec_id.len) {
    shim_reply_err(w, RP_TTRPC_NOT_FOUND, "exec %.*s not found", (int)(exec_id.len > 255 ? 255 : exec_id.len), exec_id.p);
    return NULL;
  }
  return t;
}

// A stopped task's pid may belong to a new process by now: skip them.
struct task *shim_task_by_pid(int pid)
{
  for (int i = 0; i < SHIM_TASKS; i++)
    if (shim.t[i].used && shim.t[i].st != T_STOPPED && shim.t[i].pid == pid) return &shim.t[i];
  return NULL;
}

// The rule for ev on t; a refusal is answered here (then NULL).
static const struct trule *rule(struct task *t, enum tevent ev, const struct waiter *w)
{
  const struct trule *r = shim_rule(t, ev);
  if (r->act != A_REFUSE) return r;
  int code;
  const char *why = shim_refusal(r, &code);
  shim_reply_err(w, code, why, t->id);
  return NULL;
}

static void reply_rt_err(const struct waiter *w, const struct rp_err *e)
{
  shim_reply_err(w, rp_ttrpc_code_of(e->code), "%s", e->msg);
}

static void close_stdio(struct task *t)
{
  int *fds[] = {&t->fd_in, &t->fd_out, &t->fd_err};
  for (int i = 0; i < 3; i++) {
    if (*fds[i] >= 0) close(*fds[i]);
    *fds[i] = -1;
  }
}

// A stdio path from containerd: a FIFO (plain or fifo://) or file://.
// O_RDWR on a FIFO never blocks and never fails for want of a reader.
static int open_stdio(const char *uri, int *fd, struct rp_err *e)
{
  *fd = -1;
  if (!*uri) return 0;
  if (!strncmp(uri, "binary://", 9))
    return rp_errf(e, EINVAL, "logging to a binary (%s) is not supported", uri);
  if (!strncmp(uri, "file://", 7)) *fd = open(uri + 7, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  else *fd = open(uri + (strncmp(uri, "fifo://", 7) ? 0 : 7), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  return *fd < 0 ? rp_errf(e, errno, "cannot open %s: %s", uri, strerror(errno)) : 0;
}

static int copy_field(char *dst, size_t cap, struct rp_pb_str s, const char *what, const struct waiter *w)
{
  if (rp_pb_str_copy(dst, cap, s) == 0) return 0;
  shim_reply_err(w, RP_TTRPC_INVALID_ARGUMENT, "%s is too long or holds a NUL byte", what);
  return -1;
}

_Static_assert(RP_MOUNT_OPTS >= RP_PB_MOUNT_OPTIONS, "every decoded mount option fits an rp_mount");

// Copy s, NUL-terminated, to the free part of an arena; NULL when it is full.
static const char *arena_copy(char *arena, size_t cap, size_t *used, struct rp_pb_str s)
{
  char *dst = arena + *used;
  if (rp_pb_str_copy(dst, cap - *used, s)) return NULL;
  *used += s.len + 1;
  return dst;
}

// One mount's strings go to one arena: an overlay lowerdir of many layers is
// long, but the kernel takes at most a page of options anyway.
static int mount_rootfs(struct task *t, const struct rp_pb_create_task_request *r, struct rp_err *e)
{
  char *arena = shim.scratch.arena;
  size_t cap = sizeof(shim.scratch.arena);
  for (uint32_t i = 0; i < r->rootfs.n; i++) {
    const struct rp_pb_mount *pm = &r->rootfs.v[i];
    size_t used = 0;
    struct rp_mount m = {arena_copy(arena, cap, &used, pm->type),
                         arena_copy(arena, cap, &used, pm->source),
                         arena_copy(arena, cap, &used, pm->target), {0}, (int)pm->options.n};
    int bad = !m.type || !m.source || !m.target;
    for (uint32_t k = 0; k < pm->options.n; k++)
      bad |= !(m.opt[k] = arena_copy(arena, cap, &used, pm->options.v[k]));
    int r2 = bad ? rp_errf(e, EINVAL, "a rootfs mount is too long or has a NUL byte")
                 : rp_mount_one(t->bundle, &m, e);
    if (r2) {
      rp_mount_clear(t->bundle, t->mounted);
      t->mounted = 0;
      return r2;
    }
    t->mounted++;
  }
  return 0;
}

static void publish_create(const struct task *t, const struct rp_pb_create_task_request *r)
{
  struct rp_pb_task_create ev = {0};
  ev.container_id = rp_pb_cstr(t->id);
  ev.bundle = rp_pb_cstr(t->bundle);
  memcpy(&ev.rootfs, &r->rootfs, sizeof(ev.rootfs));
  ev.io = (struct rp_pb_task_io){rp_pb_cstr(t->in), rp_pb_cstr(t->out), rp_pb_cstr(t->err), t->terminal};
  ev.pid = (uint32_t)t->pid;
  rp_events_publish(&shim.ev, "/tasks/create", &rp_pb_task_create_msg, &ev);
}

// The proxy reads stdin (to the firmware's tty) through a reader of its
// own. The shim's end (open_stdio) stays a writer until CloseIO, so a
// client that detaches is no end of input: the next attach goes on.
static int stdin_reader(const struct task *t)
{
  int fd = t->fd_in < 0 ? -1 : open(t->in + (strncmp(t->in, "fifo://", 7) ? 0 : 7), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  return fd < 0 ? shim.devnull : fd;
}

static int create_task(struct task *t, const struct rp_pb_create_task_request *r, struct rp_err *e)
{
  int rc = mount_rootfs(t, r, e);
  if (!rc) rc = open_stdio(t->in, &t->fd_in, e);
  if (!rc) rc = open_stdio(t->out, &t->fd_out, e);
  if (!rc) rc = open_stdio(t->err, &t->fd_err, e);
  if (rc) return rc;
  int out = t->fd_out >= 0 ? t->fd_out : shim.devnull, in = stdin_reader(t);
  struct rp_create c = {.id = t->id, .bundle = t->bundle, .mounts = t->mounted,
                        .stdio = {in, out, t->fd_err >= 0 ? t->fd_err : out}};
  rc = rp_rt_create(&shim.rt, &c, &t->pid, e);
  if (in != shim.devnull) close(in);
  return rc;
}

static void h_create(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_create_task_request *r = &shim.scratch.create;
  struct task *t = NULL;
  struct rp_err e = {0};
  if (decode(ci, call, &rp_pb_create_task_request_msg, r) < 0) return;
  if (find(r->id)) return shim_reply_err(w, RP_TTRPC_ALREADY_EXISTS, "task %.*s already exists", (int)r->id.len, r->id.p);
  if (r->checkpoint.len)
    return shim_reply_err(w, RP_TTRPC_UNIMPLEMENTED, "restoring a checkpoint is not supported on a remote processor");
  for (int i = 0; i < SHIM_TASKS && !t; i++) t = shim.t[i].used ? NULL : &shim.t[i];
  if (!t) return shim_reply_err(w, RP_TTRPC_RESOURCE_EXHAUSTED, "this shim already holds %d tasks", SHIM_TASKS);
  memset(t, 0, sizeof(*t));
  t->fd_in = t->fd_out = t->fd_err = t->start_fd = -1;
  if (copy_field(t->id, sizeof(t->id), r->id, "task id", w) || copy_field(t->bundle, sizeof(t->bundle), r->bundle, "bundle", w) ||
      copy_field(t->in, sizeof(t->in), r->stdin_, "stdin", w) || copy_field(t->out, sizeof(t->out), r->stdout_, "stdout", w) ||
      copy_field(t->err, sizeof(t->err), r->stderr_, "stderr", w))
    return;
  t->terminal = r->terminal;
  if (create_task(t, r, &e)) {
    rp_mount_clear(t->bundle, t->mounted);  // mounted, then stdio or create failed
    close_stdio(t);
    return reply_rt_err(w, &e);
  }
  t->used = 1;
  t->st = T_CREATED;
  publish_create(t, r);
  struct rp_pb_pid_response resp = {(uint32_t)t->pid};
  shim_reply(w, &rp_pb_create_task_response_msg, &resp);
}

static void h_start(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  struct rp_err e = {0};
  if (decode(ci, call, &rp_pb_start_request_msg, &r) < 0) return;
  struct task *t = need_init(r.id, r.exec_id, w);
  const struct trule *go = t ? rule(t, E_START, w) : NULL;
  if (!go) return;
  int fd = rp_rt_start_send(&shim.rt, t->id, &e);
  if (fd < 0) return reply_rt_err(w, &e);
  t->start_fd = fd;
  t->start = *w;
  t->start_deadline = shim_now_ms() + RP_START_TIMEOUT_MS;
  t->st = go->next;
}

void shim_task_started(struct task *t, int timed_out)
{
  struct rp_err e = {0};
  int r = timed_out ? rp_errf(&e, ETIMEDOUT, "the processor did not confirm its start within %d s",
                              RP_START_TIMEOUT_MS / 1000)
                    : rp_rt_start_finish(&shim.rt, t->id, t->start_fd, &e);
  if (timed_out) close(t->start_fd);
  t->start_fd = -1;
  t->st = shim_rule(t, r ? E_START_FAILED : E_STARTED)->next;
  if (r) return reply_rt_err(&t->start, &e);
  struct rp_pb_task_start ev = {rp_pb_cstr(t->id), (uint32_t)t->pid};
  rp_events_publish(&shim.ev, "/tasks/start", &rp_pb_task_start_msg, &ev);  // before the answer
  struct rp_pb_pid_response resp = {(uint32_t)t->pid};
  shim_reply(&t->start, &rp_pb_start_response_msg, &resp);
}

static int32_t status_of(const struct task *t)
{
  static const int32_t map[] = {RP_PB_TASK_CREATED, RP_PB_TASK_CREATED, RP_PB_TASK_RUNNING, RP_PB_TASK_STOPPED};
  return map[t->st];
}

static void h_state(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  if (decode(ci, call, &rp_pb_state_request_msg, &r) < 0) return;
  struct task *t = need_init(r.id, r.exec_id, w);
  if (!t) return;
  struct rp_pb_state_response s = {
      .id = rp_pb_cstr(t->id), .bundle = rp_pb_cstr(t->bundle), .pid = (uint32_t)t->pid,
      .status = status_of(t), .stdin_ = rp_pb_cstr(t->in), .stdout_ = rp_pb_cstr(t->out),
      .stderr_ = rp_pb_cstr(t->err), .terminal = t->terminal, .exit_status = t->exit_status,
      .exited_at = t->exited_at};
  shim_reply(w, &rp_pb_state_response_msg, &s);
}

static void h_kill(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_kill_request r;
  struct rp_err e = {0};
  if (decode(ci, call, &rp_pb_kill_request_msg, &r) < 0) return;
  struct task *t = need_init(r.id, r.exec_id, w);
  if (!t || !rule(t, E_KILL, w)) return;
  if (r.signal > 64) return shim_reply_err(w, RP_TTRPC_INVALID_ARGUMENT, "invalid signal %u", r.signal);
  if (r.signal && rp_rt_kill(&shim.rt, t->id, (int)r.signal, r.all, &e)) return reply_rt_err(w, &e);
  shim_reply(w, NULL, NULL);
}

static void answer_waiters(struct task *t)
{
  struct rp_pb_wait_response resp = {t->exit_status, t->exited_at};
  for (int i = 0; i < t->nwait; i++) shim_reply(&t->wait[i], &rp_pb_wait_response_msg, &resp);
  t->nwait = 0;
}

void shim_task_exited(struct task *t, int status)
{
  const struct trule *go = shim_rule(t, E_EXIT);
  if (go->act == A_IGNORE) return;
  t->st = go->next;
  t->exit_status = (uint32_t)rp_proc_exit_code(status);
  t->exited_at = shim_now_ts();
  close_stdio(t);  // readers of the FIFOs see the end of the output
  struct rp_pb_task_exit ev = {rp_pb_cstr(t->id), rp_pb_cstr(t->id), (uint32_t)t->pid, t->exit_status, t->exited_at};
  rp_events_publish(&shim.ev, "/tasks/exit", &rp_pb_task_exit_msg, &ev);
  answer_waiters(t);
}

static void h_delete(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  struct rp_err e = {0};
  if (decode(ci, call, &rp_pb_delete_request_msg, &r) < 0) return;
  struct task *t = need_init(r.id, r.exec_id, w);
  const struct trule *go = t ? rule(t, E_DELETE, w) : NULL;
  if (!go) return;
  if (rp_rt_delete(&shim.rt, t->id, 1, &e)) return reply_rt_err(w, &e);
  if (go->killed) {  // never started: its proxy was killed just now
    t->exit_status = 128 + SIGKILL;
    t->exited_at = shim_now_ts();
  }
  t->st = go->next;
  rp_mount_clear(t->bundle, t->mounted);
  close_stdio(t);
  struct rp_pb_task_delete ev = {rp_pb_cstr(t->id), (uint32_t)t->pid, t->exit_status, t->exited_at, {0}};
  rp_events_publish(&shim.ev, "/tasks/delete", &rp_pb_task_delete_msg, &ev);
  answer_waiters(t);
  struct rp_pb_delete_response resp = {(uint32_t)t->pid, t->exit_status, t->exited_at};
  shim_reply(w, &rp_pb_delete_response_msg, &resp);
  t->used = 0;
}

void shim_task_conn_closed(int ci)
{
  for (int i = 0; i < SHIM_TASKS; i++) {
    struct task *t = &shim.t[i];
    int k = 0;
    for (int n = 0; n < t->nwait; n++)
      if (t->wait[n].conn != ci) t->wait[k++] = t->wait[n];
    t->nwait = k;
  }
}

static void h_wait(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  if (decode(ci, call, &rp_pb_wait_request_msg, &r) < 0) return;
  struct task *t = need_init(r.id, r.exec_id, w);
  if (!t) return;
  if (shim_rule(t, E_WAIT)->act == A_ANSWER) {
    struct rp_pb_wait_response resp = {t->exit_status, t->exited_at};
    return shim_reply(w, &rp_pb_wait_response_msg, &resp);
  }
  if (t->nwait == SHIM_WAITERS)
    return shim_reply_err(w, RP_TTRPC_RESOURCE_EXHAUSTED, "too many waiters on task %s", t->id);
  t->wait[t->nwait++] = *w;  // answered when the proxy exits
}

static void h_connect(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  if (decode(ci, call, &rp_pb_connect_request_msg, &r) < 0) return;
  struct task *t = find(r.id);
  struct rp_pb_connect_response resp = {(uint32_t)getpid(), t ? (uint32_t)t->pid : 0, RP_PB_S(RP_VERSION)};
  shim_reply(w, &rp_pb_connect_response_msg, &resp);
}

// containerd 1.7+ takes an empty list for a leaked shim: always list the proxy.
static void h_pids(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_id_request r;
  struct rp_pb_pids_response *resp = &shim.scratch.pids;
  if (decode(ci, call, &rp_pb_pids_request_msg, &r) < 0) return;
  struct task *t = need(r.id, w);
  if (!t) return;
  memset(resp, 0, sizeof(*resp));
  if (t->pid > 0) resp->processes.v[resp->processes.n++].pid = (uint32_t)t->pid;
  shim_reply(w, &rp_pb_pids_response_msg, resp);
}

// The container's cgroup (linux.cgroupsPath, recorded by create), read as
// a runc shim reads it. Without one, never an absent value: containerd
// 1.6's CRI unmarshals it unchecked and crashes; an empty cgroups v1
// Metrics is what a runc shim sends for a container without figures.
static void h_stats(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  static struct rp_state st;
  static uint8_t buf[1024];
  struct rp_pb_id_request r;
  struct rp_pb_stats_response resp = {{RP_PB_S("io.containerd.cgroups.v1.Metrics"), {0}}};
  const char *type;
  char id[RP_ID_MAX + 1];
  if (decode(ci, call, &rp_pb_stats_request_msg, &r) < 0 || !need(r.id, w)) return;
  int n = rp_pb_str_copy(id, sizeof(id), r.id) || rp_state_read(shim.rt.root, id, &st, NULL) || !st.cgroup[0]
              ? -1 : rp_cgstats(st.cgroup, buf, sizeof(buf), &type);
  if (n >= 0) resp.stats = (struct rp_pb_any){rp_pb_cstr(type), {(const char *)buf, (size_t)n}};
  shim_reply(w, &rp_pb_stats_response_msg, &resp);
}

static void h_close_io(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_close_io_request r;
  if (decode(ci, call, &rp_pb_close_io_request_msg, &r) < 0) return;
  struct task *t = need(r.id, w);
  if (!t) return;
  if (r.stdin_ && t->fd_in >= 0) {
    close(t->fd_in);
    t->fd_in = -1;
  }
  shim_reply(w, NULL, NULL);
}

static void h_resize(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_resize_pty_request r;
  if (decode(ci, call, &rp_pb_resize_pty_request_msg, &r) < 0 || !need(r.id, w)) return;
  shim_reply(w, NULL, NULL);  // firmware output has no window size
}

static void h_shutdown(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  struct rp_pb_shutdown_request r;
  if (decode(ci, call, &rp_pb_shutdown_request_msg, &r) < 0) return;
  shim_reply(w, NULL, NULL);
  for (int i = 0; i < SHIM_TASKS; i++)
    if (shim.t[i].used) return;  // other tasks of the group still live here
  shim.stopping = 1;
  shim.stop_deadline = shim_now_ms() + 2000;
}

static void h_unsupported(int ci, const struct rp_ttrpc_call *call, const struct waiter *w)
{
  shim_reply_err(w, RP_TTRPC_UNIMPLEMENTED, "%.*s is not supported on a remote processor",
                 (int)call->method.len, call->method.p);
}

static const struct {
  const char *name;
  handler *fn;
} methods[] = {
    {"Checkpoint", h_unsupported}, {"CloseIO", h_close_io}, {"Connect", h_connect},
    {"Create", h_create},          {"Delete", h_delete},    {"Exec", h_unsupported},
    {"Kill", h_kill},              {"Pause", h_unsupported}, {"Pids", h_pids},
    {"ResizePty", h_resize},       {"Resume", h_unsupported}, {"Shutdown", h_shutdown},
    {"Start", h_start},            {"State", h_state},      {"Stats", h_stats},
    {"Update", h_unsupported},     {"Wait", h_wait},
};

void shim_task_call(int ci, const struct rp_ttrpc_call *call)
{
  struct waiter w = {ci, shim.c[ci].gen, call->sid};
  if (!rp_pb_str_eq(call->service, "containerd.task.v2.Task") &&
      !rp_pb_str_eq(call->service, "containerd.task.v3.Task")) {
    rp_ttrpc_conn_no_service(&shim.c[ci].c, call);
    return;
  }
  for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
    if (rp_pb_str_eq(call->method, methods[i].name)) {
      rp_log(RP_LOG_DEBUG, "-> %s", methods[i].name);
      methods[i].fn(ci, call, &w);
      return;
    }
  rp_ttrpc_conn_no_method(&shim.c[ci].c, call);
}
