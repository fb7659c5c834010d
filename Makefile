# QSOE top-level build. `make run` boots QSOE in QEMU; `make test` runs the whole suite.
# See README.md for the rest (stress, bench, gdb, menuconfig).

BUILD    ?= build
HARTS    ?= 8
MEM      ?= 256M
BOOTARGS ?=
BOOTS    ?= 50
TEST     ?= msgstorm
TIMEOUT  ?= 120
PYTHON   ?= /usr/bin/python3
CROSS    ?= riscv64-unknown-elf-
QEMU     ?= qemu-system-riscv64
MKE2FS   ?= /usr/sbin/mke2fs

CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
HOSTCC  ?= gcc

K        := kernel/skimmer
ARCH     := riscv
PLATFORM := qemu-virt

include $(K)/platform/$(PLATFORM)/platform.mk

KCALL_GEN  := $(BUILD)/include/generated/kcall
BOOTFS     := $(BUILD)/bootfs.img
KERNEL_ELF := $(BUILD)/skimmer.elf
KERNEL_IMG := $(BUILD)/skimmer.bin
DEPS_OK    := $(BUILD)/.deps-ok
AUTOCONF   := $(BUILD)/include/generated/autoconf.h

.PHONY: all kernel disk progs run test unit stress bench gdb menuconfig savedefconfig clean deps help
all: kernel disk

help:
	@echo "make run       build and boot QSOE in QEMU (HARTS=$(HARTS) BOOTARGS='...')"
	@echo "make test      build and run the whole test suite"
	@echo "make stress    repeated boots: BOOTS=$(BOOTS) HARTS=$(HARTS) TEST=$(TEST)"
	@echo "make bench     instruction-count benchmarks under -icount shift=0"
	@echo "make gdb       boot halted with the gdb stub and attach gdb-multiarch"
	@echo "make menuconfig / savedefconfig / clean"

# --- Host packages: installed with apt on first use (see mk/deps.sh) -------------------
$(DEPS_OK): mk/deps.sh
	@bash mk/deps.sh
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_OK)

# --- Configuration ---------------------------------------------------------------------
$(AUTOCONF): Kconfig configs/defconfig $(wildcard .config) tools/kconfig.py | $(DEPS_OK)
	@$(PYTHON) tools/kconfig.py Kconfig .config configs/defconfig $(BUILD)
	@echo "  CONFIG  $@"

menuconfig: $(DEPS_OK)
	KCONFIG_CONFIG=.config kconfig-mconf Kconfig

savedefconfig: $(AUTOCONF)
	cp .config configs/defconfig

-include $(BUILD)/config.mk

# --- The kernel ------------------------------------------------------------------------
KSRC := $(wildcard $(K)/arch/$(ARCH)/*.S $(K)/arch/$(ARCH)/*.c $(K)/kern/*.c \
                   $(K)/platform/$(PLATFORM)/*.c $(K)/stress/*.c)
KOBJ := $(patsubst %,$(BUILD)/%.o,$(KSRC))

KCFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-ffreestanding -fno-builtin -nostdlib -fno-stack-protector -fno-pic \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -g -O2 \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-std=gnu11 -MMD -MP \
	-I$(K)/include -I$(K)/arch/$(ARCH)/include -I$(K)/platform/$(PLATFORM) -I$(BUILD)/include \
	-I$(KCALL_GEN) -Iabi/include

# --- The kernel-call table: one source, generated stubs, dispatch table and names ----------
# One run of kcallgen makes all four (a grouped target: make then knows each is new, and
# rebuilds what uses any of them).
$(KCALL_GEN)/kcall_table.h $(KCALL_GEN)/kcall_nums.h $(KCALL_GEN)/kcall_stubs.S $(KCALL_GEN)/kcall_errno.c &: \
		abi/kcalls.tab tools/kcallgen.py abi/include/sys/neutrino.h | $(DEPS_OK)
	@echo "  KCALLS  $(KCALL_GEN)"
	@$(PYTHON) tools/kcallgen.py --header abi/include/sys/neutrino.h abi/kcalls.tab $(KCALL_GEN)

$(BUILD)/%.c.o: %.c $(AUTOCONF) $(KCALL_GEN)/kcall_table.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S $(AUTOCONF) $(KCALL_GEN)/kcall_table.h
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(KCFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(KERNEL_ELF): $(KOBJ) $(K)/arch/$(ARCH)/kernel.ld $(K)/platform/$(PLATFORM)/platform.mk
	@echo "  LD      $@"
	@$(CC) -march=rv64imac -mabi=lp64 -mcmodel=medany -nostdlib -T $(K)/arch/$(ARCH)/kernel.ld \
		-Wl,--defsym=KERNEL_BASE=$(KERNEL_BASE) -Wl,--gc-sections -Wl,-z,max-page-size=4096 -o $@ $(KOBJ) -lgcc

$(KERNEL_IMG): $(KERNEL_ELF)
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@

kernel: $(KERNEL_IMG) $(BOOTFS)

-include $(KOBJ:.o=.d)

# --- libc programs: taskman, servers, commands and tests above the seam ------------------------
# A program is a directory (taskman, cmd/NAME, drivers/NAME, fs/NAME, tests/prog/NAME) whose
# *.c files, plus those of its per-kernel subdirectory $(KNAME)/ (the seam), build
# $(BUILD)/prog/NAME, linked with libresmgr (lib/resmgr), our system layer (lib/c and the
# per-kernel lib/sys-$(KNAME)), libhw (lib/fdt, lib/pci) and picolibc. See README "Adding a program".
KNAME   := skimmer
PICOLIBC_SPECS := --specs=picolibc.specs
LCFLAGS := -march=rv64imafdc -mabi=lp64d -mcmodel=medany $(PICOLIBC_SPECS) -static -fno-pic \
	-ffunction-sections -fdata-sections -g -O2 -Wall -Wextra -Werror -Wno-unused-parameter \
	-std=gnu11 -MMD -MP -Ilib/c/include -Iabi/include -Ilib/resmgr -Ilib/fdt -Ilib/pci -I$(KCALL_GEN)
LLDFLAGS := -nostartfiles -T lib/sys-$(KNAME)/user.ld -Wl,--gc-sections -Wl,-z,max-page-size=4096

LIBC_SRCS   := $(wildcard lib/c/*.c lib/c/*.S lib/sys-$(KNAME)/*.c lib/sys-$(KNAME)/*.S)
LIBC_OBJS   := $(patsubst %,$(BUILD)/%.o,$(LIBC_SRCS)) $(BUILD)/lib/kcall_stubs.S.o \
	$(BUILD)/lib/kcall_errno.c.o
LIBC_A      := $(BUILD)/lib/libqsoe.a
RESMGR_OBJS := $(patsubst %,$(BUILD)/%.o,$(wildcard lib/resmgr/*.c))
RESMGR_A    := $(BUILD)/lib/libresmgr.a
HW_OBJS     := $(patsubst %,$(BUILD)/%.o,$(wildcard lib/fdt/*.c lib/pci/*.c))
HW_A        := $(BUILD)/lib/libhw.a
PROG_DIRS   := $(wildcard taskman cmd/* drivers/* fs/* tests/prog/*)
PROG_DIRS   := $(patsubst %/,%,$(dir $(wildcard $(addsuffix /*.c,$(PROG_DIRS)))))
PROG_DIRS   := $(sort $(PROG_DIRS))
# A program is named after its directory, unless PROG_NAME_<dir> says otherwise.
PROG_NAME_fs/ext2 := fs-ext2
prog_name    = $(or $(PROG_NAME_$(1)),$(notdir $(1)))
PROGS       := $(foreach d,$(PROG_DIRS),$(BUILD)/prog/$(call prog_name,$(d)))

$(BUILD)/lib/%.c.o $(BUILD)/lib/c/%.c.o: | $(KCALL_GEN)/kcall_table.h
$(BUILD)/lib/kcall_stubs.S.o: $(KCALL_GEN)/kcall_stubs.S
	@mkdir -p $(@D)
	@$(CC) $(LCFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(BUILD)/lib/kcall_errno.c.o: $(KCALL_GEN)/kcall_errno.c
	@mkdir -p $(@D)
	@$(CC) $(LCFLAGS) -c $< -o $@

# Objects of everything above the seam (lib/, taskman/, cmd/, drivers/, fs/, tests/prog/).
$(BUILD)/lib/%.c.o: lib/%.c $(AUTOCONF) $(KCALL_GEN)/kcall_table.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(LCFLAGS) -c $< -o $@
$(BUILD)/lib/%.S.o: lib/%.S $(KCALL_GEN)/kcall_table.h
	@mkdir -p $(@D)
	@echo "  AS      $<"
	@$(CC) $(LCFLAGS) -D__ASSEMBLER__ -c $< -o $@
$(BUILD)/up/%.c.o: %.c $(AUTOCONF) $(KCALL_GEN)/kcall_table.h
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(LCFLAGS) -I$(dir $<) -c $< -o $@

$(LIBC_A): $(LIBC_OBJS)
	@echo "  AR      $@"
	@rm -f $@ && $(CROSS)ar rcs $@ $^
$(RESMGR_A): $(RESMGR_OBJS) | $(LIBC_A)
	@echo "  AR      $@"
	@rm -f $@ && $(CROSS)ar rcs $@ $^ $(if $^,,--)
$(HW_A): $(HW_OBJS) | $(LIBC_A)
	@echo "  AR      $@"
	@rm -f $@ && $(CROSS)ar rcs $@ $^

define PROG_RULE
$(BUILD)/prog/$(call prog_name,$(1)): $(patsubst %,$(BUILD)/up/%.o,$(wildcard $(1)/*.c $(1)/$(KNAME)/*.c)) \
		$(RESMGR_A) $(HW_A) $(LIBC_A) lib/sys-$(KNAME)/user.ld
	@mkdir -p $$(@D)
	@echo "  PROG    $$@"
	@$$(CC) $$(LCFLAGS) $$(LLDFLAGS) -o $$@ $$(filter %.o,$$^) $(RESMGR_A) $(HW_A) $(LIBC_A) -lc $(LIBC_A) -lgcc
endef
$(foreach d,$(PROG_DIRS),$(eval $(call PROG_RULE,$(d))))
-include $(LIBC_OBJS:.o=.d) $(RESMGR_OBJS:.o=.d) $(HW_OBJS:.o=.d) $(wildcard $(BUILD)/up/*/*.d $(BUILD)/up/*/*/*.d $(BUILD)/up/*/*/*/*.d)

progs: $(PROGS)

# --- User programs and the boot image --------------------------------------------------------
# Until libc arrives, programs link a tiny system layer (user/lib) and the generated stubs.
UCFLAGS := -march=rv64imafdc -mabi=lp64d -mcmodel=medany -ffreestanding -nostdlib -static -fno-pic \
	-g -O2 -Wall -Wextra -Werror -Wno-unused-parameter -std=gnu11 \
	-Iabi/include -I$(KCALL_GEN) -Iuser/lib
ULIB := user/crt0.S $(wildcard user/lib/*.c) $(KCALL_GEN)/kcall_stubs.S $(KCALL_GEN)/kcall_errno.c
USER_BINS := $(patsubst user/bin/%.c,$(BUILD)/user/%,$(wildcard user/bin/*.c))

# They also rebuild when this Makefile changes (UCFLAGS: the ABI); they are small.
$(BUILD)/user/%: user/bin/%.c $(ULIB) user/user.ld $(wildcard user/lib/*.h) abi/include/sys/neutrino.h \
		Makefile
	@mkdir -p $(@D)
	@echo "  USER    $@"
	@$(CC) $(UCFLAGS) -T user/user.ld -o $@ $< $(ULIB) -lgcc

$(BOOTFS): boot/qsoe.build $(USER_BINS) $(PROGS) $(BUILD)/img/ext2test.img tools/mkbootfs.py
	@echo "  BOOTFS  $@"
	@$(PYTHON) tools/mkbootfs.py boot/qsoe.build -o $@ --search $(BUILD)/user --search $(BUILD)/prog \
		--search $(BUILD)/img

# ext2test's filesystem (tests/prog/ext2test): a small ext2 image the host's mke2fs makes.
$(BUILD)/img/ext2test.img: Makefile
	@echo "  MKE2FS  $@"
	@rm -rf $(BUILD)/img/ext2test.d && mkdir -p $(BUILD)/img/ext2test.d/dir
	@printf 'hello, ext2\n' > $(BUILD)/img/ext2test.d/hello.txt
	@seq 1 60000 > $(BUILD)/img/ext2test.d/dir/numbers
	@ln -s hello.txt $(BUILD)/img/ext2test.d/link
	@rm -f $@ && $(MKE2FS) -q -F -t ext2 -b 1024 -E root_owner=0:0 -d $(BUILD)/img/ext2test.d \
		$@ 6M >/dev/null

# --- The disk: the root tree and its GPT disk image (docs/ext2.md) ---------------------------
# /bin: the commands (cmd/*), /sbin: the servers and drivers; tools/mkroot.py adds /etc and
# the rest. mke2fs -d copies the tree, the debugfs script fixes owners, e2fsck checks it.
ROOT_BIN  := $(notdir $(filter cmd/%,$(PROG_DIRS)))
ROOT_SBIN := $(foreach d,$(filter fs/% drivers/%,$(PROG_DIRS)),$(call prog_name,$(d)))
ROOT_SIZE ?= 256M
DISK      := $(BUILD)/disk.img
DEBUGFS   ?= /usr/sbin/debugfs
E2FSCK    ?= /usr/sbin/e2fsck

$(BUILD)/root.img: $(addprefix $(BUILD)/prog/,$(ROOT_BIN) $(ROOT_SBIN)) tools/mkroot.py \
		tools/sha512crypt.py Makefile
	@echo "  ROOT    $(BUILD)/root"
	@$(PYTHON) tools/mkroot.py --out $(BUILD)/root --prog-dir $(BUILD)/prog --bin "$(ROOT_BIN)" \
		--sbin "$(ROOT_SBIN)" --strip $(CROSS)strip --debugfs $(BUILD)/root.debugfs
	@echo "  MKE2FS  $@"
	@rm -f $@ && $(MKE2FS) -q -F -t ext2 -b 4096 -L qsoe-root -d $(BUILD)/root $@ $(ROOT_SIZE) \
		>/dev/null
	@$(DEBUGFS) -w -f $(BUILD)/root.debugfs $@ 2>&1 | grep -v '^debugfs' | \
		{ if grep .; then rm -f $@; exit 1; fi; }
	@$(E2FSCK) -fn $@ >/dev/null 2>&1 || { $(E2FSCK) -fn $@; rm -f $@; exit 1; }

# The disk QEMU's NVMe device holds: a GPT disk (tools/mkgpt.py) with the root filesystem as
# its one partition; LBAs 34..2047 stay free (nvmetest writes there).
$(DISK): $(BUILD)/root.img tools/mkgpt.py
	@echo "  GPT     $@"
	@$(PYTHON) tools/mkgpt.py $@ --part qsoe-root:$<

disk: $(DISK)

DISK_ARGS = -drive file=$(DISK),if=none,id=nvm,format=raw -device nvme,serial=qsoe,drive=nvm

# --- Booting ---------------------------------------------------------------------------
QEMU_ARGS = -machine virt -smp $(HARTS) -m $(MEM) -nographic -bios default \
	-kernel $(KERNEL_IMG) -initrd $(BOOTFS) $(DISK_ARGS)

run: kernel $(DISK)
	$(QEMU) $(QEMU_ARGS) -append "$(BOOTARGS)"

gdb: kernel $(DISK)
	@$(PYTHON) tools/gdb/launch.py --qemu "$(QEMU) $(QEMU_ARGS)" --bootargs "$(BOOTARGS)" \
		--elf $(KERNEL_ELF)

# --- Host unit tests: kernel algorithms built for the host under ASan + UBSan ---------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-DHOST_TEST -Itests/unit/host -I$(K)/include -I$(BUILD)/include -pthread

# Each test names the kernel sources it exercises on a line "SOURCES: a.c b.c".
unit_sources = $(shell sed -n 's/.*SOURCES:\(.*\)\*\/.*/\1/p' $(1))
# and may add compiler flags on a line "CFLAGS: -Idir ..." (userspace code: -Iabi/include).
unit_cflags = $(shell sed -n 's/.*CFLAGS:\(.*\)\*\/.*/\1/p' $(1))
.SECONDEXPANSION:
$(BUILD)/unit/%: tests/unit/%.c $$(call unit_sources,tests/unit/$$*.c) tests/unit/host/test_main.c \
		$(wildcard tests/unit/host/*.h) $(AUTOCONF) $(wildcard $(K)/include/skimmer/*.h) \
		$(wildcard abi/include/sys/*.h tests/unit/abi/*.c) abi/kcalls.tab tools/kcallgen.py
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) $(UNIT_CFLAGS) $(call unit_cflags,$<) -o $@ $< tests/unit/host/test_main.c \
		$(call unit_sources,$<)

unit: $(UNIT_BINS)

# --- Test, stress and bench ------------------------------------------------------------------
test: kernel unit $(DISK)
	@SK_NO_BUILD=1 $(PYTHON) tools/runner.py suite --qemu "$(QEMU) -initrd $(BOOTFS)" --image $(KERNEL_IMG) --mem $(MEM) \
		--disk $(DISK) \
		--unit-dir $(BUILD)/unit --scenarios tests/run/scenarios.txt --timeout $(TIMEOUT) \
		--script tools/gdb/selftest.sh --script tests/run/disk-roundtrip.sh --log-dir $(BUILD)/logs

# TEST may name several tests ("user ustorm chanstorm"): each gets its BOOTS boots in turn,
# and the target fails if any of them did.
stress: kernel $(DISK)
	@fail=0; for t in $(TEST); do \
		$(PYTHON) tools/runner.py stress --qemu "$(QEMU) -initrd $(BOOTFS)" --image $(KERNEL_IMG) --disk $(DISK) \
			--mem $(MEM) --boots $(BOOTS) --harts $(HARTS) --test "$$t" --bootargs "$(BOOTARGS)" \
			--timeout $(TIMEOUT) --log-dir $(BUILD)/logs || fail=1; \
	done; exit $$fail

bench: kernel $(DISK)
	@$(PYTHON) tools/runner.py bench --qemu "$(QEMU) -initrd $(BOOTFS)" --image $(KERNEL_IMG) --mem $(MEM) --disk $(DISK) \
		--harts $(HARTS) --timeout 600 --log-dir $(BUILD)/logs

clean:
	rm -rf $(BUILD)
