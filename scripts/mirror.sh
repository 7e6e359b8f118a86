#!/bin/sh
# mirror.sh - the Debian mirrors this machine's own apt sources name.
#
#   scripts/mirror.sh sources SUITE   "deb URI S main" for SUITE, SUITE-updates
#                                     and SUITE-security, as the machine has them
#   scripts/mirror.sh archive         the URI of the archive serving this
#                                     machine's release (/etc/os-release)
#   scripts/mirror.sh security        the URI of its security archive
#
# Both apt source formats are read (sources.list and deb822 .sources);
# other vendors' repositories are left out. The repository never names a
# mirror: every script that needs one asks here at run time. MIRROR_APT_ETC
# replaces /etc/apt and MIRROR_RELEASE the release (tests/mirror.test).
set -eu
E=${MIRROR_APT_ETC:-/etc/apt}
# This machine's release; MIRROR_RELEASE replaces it (tests).
R=${MIRROR_RELEASE:-$(. /etc/os-release && echo "$VERSION_CODENAME")}

# pairs: "URI SUITE" for every deb source line of the machine.
pairs() {
  { cat "$E/sources.list" 2>/dev/null
    for f in "$E"/sources.list.d/*.list; do [ -f "$f" ] && cat "$f"; done
  } | awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                        print $i, $(i + 1) }'
  for f in "$E"/sources.list.d/*.sources; do [ -f "$f" ] && cat "$f" && echo; done |
    awk 'function flush() { if (deb) { n = split(s, a, " "); for (j = 1; j <= n; j++) print u, a[j] }
                            deb = 0; u = ""; s = "" }
         /^[ \t]*$/ { flush(); next }
         /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
         /^URIs:/ { u = $2 }
         /^Suites:/ { sub(/^Suites:[ \t]*/, ""); s = $0 }
         END { flush() }'
}

case "${1:-}" in
  sources)
    [ $# = 2 ] || { echo "usage: mirror.sh sources SUITE" >&2; exit 2; }
    pairs | awk -v s="$2" '$2 == s || $2 == s "-updates" || $2 == s "-security" {
      if (!seen[$2]++) print "deb " $1 " " $2 " main" }' ;;
  archive)
    # The archives that serve this machine's own release (another vendor's
    # repository never serves a Debian suite name).
    u=$(pairs | awk -v s="$R" '$2 == s { print $1; exit }')
    [ -n "$u" ] || { echo "mirror.sh: this machine's apt sources name no Debian archive" >&2; exit 1; }
    echo "$u" ;;
  security)
    u=$(pairs | awk -v s="$R-security" '$2 == s { print $1; exit }')
    [ -n "$u" ] || { echo "mirror.sh: this machine's apt sources name no Debian security archive" >&2; exit 1; }
    echo "$u" ;;
  *) echo "usage: mirror.sh sources SUITE | archive | security" >&2; exit 2 ;;
esac
