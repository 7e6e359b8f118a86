#!/bin/sh
# mkseeds.sh - regenerate the binary seeds under tests/fuzz/corpus/
#
#   tests/fuzz/mkseeds.sh        (needs protoc and build/mkelf: make build/mkelf)
#
# taskpb/: byte 0 = index into msgs[] of tests/fuzz/taskpb.c, then the
#          message as `protoc --encode` writes it from tests/proto/*.proto.
# ttrpc/:  5 bytes (flags, 4 chunk sizes: see tests/fuzz/ttrpc.c), then ttrpc
#          frames whose Request bodies protoc encoded.
# elf/:    build/mkelf images, hand-built ones, and broken variants.
# The JSON seeds (spec/, bootcfg/, json/) are written by hand. crash-* files
# are regression inputs found by fuzzing: this script never touches them.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
C=$TOP/tests/fuzz/corpus
T=$(mktemp -d "${TMPDIR:-/tmp}/mkseeds.XXXXXX")
trap 'rm -rf "$T"' EXIT
PROTOS="ttrpc.proto types.proto task_types.proto task.proto events.proto forward.proto
  bootstrap.proto runtimeoptions.proto extra.proto"

# shellcheck disable=SC2086
enc() { protoc -I"$TOP/tests/proto" --encode="$1" $PROTOS; }
# shellcheck disable=SC2059  # the octal escape must be in the format
byte() { printf "\\$(printf %03o "$(($1 & 255))")"; }
be32() { byte $(($1 >> 24)); byte $(($1 >> 16)); byte $(($1 >> 8)); byte "$1"; }
le16() { byte "$1"; byte $(($1 >> 8)); }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16)); }
be16() { byte $(($1 >> 8)); byte "$1"; }
# stdin bytes as a text-format string body ("\ooo" escapes)
esc() { od -An -v -to1 | tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//; s/ /\\/g; s/^./\\&/'; }
# patch FILE OFFSET BYTES...: overwrite bytes in place
patch() {
  f=$1 off=$2
  shift 2
  for b in "$@"; do
    byte "$b" | dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
    off=$((off + 1))
  done
}

# ---- taskpb: index byte + message ------------------------------------------

pb() {  # pb NAME INDEX TYPE TEXT
  { byte "$2"; printf '%s\n' "$4" | enc "$3"; } > "$C/taskpb/$1"
}
TK=containerd.task.v2
mkdir -p "$C/taskpb" "$C/ttrpc" "$C/elf"
CREATE='id: "fw1" bundle: "/run/containerd/io.containerd.runtime.v2.task/default/fw1"
rootfs { type: "overlay" source: "overlay" options: "index=off" options: "workdir=/w" options: "upperdir=/u" options: "lowerdir=/l" }
terminal: false stdin: "" stdout: "/run/containerd/fifo/1/fw1-stdout" stderr: "/run/containerd/fifo/1/fw1-stderr"
options { type_url: "containerd.runc.v1.Options" value: "\x12\x04runc" }'
pb create 0 $TK.CreateTaskRequest "$CREATE"
pb start 1 $TK.StartRequest 'id: "fw1"'
pb delete 2 $TK.DeleteRequest 'id: "fw1" exec_id: "e1"'
pb state 3 $TK.StateRequest 'id: "fw1"'
pb kill 4 $TK.KillRequest 'id: "fw1" signal: 9 all: true'
pb closeio 5 $TK.CloseIORequest 'id: "fw1" exec_id: "e1" stdin: true'
pb pids 6 $TK.PidsRequest 'id: "fw1"'
pb checkpoint 7 $TK.CheckpointTaskRequest 'id: "fw1" path: "/tmp/cp" options { type_url: "x/y.Z" value: "\001\002" }'
pb update 8 $TK.UpdateTaskRequest 'id: "fw1" resources { type_url: "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources" value: "\n\002\010\001" } annotations { key: "a" value: "1" } annotations { key: "b" value: "" }'
pb wait 9 $TK.WaitRequest 'id: "fw1"'
pb stats 10 $TK.StatsRequest 'id: "fw1"'
pb connect 11 $TK.ConnectRequest 'id: "fw1"'
pb shutdown 12 $TK.ShutdownRequest 'id: "fw1" now: true'
pb pause 13 $TK.PauseRequest 'id: "fw1"'
pb resume 14 $TK.ResumeRequest 'id: "fw1"'
pb exec 15 $TK.ExecProcessRequest 'id: "fw1" exec_id: "sh" terminal: true stdin: "/fifo/in" spec { type_url: "types.containerd.io/opencontainers/runtime-spec/1/Process" value: "{\"args\":[\"sh\"]}" }'
pb resizepty 16 $TK.ResizePtyRequest 'id: "fw1" exec_id: "sh" width: 80 height: 24'
STATE=$(printf 'id: "fw1"\n' | enc $TK.StateRequest | esc)
pb ttrpc-request 17 ttrpc.Request "service: \"$TK.Task\" method: \"State\" payload: \"$STATE\" timeout_nano: 5000000000 metadata { key: \"containerd-namespace-ttrpc\" value: \"default\" } metadata { key: \"x\" value: \"y\" }"
pb ttrpc-response 18 ttrpc.Response 'status { code: 5 message: "container fw1 not found" details { type_url: "a/b" value: "c" } } payload: "\010\052"'
pb bootstrap 19 containerd.runtime.bootstrap.v1.BootstrapParams 'instance_id: "fw1" namespace: "default" log_level: DEBUG containerd_version: "2.0.0" containerd_ttrpc_address: "/run/containerd/containerd.sock.ttrpc" containerd_grpc_address: "/run/containerd/containerd.sock" containerd_binary: "/usr/bin/containerd" extensions { value { type_url: "x" value: "y" } } socket_dir: "/run/containerd/s"'
pb any 20 google.protobuf.Any "type_url: \"type.googleapis.com/$TK.StateRequest\" value: \"$STATE\""
pb status 21 google.rpc.Status 'code: -1 message: "negative code" details { type_url: "t" } details { } details { value: "v" }'
pb state-response 26 $TK.StateResponse 'id: "fw1" bundle: "/b" pid: 4242 status: STOPPED exit_status: 137 exited_at { seconds: 1700000000 nanos: -1 } exec_id: "e"'
pb task-exit 35 containerd.events.TaskExit 'container_id: "fw1" id: "fw1" pid: 4242 exit_status: 10 exited_at { seconds: 1 nanos: 2 }'
ENV=$(printf 'container_id: "fw1" pid: 7\n' | enc containerd.events.TaskStart | esc)
pb forward 38 containerd.services.events.ttrpc.v1.ForwardRequest "envelope { timestamp { seconds: 1700000000 } namespace: \"default\" topic: \"/tasks/start\" event { type_url: \"containerd.events.TaskStart\" value: \"$ENV\" } }"
pb bootstrap-result 40 containerd.runtime.bootstrap.v1.BootstrapResult 'version: 3 address: "unix:///run/containerd/s/abc" protocol: "ttrpc" capabilities: [1, 2, -3] metadata { key: "k" value: "v" }'
pb runtime-info 42 containerd.types.RuntimeInfo 'name: "io.containerd.remoteproc.v1" version { version: "0.1.0" revision: "abc" } annotations { key: "k" value: "v" }'
pb runtime-options 43 runtimeoptions.v1.Options 'type_url: "runtimeoptions.v1.Options" config_path: "/etc/rproc.toml" config_body: "x = 1"'
# Wire-level edge cases no protoc text can express.
{ byte 3; printf '\012\004fw1'; } > "$C/taskpb/bad-truncated"
{ byte 3; printf '\012\003fw1\012\003fw2\200\200\200\200\200\200\200\200\200\001\033'; } > "$C/taskpb/bad-group"
{ byte 40; printf '\042\003\001\002\003\040\004\040\005'; } > "$C/taskpb/packed-and-unpacked"
{ byte 22; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do printf '\042\001%s' "$i" | head -c 3; done; } > "$C/taskpb/bad-too-many-options"

# ---- ttrpc: prefix + frames ---------------------------------------------------

# frame SID TYPE < body: one frame
frame() {
  cat > "$T/body"
  be32 "$(wc -c < "$T/body")"; be32 "$1"; byte "$2"; byte 0; cat "$T/body"
}
# call SID METHOD TYPE TEXT [SERVICE]: a Request frame
call() {
  p=$(printf '%s\n' "$4" | enc "$3" | esc)
  [ -n "$p" ] && p="payload: \"$p\""
  printf 'service: "%s" method: "%s" %s metadata { key: "containerd-namespace-ttrpc" value: "default" }\n' \
    "${5:-$TK.Task}" "$2" "$p" | enc ttrpc.Request | frame "$1" 1
}
prefix() { for b in "$@"; do byte "$b"; done; }

{ prefix 0 0 0 0 0; call 1 State $TK.StateRequest 'id: "fw1"'; } > "$C/ttrpc/state"
{
  prefix 4 1 3 7 64
  call 1 Create $TK.CreateTaskRequest "$CREATE"
  call 3 Start $TK.StartRequest 'id: "fw1"'
  call 5 Wait $TK.WaitRequest 'id: "fw1"'
  call 7 State $TK.StateRequest 'id: "fw1"'
  call 9 Kill $TK.KillRequest 'id: "fw1" signal: 15'
  call 11 Delete $TK.DeleteRequest 'id: "fw1"'
  call 13 Connect $TK.ConnectRequest 'id: "fw1"'
  call 15 Pids $TK.PidsRequest 'id: "fw1"'
  call 17 Stats $TK.StatsRequest 'id: "fw1"'
  call 19 CloseIO $TK.CloseIORequest 'id: "fw1" stdin: true'
  call 21 ResizePty $TK.ResizePtyRequest 'id: "fw1" width: 1 height: 2'
  call 23 Update $TK.UpdateTaskRequest 'id: "fw1" annotations { key: "a" value: "b" }'
  call 25 Shutdown $TK.ShutdownRequest 'id: "fw1"'
} > "$C/ttrpc/lifecycle"
{
  prefix 0 255 0 0 0
  call 1 Exec $TK.ExecProcessRequest 'id: "fw1" exec_id: "sh"'
  call 3 Pause $TK.PauseRequest 'id: "fw1"'
  call 5 Resume $TK.ResumeRequest 'id: "fw1"'
  call 7 Checkpoint $TK.CheckpointTaskRequest 'id: "fw1" path: "/cp"'
  call 9 Nope $TK.StateRequest 'id: "fw1"'
  call 11 State $TK.StateRequest 'id: "fw1"' containerd.task.v3.Task
  call 13 State $TK.StateRequest 'id: "fw1"' containerd.task.v2.Nope
} > "$C/ttrpc/unsupported"
{
  prefix 0 10 10 10 10
  call 2 State $TK.StateRequest 'id: "even"'
  call 7 State $TK.StateRequest 'id: "seven"'
  call 5 State $TK.StateRequest 'id: "reused"'
  printf 'abc' | frame 9 3
  printf '' | frame 11 2
  printf '' | frame 13 9
  printf '\012\377' | frame 15 1
  printf '\012\003\001\002' | frame 17 1
  call 19 State $TK.StateRequest 'id: "ok"'
} > "$C/ttrpc/protocol-errors"
{
  prefix 0 100 100 100 100
  be32 1048576; be32 1; byte 1; byte 0; head -c 200 /dev/zero
} > "$C/ttrpc/oversized-truncated"
{
  prefix 0 0 0 0 0
  be32 2000; be32 1; byte 1; byte 0; head -c 2000 /dev/zero
  call 3 State $TK.StateRequest 'id: "after"'
} > "$C/ttrpc/oversized-small"
# State is answered with a StateResponse four times its payload: too large.
P=$(head -c 300 /dev/zero | tr '\0' p)
{ prefix 0 0 0 0 0; call 1 State $TK.StateRequest "id: \"$P\""; } > "$C/ttrpc/state-reply-too-large"
{ prefix 0 1 0 0 0; call 1 State $TK.StateRequest 'id: "fw1"' | head -c 20; } > "$C/ttrpc/truncated"
{ prefix 0 0 0 0 0; be32 3; } > "$C/ttrpc/half-header"
{
  prefix 3 0 0 0 0
  i=1
  while [ $i -lt 240 ]; do printf '' | frame $i 3; i=$((i + 2)); done
} > "$C/ttrpc/flood-noread"
{
  prefix 4 0 0 0 0
  i=1
  while [ $i -lt 24 ]; do call $i Wait $TK.WaitRequest 'id: "fw1"'; i=$((i + 2)); done
} > "$C/ttrpc/parked-waits"

# ---- elf -----------------------------------------------------------------------

MK=$TOP/build/mkelf
[ -x "$MK" ] || make -s -C "$TOP" build/mkelf
E=$C/elf
"$MK" --size 128 "$E/arm"
"$MK" --size 128 --no-rsc "$E/arm-norsc"
"$MK" --size 160 --machine aarch64 "$E/aarch64"
"$MK" --size 128 --machine riscv --load 0x80000000 "$E/riscv"
"$MK" --size 128 --machine x86_64 --no-rsc --memsz 4096 "$E/x86_64-bss"
"$MK" --size 128 --class 64 --machine arm --trace-len 0 "$E/arm-class64"
head -c 40 "$E/arm" > "$E/bad-short-header"
head -c 300 "$E/arm" > "$E/bad-cut-segment"
cp "$E/arm" "$E/bad-class" && patch "$E/bad-class" 4 3
cp "$E/arm" "$E/bad-data" && patch "$E/bad-data" 5 0
cp "$E/arm" "$E/bad-magic" && patch "$E/bad-magic" 1 101
cp "$E/arm" "$E/bad-no-phdrs" && patch "$E/bad-no-phdrs" 44 0 0
cp "$E/arm" "$E/bad-phentsize" && patch "$E/bad-phentsize" 42 33 0
cp "$E/arm" "$E/bad-filesz" && patch "$E/bad-filesz" 72 1 0 0 0   # memsz 1 < filesz
cp "$E/aarch64" "$E/bad-shstrndx" && patch "$E/bad-shstrndx" 62 200 0
cp "$E/aarch64" "$E/odd-shoff" && patch "$E/odd-shoff" 40 255 255 255 255 255 255 255 255
# A big-endian ELF32 (PowerPC-like) with one PT_LOAD and no sections.
{
  printf '\177ELF'; byte 1; byte 2; byte 1; head -c 9 /dev/zero
  be16 2; be16 20; be32 1; be32 0x1000; be32 52; be32 0; be32 0
  be16 52; be16 32; be16 1; be16 40; be16 0; be16 0
  be32 1; be32 84; be32 0x1000; be32 0x1000; be32 16; be32 32; be32 5; be32 4
  printf 'big-endian code!'
} > "$E/be32"
# Ten PT_LOAD segments (more than RP_ELF_MAXSEG are counted, not kept) and a
# PT_NOTE, all over the same bytes.
{
  printf '\177ELF'; byte 1; byte 1; byte 1; head -c 9 /dev/zero
  le16 2; le16 40; le32 1; le32 0; le32 52; le32 0; le32 0
  le16 52; le16 32; le16 11; le16 40; le16 0; le16 0
  i=0
  while [ $i -lt 11 ]; do
    le32 $((i == 5 ? 4 : 1)); le32 0; le32 $((i * 4096)); le32 $((i * 4096)); le32 64; le32 64; le32 7; le32 4
    i=$((i + 1))
  done
} > "$E/many-segments"

echo "$(find "$C" -type f | wc -l) seed files, $(du -sk "$C" | cut -f1) KiB"
