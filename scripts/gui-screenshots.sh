#!/usr/bin/env bash
# Takes the README's screenshots of the desktop application: the real omsdesk-gui in a
# 1280×800 Xvfb screen with a clean home, a synthetic virtual card in vpcd slot 0 behind
# pcscd (the fictitious ИВАНОВ ИВАН ИВАНОВИЧ of omsdesk-vcard), one picture per mode:
#
#   docs/screenshots/frontdesk-ru.png   the front desk with the card read (and the visit log)
#   docs/screenshots/issuance-ru.png    issuance with the holder's part of the form filled
#   docs/screenshots/technician-ru.png  the technician's integrity report of the card
#   docs/screenshots/frontdesk-en.png   the front desk in English
#
# The window opens on the mode of the preference "mode", seeded in the clean home;
# tabs are clicked and fields typed into with xdotool. Each picture is read back with
# tesseract, and the script fails when an expected word is missing (a wrong screen).
# Needs pcscd with vsmartcard's vpcd (scripts/setup.sh) and the packages of
# scripts/debian-packages.txt. Work files are left in $OUT (default
# /tmp/omsdesk-gui-screenshots).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${OUT:-/tmp/omsdesk-gui-screenshots}
dest=$root/docs/screenshots
mkdir -p "$out" "$dest"
go build -o "$out/omsdesk-gui" ./cmd/omsdesk-gui
go build -o "$out/omsdesk-vcard" ./cmd/omsdesk-vcard

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# The same reader and lock as the smoke test (the end-to-end tests serialise on it).
exec 9>/tmp/omsdesk-vpcd-slot0.lock
flock -w 300 9
reader="Virtual PCD 00 00"

display=:95
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$out/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do DISPLAY=$display xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
export DISPLAY=$display

rm -rf "$out/home"
export XDG_CONFIG_HOME=$out/home/config XDG_DATA_HOME=$out/home/data
prefs=$XDG_CONFIG_HOME/fyne/ru.omsdesk.desk/preferences.json # Fyne's file for our app ID
mkdir -p "$(dirname "$prefs")" "$XDG_DATA_HOME"

mkfifo "$out/vcard.in" 2>/dev/null || true
"$out/omsdesk-vcard" --slot 0 --lang en <"$out/vcard.in" >"$out/vcard.log" 2>&1 &
pids+=($!)
exec 8>"$out/vcard.in" # keep the card's command pipe open

gui=""
# start LANG MODE: the application in language LANG, opening on MODE.
start() {
  echo "{\"mode\":\"$2\",\"reader\":\"$reader\"}" >"$prefs"
  LANGUAGE=$1 "$out/omsdesk-gui" --lang "$1" >"$out/gui-$1.log" 2>&1 &
  gui=$!
  pids+=("$gui")
  win=$(timeout 20 xdotool search --sync --name "OMS Desk" | head -n 1)
}
stop() { kill "$gui" 2>/dev/null || true; wait "$gui" 2>/dev/null || true; }

# shows WORD: poll screenshots of the window for up to 20 s until OCR reads WORD.
shows() {
  for _ in $(seq 20); do
    import -window "$win" "$out/shot.png"
    # Light text on the dark theme: OCR reads it best inverted and enlarged.
    convert "$out/shot.png" -negate -resize 200% "$out/ocr.png"
    tesseract "$out/ocr.png" - -l rus+eng >"$out/ocr.txt" 2>/dev/null || true
    grep -q "$1" "$out/ocr.txt" && return 0
    sleep 1
  done
  echo "gui-screenshots: the screen never showed '$1'; see $out/shot.png and $out/ocr.txt" >&2
  return 1
}
# keep NAME: the last screenshot into docs/screenshots, as a 256-colour PNG (the flat
# dark theme loses nothing visible, and the file shrinks to about a third).
keep() {
  convert "$out/shot.png" -strip -dither None -colors 256 -define png:compression-level=9 "PNG8:$dest/$1"
  echo "gui-screenshots: $dest/$1 ($(du -k "$dest/$1" | cut -f1) KiB)"
}
click() { xdotool mousemove --window "$win" "$1" "$2" click 1; sleep 0.3; }
# field X Y TEXT: click the entry at X,Y and type TEXT. Xvfb's keyboard is American:
# xdotool types a Cyrillic letter by remapping a key for it, and the program must see
# the new mapping before the key, hence the slow typing.
field() { click "$1" "$2"; xdotool type --delay 250 "$3"; sleep 0.3; }

# Front desk, Russian: the card read through pcscd; taken out and put back once, so the
# visit log has two reads.
start ru frontdesk
shows "ИВАНОВ"
echo reinsert >&8
sleep 3
shows "ИВАНОВ"
keep frontdesk-ru.png

# Technician: the card read with its details; the integrity report's tab.
click 233 21
shows "ATR"
click 270 219
shows "Целостн"
keep technician-ru.png

# Issuance: the holder's part of the form typed in; live validation counts the fields
# still missing (the photo, the insurer's part).
click 159 21
shows "Причина"
field 395 258 "ПЕТРОВА"
field 395 297 "АННА"
field 395 336 "СЕРГЕЕВНА"
field 395 375 "12.07.1990"
click 395 414 # the sex: a drop-down list
shows "женский"
xdotool mousemove --window "$win" 200 0 # out of the way of OCR
click_word() { # WORD: click it where OCR's word boxes (on the 200 % picture) find it
  local box
  box=$(tesseract "$out/ocr.png" - -l rus tsv 2>/dev/null |
    awk -F'\t' -v w="$1" 'index($12, w) == 1 {printf "%d %d\n", ($7+$9/2)/2, ($8+$10/2)/2; exit}')
  [ -n "$box" ] || { echo "gui-screenshots: no '$1' to click" >&2; return 1; }
  # shellcheck disable=SC2086
  click $box
}
click_word "женский"
field 395 453 "7702145803129641"
field 395 492 "112-233-445 95"
field 395 531 "г. Тверь"
field 395 570 "31.12.2035"
shows "ПЕТРОВА"
keep issuance-ru.png
stop

# Front desk, English.
start en frontdesk
shows "Policy"
grep -q "ИВАНОВ" "$out/ocr.txt" || shows "ИВАНОВ"
keep frontdesk-en.png
stop
echo quit >&8
echo "gui-screenshots: OK"
