#!/usr/bin/python3
"""Kconfig glue for the build: makes .config from configs/defconfig when it is
missing, brings it up to date with Kconfig, and writes build/include/generated/
autoconf.h and build/config.mk. Uses Debian's python3-kconfiglib."""
import os
import sys

import kconfiglib


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: kconfig.py KCONFIG DOTCONFIG DEFCONFIG OUTDIR")
    kconfig, dotconfig, defconfig, outdir = sys.argv[1:]
    kc = kconfiglib.Kconfig(kconfig, warn_to_stderr=True)
    kc.load_config(dotconfig if os.path.exists(dotconfig) else defconfig)
    kc.write_config(dotconfig, header="# QSOE .config (edit with `make menuconfig`)\n")
    os.makedirs(os.path.join(outdir, "include", "generated"), exist_ok=True)
    kc.write_autoconf(os.path.join(outdir, "include", "generated", "autoconf.h"))
    # config.mk: the same symbols for make, rewritten only when it changes
    lines = []
    for sym in kc.unique_defined_syms:
        if sym.str_value not in ("", "n"):
            lines.append("CONFIG_%s=%s\n" % (sym.name, sym.str_value))
    mk = os.path.join(outdir, "config.mk")
    text = "".join(lines)
    if not os.path.exists(mk) or open(mk).read() != text:
        with open(mk, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
