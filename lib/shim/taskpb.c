// taskpb.c - codec tables of every message the shim reads or writes
//
// Pure data: one row per proto field, sorted by field number (pb.h). The
// field numbers are those of the protocol reference (sections 1, A.5, A.6,
// A.10, C.2-C.4, D.2-D.3); tests/proto/*.proto restate them for protoc, and
// tests/proto.test checks both against each other.

#include "taskpb.h"

#define STR(T, n, m) RP_PB_F(T, n, RP_PB_STRING, m)
#define U32(T, n, m) RP_PB_F(T, n, RP_PB_UINT32, m)
#define BOOL(T, n, m) RP_PB_F(T, n, RP_PB_BOOL, m)
#define MSG(T, n, m, sub) RP_PB_M(T, n, m, sub)
#define TS(T, n, m) RP_PB_M(T, n, m, rp_pb_timestamp_msg)
#define ANY(T, n, m) RP_PB_M(T, n, m, rp_pb_any_msg)
#define MAP(T, n, m) RP_PB_R(T, n, RP_PB_MESSAGE, m, &rp_pb_kv_msg)
// The three stdio members are spelled with a trailing '_' (libc macros).
#define STDIO(T, n)                                                          \
  RP_PB_FN(T, n, RP_PB_STRING, stdin_, "stdin"),                             \
  RP_PB_FN(T, n + 1, RP_PB_STRING, stdout_, "stdout"),                       \
  RP_PB_FN(T, n + 2, RP_PB_STRING, stderr_, "stderr")

#define TASK "containerd.task.v2."

// ---- well-known types ---------------------------------------------------

static const struct rp_pb_field any_f[] = {
  STR(struct rp_pb_any, 1, type_url),
  RP_PB_F(struct rp_pb_any, 2, RP_PB_BYTES, value),
};
static const struct rp_pb_field timestamp_f[] = {
  RP_PB_F(struct rp_pb_timestamp, 1, RP_PB_INT64, seconds),
  RP_PB_F(struct rp_pb_timestamp, 2, RP_PB_INT32, nanos),
};
static const struct rp_pb_field kv_f[] = {
  STR(struct rp_pb_kv, 1, key),
  STR(struct rp_pb_kv, 2, value),
};
static const struct rp_pb_field status_f[] = {
  RP_PB_F(struct rp_pb_status, 1, RP_PB_INT32, code),
  STR(struct rp_pb_status, 2, message),
  RP_PB_R(struct rp_pb_status, 3, RP_PB_MESSAGE, details, &rp_pb_any_msg),
};

const struct rp_pb_msg rp_pb_any_msg = RP_PB_MSG("google.protobuf.Any", struct rp_pb_any, any_f);
const struct rp_pb_msg rp_pb_timestamp_msg =
    RP_PB_MSG("google.protobuf.Timestamp", struct rp_pb_timestamp, timestamp_f);
// Map entries and ttrpc.KeyValue share this layout {key = 1, value = 2}.
const struct rp_pb_msg rp_pb_kv_msg = RP_PB_MSG("KeyValue", struct rp_pb_kv, kv_f);
const struct rp_pb_msg rp_pb_empty_msg = { "google.protobuf.Empty", sizeof(struct rp_pb_empty),
                                           0, NULL };
const struct rp_pb_msg rp_pb_status_msg =
    RP_PB_MSG("google.rpc.Status", struct rp_pb_status, status_f);

// ---- containerd.types / containerd.v1.types -----------------------------

static const struct rp_pb_field mount_f[] = {
  STR(struct rp_pb_mount, 1, type),
  STR(struct rp_pb_mount, 2, source),
  STR(struct rp_pb_mount, 3, target),
  RP_PB_R(struct rp_pb_mount, 4, RP_PB_STRING, options, NULL),
};
const struct rp_pb_msg rp_pb_mount_msg =
    RP_PB_MSG("containerd.types.Mount", struct rp_pb_mount, mount_f);

static const struct rp_pb_field process_info_f[] = {
  U32(struct rp_pb_process_info, 1, pid),
  ANY(struct rp_pb_process_info, 2, info),
};
const struct rp_pb_msg rp_pb_process_info_msg =
    RP_PB_MSG("containerd.v1.types.ProcessInfo", struct rp_pb_process_info, process_info_f);

// ---- containerd.task.v2 -------------------------------------------------

static const struct rp_pb_field id_exec_f[] = {
  STR(struct rp_pb_id_request, 1, id),
  STR(struct rp_pb_id_request, 2, exec_id),
};
#define ID_EXEC(name) { TASK name, sizeof(struct rp_pb_id_request), 2, id_exec_f }
#define ID_ONLY(name) { TASK name, sizeof(struct rp_pb_id_request), 1, id_exec_f }
const struct rp_pb_msg rp_pb_start_request_msg = ID_EXEC("StartRequest");
const struct rp_pb_msg rp_pb_delete_request_msg = ID_EXEC("DeleteRequest");
const struct rp_pb_msg rp_pb_state_request_msg = ID_EXEC("StateRequest");
const struct rp_pb_msg rp_pb_wait_request_msg = ID_EXEC("WaitRequest");
const struct rp_pb_msg rp_pb_pids_request_msg = ID_ONLY("PidsRequest");
const struct rp_pb_msg rp_pb_stats_request_msg = ID_ONLY("StatsRequest");
const struct rp_pb_msg rp_pb_connect_request_msg = ID_ONLY("ConnectRequest");
const struct rp_pb_msg rp_pb_pause_request_msg = ID_ONLY("PauseRequest");
const struct rp_pb_msg rp_pb_resume_request_msg = ID_ONLY("ResumeRequest");

static const struct rp_pb_field pid_f[] = {
  U32(struct rp_pb_pid_response, 1, pid),
};
const struct rp_pb_msg rp_pb_create_task_response_msg =
    RP_PB_MSG(TASK "CreateTaskResponse", struct rp_pb_pid_response, pid_f);
const struct rp_pb_msg rp_pb_start_response_msg =
    RP_PB_MSG(TASK "StartResponse", struct rp_pb_pid_response, pid_f);

#define T struct rp_pb_create_task_request
static const struct rp_pb_field create_f[] = {
  STR(T, 1, id),
  STR(T, 2, bundle),
  RP_PB_R(T, 3, RP_PB_MESSAGE, rootfs, &rp_pb_mount_msg),
  BOOL(T, 4, terminal),
  STDIO(T, 5),
  STR(T, 8, checkpoint),
  STR(T, 9, parent_checkpoint),
  ANY(T, 10, options),
};
const struct rp_pb_msg rp_pb_create_task_request_msg = RP_PB_MSG(TASK "CreateTaskRequest", T, create_f);
#undef T

#define T struct rp_pb_delete_response
static const struct rp_pb_field delete_resp_f[] = {
  U32(T, 1, pid),
  U32(T, 2, exit_status),
  TS(T, 3, exited_at),
};
const struct rp_pb_msg rp_pb_delete_response_msg = RP_PB_MSG(TASK "DeleteResponse", T, delete_resp_f);
#undef T

#define T struct rp_pb_state_response
static const struct rp_pb_field state_resp_f[] = {
  STR(T, 1, id),
  STR(T, 2, bundle),
  U32(T, 3, pid),
  RP_PB_F(T, 4, RP_PB_ENUM, status),
  STDIO(T, 5),
  BOOL(T, 8, terminal),
  U32(T, 9, exit_status),
  TS(T, 10, exited_at),
  STR(T, 11, exec_id),
};
const struct rp_pb_msg rp_pb_state_response_msg = RP_PB_MSG(TASK "StateResponse", T, state_resp_f);
#undef T

#define T struct rp_pb_kill_request
static const struct rp_pb_field kill_f[] = {
  STR(T, 1, id),
  STR(T, 2, exec_id),
  U32(T, 3, signal),
  BOOL(T, 4, all),
};
const struct rp_pb_msg rp_pb_kill_request_msg = RP_PB_MSG(TASK "KillRequest", T, kill_f);
#undef T

#define T struct rp_pb_close_io_request
static const struct rp_pb_field close_io_f[] = {
  STR(T, 1, id),
  STR(T, 2, exec_id),
  RP_PB_FN(T, 3, RP_PB_BOOL, stdin_, "stdin"),
};
const struct rp_pb_msg rp_pb_close_io_request_msg = RP_PB_MSG(TASK "CloseIORequest", T, close_io_f);
#undef T

static const struct rp_pb_field pids_resp_f[] = {
  RP_PB_R(struct rp_pb_pids_response, 1, RP_PB_MESSAGE, processes, &rp_pb_process_info_msg),
};
const struct rp_pb_msg rp_pb_pids_response_msg =
    RP_PB_MSG(TASK "PidsResponse", struct rp_pb_pids_response, pids_resp_f);

#define T struct rp_pb_checkpoint_task_request
static const struct rp_pb_field checkpoint_f[] = {
  STR(T, 1, id),
  STR(T, 2, path),
  ANY(T, 3, options),
};
const struct rp_pb_msg rp_pb_checkpoint_task_request_msg =
    RP_PB_MSG(TASK "CheckpointTaskRequest", T, checkpoint_f);
#undef T

#define T struct rp_pb_update_task_request
static const struct rp_pb_field update_f[] = {
  STR(T, 1, id),
  ANY(T, 2, resources),
  MAP(T, 3, annotations),
};
const struct rp_pb_msg rp_pb_update_task_request_msg =
    RP_PB_MSG(TASK "UpdateTaskRequest", T, update_f);
#undef T

static const struct rp_pb_field wait_resp_f[] = {
  U32(struct rp_pb_wait_response, 1, exit_status),
  TS(struct rp_pb_wait_response, 2, exited_at),
};
const struct rp_pb_msg rp_pb_wait_response_msg =
    RP_PB_MSG(TASK "WaitResponse", struct rp_pb_wait_response, wait_resp_f);

static const struct rp_pb_field stats_resp_f[] = {
  ANY(struct rp_pb_stats_response, 1, stats),
};
const struct rp_pb_msg rp_pb_stats_response_msg =
    RP_PB_MSG(TASK "StatsResponse", struct rp_pb_stats_response, stats_resp_f);

#define T struct rp_pb_connect_response
static const struct rp_pb_field connect_resp_f[] = {
  U32(T, 1, shim_pid),
  U32(T, 2, task_pid),
  STR(T, 3, version),
};
const struct rp_pb_msg rp_pb_connect_response_msg =
    RP_PB_MSG(TASK "ConnectResponse", T, connect_resp_f);
#undef T

static const struct rp_pb_field shutdown_f[] = {
  STR(struct rp_pb_shutdown_request, 1, id),
  BOOL(struct rp_pb_shutdown_request, 2, now),
};
const struct rp_pb_msg rp_pb_shutdown_request_msg =
    RP_PB_MSG(TASK "ShutdownRequest", struct rp_pb_shutdown_request, shutdown_f);

#define T struct rp_pb_exec_process_request
static const struct rp_pb_field exec_f[] = {
  STR(T, 1, id),
  STR(T, 2, exec_id),
  BOOL(T, 3, terminal),
  STDIO(T, 4),
  ANY(T, 7, spec),
};
const struct rp_pb_msg rp_pb_exec_process_request_msg =
    RP_PB_MSG(TASK "ExecProcessRequest", T, exec_f);
#undef T

#define T struct rp_pb_resize_pty_request
static const struct rp_pb_field resize_f[] = {
  STR(T, 1, id),
  STR(T, 2, exec_id),
  U32(T, 3, width),
  U32(T, 4, height),
};
const struct rp_pb_msg rp_pb_resize_pty_request_msg =
    RP_PB_MSG(TASK "ResizePtyRequest", T, resize_f);
#undef T

// ---- events -------------------------------------------------------------

#define T struct rp_pb_task_io
static const struct rp_pb_field task_io_f[] = {
  STDIO(T, 1),
  BOOL(T, 4, terminal),
};
const struct rp_pb_msg rp_pb_task_io_msg = RP_PB_MSG("containerd.events.TaskIO", T, task_io_f);
#undef T

#define T struct rp_pb_task_create
static const struct rp_pb_field task_create_f[] = {
  STR(T, 1, container_id),
  STR(T, 2, bundle),
  RP_PB_R(T, 3, RP_PB_MESSAGE, rootfs, &rp_pb_mount_msg),
  MSG(T, 4, io, rp_pb_task_io_msg),
  STR(T, 5, checkpoint),
  U32(T, 6, pid),
};
const struct rp_pb_msg rp_pb_task_create_msg =
    RP_PB_MSG("containerd.events.TaskCreate", T, task_create_f);
#undef T

static const struct rp_pb_field task_start_f[] = {
  STR(struct rp_pb_task_start, 1, container_id),
  U32(struct rp_pb_task_start, 2, pid),
};
const struct rp_pb_msg rp_pb_task_start_msg =
    RP_PB_MSG("containerd.events.TaskStart", struct rp_pb_task_start, task_start_f);

#define T struct rp_pb_task_exit
static const struct rp_pb_field task_exit_f[] = {
  STR(T, 1, container_id),
  STR(T, 2, id),
  U32(T, 3, pid),
  U32(T, 4, exit_status),
  TS(T, 5, exited_at),
};
const struct rp_pb_msg rp_pb_task_exit_msg = RP_PB_MSG("containerd.events.TaskExit", T, task_exit_f);
#undef T

#define T struct rp_pb_task_delete
static const struct rp_pb_field task_delete_f[] = {
  STR(T, 1, container_id),
  U32(T, 2, pid),
  U32(T, 3, exit_status),
  TS(T, 4, exited_at),
  STR(T, 5, id),
};
const struct rp_pb_msg rp_pb_task_delete_msg =
    RP_PB_MSG("containerd.events.TaskDelete", T, task_delete_f);
#undef T

#define T struct rp_pb_envelope
static const struct rp_pb_field envelope_f[] = {
  TS(T, 1, timestamp),
  STR(T, 2, namespace),
  STR(T, 3, topic),
  ANY(T, 4, event),
};
const struct rp_pb_msg rp_pb_envelope_msg = RP_PB_MSG("containerd.types.Envelope", T, envelope_f);
#undef T

static const struct rp_pb_field forward_f[] = {
  MSG(struct rp_pb_forward_request, 1, envelope, rp_pb_envelope_msg),
};
const struct rp_pb_msg rp_pb_forward_request_msg =
    RP_PB_MSG("containerd.services.events.ttrpc.v1.ForwardRequest", struct rp_pb_forward_request,
              forward_f);

// ---- bootstrap, introspection, runtime options ---------------------------

#define BOOT "containerd.runtime.bootstrap.v1."

static const struct rp_pb_field extension_f[] = {
  ANY(struct rp_pb_extension, 1, value),
};
const struct rp_pb_msg rp_pb_extension_msg =
    RP_PB_MSG(BOOT "Extension", struct rp_pb_extension, extension_f);

#define T struct rp_pb_bootstrap_params
static const struct rp_pb_field params_f[] = {
  STR(T, 1, instance_id),
  STR(T, 2, namespace),
  RP_PB_F(T, 3, RP_PB_ENUM, log_level),
  STR(T, 4, containerd_version),
  STR(T, 5, containerd_ttrpc_address),
  STR(T, 6, containerd_grpc_address),
  STR(T, 7, containerd_binary),
  RP_PB_R(T, 8, RP_PB_MESSAGE, extensions, &rp_pb_extension_msg),
  STR(T, 9, socket_dir),
};
const struct rp_pb_msg rp_pb_bootstrap_params_msg = RP_PB_MSG(BOOT "BootstrapParams", T, params_f);
#undef T

#define T struct rp_pb_bootstrap_result
static const struct rp_pb_field result_f[] = {
  RP_PB_F(T, 1, RP_PB_INT32, version),
  STR(T, 2, address),
  STR(T, 3, protocol),
  RP_PB_R(T, 4, RP_PB_ENUM, capabilities, NULL),
  MAP(T, 5, metadata),
};
const struct rp_pb_msg rp_pb_bootstrap_result_msg = RP_PB_MSG(BOOT "BootstrapResult", T, result_f);
#undef T

static const struct rp_pb_field runtime_version_f[] = {
  STR(struct rp_pb_runtime_version, 1, version),
  STR(struct rp_pb_runtime_version, 2, revision),
};
const struct rp_pb_msg rp_pb_runtime_version_msg =
    RP_PB_MSG("containerd.types.RuntimeVersion", struct rp_pb_runtime_version, runtime_version_f);

#define T struct rp_pb_runtime_info
static const struct rp_pb_field runtime_info_f[] = {
  STR(T, 1, name),
  MSG(T, 2, version, rp_pb_runtime_version_msg),
  ANY(T, 3, options),
  ANY(T, 4, features),
  MAP(T, 5, annotations),
};
const struct rp_pb_msg rp_pb_runtime_info_msg =
    RP_PB_MSG("containerd.types.RuntimeInfo", T, runtime_info_f);
#undef T

#define T struct rp_pb_runtime_options
static const struct rp_pb_field runtime_options_f[] = {
  STR(T, 1, type_url),
  STR(T, 2, config_path),
  RP_PB_F(T, 3, RP_PB_BYTES, config_body),
};
const struct rp_pb_msg rp_pb_runtime_options_msg =
    RP_PB_MSG("runtimeoptions.v1.Options", T, runtime_options_f);
#undef T
