#!/usr/bin/env bash
# Make sure the Debian packages QSOE builds with are installed.
# Installs missing ones with apt when run as root; otherwise names them and fails.
set -u
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have riscv64-unknown-elf-gcc   || need+=(gcc-riscv64-unknown-elf)
[ -d /usr/lib/picolibc/riscv64-unknown-elf ] || need+=(picolibc-riscv64-unknown-elf)
have qemu-system-riscv64       || need+=(qemu-system-misc)
have dtc                       || need+=(device-tree-compiler)
have gdb-multiarch             || need+=(gdb-multiarch)
have kconfig-mconf             || need+=(kconfig-frontends)
/usr/bin/python3 -c 'import kconfiglib' 2>/dev/null || need+=(python3-kconfiglib)
[ -x /usr/sbin/mke2fs ] && [ -x /usr/sbin/debugfs ] || need+=(e2fsprogs)
have openssl                   || need+=(openssl)   # test_ext2 checks the shadow hashes
have gcc                       || need+=(gcc)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
    echo "deps: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq "${need[@]}" >&2 && exit 0
fi
echo "deps: missing Debian packages: ${need[*]}" >&2
echo "deps: install them with: apt-get install ${need[*]}" >&2
exit 1
