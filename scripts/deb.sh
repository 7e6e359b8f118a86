#!/bin/sh
# deb.sh VERSION ARCH - `make deb`: build/dist/rprocbox_VERSION_DEBARCH.deb
#
# Builds the default profile for ARCH (x86_64 or arm64), installs it with
# `make install PREFIX=/usr` into a staging root (systemd units in
# /lib/systemd/system, where Debian 12 keeps them), adds what Debian policy
# asks for (compressed man pages, copyright, changelog, md5sums, control
# from scripts/deb/, a lintian override for the static binary) and packs it with dpkg-deb, owned by root. The boot
# unit is installed but not enabled: no maintainer scripts.
#
# The Maintainer field is DEBFULLNAME <DEBEMAIL>, as Debian's own tools
# take it, else the author of the commit being built; the changelog is
# dated by that commit, so the same commit gives the same package.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
version=${1:?usage: deb.sh VERSION ARCH} arch=${2:?usage: deb.sh VERSION ARCH}
case $arch in
  x86_64) debarch=amd64 ;;
  arm64) debarch=arm64 ;;
  *) echo "deb.sh: unsupported ARCH=$arch; use x86_64 or arm64" >&2; exit 2 ;;
esac
out=$TOP/build/dist
mkdir -p "$out"
stage=$(mktemp -d "$TOP/build/deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
trap 'exit 130' INT TERM
root=$stage/root

commit() { git -C "$TOP" log -1 --format="$1" 2>/dev/null; }
maintainer=${DEBEMAIL:+${DEBFULLNAME:-rprocbox} <$DEBEMAIL>}
: "${maintainer:=$(commit '%an <%ae>')}"
[ -n "$maintainer" ] || { echo "deb.sh: set DEBEMAIL (and DEBFULLNAME): no commit to take a maintainer from" >&2; exit 2; }
epoch=$(commit %ct)
SOURCE_DATE_EPOCH=${epoch:-${SOURCE_DATE_EPOCH:-$(date +%s)}}
export SOURCE_DATE_EPOCH
when=$(date -u -R -d "@$SOURCE_DATE_EPOCH")

make -s -C "$TOP" ARCH="$arch" CONFIG=default install PREFIX=/usr unitdir=/lib/systemd/system DESTDIR="$root"
find "$root/usr/share/man" -type f -exec gzip -9n {} +

doc=$root/usr/share/doc/rprocbox
mkdir -p "$doc"
{ cat "$TOP/scripts/deb/copyright"; echo; echo "License: MIT"
  sed -n '/^Permission/,$p' "$TOP/LICENSE" | sed 's/^$/./; s/^/ /'; } > "$doc/copyright"
printf 'rprocbox (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
  "$version" "$version" "$maintainer" "$when" | gzip -9n > "$doc/changelog.gz"
install -D -m 0644 "$TOP/scripts/deb/lintian-overrides" "$root/usr/share/lintian/overrides/rprocbox"

mkdir -p "$root/DEBIAN"
(cd "$root" && find usr lib -type f ! -path '*/DEBIAN/*' | sort | xargs md5sum) > "$root/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
{ sed -n '1p' "$TOP/scripts/deb/control"
  printf 'Version: %s\nArchitecture: %s\nMaintainer: %s\nInstalled-Size: %s\n' "$version" "$debarch" "$maintainer" "$size"
  sed -n '2,$p' "$TOP/scripts/deb/control"; } > "$root/DEBIAN/control"
find "$root" -type d -exec chmod 0755 {} +
deb=$out/rprocbox_${version}_$debarch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
