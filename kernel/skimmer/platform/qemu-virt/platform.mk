# QEMU virt: RAM starts at 0x80000000; OpenSBI occupies the first 2 MiB and
# loads the kernel image right after it (the image header's text_offset).
KERNEL_BASE := 0x80200000
