#!/bin/sh
# bench.sh - `make bench`: rprocbox's performance figures next to runc, crun
# and containerd-shim-runc-v2, each with its target.
#
#   scripts/bench.sh            the full benchmark (BENCH_ITER repetitions)
#   BENCH_SMOKE=1 scripts/bench.sh   one iteration of everything, not judged
#
# Installs what it needs (scripts/deps.sh build bench peers sim arm64),
# builds every variant, starts the FUSE simulator and a containerd 1.6 on
# temporary roots (tests/sim/sim.sh, tests/peers/lib.sh), measures, prints a
# table and writes $BENCH_OUT/report.json (one object per figure),
# $BENCH_OUT/report.md and $BENCH_OUT/readme-section.md (README.md's short
# performance section; README.md's "Performance" section is a copy of one run's).
#
# Figures (medians over BENCH_ITER repetitions unless said otherwise; the
# spread is p10-p90 for latencies, min-max for the rest):
#   size.*     stripped binary, default and boot profiles, x86-64 and arm64,
#              next to runc, crun, containerd-shim-runc-v2 as Debian installs them
#   memory.*   RSS/PSS (/proc/PID/smaps_rollup) of containerd-shim-remoteproc-v1
#              holding 1 and 10 tasks (one group: annotation
#              io.kubernetes.cri.sandbox-id) next to containerd-shim-runc-v2
#              holding busybox containers grouped the same way; RSS of one
#              proxy (under the shim, and made by the runtime CLI). Sampled
#              BENCH_ITER times from one set-up.
#   latency.*  `state`, `list` vs /bin/true (the exec floor) and runc;
#              create alone on boards of 2 and 12 processors (simulators of
#              their own) vs /bin/true; a full create/start/kill/delete
#              cycle (simulator, zero start delay) vs the same with runc
#              (target: half runc's); `ctr run -d` until the processor runs vs
#              `ctr run -d` of a runc container. Runs are interleaved, so the
#              ratios come from the same moments of a noisy machine.
#   crash.*    simulated crash (debugfs crash file, recovery disabled) to the
#              /tasks/exit line of `ctr events`, p50/p99 over
#              max(100, BENCH_ITER) crashes; peer: SIGKILL of a runc
#              container's process to its /tasks/exit
#   idle.*     CPU of the shim and the proxy over BENCH_IDLE_SECONDS (10) with
#              one running container (the kernel's sum_exec_runtime from
#              /proc/PID/task/*/schedstat, ns; utime+stime of /proc/PID/stat,
#              the same time in 10 ms ticks, in the note; spread: 1 s windows),
#              next to containerd-shim-runc-v2 with one container, and
#              the proxy's next to its floor (benchtool poll: a tick's wake
#              and one read of the same state file) and to the machine's
#              cost of the wake alone (benchtool poll without a file); the
#              simulator's CPU over the same time; then, strace attached to
#              the proxy for as long: its sysfs/debugfs reads a second and a
#              tick (its poll calls that timed out)
#   create.*   one create on each board under strace -f: its fsync calls and
#              its opens of sysfs/debugfs files (the 12-processor board may
#              add one name read for each further processor, nothing else)
#
# Knobs: BENCH_ITER (default 20), BENCH_CRASHES (default max(100, BENCH_ITER)),
# BENCH_IDLE_SECONDS (10), BENCH_SMOKE (1: everything once, idle 1 s, exit 0
# whatever the figures), BENCH_OUT (default build/bench), BENCH_NO_DEPS (1:
# do not run deps.sh).
#
# Exit status: 0 every target met (always 0 with BENCH_SMOKE=1 unless a
# measurement broke), 1 a target was missed, 2 a measurement broke (the
# report says which), 3 cannot run here (not root, no FUSE, no containerd;
# the reason is printed).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
export TOP
T_START=$(date +%s)

SMOKE=${BENCH_SMOKE:-0}
[ "$SMOKE" = 1 ] || SMOKE=0
posint() {
  case "$2" in ''|*[!0-9]*|0) echo "bench.sh: $1 wants a positive number, not '$2'" >&2; exit 2 ;; esac
}
if [ "$SMOKE" = 1 ]; then
  ITER=1 CRASHES=1 IDLE=1
else
  ITER=${BENCH_ITER:-20}
  posint BENCH_ITER "$ITER"
  CRASHES=${BENCH_CRASHES:-$(( ITER > 100 ? ITER : 100 ))}
  IDLE=${BENCH_IDLE_SECONDS:-10}
  posint BENCH_CRASHES "$CRASHES"
  posint BENCH_IDLE_SECONDS "$IDLE"
fi
OUT=${BENCH_OUT:-$TOP/build/bench}
JOBS=$(nproc 2>/dev/null || echo 2)
HOSTCC=${HOSTCC:-cc}

say() { printf 'bench: %s\n' "$*" >&2; }
cannot() { echo "bench.sh: cannot run here: $*" >&2; exit 3; }

[ "$(id -u)" = 0 ] || cannot "needs root (FUSE simulator, containerd, runc)"
if [ "${BENCH_NO_DEPS:-0}" != 1 ]; then
  scripts/deps.sh build bench peers sim arm64 || say "some packages are missing; what needs them is reported as skipped"
fi
for _c in make "$HOSTCC" musl-gcc strip containerd ctr runc containerd-shim-runc-v2 strace; do
  command -v "$_c" >/dev/null 2>&1 || cannot "needs $_c (scripts/deps.sh build peers bench)"
done

mkdir -p "$OUT" || exit 1
LOG=$OUT/bench.log
: > "$LOG"
ROWS=$OUT/rows.tsv
: > "$ROWS"
ERRORS=$OUT/errors
: > "$ERRORS"
S=$OUT/samples    # raw samples, one file per series (us, KiB)
rm -rf "$S" "$OUT"/*.smaps "$OUT"/*.pages && mkdir -p "$S" || exit 1

# ---------------------------------------------------------------- build

say "building (default and boot profiles, x86-64 and arm64; tools)"
have_arm64() {
  command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && command -v aarch64-linux-gnu-strip >/dev/null 2>&1 &&
    [ -f /usr/lib/aarch64-linux-musl/musl-gcc.specs ]
}
if ! make -s -j"$JOBS" all tools >>"$LOG" 2>&1 || ! make -s -j"$JOBS" CONFIG=boot >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  echo "bench.sh: the build failed (see $LOG)" >&2
  exit 2
fi
ARM64=0
if have_arm64; then
  if make -s -j"$JOBS" ARCH=arm64 >>"$LOG" 2>&1 && make -s -j"$JOBS" ARCH=arm64 CONFIG=boot >>"$LOG" 2>&1; then
    ARM64=1
  else
    echo "the arm64 build failed (see $LOG)" >> "$ERRORS"
  fi
fi
BT=$TOP/build/benchtool
if [ ! -x "$BT" ] || [ -n "$(find tests/bench/benchtool.c -newer "$BT")" ]; then
  "$HOSTCC" -std=gnu11 -O2 -Wall -Wextra -Werror -o "$BT" tests/bench/benchtool.c >>"$LOG" 2>&1 ||
    { tail -n 20 "$LOG" >&2; echo "bench.sh: cannot build tests/bench/benchtool.c" >&2; exit 2; }
fi
export BENCHTOOL_LOG="$LOG"

# ---------------------------------------------------------------- rows

# row KEY=VALUE...: one figure. Keys: name unit value sk (spread kind) lo hi
# n peer pv (peer value) plo phi tv (target value, "<=") tt (target text)
# note. Missing keys are empty.
row() {
  _n='' _u='' _v='' _sk='' _lo='' _hi='' _c='' _p='' _pv='' _plo='' _phi='' _tv='' _tt='' _note=''
  for _kv in "$@"; do
    _rk=${_kv%%=*} _x=${_kv#*=}
    case $_rk in
      name) _n=$_x ;; unit) _u=$_x ;; value) _v=$_x ;; sk) _sk=$_x ;; lo) _lo=$_x ;; hi) _hi=$_x ;;
      n) _c=$_x ;; peer) _p=$_x ;; pv) _pv=$_x ;; plo) _plo=$_x ;; phi) _phi=$_x ;;
      tv) _tv=$_x ;; tt) _tt=$_x ;; note) _note=$_x ;;
      *) echo "bench.sh: row: unknown key $_rk" >&2; exit 2 ;;
    esac
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$_n" "$_u" "$_v" "$_sk" "$_lo" "$_hi" \
    "$_c" "$_p" "$_pv" "$_plo" "$_phi" "$_tv" "$_tt" "$_note" >> "$ROWS"
}

broke() {  # broke WHAT: a measurement failed; the run will exit 2
  echo "$*" >> "$ERRORS"
  say "MEASUREMENT FAILED: $*"
}

# stats FILE DIV: "n median p10 p90 min max p99" of the numbers in FILE, each
# divided by DIV (1000: microseconds to ms). p-th percentile = nearest rank.
stats() {
  sort -n "$1" | awk -v d="$2" '{ v[NR] = $1 / d }
    function pct(p,  i) { i = int((p * NR + 99) / 100); if (i < 1) i = 1; if (i > NR) i = NR; return v[i] }
    END { if (NR == 0) { print "0 - - - - - -"; exit }
      m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%d %.4f %.4f %.4f %.4f %.4f %.4f\n", NR, m, pct(10), pct(90), v[1], v[NR], pct(99) }'
}

# ---------------------------------------------------------------- workspace

W=$(mktemp -d "${TMPDIR:-/tmp}/rpbench.XXXXXX") || exit 1
RUNID=$(printf '%s' "${W##*.}" | tr 'A-Z' 'a-z')
TESTDIR=$W
export TESTDIR
CGROUP=rpbench-$RUNID          # runc's containers (cgroupsPath /$CGROUP/ID)

_atexit=""
at_exit() { _atexit="$1 $_atexit"; }   # what sim.sh and peers/lib.sh register

RT=$W/bin/remoteproc-runtime
RTROOT=$W/rt
RCROOT=$W/runc
CRROOT=$W/crun
bench_cleanup() {
  # Containers made here directly (runtime CLI, runc), then daemons, mounts.
  if [ -x "$RT" ]; then
    for _id in $("$RT" --root "$RTROOT" list -q 2>/dev/null); do
      "$RT" --root "$RTROOT" kill "$_id" KILL >/dev/null 2>&1
      "$RT" --root "$RTROOT" delete --force "$_id" >/dev/null 2>&1
    done
  fi
  for _id in $(runc --root "$RCROOT" list -q 2>/dev/null); do
    runc --root "$RCROOT" delete -f "$_id" >/dev/null 2>&1
  done
  if [ -d "$CRROOT" ] && command -v crun >/dev/null 2>&1; then
    for _id in $(crun --root "$CRROOT" list -q 2>/dev/null); do
      crun --root "$CRROOT" delete -f "$_id" >/dev/null 2>&1
    done
  fi
  # Keep the daemons' and the simulator's logs with the report.
  [ -n "${CONTAINERD_LOG:-}" ] && cp "$CONTAINERD_LOG" "$OUT/containerd.log" 2>/dev/null
  [ -n "${SIM_LOG:-}" ] && cp "$SIM_LOG" "$OUT/rprocsim.log" 2>/dev/null
  for _f in $_atexit; do "$_f"; done
  _atexit=""
  for _r in /sys/fs/cgroup/*/"$CGROUP" /sys/fs/cgroup/"$CGROUP"; do
    [ -d "$_r" ] && find "$_r" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  cd / && rm -rf "$W"
}
trap 'bench_cleanup' EXIT
trap 'exit 130' INT TERM

. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

mkdir -p "$W/bin" "$W/img" "$RTROOT" "$RCROOT"
# A private copy: others may rebuild build/rprocbox while this runs.
RPROCBOX=$W/bin/rprocbox
cp "$TOP/build/rprocbox" "$RPROCBOX" || exit 2
ln -s rprocbox "$RT"
WALL_LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- evidence

# The data/bss symbols of build/rprocbox with the object file defining each
# (static names like buf.3 repeat), for report.sh to say which variables the
# resident pages of a process belong to: "ADDR SIZE NAME FILE" (hex). The
# objects are fat LTO objects: readelf reads their own symbol table. A name
# is matched with its size, without the numbers the compiler appends to
# statics (buf.3) and link-time optimization to their names (.lto_priv.0).
for _o in build/obj/x86_64-default/lib/*.o build/obj/x86_64-default/lib/shim/*.o build/obj/x86_64-default/applets/*.o; do
  _f=${_o#build/obj/x86_64-default/}
  readelf -sW "$_o" 2>/dev/null | awk -v f="${_f%.o}.c" '$4 == "OBJECT" && $3 != "0" {  # big sizes are hex
    z = $3; if (z ~ /^0x/) z = substr(z, 3); else z = sprintf("%x", z); print $8, z, f }'
done > "$W/objsyms"
nm -S "$RPROCBOX" 2>/dev/null | awk 'function base(s) { sub(/\.lto_priv\.[0-9]+$/, "", s); sub(/(\.[0-9]+)+$/, "", s); return s }
    NR == FNR { k = base($1) " " $2; if (!(k in f)) f[k] = $3; else if (f[k] != $3) f[k] = "?"; next }
    NF == 4 && $3 ~ /^[bBdD]$/ { _z = $2; sub(/^0+/, "", _z); k = base($4) " " _z; print $1, $2, $4, (k in f) ? f[k] : "?" }
    NF == 3 && $3 == "_end" { print $1, 0, "_end", "-" }' "$W/objsyms" - > "$OUT/rprocbox.syms"

# resident TAG PID: smaps and resident data/bss/brk pages of PID (the
# binary's rw-p mapping and the anonymous one after it) into OUT/TAG.*.
resident() {
  cp "/proc/$2/smaps" "$OUT/$1.smaps" 2>/dev/null || return 0
  _rng=$(awk -v bin="$(readlink -f "$RPROCBOX")" '
    $2 == "rw-p" && $6 == bin { split($1, a, "-"); lo = a[1]; hi = a[2]; getline
      if (NF == 5) { split($1, a, "-"); hi = a[2] } print lo, hi; exit }' "/proc/$2/maps")
  # shellcheck disable=SC2086  # "LO HI", split on purpose
  [ -n "$_rng" ] && "$BT" resident "$2" $_rng > "$OUT/$1.pages" 2>>"$LOG"
  return 0
}

# ---------------------------------------------------------------- sizes

say "sizes"
# Stripped size of a variant, as scripts/size.sh measures it: strip a copy.
stripped() {  # stripped ARCH CONFIG -> bytes
  case $1-$2 in
    x86_64-default) _b=build/rprocbox _s=strip ;;
    x86_64-*) _b=build/$2/rprocbox _s=strip ;;
    *-default) _b=build/$1/rprocbox _s=aarch64-linux-gnu-strip ;;
    *) _b=build/$1-$2/rprocbox _s=aarch64-linux-gnu-strip ;;
  esac
  cp "$_b" "$W/strip.tmp" && "$_s" "$W/strip.tmp" && wc -c < "$W/strip.tmp" | tr -d ' '
}
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
peer_kib() {  # the file as Debian installed it (already stripped)
  _p=$(command -v "$1" 2>/dev/null) && _p=$(readlink -f "$_p") && kib "$(wc -c < "$_p" | tr -d ' ')"
}
RUNC_KIB=$(peer_kib runc) CRUN_KIB=$(peer_kib crun) SHIMV2_KIB=$(peer_kib containerd-shim-runc-v2)
crun_dyn="crun (dynamic: + $(ldd "$(command -v crun 2>/dev/null || echo /nonexistent)" 2>/dev/null | grep -c '=>') shared libraries)"

if _b=$(stripped x86_64 default); then
  _k=$(kib "$_b")
  row name=size.default.x86_64 unit=KiB value="$_k" n=1 peer=runc pv="$RUNC_KIB" tv=160 "tt=<= 160 KiB"
  row name=size.default.x86_64.vs_crun unit=KiB value="$_k" n=1 peer="$crun_dyn" pv="$CRUN_KIB" \
    "note=same figure as size.default.x86_64, judged there"
  row name=size.default.x86_64.vs_shim unit=KiB value="$_k" n=1 peer=containerd-shim-runc-v2 pv="$SHIMV2_KIB" \
    "note=same figure as size.default.x86_64, judged there"
else
  broke "size of the default x86-64 build"
fi
if _b=$(stripped x86_64 boot); then
  row name=size.boot.x86_64 unit=KiB value="$(kib "$_b")" n=1 tv=64 "tt=<= 64 KiB"
else
  broke "size of the boot x86-64 build"
fi
if [ "$ARM64" = 1 ] && _a=$(stripped arm64 default) && _ab=$(stripped arm64 boot); then
  row name=size.default.arm64 unit=KiB value="$(kib "$_a")" n=1 "note=no target for arm64's default profile"
  row name=size.boot.arm64 unit=KiB value="$(kib "$_ab")" n=1 tv=64 "tt=<= 64 KiB"
else
  why="no aarch64 musl toolchain (scripts/deps.sh arm64)"
  [ "$ARM64" = 1 ] && { why="cannot strip the arm64 build"; broke "size of the arm64 builds"; }
  row name=size.default.arm64 unit=KiB "note=skipped: $why"
  row name=size.boot.arm64 unit=KiB tv=64 "tt=<= 64 KiB" "note=skipped: $why"
fi
rm -f "$W/strip.tmp"

# ---------------------------------------------------------------- set-up

# ---------------------------------------------------------------- create

# The exec floor's samples come from here and from the CLI latency loop.
: > "$S/true"
BTT() { "$BT" time 1 -- "$@"; }
"$TOP/build/mkelf" --seed bench "$W/img/hello.elf" >>"$LOG" 2>&1 || { broke "mkelf"; exit 2; }

# syscalls TRACE CUT REGEX: lines of strace -ttt output TRACE before the
# time CUT (seconds) whose call matches the extended REGEX.
syscalls() {
  awk -v cut="$2" '$2 + 0 < cut + 0 { $1 = $2 = ""; sub(/^ +/, ""); print }' "$1" | grep -E "$3"
}

# traced_create TAG ID: one create under strace -f (it and the processes it
# forks, up to the moment the container reads "created"; not what delete
# makes them do later): CR_FSYNC (fsync and fdatasync calls), CR_OPENS (opens
# of files under the simulator's sys: sysfs and debugfs), CR_NAMES (of
# them, "name" attributes). Opens that fail count too: each is a lookup.
traced_create() {
  CR_FSYNC='' CR_OPENS='' CR_NAMES=''
  _tr=$W/create-$1.strace
  strace -f -ttt -qq -o "$_tr" -e trace=open,openat,fsync,fdatasync \
    "$RT" --root "$RTROOT" create --bundle "$W/cb" "$2" >>"$LOG" 2>&1 </dev/null &
  _sp=$!
  _k=0 _cut=''
  while [ "$_k" -lt 200 ]; do
    if "$RT" --root "$RTROOT" state "$2" 2>/dev/null | grep -q '"status": *"created"'; then
      _cut=$(date +%s.%N)
      break
    fi
    sleep 0.05; _k=$((_k + 1))
  done
  "$RT" --root "$RTROOT" delete --force "$2" >>"$LOG" 2>&1
  wait "$_sp"
  cp "$_tr" "$OUT/" 2>/dev/null
  [ -n "$_cut" ] || { broke "create under strace ($1): the container never read created"; return 1; }
  _sysre="^open(at)?\\(.*\"${RPROC_ROOT%/}/sys/"
  CR_FSYNC=$(syscalls "$_tr" "$_cut" '^f(data)?sync\(' | grep -c .)
  CR_OPENS=$(syscalls "$_tr" "$_cut" "$_sysre" | grep -c .)
  CR_NAMES=$(syscalls "$_tr" "$_cut" "$_sysre" | grep -c '/name"')
  say "create ($1): $CR_FSYNC fsync, $CR_OPENS sysfs opens ($CR_NAMES of name files)"
}

# create_board TAG N: create alone (deleted outside the timed part) on a
# simulator of its own with N processors, the bundle naming the last one
# (a search by name reaches it last), interleaved with /bin/true; then one
# create under strace (traced_create). Sets CR_<TAG>_* from it.
create_board() {
  _names='' _i=0
  while [ "$_i" -lt "$2" ]; do _names="$_names c$_i"; _i=$((_i + 1)); done
  # shellcheck disable=SC2086
  sim_start $_names || { broke "simulator of $2 processors: $SIM_ERROR"; return 1; }
  rm -rf "$W/cb" && mkdir -p "$W/cb/rootfs" && cp "$W/img/hello.elf" "$W/cb/rootfs/" &&
    (cd "$W/cb" && "$RT" spec --firmware hello.elf --processor "c$(($2 - 1))") >>"$LOG" 2>&1 ||
    { broke "the create bundle ($1)"; sim_stop; return 1; }
  _id=cr$1$RUNID
  _del="\"$RT\" --root \"$RTROOT\" delete --force $_id"
  : > "$S/create_$1"
  "$BT" time 1 --after "$_del" -- "$RT" --root "$RTROOT" create --bundle "$W/cb" "$_id" >/dev/null || broke "create ($1)"
  _k=0
  while [ "$_k" -lt "$ITER" ]; do
    BTT /bin/true >> "$S/true" || broke "/bin/true"
    "$BT" time 1 --after "$_del" -- "$RT" --root "$RTROOT" create --bundle "$W/cb" "$_id" \
      >> "$S/create_$1" || { broke "remoteproc-runtime create ($1)"; break; }
    _k=$((_k + 1))
  done
  traced_create "$1" "$_id"
  eval "CR_$1_FSYNC=\$CR_FSYNC CR_$1_OPENS=\$CR_OPENS CR_$1_NAMES=\$CR_NAMES"
  sim_stop || broke "the simulator of $2 processors left a mount behind"
}

say "create alone: boards of 2 and 12 processors ($ITER repetitions each)"
CR_2_FSYNC='' CR_2_OPENS='' CR_2_NAMES='' CR_12_FSYNC='' CR_12_OPENS='' CR_12_NAMES=''
create_board 2 2
create_board 12 12

say "starting the simulator and containerd"
# m0-m9: the shim's group of ten; m10: runtime CLI; m11: ctr run; m12: crashes.
NPROC=13
names=""
i=0
while [ "$i" -lt "$NPROC" ]; do names="$names m$i"; i=$((i + 1)); done
# shellcheck disable=SC2086
sim_start $names || cannot "$SIM_ERROR"
SYS=$RPROC_ROOT/sys
i=0
while [ "$i" -lt "$NPROC" ]; do sim_start_delay "remoteproc$i" 0 || broke "zero start delay"; i=$((i + 1)); done
dev_state() { echo "$SYS/class/remoteproc/remoteproc$1/state"; }

sh scripts/mkimage.sh --name localhost/rpbench-fw:latest --firmware "$W/img/hello.elf" \
  --oci-archive "$W/img/fw.tar" >>"$LOG" 2>&1 || { broke "mkimage (firmware)"; exit 2; }
# The busybox image needs a static busybox: Debian's busybox-static, or any
# busybox on PATH that ldd calls "not a dynamic executable".
BUSYBOX=$(dpkg-query -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -n 1)
if [ -z "$BUSYBOX" ] && _bb=$(command -v busybox 2>/dev/null) && ! ldd "$_bb" >/dev/null 2>&1; then
  BUSYBOX=$_bb
fi
if [ -z "$BUSYBOX" ] || [ ! -x "$BUSYBOX" ]; then
  cannot "needs a static busybox (Debian package busybox-static)"
fi
mkdir -p "$W/img/bb/bin"
cp "$BUSYBOX" "$W/img/bb/bin/busybox"
for a in sh sleep true; do ln -s busybox "$W/img/bb/bin/$a"; done
sh scripts/mkimage.sh --name localhost/rpbench-bb:latest --rootfs "$W/img/bb" \
  --oci-archive "$W/img/bb.tar" >>"$LOG" 2>&1 || { broke "mkimage (busybox)"; exit 2; }

peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX" || cannot "peers: $PEERS_REASON"
containerd_start || cannot "$PEERS_REASON"
if ! ctr_import "$W/img/fw.tar" 2>>"$LOG" || ! ctr_import "$W/img/bb.tar" 2>>"$LOG"; then
  broke "ctr images import"
  exit 2
fi
FWIMG=localhost/rpbench-fw:latest BBIMG=localhost/rpbench-bb:latest
SHIM_RT=io.containerd.remoteproc.v1

# A bundle for the runtime CLI (processor m10) and one for runc (busybox).
FWB=$W/fwb RCB=$W/rcb
mkdir -p "$FWB/rootfs" "$RCB"
cp "$W/img/hello.elf" "$FWB/rootfs/"
(cd "$FWB" && "$RT" spec --firmware hello.elf --processor m10) >>"$LOG" 2>&1 || broke "remoteproc-runtime spec"
cp -a "$W/img/bb" "$RCB/rootfs"
(cd "$RCB" && runc spec) >>"$LOG" 2>&1 || broke "runc spec"
sed -i 's/"terminal": true/"terminal": false/; s/^\t\t\t"sh"$/\t\t\t"sleep", "1000000"/' "$RCB/config.json"
sed -i "s|\"linux\": {|\"linux\": {\n\t\t\"cgroupsPath\": \"/$CGROUP/CGID\",|" "$RCB/config.json"
grep -q '"sleep", "1000000"' "$RCB/config.json" && grep -q '"cgroupsPath"' "$RCB/config.json" ||
  broke "runc spec's config.json is not laid out as expected (args, cgroupsPath): runc containers will not run"
rc_bundle() {  # rc_bundle ID: the runc bundle with its cgroup named after ID
  sed -i "s|\"cgroupsPath\": \"/$CGROUP/[^\"]*\"|\"cgroupsPath\": \"/$CGROUP/$1\"|" "$RCB/config.json"
}

# crun: can it run a container here at all?
CRUN_WHY=""
if ! command -v crun >/dev/null 2>&1; then
  CRUN_WHY="crun is not installed"
else
  rc_bundle crunprobe
  if ! _o=$(crun --root "$CRROOT" run -d --bundle "$RCB" "crunprobe$RUNID" 2>&1 </dev/null); then
    CRUN_WHY="crun cannot run a container on this machine: $(echo "$_o" | head -n 1)"
  fi
  crun --root "$CRROOT" delete -f "crunprobe$RUNID" >/dev/null 2>&1
fi
[ -z "$CRUN_WHY" ] || say "$CRUN_WHY"

# ---------------------------------------------------------------- latency: CLI

say "latency: state, list, create/start/kill/delete ($ITER interleaved repetitions)"
ST_ID=st$RUNID CY_ID=cy$RUNID RS_ID=rs$RUNID
rtc() { "$RT" --root "$RTROOT" "$@"; }
cli_ok=1
if ! rtc create --bundle "$FWB" --pid-file "$W/st.pid" "$ST_ID" >>"$LOG" 2>&1 || ! rtc start "$ST_ID" >>"$LOG" 2>&1; then
  broke "remoteproc-runtime create/start of the state container"
  cli_ok=0
fi
rc_bundle "$RS_ID"
runc_ok=1
runc --root "$RCROOT" run -d --bundle "$RCB" "$RS_ID" </dev/null >>"$LOG" 2>&1 || { broke "runc run -d"; runc_ok=0; }
crun_ok=0
if [ -z "$CRUN_WHY" ]; then
  rc_bundle "c$RS_ID"
  if crun --root "$CRROOT" run -d --bundle "$RCB" "$RS_ID" </dev/null >>"$LOG" 2>&1; then crun_ok=1; else broke "crun run -d"; fi
fi

# The CLI's proxy, while we are here.
if [ "$cli_ok" = 1 ]; then
  _p=$(cat "$W/st.pid")
  : > "$S/proxy_cli_rss"
  k=0
  while [ "$k" -lt "$ITER" ]; do
    awk '/^Rss:/ { print $2 }' "/proc/$_p/smaps_rollup" >> "$S/proxy_cli_rss"
    k=$((k + 1))
  done
  resident proxy-cli "$_p"
fi

# `state` and `list` read two sysfs attributes of the processor (state,
# firmware). The judged figures read them from the FUSE simulator, where
# an open walks several path components, each a round trip to rprocsim
# (in-kernel sysfs is a dcache walk): latency.state.static shows the same
# command with those attributes copied into plain files, i.e. the runtime's
# own cost.
STATIC=$W/static
mkdir -p "$STATIC/sys/class/remoteproc/remoteproc10"
for _a in name state firmware recovery; do
  cat "$SYS/class/remoteproc/remoteproc10/$_a" > "$STATIC/sys/class/remoteproc/remoteproc10/$_a" 2>>"$LOG"
done
[ "$cli_ok" = 0 ] || grep -qx running "$STATIC/sys/class/remoteproc/remoteproc10/state" ||
  broke "the state container's processor is not running"

: > "$S/state"; : > "$S/state_static"; : > "$S/list"; : > "$S/runc_state"; : > "$S/runc_list"; : > "$S/crun_state"
: > "$S/cycle"; : > "$S/runc_cycle"
BTS() { RPROC_ROOT=$STATIC "$BT" time 1 -- "$@"; }
# Warm-up (page cache, dentries), not measured.
BTT /bin/true >/dev/null; BTS "$RT" --root "$RTROOT" state "$ST_ID" >/dev/null 2>&1
BTT "$RT" --root "$RTROOT" state "$ST_ID" >/dev/null 2>&1; BTT runc --root "$RCROOT" state "$RS_ID" >/dev/null 2>&1
k=0
while [ "$k" -lt "$ITER" ]; do
  BTT /bin/true >> "$S/true" || broke "/bin/true"
  [ "$cli_ok" = 1 ] && { BTT "$RT" --root "$RTROOT" state "$ST_ID" >> "$S/state" || broke "remoteproc-runtime state"; }
  [ "$runc_ok" = 1 ] && { BTT runc --root "$RCROOT" state "$RS_ID" >> "$S/runc_state" || broke "runc state"; }
  [ "$crun_ok" = 1 ] && { BTT crun --root "$CRROOT" state "$RS_ID" >> "$S/crun_state" || broke "crun state"; }
  [ "$cli_ok" = 1 ] && { BTS "$RT" --root "$RTROOT" state "$ST_ID" >> "$S/state_static" || broke "remoteproc-runtime state (static sysfs copy)"; }
  [ "$cli_ok" = 1 ] && { BTT "$RT" --root "$RTROOT" list >> "$S/list" || broke "remoteproc-runtime list"; }
  [ "$runc_ok" = 1 ] && { BTT runc --root "$RCROOT" list >> "$S/runc_list" || broke "runc list"; }
  k=$((k + 1))
done
# Same answer from the static copy as from the simulator?
if [ "$cli_ok" = 1 ]; then
  a=$("$RT" --root "$RTROOT" state "$ST_ID" 2>&1) b=$(RPROC_ROOT=$STATIC "$RT" --root "$RTROOT" state "$ST_ID" 2>&1)
  [ "$a" = "$b" ] || broke "state reads differently from the static copy than from the simulator"
fi
if [ "$cli_ok" = 1 ]; then
  rtc kill "$ST_ID" TERM >>"$LOG" 2>&1
  wait_for() { _n=$(( $1 * 20 )); shift; while [ "$_n" -gt 0 ]; do "$@" && return 0; sleep 0.05; _n=$((_n - 1)); done; return 1; }
  wait_for 10 sh -c "\"$RT\" --root \"$RTROOT\" state \"$ST_ID\" | grep -q '\"status\": *\"stopped\"'" ||
    broke "the state container did not stop"
  rtc delete "$ST_ID" >>"$LOG" 2>&1 || broke "remoteproc-runtime delete"
fi
[ "$runc_ok" = 1 ] && runc --root "$RCROOT" delete -f "$RS_ID" >>"$LOG" 2>&1
[ "$crun_ok" = 1 ] && crun --root "$CRROOT" delete -f "$RS_ID" >>"$LOG" 2>&1

# The cycle: create, start, kill, wait for the container's process, delete.
rc_bundle "$CY_ID"
k=0
while [ "$k" -lt "$ITER" ]; do
  "$BT" cycle 1 "$W/cy.pid" -- "$RT" --root "$RTROOT" create --bundle "$FWB" --pid-file "$W/cy.pid" "$CY_ID" \
    :: "$RT" --root "$RTROOT" start "$CY_ID" :: "$RT" --root "$RTROOT" kill "$CY_ID" TERM \
    :: "$RT" --root "$RTROOT" delete "$CY_ID" >> "$S/cycle" || { broke "remoteproc-runtime cycle"; break; }
  "$BT" cycle 1 "$W/rcy.pid" -- runc --root "$RCROOT" create --bundle "$RCB" --pid-file "$W/rcy.pid" "$CY_ID" \
    :: runc --root "$RCROOT" start "$CY_ID" :: runc --root "$RCROOT" kill "$CY_ID" KILL \
    :: runc --root "$RCROOT" delete "$CY_ID" >> "$S/runc_cycle" || { broke "runc cycle"; break; }
  k=$((k + 1))
done

# ---------------------------------------------------------------- memory, idle

say "memory and idle CPU: one task per shim, then ten"
GRP_RP=grp-rp-$RUNID GRP_RC=grp-rc-$RUNID
task_pid() { "$CTR" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
mem_of() { awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print r, p }' "/proc/$1/smaps_rollup" 2>/dev/null; }
logged() {  # logged CMD...: output to the log; on failure its last line to stderr
  "$@" > "$W/cmd.out" 2>&1
  _lr=$?
  cat "$W/cmd.out" >> "$LOG"
  [ "$_lr" = 0 ] || tail -n 1 "$W/cmd.out" >&2
  return "$_lr"
}
run_rp() {  # run_rp ID PROCESSOR: a firmware task in the shim's group
  logged "$CTR" run -d --runtime "$SHIM_RT" --annotation remoteproc.name="$2" \
    --annotation io.kubernetes.cri.sandbox-id="$GRP_RP" "$FWIMG" "$1"
}
run_rc() {  # run_rc ID: a busybox task in the runc shim's group
  logged "$CTR" run -d --annotation io.kubernetes.cri.sandbox-id="$GRP_RC" "$BBIMG" "$1" sleep 1000000
}
# sample_mem TAG PID...: ITER samples of RSS and PSS of the first PID
sample_mem() {
  _tag=$1 _pid=$2
  : > "$S/${_tag}_rss"; : > "$S/${_tag}_pss"
  _k=0
  while [ "$_k" -lt "$ITER" ]; do
    # shellcheck disable=SC2046  # two numbers, split on purpose
    set -- $(mem_of "$_pid")
    [ $# = 2 ] || { broke "smaps_rollup of $_tag (pid $_pid)"; return 1; }
    echo "$1" >> "$S/${_tag}_rss"; echo "$2" >> "$S/${_tag}_pss"
    _k=$((_k + 1))
    [ "$_k" -lt "$ITER" ] && sleep 0.05
  done
  return 0
}

# proxy_reads PID SECONDS: strace attached to the idle proxy PID for SECONDS
# (after the CPU figure: tracing slows it). PX_READS: read and pread64 calls
# on files under the simulator's sys (sysfs and debugfs), PX_OPENS: opens
# there, PX_TICKS: its poll calls that timed out (its ticks), PX_SECS: the
# time attached.
proxy_reads() {
  PX_READS='' PX_OPENS='' PX_TICKS='' PX_SECS=''
  _tr=$W/proxy.strace
  strace -qq -y -p "$1" -o "$_tr" -e trace=read,pread64,open,openat,poll,ppoll 2>>"$LOG" &
  _sp=$!
  _t0=$(date +%s.%N)
  sleep "$2"
  kill -INT "$_sp" 2>/dev/null
  wait "$_sp"
  _t1=$(date +%s.%N)
  cp "$_tr" "$OUT/" 2>/dev/null
  _sys=${RPROC_ROOT%/}/sys/
  PX_READS=$(grep -cE "^p?read(64)?\([0-9]+<$_sys" "$_tr")
  PX_OPENS=$(grep -cE "^open(at)?\(.*\"$_sys" "$_tr")
  PX_TICKS=$(grep -cE '^p?poll\(.*= 0 \(Timeout\)' "$_tr")
  PX_SECS=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f", b - a }')
  [ "$PX_TICKS" -gt 0 ] || broke "the proxy's reads: no tick seen under strace"
}

mem_ok=1
run_rp rp0 m0 || { broke "ctr run -d of a firmware task (shim)"; mem_ok=0; }
run_rc rc0 || { broke "ctr run -d of a runc task"; mem_ok=0; }
PX=$(task_pid rp0) RCP=$(task_pid rc0)
SHIM=$(ppid_of "${PX:-0}") RSHIM=$(ppid_of "${RCP:-0}")
if [ "$mem_ok" = 1 ] && [ -n "$SHIM" ] && [ -n "$RSHIM" ]; then
  sleep 0.5   # let both settle (the Go shim's runtime starts threads lazily)
  sample_mem shim1 "$SHIM"; sample_mem rshim1 "$RSHIM"; sample_mem proxy "$PX"
  resident shim-1 "$SHIM"
  resident proxy "$PX"
  # The floor under the proxy's figure, measured at the same moments: a
  # process that only wakes every tick of the proxy (RP_PROXY_TICK_MS) and
  # reads the same state file once.
  TICK_MS=$(sed -n 's/^#define RP_PROXY_TICK_MS *\([0-9]*\).*/\1/p' lib/proxy.h)
  "$BT" poll "$TICK_MS" "$(dev_state 0)" 2>>"$LOG" &
  FLOOR_PID=$!
  "$BT" poll "$TICK_MS" 2>>"$LOG" &
  WAKE_PID=$!
  sleep 0.2
  say "idle CPU over $IDLE s (shim $SHIM, proxy $PX, containerd-shim-runc-v2 $RSHIM, simulator $SIM_PID, floor $FLOOR_PID, wake $WAKE_PID)"
  if "$BT" cpu "$IDLE" "$SHIM" "$PX" "$RSHIM" "$SIM_PID" "$FLOOR_PID" "$WAKE_PID" > "$S/idle" 2>>"$LOG"; then :; else broke "idle CPU"; : > "$S/idle"; fi
  kill "$FLOOR_PID" "$WAKE_PID" 2>/dev/null
  wait "$FLOOR_PID" "$WAKE_PID" 2>/dev/null
  say "the proxy's sysfs reads over $IDLE s (strace)"
  proxy_reads "$PX" "$IDLE"
  i=1 rp_err="" rc_err=""
  while [ "$i" -lt 10 ]; do
    if [ -z "$rp_err" ] && ! _o=$(run_rp "rp$i" "m$i" 2>&1); then rp_err="task rp$i: $_o"; fi
    if [ -z "$rc_err" ] && ! _o=$(run_rc "rc$i" 2>&1); then rc_err="task rc$i: $_o"; fi
    i=$((i + 1))
  done
  # All ten in one shim each?
  n_rp=0 n_rc=0 i=0
  while [ "$i" -lt 10 ]; do
    [ "$(ppid_of "$(task_pid "rp$i")")" = "$SHIM" ] && n_rp=$((n_rp + 1))
    [ "$(ppid_of "$(task_pid "rc$i")")" = "$RSHIM" ] && n_rc=$((n_rc + 1))
    i=$((i + 1))
  done
  [ "$n_rp" = 10 ] || broke "only $n_rp of 10 firmware tasks could join one containerd-shim-remoteproc-v1 (io.kubernetes.cri.sandbox-id group)${rp_err:+; first failure: $rp_err}"
  [ "$n_rc" = 10 ] || broke "only $n_rc of 10 runc tasks could join one containerd-shim-runc-v2${rc_err:+; first failure: $rc_err}"
  sleep 0.5
  if [ "$n_rp" = 10 ]; then
    sample_mem shim10 "$SHIM"
    resident shim-10 "$SHIM"
  fi
  [ "$n_rc" = 10 ] && sample_mem rshim10 "$RSHIM"
else
  [ "$mem_ok" = 0 ] || broke "cannot find the shims' pids"
  : > "$S/idle"
fi
say "removing the twenty tasks"
i=0
while [ "$i" -lt 10 ]; do
  "$CTR" task delete -f "rp$i" >>"$LOG" 2>&1; "$CTR" containers rm "rp$i" >>"$LOG" 2>&1
  "$CTR" task delete -f "rc$i" >>"$LOG" 2>&1; "$CTR" containers rm "rc$i" >>"$LOG" 2>&1
  i=$((i + 1))
done

# ---------------------------------------------------------------- latency: ctr run -d

say "latency: ctr run -d until running ($ITER interleaved repetitions)"
: > "$S/ctr_run"; : > "$S/runc_ctr_run"
k=0
while [ "$k" -lt "$ITER" ]; do
  "$BT" time 1 --until "$(dev_state 11)=running" \
    --after "$CTR task delete -f cr$RUNID && $CTR containers rm cr$RUNID" \
    -- "$CTR" run -d --runtime "$SHIM_RT" --annotation remoteproc.name=m11 "$FWIMG" "cr$RUNID" \
    >> "$S/ctr_run" || { broke "ctr run -d (shim)"; break; }
  "$BT" time 1 --after "$CTR task delete -f rr$RUNID && $CTR containers rm rr$RUNID" \
    -- "$CTR" run -d "$BBIMG" "rr$RUNID" sleep 1000000 >> "$S/runc_ctr_run" || { broke "ctr run -d (runc)"; break; }
  k=$((k + 1))
done

# ---------------------------------------------------------------- crashes

say "crash to TaskExit: $CRASHES crashes, then $CRASHES SIGKILLs of a runc container"
echo disabled > "$SYS/class/remoteproc/remoteproc12/recovery" || broke "disable recovery on m12"
"$CTR" containers create --runtime "$SHIM_RT" --annotation remoteproc.name=m12 "$FWIMG" "cx$RUNID" >>"$LOG" 2>&1 ||
  broke "ctr containers create (crash)"
"$CTR" containers create "$BBIMG" "kx$RUNID" sleep 1000000 >>"$LOG" 2>&1 || broke "ctr containers create (runc crash)"
"$BT" crash "$CRASHES" --id "cx$RUNID" --state "$(dev_state 12)" \
  --crash-file "$SYS/kernel/debug/remoteproc/remoteproc12/crash" \
  -- "$CTR" events :: "$CTR" task start -d "cx$RUNID" :: "$CTR" task delete "cx$RUNID" \
  > "$S/crash" 2>>"$LOG" || broke "crash to TaskExit (shim); see $LOG"
"$BT" crash "$CRASHES" --id "kx$RUNID" --kill-pidfile "$W/kx.pid" \
  -- "$CTR" events :: "$CTR" task start -d --pid-file "$W/kx.pid" "kx$RUNID" :: "$CTR" task delete "kx$RUNID" \
  > "$S/runc_crash" 2>>"$LOG" || broke "SIGKILL to TaskExit (runc); see $LOG"

# ---------------------------------------------------------------- teardown

say "tearing down"
WALL_LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
CTD_VERSION=$(containerd --version 2>/dev/null | awk '{ print $3 }')
RUNC_VERSION=$(runc --version 2>/dev/null | awk 'NR == 1 { print $3 }')
CRUN_VERSION=$(crun --version 2>/dev/null | awk 'NR == 1 { print $3 }')
bench_cleanup
trap - EXIT
leftover=$(peers_leftovers 2>/dev/null)
for _d in /proc/[0-9]*; do
  case "$( { tr '\0' ' ' < "$_d/cmdline"; } 2>/dev/null)" in
    *"$RUNID"*|*"$W"*) leftover="$leftover
process ${_d#/proc/}: $(tr '\0' ' ' < "$_d/cmdline" 2>/dev/null | cut -c1-120)" ;;
  esac
done
grep -q "$W" /proc/self/mountinfo && leftover="$leftover
mount under $W"
leftover=$(echo "$leftover" | sed '/^$/d')
[ -z "$leftover" ] || broke "left behind: $(echo "$leftover" | tr '\n' ';')"

# ---------------------------------------------------------------- figures

# latrow NAME SAMPLES PEER PEER_SAMPLES KEYS...
latrow() {
  _name=$1 _f=$2 _peer=$3 _pf=$4; shift 4
  if [ ! -s "$S/$_f" ]; then row name="$_name" unit=ms "note=not measured (see errors)" "$@"; return; fi
  read -r _c _m _lo _hi _mn _mx _p99 <<EOF
$(stats "$S/$_f" 1000)
EOF
  _pv='' _plo='' _phi=''
  if [ -n "$_pf" ] && [ -s "$S/$_pf" ]; then
    read -r _pc _pv _plo _phi _pmn _pmx _pp99 <<EOF
$(stats "$S/$_pf" 1000)
EOF
  fi
  [ -n "$_pf" ] || _peer=""
  row name="$_name" unit=ms value="$_m" sk=p10-p90 lo="$_lo" hi="$_hi" n="$_c" peer="$_peer" pv="$_pv" \
    plo="$_plo" phi="$_phi" "$@"
}

# memrow NAME SAMPLES PEER PEER_SAMPLES KEYS...: KiB, min-max
memrow() {
  _name=$1 _f=$2 _peer=$3 _pf=$4; shift 4
  _c='' _m='' _mn='' _mx='' _msk=min-max
  if [ -s "$S/$_f" ]; then
    read -r _c _m _lo _hi _mn _mx _p99 <<EOF
$(stats "$S/$_f" 1)
EOF
  else
    _msk=
    set -- "$@" "note=not measured (see errors)"
  fi
  _pv='' _plo='' _phi=''
  if [ -n "$_pf" ] && [ -s "$S/$_pf" ]; then
    read -r _pc _pv _plo _phi _pmn _pmx _pp99 <<EOF
$(stats "$S/$_pf" 1)
EOF
    _plo=$_pmn _phi=$_pmx
  fi
  [ -n "$_pf" ] || _peer=""
  row name="$_name" unit=KiB value="$_m" sk="$_msk" lo="$_mn" hi="$_mx" n="$_c" peer="$_peer" pv="$_pv" \
    plo="$_plo" phi="$_phi" "$@"
}

memrow memory.shim.1.rss shim1_rss containerd-shim-runc-v2 rshim1_rss tv=1024 "tt=<= 1 MiB"
memrow memory.shim.1.pss shim1_pss containerd-shim-runc-v2 rshim1_pss
memrow memory.shim.10.rss shim10_rss containerd-shim-runc-v2 rshim10_rss tv=1024 "tt=<= 1 MiB"
memrow memory.shim.10.pss shim10_pss containerd-shim-runc-v2 rshim10_pss
memrow memory.proxy.rss proxy_rss "" "" tv=256 "tt=<= 256 KiB" "note=the proxy of a task of containerd-shim-remoteproc-v1"
memrow memory.proxy.pss proxy_pss "" "" "note=the same proxy; pages shared with the shim count in part"
memrow memory.proxy.cli.rss proxy_cli_rss "" "" tv=256 "tt=<= 256 KiB" \
  "note=the proxy made by remoteproc-runtime create (the containerd-shim-runc-v2, podman and Docker path)"

FLOOR=
[ -s "$S/true" ] && FLOOR=$(stats "$S/true" 1000 | awk '{ print $2 }')
latrow latency.exec_floor true "" "" "note=/bin/true: fork+exec+exit+wait"
if [ -n "$FLOOR" ]; then
  _tv=$(awk -v f="$FLOOR" 'BEGIN { printf "%.4f", 2 * f }')
  latrow latency.state state "runc state" runc_state tv="$_tv" "tt=<= 2x /bin/true ($(awk -v t="$_tv" 'BEGIN { printf "%.2f", t }') ms)" \
    "note=a running container on the FUSE simulator"
else
  latrow latency.state state "runc state" runc_state "tt=<= 2x /bin/true" "note=no exec floor measured"
fi
latrow latency.state.static state_static "runc state" runc_state \
  "note=the same command with the processor's sysfs attributes copied into plain files (no FUSE round trips): the runtime's own cost; not judged"
if [ -n "$CRUN_WHY" ]; then
  latrow latency.state.vs_crun state "crun state" "" "note=crun skipped: $CRUN_WHY"
else
  latrow latency.state.vs_crun state "crun state" crun_state "note=same figure as latency.state, judged there"
fi
latrow latency.list list "runc list" runc_list "note=one container in each root; FUSE simulator"
# create alone: 5x the exec floor; its sysfs opens may grow by one name read
# for each further processor, nothing else.
if [ -n "$FLOOR" ]; then
  _tv=$(awk -v f="$FLOOR" 'BEGIN { printf "%.4f", 5 * f }')
  latrow latency.create create_2 "" "" tv="$_tv" "tt=<= 5x /bin/true ($(awk -v t="$_tv" 'BEGIN { printf "%.2f", t }') ms)" \
    "note=create alone (delete not timed), 2 processors on the FUSE simulator, the bundle naming the second"
else
  latrow latency.create create_2 "" "" "tt=<= 5x /bin/true" "note=no exec floor measured"
fi
latrow latency.create.12 create_12 "" "" \
  "note=the same with 12 processors, the bundle naming the last; judged by its sysfs opens (create.sysfs_opens.12)"
cnt_row() {  # cnt_row NAME VALUE KEYS...: a count from one traced run
  _cn=$1 _cv=$2; shift 2
  if [ -n "$_cv" ]; then row name="$_cn" unit=calls value="$_cv" n=1 "$@"
  else row name="$_cn" unit=calls "$@" "note=not measured (see errors)"; fi
}
cnt_row create.fsync "$CR_2_FSYNC" tv=0 "tt=0: nothing create writes outlives a boot" \
  "note=fsync and fdatasync calls of one create and the processes it forks (strace -f), 2 processors"
cnt_row create.sysfs_opens.2 "$CR_2_OPENS" \
  "note=opens of sysfs/debugfs files by one create (strace -f), 2 processors: ${CR_2_NAMES:-?} of name files"
if [ -n "$CR_2_OPENS" ]; then
  cnt_row create.sysfs_opens.12 "$CR_12_OPENS" tv=$((CR_2_OPENS + 10)) \
    "tt=<= the 2-processor count + 10 (one name each)" \
    "note=the same with 12 processors: ${CR_12_NAMES:-?} of name files"
else
  cnt_row create.sysfs_opens.12 "$CR_12_OPENS" "tt=<= the 2-processor count + 10 (one name each)" \
    "note=no 2-processor count to compare with"
fi
RC_CYCLE=
[ -s "$S/runc_cycle" ] && RC_CYCLE=$(stats "$S/runc_cycle" 1000 | awk '{ print $2 }')
if [ -n "$RC_CYCLE" ]; then
  _tv=$(awk -v f="$RC_CYCLE" 'BEGIN { printf "%.4f", 0.5 * f }')
  latrow latency.cycle cycle "runc create/start/kill/delete (busybox)" runc_cycle tv="$_tv" "tt=<= 0.5x runc's" \
    "note=create, start, kill (TERM; runc KILL), wait for the process, delete; simulator start delay 0"
else
  latrow latency.cycle cycle "runc create/start/kill/delete (busybox)" runc_cycle "tt=<= 0.5x runc's" \
    "note=create, start, kill (TERM; runc KILL), wait for the process, delete; no runc figure to judge by"
fi
latrow latency.ctr_run ctr_run "ctr run -d (runc, busybox)" runc_ctr_run \
  "note=until the processor reads running; runc: until ctr returns"

if [ -s "$S/crash" ]; then
  read -r _c _m _lo _hi _mn _mx _p99 <<EOF
$(stats "$S/crash" 1000)
EOF
  _pv50='' _pv99='' _pmn='' _pmx=''
  if [ -s "$S/runc_crash" ]; then
    read -r _pc _pv50 _plo _phi _pmn _pmx _pv99 <<EOF
$(stats "$S/runc_crash" 1000)
EOF
  fi
  row name=crash.p50 unit=ms value="$_m" sk=min-max lo="$_mn" hi="$_mx" n="$_c" \
    peer="runc: SIGKILL to TaskExit" pv="$_pv50" plo="$_pmn" phi="$_pmx" \
    "note=debugfs crash write to the /tasks/exit line of ctr events (monotonic clock, blocking read)"
  row name=crash.p99 unit=ms value="$_p99" sk=min-max lo="$_mn" hi="$_mx" n="$_c" \
    peer="runc: SIGKILL to TaskExit" pv="$_pv99" plo="$_pmn" phi="$_pmx" tv=100 "tt=<= 100 ms"
else
  row name=crash.p50 unit=ms "note=not measured (see errors)"
  row name=crash.p99 unit=ms tv=100 "tt=<= 100 ms" "note=not measured (see errors)"
fi

if [ -s "$S/idle" ]; then
  # lines: PID TICKS_PCT SCHED_PCT MIN MAX, in the order shim, proxy, runc shim
  # shellcheck disable=SC2046  # five numbers a line, split on purpose
  set -- $(awk 'NR == 1' "$S/idle"); i_s=$2 i_ss=$3 i_smn=$4 i_smx=$5
  # shellcheck disable=SC2046
  set -- $(awk 'NR == 2' "$S/idle"); i_p=$2 i_ps=$3 i_pmn=$4 i_pmx=$5
  # shellcheck disable=SC2046
  set -- $(awk 'NR == 3' "$S/idle"); i_r=$2 i_rs=$3 i_rmn=$4 i_rmx=$5
  # shellcheck disable=SC2046
  set -- $(awk 'NR == 4' "$S/idle"); i_ms=$3 i_mmn=$4 i_mmx=$5
  # shellcheck disable=SC2046
  set -- $(awk 'NR == 5' "$S/idle"); i_fs=$3 i_fmn=$4 i_fmx=$5
  # shellcheck disable=SC2046
  set -- $(awk 'NR == 6' "$S/idle"); i_ws=$3 i_wmn=$4 i_wmx=$5
  # The value is the CPU time the kernel accounts (sum_exec_runtime, ns, from
  # /proc/PID/task/*/schedstat); utime+stime of /proc/PID/stat is the same
  # time cut to 10 ms ticks (5 ticks = 0.5 % over 10 s), shown in the note.
  row name=idle.shim.cpu unit=% value="$i_ss" sk=min-max lo="$i_smn" hi="$i_smx" n="$IDLE" \
    peer=containerd-shim-runc-v2 pv="$i_rs" plo="$i_rmn" phi="$i_rmx" tv=0.5 "tt=<= 0.5 % of a core" \
    "note=CPU time over $IDLE s with one running task (utime+stime: $i_s %, runc shim $i_r %); spread: 1 s windows"
  row name=idle.proxy.cpu unit=% value="$i_ps" sk=min-max lo="$i_pmn" hi="$i_pmx" n="$IDLE" \
    peer="floor: ${TICK_MS} ms wake + 1 state read" pv="$i_fs" plo="$i_fmn" phi="$i_fmx" \
    tv=0.06 "tt=<= 0.06 % of a core" \
    "note=CPU time over $IDLE s (utime+stime: $i_p %); a running task's proxy on the FUSE simulator; peer: benchtool poll, waking as often and reading the same state file once, over the same $IDLE s"
  row name=idle.sim.cpu unit=% value="$i_ms" sk=min-max lo="$i_mmn" hi="$i_mmx" n="$IDLE" \
    "note=the FUSE simulator's CPU time over the same $IDLE s, serving that proxy's and the floor poller's reads; not judged"
  # What this machine charges a process for waking every tick and doing
  # nothing else: when it is above the proxy's target, no poller at this
  # cadence can meet the target here, and the proxy's figure is read against it.
  row name=idle.wake.cpu unit=% value="$i_ws" sk=min-max lo="$i_wmn" hi="$i_wmx" n="$IDLE" \
    "note=benchtool poll without a file: a process that only wakes every ${TICK_MS} ms, over the same $IDLE s; the proxy's figure minus this is $(awk -v p="$i_ps" -v w="$i_ws" 'BEGIN { printf "%.3f", p - w }') %; not judged"
else
  row name=idle.shim.cpu unit=% tv=0.5 "tt=<= 0.5 % of a core" "note=not measured (see errors)"
  row name=idle.proxy.cpu unit=% tv=0.06 "tt=<= 0.06 % of a core" "note=not measured (see errors)"
  row name=idle.sim.cpu unit=% "note=not measured (see errors)"
  row name=idle.wake.cpu unit=% "note=not measured (see errors)"
fi
if [ -n "${PX_TICKS:-}" ] && [ "$PX_TICKS" -gt 0 ]; then
  row name=idle.proxy.sysfs_reads unit=reads/s value="$(awk -v r="$PX_READS" -v t="$PX_SECS" 'BEGIN { printf "%.2f", r / t }')" \
    n=1 "note=read and pread64 calls on sysfs/debugfs files by the idle proxy under strace over $PX_SECS s: $PX_READS reads, $PX_OPENS opens, $PX_TICKS ticks"
  row name=idle.proxy.reads_per_tick unit=reads value="$(awk -v r="$PX_READS" -v t="$PX_TICKS" 'BEGIN { printf "%.3f", r / t }')" \
    n="$PX_TICKS" tv=2 "tt=<= 2 a tick" "note=the same reads over its ticks (its poll calls that timed out)"
else
  row name=idle.proxy.sysfs_reads unit=reads/s "note=not measured (see errors)"
  row name=idle.proxy.reads_per_tick unit=reads tv=2 "tt=<= 2 a tick" "note=not measured (see errors)"
fi

# ---------------------------------------------------------------- report

T_END=$(date +%s)
REV=$(git -C "$TOP" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$TOP" diff --quiet HEAD 2>/dev/null || REV="$REV+dirty"
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
META="date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
revision=$REV
smoke=$SMOKE
iterations=$ITER
crashes=$CRASHES
idle_seconds=$IDLE
seconds=$((T_END - T_START))
kernel=$(uname -r)
cpu=$CPU x $JOBS
load_start=$WALL_LOAD0
load_end=$WALL_LOAD1
containerd=$CTD_VERSION
runc=$RUNC_VERSION
crun=$CRUN_VERSION"

sh "$TOP/tests/bench/report.sh" "$ROWS" "$OUT" "$ERRORS" "$SMOKE" <<EOF
$META
EOF
rc=$?
exit "$rc"
