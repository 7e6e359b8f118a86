#!/bin/sh
# mkimage.sh - build a container image without a container engine.
#
#   scripts/mkimage.sh --name localhost/fw:latest --firmware FILE [--mcu NAME]
#       [--board STR] [--entrypoint NAME] [--arch amd64|arm64]
#       --oci-archive OUT.tar [--docker-archive OUT.tar]
#   scripts/mkimage.sh --name NAME:TAG --rootfs DIR [--entrypoint CMD]
#       [--env K=V]... [--arch A] --oci-archive OUT.tar [--docker-archive OUT.tar]
#
# Writes an OCI image layout (oci-layout, index.json, blobs/sha256/...) packed
# as a tar (an "oci-archive": `ctr images import`, `podman load`), holding one
# uncompressed layer and an image config, and optionally writes
# a docker-archive of the same image (`docker load`; Docker 20.10 needs it).
#
# With --firmware the layer holds only FILE, as /BASENAME (mode 0644, 0:0),
# and config.Entrypoint is ["BASENAME"] unless --entrypoint says otherwise;
# --mcu and --board add MCU=... and BOARD=... to config.Env. With --rootfs the
# whole DIR is the layer (owners forced to 0:0, modes kept) and there is no
# Entrypoint unless given (--entrypoint "/bin/sh" or a JSON array '["a","b"]').
#
# The output is deterministic (sorted entries, mtime 0, numeric 0:0 owners,
# fixed "created"), so the same inputs give the same digests. The manifest is
# named in index.json by two annotations: io.containerd.image.name (the full
# NAME:TAG, which `ctr images import` uses as is) and
# org.opencontainers.image.ref.name (the tag, per the OCI image-layout spec).
# Prints the manifest digest ("sha256:...") on stdout.
# Needs: POSIX sh, coreutils, GNU tar (no engine, no skopeo).
set -eu

prog=mkimage.sh
die() { echo "$prog: $*" >&2; exit 1; }
usage() { sed -n '2,9s/^# \{0,1\}//p' "$0" >&2; exit 2; }

name="" firmware="" rootfs="" mcu="" board="" entry="" arch="" oci_out="" docker_out=""
have_mcu=0 have_board=0 have_entry=0 extra_env=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage ;;
    --name|--firmware|--rootfs|--mcu|--board|--entrypoint|--arch|--oci-archive|--docker-archive|--env)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --name) name=$2 ;;
        --firmware) firmware=$2 ;;
        --rootfs) rootfs=$2 ;;
        --mcu) mcu=$2; have_mcu=1 ;;
        --board) board=$2; have_board=1 ;;
        --entrypoint) entry=$2; have_entry=1 ;;
        --arch) arch=$2 ;;
        --oci-archive) oci_out=$2 ;;
        --docker-archive) docker_out=$2 ;;
        --env)
          case "$2" in *=*) ;; *) die "--env wants KEY=VALUE, got '$2'" ;; esac
          extra_env="$extra_env
$2" ;;
      esac
      shift 2 ;;
    *) echo "$prog: unknown argument '$1'" >&2; usage ;;
  esac
done

[ -n "$name" ] || die "--name is required (e.g. localhost/fw:latest)"
[ -n "$oci_out" ] || die "--oci-archive is required"
if [ -n "$firmware" ] && [ -n "$rootfs" ]; then die "give --firmware or --rootfs, not both"; fi
[ -n "$firmware$rootfs" ] || die "--firmware FILE or --rootfs DIR is required"
[ -z "$firmware" ] || [ -f "$firmware" ] || die "firmware '$firmware' is not a file"
[ -z "$rootfs" ] || [ -d "$rootfs" ] || die "rootfs '$rootfs' is not a directory"

# NAME must carry a tag (the last ':' after the last '/'); a digest is refused.
case "$name" in *@*|*' '*) die "bad --name '$name'" ;; esac
tag=${name##*/}
case "$tag" in *:*) tag=${tag##*:} ;; *) name="$name:latest"; tag=latest ;; esac
[ -n "$tag" ] || die "bad --name '$name' (empty tag)"

if [ -z "$arch" ]; then
  arch=$(uname -m)
fi
case "$arch" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) die "unsupported --arch '$arch' (amd64 or arm64)" ;;
esac

# json_str TEXT: TEXT as a JSON string literal. Control characters are refused.
json_str() {
  case "$1" in *[[:cntrl:]]*) die "control character in '$1'" ;; esac
  printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

tarflags="--format=gnu --numeric-owner --owner=0 --group=0 --mtime=@0 --no-recursion --null"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/mkimage.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT
trap 'exit 130' INT TERM
stage=$TMPD/stage lay=$TMPD/layout
mkdir -p "$stage" "$lay/blobs/sha256"

if [ -n "$firmware" ]; then
  base=$(basename "$firmware")
  cp "$firmware" "$stage/$base"
  chmod 0644 "$stage/$base"
  src=$stage
  [ "$have_entry" = 1 ] || { entry=$base; have_entry=1; }
else
  src=$rootfs
fi

# The layer: every entry of src, sorted, without a "./" prefix.
# shellcheck disable=SC2086
(cd "$src" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
  tar -c -f - $tarflags --transform='s,^\./,,' -T -) > "$TMPD/layer.tar" ||
  die "cannot pack the layer from $src"

# blob FILE: move FILE into blobs/, print "DIGEST SIZE".
blob() {
  _d=$(sha256sum "$1" | cut -d' ' -f1)
  _s=$(wc -c < "$1" | tr -d ' ')
  mv "$1" "$lay/blobs/sha256/$_d"
  echo "$_d $_s"
}

set -- $(blob "$TMPD/layer.tar")
layer_digest=$1 layer_size=$2

env_json=""
add_env() { env_json="$env_json${env_json:+,}$(json_str "$1")"; }
if [ -n "$rootfs" ]; then add_env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; fi
[ "$have_mcu" = 0 ] || add_env "MCU=$mcu"
[ "$have_board" = 0 ] || add_env "BOARD=$board"
if [ -n "$extra_env" ]; then
  while IFS= read -r kv; do [ -z "$kv" ] || add_env "$kv"; done <<EOF
$extra_env
EOF
fi

cfg_inner=""
if [ "$have_entry" = 1 ]; then
  case "$entry" in
    \[*\]) ep=$entry ;;                    # already a JSON array
    *) ep="[$(json_str "$entry")]" ;;
  esac
  cfg_inner="\"Entrypoint\":$ep"
fi
[ -z "$env_json" ] || cfg_inner="$cfg_inner${cfg_inner:+,}\"Env\":[$env_json]"
created=1970-01-01T00:00:00Z

printf '{"architecture":"%s","os":"linux","created":"%s","config":{%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"scripts/mkimage.sh"}]}' \
  "$arch" "$created" "$cfg_inner" "$layer_digest" "$created" > "$TMPD/config.json"
set -- $(blob "$TMPD/config.json")
config_digest=$1 config_size=$2

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$TMPD/manifest.json"
set -- $(blob "$TMPD/manifest.json")
manifest_digest=$1 manifest_size=$2

printf '{"imageLayoutVersion":"1.0.0"}' > "$lay/oci-layout"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":%s,"org.opencontainers.image.ref.name":%s},"platform":{"architecture":"%s","os":"linux"}}]}' \
  "$manifest_digest" "$manifest_size" "$(json_str "$name")" "$(json_str "$tag")" "$arch" > "$lay/index.json"

# shellcheck disable=SC2086
(cd "$lay" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
  tar -c -f - $tarflags --mode=u+rw,go+r,go-w --transform='s,^\./,,' -T -) > "$TMPD/oci.tar" ||
  die "cannot pack the OCI archive"
mv "$TMPD/oci.tar" "$oci_out"

if [ -n "$docker_out" ]; then
  # docker-archive (what `docker save` writes, what Docker 20.10 `docker load`
  # reads): manifest.json naming the config and layer files, plus the legacy
  # "repositories" map. Written here rather than by `skopeo copy
  # oci-archive:... docker-archive:...`, which gives the same image but writes
  # /var/lib/containers/cache on the host and wants /etc/containers/policy.json.
  dk=$TMPD/docker
  mkdir -p "$dk/$layer_digest"
  cp "$lay/blobs/sha256/$config_digest" "$dk/$config_digest.json"
  cp "$lay/blobs/sha256/$layer_digest" "$dk/$layer_digest/layer.tar"
  repo=${name%:*}
  printf '[{"Config":"%s.json","RepoTags":[%s],"Layers":["%s/layer.tar"]}]' \
    "$config_digest" "$(json_str "$name")" "$layer_digest" > "$dk/manifest.json"
  printf '{%s:{%s:"%s"}}' "$(json_str "$repo")" "$(json_str "$tag")" "$layer_digest" > "$dk/repositories"
  # shellcheck disable=SC2086
  (cd "$dk" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    tar -c -f - $tarflags --mode=u+rw,go+r,go-w --transform='s,^\./,,' -T -) > "$TMPD/docker.tar" ||
    die "cannot pack the docker archive"
  mv "$TMPD/docker.tar" "$docker_out"
fi
echo "sha256:$manifest_digest"
