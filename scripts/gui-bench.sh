#!/usr/bin/env bash
# Benchmarks of the desktop application under Xvfb (issue item 8; docs/gui.md has the
# figures and what exactly each one measures):
#  (a) process start to the first painted frame, by an external stopwatch
#      (scripts/testdata/xwatch: starts the program and samples the window with XGetImage
#      every 2 ms until it shows a painted frame), with the in-app trace
#      (OMSDESK_GUI_TRACE=1, cmd/omsdesk-gui/trace.go) beside it;
#  (b) card insertion through pcscd to the front desk filled: a virtual card is inserted
#      into vpcd slot 0 with omsdesk-vcard while omsdesk-gui follows "Virtual PCD 00 00",
#      and the trace's timestamps split the time into pcscd's detection, the card's read
#      and the application's own part;
#  (c) idle resident memory (VmRSS, with its anonymous and file-backed parts) after the
#      window has been idle for 5 s.
# (a) and (c) are measured for two builds of omsdesk-gui: the plain `go build` and the
# packaged one (scripts/package.sh builds with -tags no_emoji, which leaves out Fyne's
# colour emoji font: Fyne parses it once per text style, some 10 MiB each). A minimal
# Fyne program (scripts/testdata/minimal-fyne: one window, one label) runs in the same
# loop as the baseline.
#
#   scripts/gui-bench.sh [RUNS]     # RUNS (default 9) of (a)/(c) and card insertions of (b)
#
# Needs pcscd with vsmartcard's vpcd (scripts/setup.sh) and the packages of
# scripts/debian-packages.txt; takes vpcd slot 0's lock like the smoke test. Results are
# printed and kept in $OUT (default /tmp/omsdesk-gui-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
out=${OUT:-/tmp/omsdesk-gui-bench}
mkdir -p "$out"
go build -o "$out/omsdesk-gui" ./cmd/omsdesk-gui
go build -tags no_emoji -o "$out/omsdesk-gui-no-emoji" ./cmd/omsdesk-gui
go build -o "$out/omsdesk-vcard" ./cmd/omsdesk-vcard
go build -o "$out/xwatch" ./scripts/testdata/xwatch
go build -o "$out/minimal-fyne" ./scripts/testdata/minimal-fyne

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

display=:96
# -br: a black root window, so that a window nobody has painted yet is black to xwatch.
Xvfb "$display" -screen 0 1280x800x24 -br -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display LANGUAGE=en

# fresh_home: Fyne's preferences and the registry start empty at every run.
fresh_home() {
  rm -rf "$out/home"
  mkdir -p "$out/home/config" "$out/home/data"
  export XDG_CONFIG_HOME=$out/home/config XDG_DATA_HOME=$out/home/data
}

# median: the median of the numbers on standard input (one a line).
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "n/a"; exit} if (NR%2) print v[(NR+1)/2]; else printf "%.1f\n", (v[NR/2]+v[NR/2+1])/2}'; }
# field NAME: the value of NAME=… in each line of standard input.
field() { sed -n "s/.*\b$1=\([0-9.]*\).*/\1/p"; }
# range: "min–max" of the numbers on standard input.
range() { sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s–%s", lo, hi}'; }

# The same reader as the smoke test; the end-to-end tests serialise on this lock.
exec 9>/tmp/omsdesk-vpcd-slot0.lock
flock -w 300 9
reader="Virtual PCD 00 00"

echo "gui-bench: (a) first frame and (c) idle memory, $runs runs each, alternating"
: >"$out/startup-gui.txt"
: >"$out/startup-gui-no-emoji.txt"
: >"$out/startup-minimal.txt"
: >"$out/startup-gui-trace.txt"
for i in $(seq "$runs"); do
  fresh_home
  "$out/xwatch" -idle 5s -- "$out/minimal-fyne" >>"$out/startup-minimal.txt" 2>>"$out/minimal.log"
  fresh_home
  # The front desk's everyday start: following the reader, no card in it.
  OMSDESK_GUI_TRACE=1 "$out/xwatch" -idle 5s -- "$out/omsdesk-gui" --lang ru --reader "$reader" \
    >>"$out/startup-gui.txt" 2>"$out/gui-start.log"
  grep -h "trace: \(ui-built\|first-frame\)" "$out/gui-start.log" | tr '\n' ' ' >>"$out/startup-gui-trace.txt"
  echo >>"$out/startup-gui-trace.txt"
  fresh_home
  "$out/xwatch" -idle 5s -- "$out/omsdesk-gui-no-emoji" --lang ru --reader "$reader" \
    >>"$out/startup-gui-no-emoji.txt" 2>>"$out/gui-no-emoji.log"
done
report_startup() { # NAME FILE
  local f=$2
  printf '  %-21s first frame %s ms (%s), idle RSS %s MiB (anon %s, files %s)\n' "$1" \
    "$(field first_frame_ms <"$f" | median)" "$(field first_frame_ms <"$f" | range)" \
    "$(field rss_kib <"$f" | median | awk '{printf "%.0f", $1/1024}')" \
    "$(field anon_kib <"$f" | median | awk '{printf "%.0f", $1/1024}')" \
    "$(field file_kib <"$f" | median | awk '{printf "%.0f", $1/1024}')"
}
{
  echo "(a)+(c) medians of $runs runs, external stopwatch (range in brackets):"
  report_startup omsdesk-gui "$out/startup-gui.txt"
  report_startup "omsdesk-gui no_emoji" "$out/startup-gui-no-emoji.txt"
  report_startup minimal-fyne "$out/startup-minimal.txt"
  echo "  omsdesk-gui in-app trace: window built at $(grep -o 'ui-built [^ ]* main_ms=[0-9.]*' "$out/startup-gui-trace.txt" | field main_ms | median) ms," \
    "first frame painted at $(grep -o 'first-frame [^ ]* main_ms=[0-9.]*' "$out/startup-gui-trace.txt" | field main_ms | median) ms after main began"
} | tee "$out/result-startup.txt"

echo "gui-bench: (b) card insertion to the front desk filled, $runs insertions"
fresh_home
rm -f "$out/vcard.in"
mkfifo "$out/vcard.in"
"$out/omsdesk-vcard" --slot 0 --removed --lang en <"$out/vcard.in" >"$out/vcard.log" 2>&1 &
pids+=($!)
exec 8>"$out/vcard.in" # keep the card's command pipe open
OMSDESK_GUI_TRACE=1 "$out/omsdesk-gui" --lang ru --reader "$reader" 2>"$out/gui-card.log" &
gui=$!
pids+=("$gui")
wait_for() { # COUNT PATTERN: until the trace has COUNT lines matching PATTERN (10 s)
  for _ in $(seq 200); do
    [ "$(grep -c "$2" "$out/gui-card.log" || true)" -ge "$1" ] && return 0
    sleep 0.05
  done
  echo "gui-bench: no '$2' in the trace (see $out/gui-card.log)" >&2
  return 1
}
wait_for 1 "trace: first-frame"
sleep 2
: >"$out/insertions.txt"
for i in $(seq "$runs"); do
  t=$EPOCHREALTIME
  echo insert >&8
  wait_for "$i" "trace: card-verdict-painted"
  echo "${t/./}000" >>"$out/insertions.txt" # microseconds → nanoseconds
  sleep 1
  echo remove >&8
  # Let pcscd see the removal and the screen settle; insert at a random phase of
  # pcscd's 400 ms polling.
  sleep "1.$((RANDOM % 400 + 100))"
done
echo quit >&8
sleep 3
rss_after=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$gui/status")
ns() { grep "trace: $1 " "$out/gui-card.log" | field unix_ns; }
paste -d' ' "$out/insertions.txt" <(ns card-reading) <(ns card-read) <(ns card-read-painted) \
  <(ns card-verdict) <(ns card-verdict-painted) >"$out/card-times.txt"
[ "$(wc -l <"$out/card-times.txt")" -eq "$runs" ] && ! grep -q '  \| $' "$out/card-times.txt" ||
  { echo "gui-bench: the trace does not have every moment of every insertion (see $out/gui-card.log)" >&2; exit 1; }
# Columns: inserted, reading (app), read (app), holder painted, verdict, verdict painted.
col() { awk "{printf \"%.1f\\n\", (\$$2-\$$1)/1e6}" "$out/card-times.txt"; }
{
  echo "(b) medians of $runs insertions through pcscd (range in brackets), ms:"
  printf '  insertion → "reading" on the front desk (pcscd poll + event): %s (%s)\n' "$(col 1 2 | median)" "$(col 1 2 | range)"
  printf '  the card read (connect, APDUs, details, via pcscd/vpcd):       %s (%s)\n' "$(col 2 3 | median)" "$(col 2 3 | range)"
  printf '  card data → holder painted (app):                              %s (%s)\n' "$(col 3 4 | median)" "$(col 3 4 | range)"
  printf '  card data → verdict painted: the screen filled (app, registry): %s (%s)\n' "$(col 3 6 | median)" "$(col 3 6 | range)"
  printf '  insertion → screen filled, all told:                           %s (%s)\n' "$(col 1 6 | median)" "$(col 1 6 | range)"
  echo "  (c') omsdesk-gui's RSS after these $runs reads, idle again: $rss_after MiB"
} | tee "$out/result-card.txt"
