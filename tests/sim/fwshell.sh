# fwshell.sh - a scripted firmware shell as a processor's rpmsg tty (POSIX sh,
# sourced after testing.sh, before sim_start).
#
#   fwshell_start        starts tests/sim/fwshell.py on a fresh pseudo-terminal;
#                        sets FW_TTY (MAJ:MIN for sim_start --tty m4=$FW_TTY)
#                        and FW_PTS (the slave's path); the shell is stopped
#                        at exit. Non-zero with the reason in FW_ERROR.
#   fwshell_link         after sim_start: $RPROC_ROOT/dev/ttyRPMSG0 names the
#                        slave (a link: a pts is opened only through its devpts)
#   fwshell_in           what the firmware received since the last call (sed -n l)
# shellcheck shell=sh disable=SC2034  # FW_TTY, FW_PTS, FW_ERROR are for the sourcing file
FW_PID='' FW_ERROR=''
fwshell_stop() { [ -z "$FW_PID" ] || { kill "$FW_PID" 2>/dev/null; wait "$FW_PID" 2>/dev/null; FW_PID=; }; return 0; }
fwshell_start() {
  command -v python3 >/dev/null 2>&1 || { FW_ERROR="needs python3"; return 1; }
  : > "$TESTDIR/fw.in"
  python3 "$TOP/tests/sim/fwshell.py" "$TESTDIR/fw.tty" "$TESTDIR/fw.in" 2>"$TESTDIR/fw.err" &
  FW_PID=$!
  at_exit fwshell_stop
  wait_for 5 test -s "$TESTDIR/fw.tty" || { FW_ERROR="fwshell.py did not start: $(cat "$TESTDIR/fw.err")"; return 1; }
  read -r FW_TTY FW_PTS < "$TESTDIR/fw.tty"
}
fwshell_link() { mkdir -p "$RPROC_ROOT/dev" && ln -sf "$FW_PTS" "$RPROC_ROOT/dev/ttyRPMSG0"; }
fwshell_in() { sed -n l "$TESTDIR/fw.in"; : > "$TESTDIR/fw.in"; }
