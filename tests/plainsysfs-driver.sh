#!/bin/sh
# plainsysfs-driver.sh SYSDIR FWDIR TRACEDIR - a remoteproc driver's part on a
# tree of plain files, as simple test rigs play it: "start" written to state
# becomes "running" when the named firmware file exists (with a trace0 that
# says so), else "offline"; "stop" becomes "offline" and trace0 goes.
# Values are written in place without truncating (every new value is at least
# as long as the request it answers), so a reader never sees an empty file.
S=$1/state F=$1/firmware FW=$2 TR=$3/trace0
while :; do
  case $(cat "$S") in
    start)
      fw=$(cat "$F")
      if [ -f "$FW/$fw" ]; then
        printf 'booted %s\n' "$fw" > "$TR"
        printf 'running\n' 1<>"$S"
      else
        printf 'offline\n' 1<>"$S"
      fi ;;
    stop)
      rm -f "$TR"
      printf 'offline\n' 1<>"$S" ;;
  esac
  sleep 0.05
done
