#!/usr/bin/env bash
# softhsm-init.sh — create a SoftHSM2 token in a directory of its own, for developers and CI.
#
#   scripts/softhsm-init.sh [-l LABEL] [-p PIN] [-s SO_PIN] DIR
#
# Writes DIR/softhsm2.conf (token directory DIR/tokens), initialises a token LABEL
# (default "omsdesk") with softhsm2-util --init-token --free, and stores the user PIN in
# DIR/user.pin and the SO PIN in DIR/so.pin (mode 0600). Without -p/-s the PINs are random.
# It prints the lines to use the token:
#
#   export SOFTHSM2_CONF=DIR/softhsm2.conf
#   pkcs11:module=…;token=LABEL;object=<key label>;pin-file=DIR/user.pin
#
# Generate the signing key and its certificate on the token with `omsdesk key generate`
# (docs/signing.md). softhsm2-util takes PINs on its command line, where other local users
# can see them in ps: fine for CI and development tokens, not for production ones.
# Requires the Debian package softhsm2. Refuses a DIR that already holds a token.
set -euo pipefail

label=omsdesk pin= so_pin=
usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
while getopts 'l:p:s:h' opt; do
	case $opt in
	l) label=$OPTARG ;;
	p) pin=$OPTARG ;;
	s) so_pin=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
command -v softhsm2-util >/dev/null || { echo "softhsm-init: softhsm2-util not found (apt-get install softhsm2)" >&2; exit 1; }

module=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/*-linux-gnu*/softhsm/libsofthsm2.so /usr/lib64/pkcs11/libsofthsm2.so \
	/usr/local/lib/softhsm/libsofthsm2.so; do
	if [ -f "$m" ]; then module=$m; break; fi
done
[ -n "$module" ] || { echo "softhsm-init: libsofthsm2.so not found" >&2; exit 1; }

mkdir -p "$1"
dir=$(cd "$1" && pwd)
if [ -n "$(ls -A "$dir/tokens" 2>/dev/null)" ]; then
	echo "softhsm-init: $dir/tokens already holds a token; use another directory" >&2
	exit 1
fi
randpin() { LC_ALL=C tr -dc 0-9 </dev/urandom | head -c "$1" || true; }
[ -n "$pin" ] || pin=$(randpin 8)
[ -n "$so_pin" ] || so_pin=$(randpin 12)

umask 077
mkdir -p "$dir/tokens"
cat >"$dir/softhsm2.conf" <<CONF
# SoftHSM2 configuration written by scripts/softhsm-init.sh
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
printf '%s\n' "$pin" >"$dir/user.pin"
printf '%s\n' "$so_pin" >"$dir/so.pin"

export SOFTHSM2_CONF=$dir/softhsm2.conf
softhsm2-util --init-token --free --label "$label" --so-pin "$so_pin" --pin "$pin" >/dev/null

echo "export SOFTHSM2_CONF=$dir/softhsm2.conf"
echo "pkcs11:module=$module;token=$label;object=<key label>;pin-file=$dir/user.pin"
