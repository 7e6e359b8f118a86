#!/bin/sh
# install.sh install|uninstall|list - what `make install` installs, in one
# place: the Makefile passes the build and the directories in the
# environment (BIN CONFIG DESTDIR bindir mandir datadir unitdir STRIP).
#
#   bindir/rprocbox                 the binary, stripped with STRIP
#   bindir/APPLET                   a symlink per applet of profile CONFIG
#   mandir/manN/PAGE                rprocbox(1), rproc.json(5), APPLET(8)
#   unitdir/rproc-boot.service      ExecStart names bindir
#   datadir/rprocbox/rproc-boot.init, rproc.json   init script, example config
#
# The unit and the init script name /usr/local/bin, make install's default,
# so they work as they are when copied by hand; installing rewrites that to
# bindir. `list` prints every installed path without DESTDIR, one per line
# (the package and the build recipes' test use it). Not enabled anywhere:
# enabling the boot service is the administrator's decision.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${CONFIG:=default}" "${DESTDIR:=}" "${STRIP:=strip}"
: "${bindir:?}" "${mandir:?}" "${datadir:?}" "${unitdir:?}"

# files: "KIND SOURCE TARGET" per installed file.
files() {
  echo "bin ${BIN:-} $bindir/rprocbox"
  "$TOP/scripts/applets.sh" "$CONFIG" | while read -r a; do
    echo "link rprocbox $bindir/$a"
    echo "data $TOP/config/man/$a.8 $mandir/man8/$a.8"
  done
  echo "data $TOP/config/man/rprocbox.1 $mandir/man1/rprocbox.1"
  echo "data $TOP/config/man/rproc.json.5 $mandir/man5/rproc.json.5"
  echo "subst $TOP/scripts/rproc-boot.service $unitdir/rproc-boot.service"
  echo "subst $TOP/scripts/rproc-boot.init $datadir/rprocbox/rproc-boot.init"
  echo "data $TOP/config/rproc.json $datadir/rprocbox/rproc.json"
}

put() {
  kind=$1 src=$2 dst=$DESTDIR$3
  mkdir -p "$(dirname "$dst")"
  case $kind in
    bin) install -m 0755 "$src" "$dst" && $STRIP "$dst" ;;
    link) ln -sfn "$src" "$dst" ;;
    data) install -m 0644 "$src" "$dst" ;;
    subst)
      sed "s|/usr/local/bin/|$bindir/|g" "$src" > "$dst.tmp"
      chmod "$(stat -c %a "$src")" "$dst.tmp" && mv "$dst.tmp" "$dst" ;;
  esac
}

case ${1:-} in
  install) files | while read -r k s d; do put "$k" "$s" "$d"; done ;;
  uninstall) files | while read -r k s d; do rm -f "$DESTDIR$d"; done ;;
  list) files | while read -r k s d; do echo "$d"; done ;;
  *) echo "usage: install.sh install|uninstall|list" >&2; exit 2 ;;
esac
