#!/bin/sh
# Install lurk into a scratch DESTDIR, build the example plugin outside the
# source tree with nothing but the installed header and pkg-config, and
# check the installed lurk loads it and shows what its inspector says.
#
# usage: plugin-out-of-tree.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
target_pid=
cleanup() {
	[ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

meson install -C "$build" --no-rebuild --destdir "$tmp/root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; exit 1; }

pc=$(find "$tmp/root" -name lurk-plugin.pc | head -n 1)
[ -n "$pc" ] || { echo "lurk-plugin.pc was not installed"; exit 1; }
prefix=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=prefix lurk-plugin)
# The .pc names the final prefix; the files are under DESTDIR for now.
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-variable=prefix="$tmp/root$prefix" \
	--cflags lurk-plugin)
plugindir=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --variable=plugindir lurk-plugin)
[ -f "$tmp/root$prefix/include/lurk/plugin.h" ] || { echo "plugin.h was not installed"; exit 1; }
[ -f "$tmp/root$plugindir/wrappers.so" ] || { echo "bundled plugins not installed in $plugindir"; exit 1; }
for page in lurk.1 lurk-plugin.7; do
	find "$tmp/root" -name "$page*" | grep -q . || { echo "man page $page was not installed"; exit 1; }
done

# Outside the tree: the example as lurk-plugin(7) prints it, and the
# installed header only. The page must show the whole, current source.
mkdir "$tmp/myplugin"
awk '/^Its complete source, as/ { f = 1 } f && /^\.in \+4n$/ { p = 1; next } p && /^\.in$/ { exit } p' \
	"$src/man/lurk-plugin.7" | sed -e 's/^\\&//' -e 's/\\-/-/g' -e 's/\\e/\\/g' >"$tmp/myplugin/myplug.c"
expand -t 4 "$src/plugins/wrappers/wrappers.c" | cmp -s - "$tmp/myplugin/myplug.c" || {
	echo "the example in lurk-plugin.7 differs from plugins/wrappers/wrappers.c:"
	expand -t 4 "$src/plugins/wrappers/wrappers.c" | diff - "$tmp/myplugin/myplug.c" | head -n 20
	exit 1
}
# shellcheck disable=SC2086 # cflags is a list of words
cc -shared -fPIC -Wall -Werror $cflags -o "$tmp/myplugin/myplug.so" "$tmp/myplugin/myplug.c"

"$build/tests/fixtures/closures" hang >"$tmp/fixture.out" &
target_pid=$!
for _ in $(seq 100); do
	grep -q ready "$tmp/fixture.out" 2>/dev/null && break
	sleep 0.05
done
lurk=$(find "$tmp/root" -path '*/bin/lurk' | head -n 1)
"$lurk" -p "$target_pid" -q -n --batch --plugin "$tmp/myplugin/myplug.so" \
	-ex 'plugin list' -ex 'bt all' >"$tmp/lurk.out" 2>&1 || { cat "$tmp/lurk.out"; exit 1; }
grep -q "file: $tmp/myplugin/myplug.so" "$tmp/lurk.out" ||
	{ echo "the out-of-tree plugin is not in plugin list:"; cat "$tmp/lurk.out"; exit 1; }
grep -q 'invoke_wrapped.*\[wraps square\]' "$tmp/lurk.out" ||
	{ echo "the out-of-tree plugin's inspector did not describe invoke_wrapped:"; cat "$tmp/lurk.out"; exit 1; }
echo "ok: installed, built out of tree, loaded"
