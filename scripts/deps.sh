# deps.sh - install the Debian packages lurk needs to build and test, when missing
# (sourced by scripts/demo and scripts/test; the package list is the one place it is written)

LURK_BUILD_PACKAGES="gcc libc6-dev meson ninja-build pkg-config python3 python3.11 python3.11-dev libdw-dev libelf-dev libedit-dev libcapstone-dev valgrind"

lurk_install_deps() {
	missing=""
	for pkg in $LURK_BUILD_PACKAGES "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			SUDO=sudo
		else
			echo "missing packages:$missing (run as root, or install them)" >&2
			return 1
		fi
	fi
	${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
		${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends $missing >/dev/null
}
