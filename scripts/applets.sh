#!/bin/sh
# applets.sh PROFILE - the applet names a build profile contains, one per
# line, from the applet table and config/PROFILE.h (for `make install`,
# which cannot run a cross-built binary to ask it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cfg=$top/config/${1:-default}.h
[ -f "$cfg" ] || { echo "applets.sh: no profile $cfg" >&2; exit 2; }
sed -n 's/^APPLET("\([^"]*\)", *[a-z_]*, *\(CFG_[A-Z_]*\).*/\1 \2/p' "$top/applets/applets.h" |
while read -r name switch; do
  grep -Eq "^#define $switch 1([^0-9]|$)" "$cfg" && echo "$name"
done
exit 0
