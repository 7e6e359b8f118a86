# tests/peers/rt-end.sh - the last case of every runtime-peers*.test file:
# nothing left on the host.
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval

# ---------------------------------------------------------------- leftovers

# Shared host directories (/run/containerd/runc, ...) that another test run
# is using right now are not our leftovers when they hold something; our
# own entry in them is checked by name.
leftovers() {
  peers_leftovers | while read -r _k _p; do
    [ "$_k" = path ] && [ -d "$_p" ] && [ -n "$(ls -A "$_p" 2>/dev/null)" ] && continue
    echo "$_k $_p"
  done
  [ -z "${CR:-}" ] || [ ! -e "$CR" ] || echo "dir $CR"
}
peers_cleanup
testing "nothing left behind (processes, mounts, cgroups, host paths)" \
  'leftovers; [ -e "$PEERS_TMP" ] && echo "dir $PEERS_TMP"; ours; ls "$RPROC_ROOT/run/rprocbox/claims"' \
  "" "" ""
[ "$FAILCOUNT" -eq 0 ]
