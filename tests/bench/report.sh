#!/bin/sh
# report.sh ROWS OUT ERRORS SMOKE < META - scripts/bench.sh's report writer.
#
# ROWS is a TSV file, one figure a line: name unit value spread_kind low high
# n peer peer_value peer_low peer_high target_value target_text note (empty
# fields allowed; every target means value <= target_value). META (stdin) is
# KEY=VALUE lines about the run. Writes, in OUT:
#   report.json          {"run": {META...}, "errors": [...], "figures": [one object
#                        per figure: name, unit, value, spread, n, peer, peer_value,
#                        peer_spread, ratio, target, target_value, pass, note]}
#                        (null where a figure has no such thing; pass is null
#                        without a target or a value)
#   report.md            the same as a Markdown table, the run's facts, and the
#                        largest mappings of the shim and proxies (OUT/*.smaps)
#   readme-section.md    README.md's short performance section (Markdown)
# and prints the table on stdout. Exit status: 2 when ERRORS is not empty (a
# measurement broke), else 0 for a smoke run, else 1 when a target was missed.
# POSIX sh + awk only.
set -u
ROWS=$1 OUT=$2 ERRORS=$3 SMOKE=$4
META=$OUT/meta.txt
cat > "$META"

# The figures with their display strings, computed once: name unit value
# spread peer peer_value ratio target result (tab-separated) in $OUT/table.tsv.
awk -F'\t' -v smoke="$SMOKE" '
  function num(u, v) {
    if (v == "") return "-"
    if (u == "KiB") return (v == int(v)) ? sprintf("%d", v) : sprintf("%.1f", v)
    if (u == "ms") return (v < 1) ? sprintf("%.3f", v) : sprintf("%.2f", v)
    if (u == "%") return sprintf("%.3f", v)
    return v
  }
  function withu(u, v) { return v == "-" ? "-" : v " " u }
  {
    name = $1; u = $2; v = $3; sk = $4; lo = $5; hi = $6; peer = $8; pv = $9; tv = $12; tt = $13
    val = withu(u, num(u, v))
    spread = (lo == "" || hi == "") ? "-" : num(u, lo) "-" num(u, hi) " (" sk ")"
    pval = (pv == "") ? "-" : withu(u, num(u, pv))
    if (peer == "") peer = "-"
    ratio = "-"
    if (v != "" && pv != "" && pv + 0 > 0) ratio = sprintf(v / pv < 0.1 ? "%.3fx" : "%.2fx", v / pv)
    target = (tt == "") ? "-" : tt
    res = "-"
    if (tv != "") res = (v == "") ? "n/a" : ((v + 0 <= tv + 0) ? "PASS" : "FAIL")
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, val, spread, peer, pval, ratio, target, res
  }' "$ROWS" > "$OUT/table.tsv"

# ---- the table on stdout
{
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' FIGURE VALUE SPREAD PEER "PEER VALUE" RATIO TARGET RESULT
  cat "$OUT/table.tsv"
} | awk -F'\t' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR; nf = NF }
  END {
    for (r = 1; r <= n; r++) {
      line = ""
      for (i = 1; i <= nf; i++) {
        cell = c[r, i]
        if (i == 4 && length(cell) > 32) cell = substr(cell, 1, 31) "~"
        ww = (i == 4 && w[i] > 32) ? 32 : w[i]
        line = line sprintf(i < nf ? "%-" ww "s  " : "%s", cell)
      }
      print line
    }
  }'
[ "$SMOKE" = 1 ] && echo "(smoke run: one iteration of everything; the figures are not judged)"
awk -F'\t' '$14 != "" { printf "  %s: %s\n", $1, $14 }' "$ROWS" | grep -v ': same figure as' | sed 's/^/note /' | cut -c1-220
if [ -s "$ERRORS" ]; then
  echo "MEASUREMENTS THAT BROKE:"
  sed 's/^/  /' "$ERRORS"
fi

# ---- report.json
awk -F'\t' -v errf="$ERRORS" -v metaf="$META" '
  function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s); return "\"" s "\"" }
  function qn(s) { return s == "" ? "null" : q(s) }
  function n(s) { return s == "" ? "null" : s + 0 }
  BEGIN {
    printf "{\n  \"run\": {"
    sep = ""
    while ((getline line < metaf) > 0) {
      k = line; sub(/=.*/, "", k); v = substr(line, length(k) + 2)
      printf "%s%s: %s", sep, q(k), (v ~ /^[0-9]+$/) ? v : q(v); sep = ", "
    }
    printf "},\n  \"errors\": ["
    sep = ""
    while ((getline line < errf) > 0) { printf "%s%s", sep, q(line); sep = ", " }
    printf "],\n  \"figures\": [\n"
  }
  {
    if (NR > 1) printf ",\n"
    v = $3; pv = $9; tv = $12
    spread = ($5 == "" || $6 == "") ? "null" : sprintf("{\"kind\": %s, \"low\": %s, \"high\": %s}", q($4), n($5), n($6))
    pspread = ($10 == "" || $11 == "") ? "null" : sprintf("{\"low\": %s, \"high\": %s}", n($10), n($11))
    ratio = (v != "" && pv != "" && pv + 0 > 0) ? sprintf("%.4f", v / pv) : "null"
    pass = (tv == "" || v == "") ? "null" : ((v + 0 <= tv + 0) ? "true" : "false")
    printf "    {\"name\": %s, \"unit\": %s, \"value\": %s, \"spread\": %s, \"n\": %s, \"peer\": %s, \"peer_value\": %s, \"peer_spread\": %s, \"ratio\": %s, \"target\": %s, \"target_value\": %s, \"pass\": %s, \"note\": %s}", \
      q($1), q($2), n(v), spread, n($7), qn($8), n(pv), pspread, ratio, qn($13), n(tv), pass, qn($14)
  }
  END { printf "\n  ]\n}\n" }' "$ROWS" > "$OUT/report.json"

# ---- report.md
meta() { sed -n "s/^$1=//p" "$META"; }
{
  echo "# rprocbox benchmark"
  echo
  echo "\`make bench\` (scripts/bench.sh), $(meta date), revision $(meta revision)."
  echo "$(meta cpu), kernel $(meta kernel); load average $(meta load_start) at the start, $(meta load_end) at the end."
  echo "Peers: runc $(meta runc), crun $(meta crun), containerd $(meta containerd) (Debian)."
  echo "Repetitions: $(meta iterations) (interleaved with the peer's), $(meta crashes) crashes, idle over $(meta idle_seconds) s; the run took $(meta seconds) s."
  [ "$(meta smoke)" = 1 ] && echo "**Smoke run** (one iteration of everything): the figures are not judged."
  echo
  echo "| figure | value | spread | peer | peer value | ratio | target | result |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'\t' '{ gsub(/\|/, "\\|"); printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }' "$OUT/table.tsv"
  echo
  echo "Value: median (crash.p99: 99th percentile); spread: p10-p90 of latencies, min-max otherwise;"
  echo "ratio: value / peer value."
  echo
  echo "## Notes"
  echo
  awk -F'\t' '$14 != "" { printf "- **%s**: %s\n", $1, $14 }' "$ROWS"
  if [ -s "$ERRORS" ]; then
    echo
    echo "## Measurements that broke"
    echo
    sed 's/^/- /' "$ERRORS"
  fi
  for f in shim-1 shim-10 proxy proxy-cli; do
    [ -s "$OUT/$f.smaps" ] || continue
    echo
    echo "## Largest mappings: $f (from /proc/PID/smaps, KiB)"
    echo
    echo "| mapping | size | Rss | Pss | Shared_Dirty | Private_Dirty |"
    echo "|---|---|---|---|---|---|"
    awk '/^[0-9a-f]+-[0-9a-f]+ / { if (m != "") print r "\t" m "\t" sz "\t" r "\t" p "\t" sd "\t" pd
           m = $1 " " $2 (NF >= 6 ? " " $NF : " [anon]"); r = p = sd = pd = sz = 0; next }
         /^Size:/ { sz = $2 } /^Rss:/ { r = $2 } /^Pss:/ { p = $2 }
         /^Shared_Dirty:/ { sd = $2 } /^Private_Dirty:/ { pd = $2 }
         END { if (m != "") print r "\t" m "\t" sz "\t" r "\t" p "\t" sd "\t" pd }' "$OUT/$f.smaps" |
      sort -t "$(printf '\t')" -k1,1nr | head -n 5 | cut -f2- |
      awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
    # Which variables the resident data/bss/brk pages belong to.
    [ -s "$OUT/$f.pages" ] && [ -s "$OUT/rprocbox.syms" ] || continue
    echo
    echo "Resident data/bss/heap pages of $f by variable (KiB of the 4 KiB pages each overlaps;"
    echo "a page shared by small variables counts for each):"
    echo
    echo "| variable | defined in | size KiB | resident KiB |"
    echo "|---|---|---|---|"
    awk '
      function hex(s,  i, c, v) { v = 0; s = tolower(s)
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }
        return v }
      FNR == NR { n++; a[n] = hex($1); z[n] = hex($2); nm[n] = $3; fl[n] = $4; if ($3 == "_end") end = a[n]; next }
      { p = hex($1); hit = 0
        for (i = 1; i <= n; i++) {
          if (z[i] == 0) continue
          lo = a[i] > p ? a[i] : p; hi = (a[i] + z[i] < p + 4096) ? a[i] + z[i] : p + 4096
          if (hi > lo) { k = nm[i] "\t" fl[i] "\t" z[i]; r[k] += hi - lo; hit = 1 }
        }
        if (!hit) { k = (end && p >= end) ? "(heap: brk above _end)\t-\t-" : "(no symbol: padding)\t-\t-"; r[k] += 4096 }
      }
      END { for (k in r) { split(k, f, "\t"); printf "%d\t%s\t%s\t%s\n", r[k], f[1], f[2], f[3] } }
    ' "$OUT/rprocbox.syms" "$OUT/$f.pages" | sort -k1,1nr | head -n 10 |
      awk -F'\t' '{ printf "| %s | %s | %s | %.1f |\n", $2, $3, ($4 == "-") ? "-" : sprintf("%.1f", $4 / 1024), $1 / 1024 }'
  done
} > "$OUT/report.md"

# ---- readme-section.md: Markdown in README.md's style
pick() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$OUT/table.tsv"; }
{
  echo "## Performance"
  echo
  echo "\`make bench\` measures these next to Debian's runc, crun and"
  echo "containerd-shim-runc-v2 and checks each against its target; the full"
  echo "report, with spreads, evidence and the figures left out here, is"
  echo "build/bench/report.md (scripts/bench.sh says how each is measured)."
  echo "Latencies and CPU are measured against the FUSE simulator, whose sysfs"
  echo "costs more than the kernel's. Medians of $(meta iterations) runs interleaved with the"
  echo "peer's, $(meta date | cut -c1-10), $(meta cpu | sed 's/  */ /g'), a shared machine:"
  echo
  echo '```'
  awk -F'\t' '
    BEGIN {
      label["size.default.x86_64"] = "binary, stripped, x86-64"
      label["size.boot.x86_64"] = "boot profile, stripped, x86-64"
      label["size.boot.arm64"] = "boot profile, stripped, arm64"
      label["memory.shim.1.rss"] = "shim RSS, 1 container"
      label["memory.shim.10.rss"] = "shim RSS, 10 containers"
      label["memory.proxy.rss"] = "proxy RSS (under the shim)"
      label["memory.proxy.cli.rss"] = "proxy RSS (runtime CLI)"
      label["latency.exec_floor"] = "/bin/true (exec floor)"
      label["latency.state"] = "remoteproc-runtime state"
      label["latency.create"] = "create alone, 2 processors"
      label["latency.create.12"] = "create alone, 12 processors"
      label["create.fsync"] = "fsync calls of a create"
      label["create.sysfs_opens.2"] = "sysfs opens of a create, 2"
      label["create.sysfs_opens.12"] = "sysfs opens of a create, 12"
      label["latency.cycle"] = "create+start+kill+delete"
      label["latency.ctr_run"] = "ctr run -d until running"
      label["crash.p99"] = "crash to TaskExit, p99"
      label["idle.shim.cpu"] = "idle CPU, shim"
      label["idle.proxy.cpu"] = "idle CPU, proxy"
      label["idle.wake.cpu"] = "idle CPU, a bare wake a tick"
      label["idle.proxy.sysfs_reads"] = "idle proxy: sysfs reads"
      label["idle.proxy.reads_per_tick"] = "idle proxy: reads a tick"
      n = split("size.default.x86_64 size.boot.x86_64 size.boot.arm64 memory.shim.1.rss memory.shim.10.rss memory.proxy.rss memory.proxy.cli.rss latency.exec_floor latency.state latency.create latency.create.12 create.fsync create.sysfs_opens.2 create.sysfs_opens.12 latency.cycle latency.ctr_run crash.p99 idle.shim.cpu idle.proxy.cpu idle.wake.cpu idle.proxy.sysfs_reads idle.proxy.reads_per_tick", order, " ")
    }
    { val[$1] = $2; peer[$1] = $4; pv[$1] = $5; tgt[$1] = $7; res[$1] = $8 }
    END {
      printf "  %-32s %-11s %-30s %s\n", "", "rprocbox", "peer", "target"
      for (i = 1; i <= n; i++) {
        k = order[i]
        if (!(k in val)) continue
        q = pv[k]
        if (q ~ / KiB$/ && q + 0 >= 1024) q = sprintf("%.1f MiB", q / 1024)
        p = (peer[k] == "-") ? "" : peer[k] " " q
        sub(/ \(dynamic.*\)/, "", p); sub(/containerd-shim-runc-v2/, "runc shim", p)
        sub(/ \(busybox\)/, "", p); sub(/ \(runc, busybox\)/, " (runc)", p)
        sub(/runc create\/start\/kill\/delete/, "runc", p); sub(/runc: SIGKILL to TaskExit/, "runc kill -9", p)
        sub(/ wake \+ 1 state read/, "", p)
        t = (tgt[k] == "-") ? "" : tgt[k] " " res[k]
        printf "  %-32s %-11s %-30s %s\n", label[k], val[k], p, t
      }
    }' "$OUT/table.tsv" | sed 's/^  //; s/ *$//'
  echo '```'
} > "$OUT/readme-section.md"

[ -s "$ERRORS" ] && exit 2
[ "$SMOKE" = 1 ] && exit 0
awk -F'\t' '$8 == "FAIL" { bad = 1 } END { exit bad }' "$OUT/table.tsv" || exit 1
exit 0
