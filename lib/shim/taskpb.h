// taskpb.h - C structs and codec tables of the containerd shim messages
//
// Field numbers: containerd api/runtime/task/v2/shim.proto, api/types/*.proto,
// api/events/task.proto, api/services/ttrpc/events/v1/events.proto,
// api/runtime/bootstrap/v1/bootstrap.proto, api/types/runtimeoptions/v1 (as
// restated in our protocol reference, sections A, C, D). Storage rules are
// those of pb.h: strings are slices into the decoded buffer, repeated fields
// are fixed arrays whose overflow is a decode error.
//
// Each message has `struct rp_pb_<snake_name>` and `rp_pb_<snake_name>_msg`.
// Requests carrying only an id (and an exec id) share one struct,
// struct rp_pb_id_request; CreateTaskResponse/StartResponse share
// struct rp_pb_pid_response. task.v3 messages are identical to v2: use these.

#ifndef RP_TASKPB_H
#define RP_TASKPB_H

#include "pb.h"

// Capacities of repeated fields (decode fails beyond them, see pb.h).
#define RP_PB_MOUNT_OPTIONS 16   // containerd.types.Mount.options
#define RP_PB_ROOTFS_MAX 4       // CreateTaskRequest.rootfs, TaskCreate.rootfs
#define RP_PB_PIDS_MAX 8         // PidsResponse.processes
#define RP_PB_EXTENSIONS_MAX 4   // BootstrapParams.extensions
#define RP_PB_CAPS_MAX 4         // BootstrapResult.capabilities

// containerd.v1.types.Status (StateResponse.status)
enum {
  RP_PB_TASK_UNKNOWN = 0,
  RP_PB_TASK_CREATED = 1,
  RP_PB_TASK_RUNNING = 2,
  RP_PB_TASK_STOPPED = 3,
  RP_PB_TASK_PAUSED = 4,
  RP_PB_TASK_PAUSING = 5,
};

// containerd.runtime.bootstrap.v1.LogLevel (open enum)
enum {
  RP_PB_LOG_TRACE = -8,
  RP_PB_LOG_DEBUG = -4,
  RP_PB_LOG_INFO = 0,
  RP_PB_LOG_WARN = 4,
  RP_PB_LOG_ERROR = 8,
  RP_PB_LOG_FATAL = 10,
  RP_PB_LOG_PANIC = 12,
};

struct rp_pb_mount {   // containerd.types.Mount
  struct rp_pb_str type, source, target;
  RP_PB_REPEATED(struct rp_pb_str, RP_PB_MOUNT_OPTIONS) options;
};

// ---- containerd.task.v2 ---------------------------------------------------

// StartRequest, DeleteRequest, StateRequest, WaitRequest (id, exec_id) and
// PidsRequest, StatsRequest, ConnectRequest, PauseRequest, ResumeRequest
// (id only: exec_id stays empty).
struct rp_pb_id_request {
  struct rp_pb_str id, exec_id;
};

// CreateTaskResponse, StartResponse
struct rp_pb_pid_response {
  uint32_t pid;
};

struct rp_pb_create_task_request {
  struct rp_pb_str id, bundle;
  RP_PB_REPEATED(struct rp_pb_mount, RP_PB_ROOTFS_MAX) rootfs;
  bool terminal;
  struct rp_pb_str stdin_, stdout_, stderr_;   // `stdin` is a libc macro
  struct rp_pb_str checkpoint, parent_checkpoint;
  struct rp_pb_any options;
};

struct rp_pb_delete_response {
  uint32_t pid, exit_status;
  struct rp_pb_timestamp exited_at;
};

struct rp_pb_state_response {
  struct rp_pb_str id, bundle;
  uint32_t pid;
  int32_t status;   // RP_PB_TASK_*
  struct rp_pb_str stdin_, stdout_, stderr_;
  bool terminal;
  uint32_t exit_status;
  struct rp_pb_timestamp exited_at;
  struct rp_pb_str exec_id;
};

struct rp_pb_kill_request {
  struct rp_pb_str id, exec_id;
  uint32_t signal;
  bool all;
};

struct rp_pb_close_io_request {
  struct rp_pb_str id, exec_id;
  bool stdin_;
};

struct rp_pb_process_info {   // containerd.v1.types.ProcessInfo
  uint32_t pid;
  struct rp_pb_any info;
};

struct rp_pb_pids_response {
  RP_PB_REPEATED(struct rp_pb_process_info, RP_PB_PIDS_MAX) processes;
};

struct rp_pb_checkpoint_task_request {
  struct rp_pb_str id, path;
  struct rp_pb_any options;
};

struct rp_pb_update_task_request {
  struct rp_pb_str id;
  struct rp_pb_any resources;
  RP_PB_MAP annotations;
};

struct rp_pb_wait_response {
  uint32_t exit_status;
  struct rp_pb_timestamp exited_at;
};

struct rp_pb_stats_response {
  struct rp_pb_any stats;
};

struct rp_pb_connect_response {
  uint32_t shim_pid, task_pid;
  struct rp_pb_str version;
};

struct rp_pb_shutdown_request {
  struct rp_pb_str id;
  bool now;
};

struct rp_pb_exec_process_request {
  struct rp_pb_str id, exec_id;
  bool terminal;
  struct rp_pb_str stdin_, stdout_, stderr_;
  struct rp_pb_any spec;
};

struct rp_pb_resize_pty_request {
  struct rp_pb_str id, exec_id;
  uint32_t width, height;
};

extern const struct rp_pb_msg rp_pb_mount_msg, rp_pb_create_task_request_msg,
    rp_pb_create_task_response_msg, rp_pb_start_request_msg, rp_pb_start_response_msg,
    rp_pb_delete_request_msg, rp_pb_delete_response_msg, rp_pb_state_request_msg,
    rp_pb_state_response_msg, rp_pb_kill_request_msg, rp_pb_close_io_request_msg,
    rp_pb_pids_request_msg, rp_pb_pids_response_msg, rp_pb_process_info_msg,
    rp_pb_checkpoint_task_request_msg, rp_pb_update_task_request_msg,
    rp_pb_wait_request_msg, rp_pb_wait_response_msg, rp_pb_stats_request_msg,
    rp_pb_stats_response_msg, rp_pb_connect_request_msg, rp_pb_connect_response_msg,
    rp_pb_shutdown_request_msg, rp_pb_pause_request_msg, rp_pb_resume_request_msg,
    rp_pb_exec_process_request_msg, rp_pb_resize_pty_request_msg;

// ---- events (containerd.events) and their transport ---------------------------

struct rp_pb_task_io {
  struct rp_pb_str stdin_, stdout_, stderr_;
  bool terminal;
};

struct rp_pb_task_create {
  struct rp_pb_str container_id, bundle;
  RP_PB_REPEATED(struct rp_pb_mount, RP_PB_ROOTFS_MAX) rootfs;
  struct rp_pb_task_io io;
  struct rp_pb_str checkpoint;
  uint32_t pid;
};

struct rp_pb_task_start {
  struct rp_pb_str container_id;
  uint32_t pid;
};

struct rp_pb_task_exit {   // id must equal container_id for the init process
  struct rp_pb_str container_id, id;
  uint32_t pid, exit_status;
  struct rp_pb_timestamp exited_at;
};

struct rp_pb_task_delete {
  struct rp_pb_str container_id;
  uint32_t pid, exit_status;
  struct rp_pb_timestamp exited_at;
  struct rp_pb_str id;
};

struct rp_pb_envelope {   // containerd.types.Envelope (1.6: ...ttrpc.v1.Envelope)
  struct rp_pb_timestamp timestamp;   // must be non-zero
  struct rp_pb_str namespace, topic;
  struct rp_pb_any event;
};

struct rp_pb_forward_request {   // containerd.services.events.ttrpc.v1
  struct rp_pb_envelope envelope;
};

extern const struct rp_pb_msg rp_pb_task_io_msg, rp_pb_task_create_msg, rp_pb_task_start_msg,
    rp_pb_task_exit_msg, rp_pb_task_delete_msg, rp_pb_envelope_msg, rp_pb_forward_request_msg;

// ---- start/-info plumbing ------------------------------------------------------

struct rp_pb_extension {
  struct rp_pb_any value;
};

struct rp_pb_bootstrap_params {
  struct rp_pb_str instance_id, namespace;
  int32_t log_level;   // RP_PB_LOG_*
  struct rp_pb_str containerd_version, containerd_ttrpc_address, containerd_grpc_address;
  struct rp_pb_str containerd_binary;
  RP_PB_REPEATED(struct rp_pb_extension, RP_PB_EXTENSIONS_MAX) extensions;
  struct rp_pb_str socket_dir;   // proto3 optional: empty = absent here
};

struct rp_pb_bootstrap_result {
  int32_t version;
  struct rp_pb_str address, protocol;
  RP_PB_REPEATED(int32_t, RP_PB_CAPS_MAX) capabilities;
  RP_PB_MAP metadata;
};

struct rp_pb_runtime_version {
  struct rp_pb_str version, revision;
};

struct rp_pb_runtime_info {   // containerd.types.RuntimeInfo
  struct rp_pb_str name;
  struct rp_pb_runtime_version version;
  struct rp_pb_any options, features;
  RP_PB_MAP annotations;
};

struct rp_pb_runtime_options {   // runtimeoptions.v1.Options
  struct rp_pb_str type_url, config_path, config_body;
};

extern const struct rp_pb_msg rp_pb_extension_msg, rp_pb_bootstrap_params_msg,
    rp_pb_bootstrap_result_msg, rp_pb_runtime_version_msg, rp_pb_runtime_info_msg,
    rp_pb_runtime_options_msg;

#endif
