#!/usr/bin/env bash
# Prepares CUPS for OMS Desk's printing tests and for trying `omsdesk print` without a
# real printer: starts cupsd when it is not running (CI has no systemd), and creates the
# cups-pdf virtual printer OMSDesk-PDF, which writes every job it receives as a PDF file.
#
# The queue uses its own cups-pdf instance (device URI cups-pdf:/omsdesk, configuration
# /etc/cups/cups-pdf-omsdesk.conf), so the system's /etc/cups/cups-pdf.conf and any
# other PDF queue are left alone. Output goes to $OUT_BASE/<user who printed>/, one
# file per job named <job title>-job_<CUPS job id>.pdf; the last line printed is the
# directory for the user who ran this script (SUDO_USER when run through sudo).
#
# Safe to run again: a running cupsd is left alone, the queue and the configuration are
# rewritten to the same state. Needs root (or sudo) and the Debian packages cups and
# printer-driver-cups-pdf (which pulls in ghostscript).
set -euo pipefail

QUEUE=${OMSDESK_CUPS_QUEUE:-OMSDesk-PDF}
INSTANCE=omsdesk
OUT_BASE=/var/spool/omsdesk-pdf
PPD=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd
BACKEND=/usr/lib/cups/backend/cups-pdf
SOCKET=/run/cups/cups.sock
LOG=/tmp/omsdesk-cupsd.log

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
die() { echo "cups-setup: $*" >&2; exit 1; }

for tool in cupsd lpadmin lpstat cupsenable cupsaccept gs; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    die "$tool is missing: install the Debian packages cups and printer-driver-cups-pdf"
done
[ -f "$PPD" ] || die "$PPD is missing: install the Debian package printer-driver-cups-pdf"
[ -f "$BACKEND" ] || die "$BACKEND is missing: install the Debian package printer-driver-cups-pdf"

# cupsd runs a backend as root only when it is executable by its owner alone (mode
# 0700, owned by root); cups-pdf needs root to write into each user's directory. The
# Debian package installs it so; a copy with other permissions would run as lp and fail.
mode=$(stat -c '%a %U' "$BACKEND")
if [ "$mode" != "700 root" ]; then
  echo "cups-setup: $BACKEND is '$mode', setting 0700 root"
  as_root chown root:root "$BACKEND"
  as_root chmod 0700 "$BACKEND"
fi

# The instance's configuration: a fixed output tree, the command-line title (never
# the title inside the PDF) and the CUPS job id in every file name, so that a test
# finds the file of its own job.
conf=/etc/cups/cups-pdf-$INSTANCE.conf
want="# Written by OMS Desk's scripts/cups-setup.sh for the $QUEUE queue; rewritten on every run.
Out $OUT_BASE/\${USER}
AnonDirName $OUT_BASE/ANONYMOUS
Label 2
TitlePref 1
Grp lpadmin
DecodeHexStrings 1"
if [ "$(cat "$conf" 2>/dev/null)" != "$want" ]; then
  printf '%s\n' "$want" | as_root tee "$conf" >/dev/null
  echo "cups-setup: wrote $conf"
fi
as_root mkdir -p "$OUT_BASE"
as_root chmod 0755 "$OUT_BASE"

running() { lpstat -r 2>/dev/null | grep -q 'is running'; }
if running; then
  echo "cups-setup: cupsd is running"
elif command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  as_root systemctl start cups.service
  for _ in $(seq 100); do running && break; sleep 0.1; done
  running || die "cupsd did not start through systemd; see journalctl -u cups"
  echo "cups-setup: cupsd started by systemd"
else
  # No systemd (CI, containers): run cupsd in the foreground of a detached session,
  # so that it outlives this script, and wait for its socket to answer.
  as_root mkdir -p /run/cups
  as_root setsid /usr/sbin/cupsd -f >"$LOG" 2>&1 </dev/null &
  for _ in $(seq 100); do running && break; sleep 0.1; done
  running || die "cupsd did not start; see $LOG and /var/log/cups/error_log"
  echo "cups-setup: cupsd started"
fi

# lpadmin rewrites an existing queue, so this is the same on every run. A failed job is
# aborted rather than stopping the queue, so one bad test cannot block the next.
as_root lpadmin -p "$QUEUE" -v "cups-pdf:/$INSTANCE" -P "$PPD" \
  -D "OMS Desk test printer (cups-pdf)" -L "$OUT_BASE" \
  -o printer-error-policy=abort-job -o PageSize=A4 2> >(grep -v 'deprecated' >&2 || true)
as_root cupsenable "$QUEUE"
as_root cupsaccept "$QUEUE"
lpstat -p "$QUEUE" | grep -q 'enabled' || die "queue $QUEUE is not enabled: $(lpstat -p "$QUEUE")"

user=${SUDO_USER:-$(id -un)}
echo "cups-setup: queue $QUEUE ready; jobs are written to $OUT_BASE/<user>/"
echo "$OUT_BASE/$user"
