#!/bin/sh
# plainsysfs-driver.sh SYSDIR FWDIRS TRACEDIR [DELAY LOG] - a remoteproc
# driver's part on a tree of plain files, as simple test rigs play it:
# "start" written to state becomes "running" when the named firmware file
# exists in one of FWDIRS (colon-separated, searched in order, as the
# kernel searches a custom path first) with a trace0 that says so, else
# "offline"; "stop" becomes "offline" and trace0 goes.
# Values are written in place without truncating (every new value is at least
# as long as the request it answers), so a reader never sees an empty file.
# With DELAY (seconds) the request stays in the state file that long before
# the answer, a word no kernel shows; each request seen is appended to LOG,
# and "WORD written again" when the state file was written during the delay.
S=$1/state F=$1/firmware FW=$2 TR=$3/trace0 DELAY=${4:-0} LOG=${5:-/dev/null}
found() {
  _ifs=$IFS IFS=:
  for _d in $FW; do [ -f "$_d/$1" ] && break; done
  _r=$? IFS=$_ifs
  return $_r
}
wait_delay() {
  [ "$DELAY" = 0 ] && return
  echo "$1" >> "$LOG"
  _m=$(stat -c %y "$S")
  sleep "$DELAY"
  [ "$(stat -c %y "$S")" = "$_m" ] || echo "$1 written again" >> "$LOG"
}
while :; do
  case $(cat "$S") in
    start)
      wait_delay start
      fw=$(cat "$F")
      if found "$fw"; then
        printf 'booted %s\n' "$fw" > "$TR"
        printf 'running\n' 1<>"$S"
      else
        printf 'offline\n' 1<>"$S"
      fi ;;
    stop)
      wait_delay stop
      rm -f "$TR"
      printf 'offline\n' 1<>"$S" ;;
  esac
  sleep 0.05
done
