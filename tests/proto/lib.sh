# lib.sh - protoc helpers for the tests that speak protobuf, sourced after
# tests/testing.sh. Debian's protoc encodes requests and decodes replies from
# the schemas in tests/proto/, which import the protobuf well-known types
# (google/protobuf/*.proto, Debian package libprotobuf-dev).
#
#   proto_ready || skip_all "$PROTO_REASON"
#   penc TYPE < TEXT > BYTES    pdec TYPE < BYTES > TEXT
#   req FILE TYPE TEXT          encode TEXT into $TESTDIR/FILE

PROTOS="ttrpc.proto types.proto task_types.proto task.proto events.proto forward.proto
  bootstrap.proto runtimeoptions.proto extra.proto cgroups.proto"

# shellcheck disable=SC2086
penc() { protoc -I"$TOP/tests/proto" --encode="$1" $PROTOS; }
# shellcheck disable=SC2086
pdec() { protoc -I"$TOP/tests/proto" --decode="$1" $PROTOS; }
req() { printf '%b' "$3" | penc "$2" > "$TESTDIR/$1"; }

# proto_ready: protoc is there and reads every schema. Without the
# well-known types every encode would fail and the tests would send empty
# requests, so this is checked once, up front.
proto_ready() {
  if ! command -v protoc >/dev/null 2>&1; then
    PROTO_REASON="needs protoc (Debian package protobuf-compiler)"
    return 1
  fi
  # shellcheck disable=SC2086
  if ! _pr_err=$(protoc -I"$TOP/tests/proto" -o/dev/null $PROTOS 2>&1); then
    PROTO_REASON="protoc cannot read tests/proto: $(printf '%s' "$_pr_err" | head -n 1) (the well-known types come with Debian package libprotobuf-dev)"
    return 1
  fi
}
