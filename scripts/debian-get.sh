#!/bin/sh
# debian-get.sh - packages from Debian suites other than this machine's own,
# at the versions scripts/pins names, unpacked, never installed.
#
#   scripts/debian-get.sh fetch GROUP     download GROUP's packages and unpack
#                                         them into build/debian/GROUP/ (printed)
#   scripts/debian-get.sh debs GROUP      download only; print the .deb paths
#   scripts/debian-get.sh madison PKG...  the versions the suites offer
#   scripts/debian-get.sh groups          the groups scripts/pins defines
#
# A private apt configuration in build/apt/ (its own sources list, lists,
# cache and an empty dpkg status) lists bookworm, trixie and forky with their
# -updates and -security suites, for amd64 and arm64, from the mirrors this
# machine's apt sources name (scripts/mirror.sh). The system's apt state is
# never read or changed. Release files are taken past their Valid-Until
# date (signatures are still checked): a pinned version is wanted whatever
# the index's age, and testing suites on mirror snapshots expire. Lists are
# refreshed once a day, and once more when a pinned version is not in them.
# An unpacked group is reused while its pin lines are unchanged.
#
# Exit status: 0 ready, 3 the packages cannot be had (no mirror, a pinned
# version gone from it), 2 usage, 1 anything else.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PINS=$TOP/scripts/pins
D=$TOP/build/apt
OUT=$TOP/build/debian
SUITES="bookworm trixie forky"
unset DEB_BUILD_ARCH DEB_HOST_ARCH

note() { printf 'debian-get: %s\n' "$*" >&2; }
cannot() { note "$*"; exit 3; }
usage() { sed -n 's/^#   //p' "$0" | sed -n '1,4p' >&2; exit 2; }

# Valid-Until is not enforced: a testing suite's Release (forky) expires
# within weeks, and a mirror that is a dated copy serves it past that date.
# Signatures are still checked, and every package is taken at the exact
# version scripts/pins names, so a stale index cannot change what is tested.
aptopts() {
  echo "-o Dir::Etc::SourceList=$D/sources.list -o Dir::Etc::SourceParts=/dev/null" \
    "-o Dir::State::Lists=$D/lists -o Dir::Cache=$D/cache -o Dir::State::status=$D/status" \
    "-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 -o Debug::NoLocking=1" \
    "-o Acquire::Check-Valid-Until=false"
}

# sources: every suite of $SUITES from the machine's archive and security
# mirrors, signed by Debian's archive keyring.
sources() {
  m=$("$TOP/scripts/mirror.sh" archive) || return 1
  s=$("$TOP/scripts/mirror.sh" security) || return 1
  k=/usr/share/keyrings/debian-archive-keyring.gpg
  for x in $SUITES; do
    printf 'deb [signed-by=%s] %s %s main\n' "$k" "$m" "$x"
    [ "$x" = forky ] && continue   # testing has no -updates or -security yet
    printf 'deb [signed-by=%s] %s %s-updates main\n' "$k" "$m" "$x"
    printf 'deb [signed-by=%s] %s %s-security main\n' "$k" "$s" "$x"
  done
}

# update [force]: the private lists, made when missing or a day old.
update() {
  mkdir -p "$D/lists/partial" "$D/cache/archives/partial" || return 1
  [ -f "$D/status" ] || : > "$D/status"
  sources > "$D/sources.new" || cannot "no Debian mirror in this machine's apt sources"
  if [ "${1:-}" != force ] && [ -f "$D/updated" ] && cmp -s "$D/sources.new" "$D/sources.list" &&
     [ -z "$(find "$D/updated" -mtime +0)" ]; then
    return 0
  fi
  mv "$D/sources.new" "$D/sources.list"
  note "apt-get update (private lists in build/apt)"
  # shellcheck disable=SC2046
  apt-get $(aptopts) update -q >"$D/update.log" 2>&1 ||
    cannot "apt-get update failed (see build/apt/update.log)"
  : > "$D/updated"
}

# pins GROUP: "ARCH PACKAGE VERSION" lines of the group.
pins() {
  awk -v g="$1" '$1 == g { print $2, $3, $4 }' "$PINS"
}

# debname PACKAGE VERSION ARCH: the file apt-get download writes.
# apt-get download keeps the epoch, its colon quoted.
debname() { printf '%s_%s_%s.deb' "$1" "$(printf '%s' "$2" | sed 's/:/%3a/g')" "$3"; }

# download GROUP: every pinned package of GROUP into the cache; prints paths.
download() {
  dir=$D/cache/archives
  pins "$1" | while read -r arch pkg ver; do
    f=$dir/$(debname "$pkg" "$ver" "$arch")
    if [ ! -s "$f" ]; then
      # shellcheck disable=SC2046
      (cd "$dir" && apt-get $(aptopts) download -q "$pkg:$arch=$ver" >/dev/null 2>"$D/download.log") ||
        { update force && (cd "$dir" && apt-get $(aptopts) download -q "$pkg:$arch=$ver" >/dev/null 2>"$D/download.log"); } ||
        { note "cannot download $pkg:$arch=$ver (see build/apt/download.log)"; exit 3; }
    fi
    echo "$f"
  done
}

# fetch GROUP: unpacked into build/debian/GROUP, reused while its pins stay.
fetch() {
  g=$1 dst=$OUT/$1
  pins "$g" > "$D/pins.$g"
  [ -s "$D/pins.$g" ] || { note "scripts/pins has no group $g"; exit 2; }
  if [ -f "$dst/.pins" ] && cmp -s "$D/pins.$g" "$dst/.pins"; then
    echo "$dst"; return 0
  fi
  debs=$(download "$g") || exit 3
  note "unpacking $g"
  rm -rf "$dst" && mkdir -p "$dst" || exit 1
  for f in $debs; do dpkg-deb -x "$f" "$dst" || { note "cannot unpack $f"; exit 1; }; done
  cp "$D/pins.$g" "$dst/.pins"
  echo "$dst"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  groups) awk '$1 !~ /^#/ && NF == 4 { print $1 }' "$PINS" | uniq ;;
  madison) [ $# -gt 0 ] || usage; update || exit; apt-cache $(aptopts) madison "$@" ;;
  debs) [ $# = 1 ] || usage; update || exit; download "$1" ;;
  fetch) [ $# = 1 ] || usage; update || exit; fetch "$1" ;;
  *) usage ;;
esac
