#!/usr/bin/env bash
# GUI smoke test: the real omsdesk-gui binary in a real window under Xvfb, following
# the PC/SC reader "Virtual PCD 00 00"; a virtual card is inserted through pcscd and the
# screen must show the holder's name (read back by OCR from a screenshot), then lose it
# when the card is removed. Needs pcscd running (scripts/setup.sh) and the packages of
# scripts/debian-packages.txt. Screenshots are left in $OUT (default /tmp/omsdesk-gui-smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/omsdesk-gui-smoke}
mkdir -p "$out"
go build -o "$out/omsdesk-gui" ./cmd/omsdesk-gui
go build -o "$out/omsdesk-vcard" ./cmd/omsdesk-vcard

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The end-to-end tests serialise on this lock for vpcd slot 0; so does this script.
exec 9>/tmp/omsdesk-vpcd-slot0.lock
flock -w 120 9

display=:97
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done

# A clean home for the run: Fyne's preferences (last mode, reader …) and the registry
# the front desk logs visits in.
rm -rf "$out/home"
mkdir -p "$out/home/config" "$out/home/data"
DISPLAY=$display LANGUAGE=ru XDG_CONFIG_HOME="$out/home/config" XDG_DATA_HOME="$out/home/data" \
  "$out/omsdesk-gui" --lang ru --reader "Virtual PCD 00 00" >"$out/gui.log" 2>&1 &
pids+=($!)
win=$(DISPLAY=$display timeout 20 xdotool search --sync --name "OMS Desk" | head -n 1)

# screen_says WORD: poll screenshots for up to 15 s until OCR finds (or, with "!", no
# longer finds) WORD.
screen_says() {
  local want=$1 negate=false
  if [ "$want" = "!" ]; then negate=true; want=$2; fi
  for i in $(seq 15); do
    DISPLAY=$display import -window "$win" "$out/shot.png"
    # Light text on the dark theme: OCR reads it best inverted and enlarged.
    convert "$out/shot.png" -negate -resize 200% "$out/ocr.png"
    tesseract "$out/ocr.png" - -l rus+eng >"$out/ocr.txt" 2>/dev/null || true
    if grep -q "$want" "$out/ocr.txt"; then
      $negate || return 0
    else
      $negate && return 0
    fi
    sleep 1
  done
  return 1
}

screen_says "Вставьте карту" || { echo "gui-smoke: the idle screen does not ask for a card" >&2; exit 1; }
cp "$out/shot.png" "$out/1-waiting.png"

mkfifo "$out/vcard.in" 2>/dev/null || true
"$out/omsdesk-vcard" --slot 0 --lang en <"$out/vcard.in" >"$out/vcard.log" 2>&1 &
pids+=($!)
exec 8>"$out/vcard.in" # keep the card's command pipe open

screen_says "ИВАНОВ" || { echo "gui-smoke: the holder's name never appeared; see $out/shot.png" >&2; exit 1; }
cp "$out/shot.png" "$out/2-read.png"

echo remove >&8
screen_says ! "ИВАНОВ" || { echo "gui-smoke: the holder's name stayed on screen after removal" >&2; exit 1; }
cp "$out/shot.png" "$out/3-removed.png"
echo quit >&8
kill "${pids[1]}" 2>/dev/null || true
wait "${pids[1]}" 2>/dev/null || true

# The built-in virtual card, as a newcomer without a reader tries it (--virtual), in
# English: the holder appears and the status bar names the virtual card.
DISPLAY=$display LANGUAGE=en XDG_CONFIG_HOME="$out/home/config" XDG_DATA_HOME="$out/home/data" \
  "$out/omsdesk-gui" --lang en --virtual >"$out/gui-virtual.log" 2>&1 &
pids+=($!)
win=$(DISPLAY=$display timeout 20 xdotool search --sync --name "OMS Desk" | head -n 1)
screen_says "ИВАНОВ" || { echo "gui-smoke: the virtual card's holder never appeared; see $out/shot.png" >&2; exit 1; }
grep -q "virtual card" "$out/ocr.txt" || { echo "gui-smoke: the status bar does not name the virtual card; see $out/shot.png" >&2; exit 1; }
cp "$out/shot.png" "$out/4-virtual.png"
echo "gui-smoke: OK — the holder was shown on insertion and cleared on removal, and the virtual card works (screenshots in $out)"
