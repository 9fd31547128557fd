#!/usr/bin/env bash
# Packages the desktop application for Linux with Fyne's packaging tool: a tarball with
# the omsdesk-gui binary, a .desktop entry, the icon and a Makefile that installs them
# (`sudo make install` inside the unpacked folder, or `make user-install`). Name, ID,
# version, build number and icon come from FyneApp.toml.
#
#   scripts/package.sh            # -> dist/omsdesk-gui-<version>-linux-<arch>.tar.xz
#
# The tool (fyne.io/tools v1.7.4, from the Go module proxy) is installed into a cache
# folder and is not a dependency of the module: go.mod does not change. `fyne package`
# reads FyneApp.toml beside the main package and writes into the source folder (it
# injects a metadata file while building and counts the build number up afterwards), so
# it runs on a copy of the work tree, never on the tree itself. Needs the cgo packages
# of scripts/debian-packages.txt (the same as building omsdesk-gui), tar and xz.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

fyne_version=v1.7.4
tools=${FYNE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/omsdesk/fyne-tools-$fyne_version}
if [ ! -x "$tools/fyne" ]; then
  echo "package: installing fyne.io/tools $fyne_version into $tools"
  mkdir -p "$tools"
  # Outside the module, so that go.mod is neither consulted nor changed.
  (cd "$tools" && GOBIN="$tools" go install "fyne.io/tools/cmd/fyne@$fyne_version")
fi

toml_value() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\"\{0,1\}\([^\"]*\)\"\{0,1\}[[:space:]]*$/\1/p" FyneApp.toml | head -n 1; }
app_id=$(toml_value ID)
name=$(toml_value Name)
version=$(toml_value Version)
icon=$(toml_value Icon)
[ -n "$app_id" ] && [ -n "$name" ] && [ -n "$version" ] && [ -f "$icon" ] ||
  { echo "package: FyneApp.toml needs ID, Name, Version and an existing Icon" >&2; exit 1; }

stage=$(mktemp -d /tmp/omsdesk-package.XXXXXX)
trap 'rm -rf "$stage"' EXIT
# The work tree as go build sees it: tracked files and new ones that are not ignored
# (a tracked file deleted in the work tree is skipped).
git ls-files -z --cached --others --exclude-standard |
  tar -C "$root" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$stage" -xf -
src=$stage/cmd/omsdesk-gui
# FyneApp.toml beside the main package, its icon path made relative to it.
sed "s|^\([[:space:]]*Icon[[:space:]]*=[[:space:]]*\"\)|\1../../|" FyneApp.toml >"$src/FyneApp.toml"

arch=$(go env GOARCH)
# no_emoji leaves out Fyne's colour emoji font, which the program never shows and which
# Fyne would parse once per text style: some 30 MiB less resident memory (docs/gui.md).
(cd "$stage" && "$tools/fyne" package --os linux --release --tags no_emoji --src "$src")
mkdir -p dist
tarball=dist/omsdesk-gui-$version-linux-$arch.tar.xz
mv "$stage/$name.tar.xz" "$tarball"

# The tarball must hold the binary, the desktop entry with our ID and the icon.
listing=$(tar -tJf "$tarball")
# (Under usr/local/ when the packaging machine has /usr/local, as Debian has, else usr/.)
for want in "bin/omsdesk-gui" "share/applications/$app_id.desktop" "share/pixmaps/$app_id.png" "Makefile"; do
  grep -q "/$want\$" <<<"$listing" || { echo "package: $tarball lacks $want" >&2; exit 1; }
done
check=$stage/check
mkdir -p "$check"
tar -C "$check" -xJf "$tarball"
desktop=$(find "$check" -name "$app_id.desktop")
grep -qx "Name=$name" "$desktop" && grep -qx "Exec=omsdesk-gui" "$desktop" && grep -qx "Icon=$app_id" "$desktop" ||
  { echo "package: the desktop entry is not what FyneApp.toml says:" >&2; cat "$desktop" >&2; exit 1; }
cmp -s "$icon" "$(find "$check" -name "$app_id.png")" || { echo "package: the packaged icon differs from $icon" >&2; exit 1; }
bin=$(find "$check" -path '*/bin/omsdesk-gui')
[ -x "$bin" ] && [ "$(head -c 4 "$bin" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
  { echo "package: the packaged omsdesk-gui is not an executable ELF file" >&2; exit 1; }

echo "package: $tarball ($(du -h "$tarball" | cut -f1)) — $name $version, $app_id"
