#!/bin/sh
# dist.sh VERSION - `make dist`: release archives in build/dist/
#
#   rprocbox-VERSION-ARCH[-boot].tar.gz   for x86_64 and arm64, profiles
#                                         default and boot
#   SHA256SUMS                            their checksums (sha256sum -c)
#
# Each archive holds one directory, rprocbox-VERSION-ARCH[-boot]/, laid out
# as `make install PREFIX=/usr/local` installs it (stripped binary, applet
# links, man pages, boot unit and init script naming /usr/local/bin, the
# example config) plus LICENSE; unpack it with
#   tar -xzf ARCHIVE --strip-components=1 -C /usr/local
# Entries are sorted, owned by root and dated by the commit, so one commit
# gives the same archives.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: dist.sh VERSION}
out=$TOP/build/dist
mkdir -p "$out"
stage=$(mktemp -d "$TOP/build/dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
epoch=$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || true)
epoch=${epoch:-${SOURCE_DATE_EPOCH:-$(date +%s)}}
jobs=$(nproc 2>/dev/null || echo 2)

archives=""
for arch in x86_64 arm64; do
  for config in default boot; do
    name=rprocbox-$version-$arch
    [ "$config" = boot ] && name=$name-boot
    make -s -C "$TOP" -j"$jobs" ARCH="$arch" CONFIG="$config" all >&2
    make -s -C "$TOP" ARCH="$arch" CONFIG="$config" install PREFIX=/usr/local DESTDIR="$stage/$name.d" >&2
    mv "$stage/$name.d/usr/local" "$stage/$name"
    install -m 0644 "$TOP/LICENSE" "$stage/$name/LICENSE"
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -C "$stage" -cf - "$name" |
      gzip -9n > "$out/$name.tar.gz"
    archives="$archives $name.tar.gz"
  done
done
# shellcheck disable=SC2086  # a list of file names without spaces
(cd "$out" && sha256sum $archives > SHA256SUMS)
for a in $archives SHA256SUMS; do echo "$out/$a"; done
