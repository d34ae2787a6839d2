#!/bin/sh
# Build the example plugin of lurk-plugin(7) from a build tree, before any
# install: the page's own cc line with PKG_CONFIG_PATH at the uninstalled
# pkg-config file Meson writes (BUILD/meson-uninstalled), then check the
# build tree's lurk loads it and shows what its inspector says.
#
# usage: plugin-build-tree.sh BUILD_DIR SOURCE_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tmp=$(mktemp -d)
target_pid=
cleanup() {
	[ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

unman() { sed -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g'; }

# The example's source and the cc line of BUILDING, as the page prints them.
awk '/^Its complete source, as/ { f = 1 } f && /^\.in \+4n$/ { p = 1; next } p && /^\.in$/ { exit } p' \
	"$src/man/lurk-plugin.7" | unman >"$tmp/myplug.c"
[ -s "$tmp/myplug.c" ] || { echo "no example source in lurk-plugin.7"; exit 1; }
# The page's two lines for a build tree, BUILD being this one.
awk '/^\.SH BUILDING/ { f = 1 } f && /^ *export PKG_CONFIG_PATH=/ { p = 1 } p { print } p && /^ *cc / { exit }' \
	"$src/man/lurk-plugin.7" | unman | sed -e "s|BUILD/|$build/|" >"$tmp/build.sh"
grep -q "^ *export PKG_CONFIG_PATH=$build/meson-uninstalled" "$tmp/build.sh" &&
	grep -q 'pkg-config --cflags lurk-plugin' "$tmp/build.sh" ||
	{ echo "no build-tree lines in lurk-plugin.7's BUILDING:"; cat "$tmp/build.sh"; exit 1; }

cflags=$(PKG_CONFIG_PATH="$build/meson-uninstalled" pkg-config --cflags lurk-plugin)
[ "$cflags" != "${cflags#*-I$src/include}" ] ||
	{ echo "the uninstalled lurk-plugin.pc gives no -I$src/include: \"$cflags\""; exit 1; }
(cd "$tmp" && sh -eu build.sh) ||
	{ echo "the page's build lines failed:"; cat "$tmp/build.sh"; exit 1; }

# A copy of lurk away from build.ninja: the build tree's lurk would load the
# bundled wrappers plugin itself, and refuse the example's same name.
mkdir "$tmp/bin"
cp "$build/src/lurk" "$tmp/bin/lurk"
"$build/tests/fixtures/closures" hang >"$tmp/fixture.out" &
target_pid=$!
for _ in $(seq 100); do
	grep -q ready "$tmp/fixture.out" 2>/dev/null && break
	sleep 0.05
done
"$tmp/bin/lurk" -p "$target_pid" -q -n --batch --plugin "$tmp/myplug.so" \
	-ex 'plugin list' -ex 'bt all' >"$tmp/lurk.out" 2>&1 || { cat "$tmp/lurk.out"; exit 1; }
grep -q "file: $tmp/myplug.so" "$tmp/lurk.out" ||
	{ echo "the plugin built in the build tree is not in plugin list:"; cat "$tmp/lurk.out"; exit 1; }
grep -q 'invoke_wrapped.*\[wraps square\]' "$tmp/lurk.out" ||
	{ echo "its inspector did not describe invoke_wrapped:"; cat "$tmp/lurk.out"; exit 1; }
echo "ok: the example built from the build tree and loaded"
