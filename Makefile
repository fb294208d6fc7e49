# SPDX-License-Identifier: GPL-2.0
#
# Entry points of the project. Everything is built under build/ (git-ignored);
# the compiler cache lives outside the checkout so it survives `make clean`
# and fresh clones on the same machine.
#
#   make demo     build the kernel and tools, boot, run vsvm-demo
#   make test     build the debug kernel and the tests, boot, run every suite
#   make kernel   build the kernel (FLAVOUR=debug by default, or perf)
#   make vm       boot the built kernel to a shell on the serial console
#   make bench    build the perf kernel, boot it, run the benchmarks, and
#                 write the report to build/bench/
#   make compat   compile the in-tree users of hmm_range_fault() against our
#                 include/linux/hmm.h (single objects, configs/compat.config),
#                 and check that with our options off each upstream file we
#                 edit (scripts/tree-edits.txt) compiles to the same code as
#                 Debian's with only the bug fixes
#   make clean    remove build/

SHELL := /bin/bash
TOP := $(CURDIR)
B := $(TOP)/build
TARBALL := /usr/src/linux-source-6.12.tar.xz
KSRC := $(B)/linux-6.12
FLAVOUR ?= debug
KOUT := $(B)/kernel-$(FLAVOUR)
MODDIR := $(B)/modroot-$(FLAVOUR)
FRAGMENTS := configs/base.config configs/$(FLAVOUR).config
JOBS ?= $(shell nproc)

export CCACHE_DIR ?= $(HOME)/.cache/vsvm-ccache
export CCACHE_BASEDIR := $(B)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 8G

KMAKE := $(MAKE) -C $(KSRC) O=$(KOUT) ARCH=x86_64 CC="ccache gcc" \
	HOSTCC="ccache gcc" -j$(JOBS)

IGT_SRCS := $(wildcard igt-tests/*.c)
IGT_BINS := $(patsubst igt-tests/%.c,$(B)/igt/%,$(IGT_SRCS))
# Their GPU programs: each igt-tests/gpu/NAME.c makes an image as the
# tools' do (the GPU rules below), embedded in every IGT binary.
IGT_GPU_NAMES := $(patsubst igt-tests/gpu/%.c,%,$(wildcard igt-tests/gpu/*.c))
IGT_GPU_EMBED := $(IGT_GPU_NAMES:%=$(B)/gpu/embed/%.o)

.PHONY: all deps tree kernel selftests igt tools gpu gpu-check compat test bench demo vm clean

all: kernel

deps:
	@scripts/install-deps.sh

# Unpack Debian's source once, then lay the repository over it (cheap; runs
# every time so that new and removed files are picked up).
tree: deps
	@scripts/prepare-tree.sh $(TARBALL) $(KSRC) $(B)/upstream $(TOP)

$(KOUT)/.config: $(FRAGMENTS) Kconfig scripts/make-config.sh | tree
	@scripts/make-config.sh $(KSRC) $(KOUT) $(FRAGMENTS)

kernel: tree $(KOUT)/.config
	@echo "  KBUILD  $(KOUT) ($(FLAVOUR))"
	@$(KMAKE) -s bzImage modules
	@$(KMAKE) -s headers_install >/dev/null
	@rm -rf $(MODDIR)
	@$(KMAKE) -s INSTALL_MOD_PATH=$(MODDIR) modules_install >/dev/null

# Upstream's HMM selftest, unmodified, from the same Debian source.
HMM_TESTS_SRC := $(KSRC)/tools/testing/selftests/mm/hmm-tests.c
$(B)/selftests-mm/hmm-tests: kernel
	@mkdir -p $(@D)
	@gcc -Wall -O2 -U_FORTIFY_SOURCE -no-pie -I $(KSRC) \
		-isystem $(KOUT)/usr/include $(HMM_TESTS_SRC) \
		-lrt -lpthread -lm -o $@.tmp && mv $@.tmp $@
	@cp $(KSRC)/tools/testing/selftests/mm/test_hmm.sh $(@D)/

selftests: $(B)/selftests-mm/hmm-tests

# IGT tests: each igt-tests/NAME.c is one test binary, linked with Debian's
# libigt.so.0 (see igt-tests/igt_abi.h for why there is a header of ours),
# with the GPU images of igt-tests/gpu/ and their loader (vsvm_program.c).
# A test may also run images of tools/vsvm/gpu/kernels/: it links the
# build/gpu/embed/NAME.o its rule below adds (every .o prerequisite is
# linked) and sees their argument blocks (vsvm_kernels.h).
IGT_LOADER := tools/vsvm/lib/vsvm_program.c tools/vsvm/lib/vsvm_program.h
$(B)/igt/%: igt-tests/%.c $(wildcard igt-tests/*.h) $(IGT_GPU_EMBED) \
		$(IGT_LOADER) | deps
	@mkdir -p $(@D)
	@echo "  IGT     $*"
	@gcc -Wall -Wextra -O2 -g -I igt-tests -I include/uapi \
		-I tools/vsvm/lib -I tools/vsvm/gpu/kernels \
		$$(pkg-config --cflags libdrm) $< \
		$(filter %.c,$(IGT_LOADER)) $(filter %.o,$^) \
		-ligt -ldrm -lm -lpthread -o $@
# vsvm_svm runs the kernels of selftest.elf (subtest compiled-kernels).
$(B)/igt/vsvm_svm: $(B)/gpu/embed/selftest.o \
	tools/vsvm/gpu/kernels/vsvm_kernels.h

# Userspace tools and benchmarks (tools/vsvm/).
TOOLS := $(B)/tools/hmm-snapshot $(B)/tools/gpu-first-touch \
	$(B)/tools/vram-migrate $(B)/tools/isa-speed
$(B)/tools/hmm-snapshot: tools/vsvm/bench/hmm_snapshot.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -Wall -Wextra -O2 -g $< -o $@


# libvsvm (static library and pkg-config file), the image tool, the demo.
VSVM_CFLAGS := -Wall -Wextra -O2 -g -I tools/vsvm/lib -I include/uapi \
	$$(pkg-config --cflags libdrm)
LIBVSVM_SRCS := tools/vsvm/lib/libvsvm.c tools/vsvm/lib/vsvm_program.c
LIBVSVM_HDRS := tools/vsvm/lib/libvsvm.h tools/vsvm/lib/vsvm_program.h \
	include/uapi/drm/vsvm_drm.h
$(B)/tools/lib/libvsvm.a: $(LIBVSVM_SRCS) $(LIBVSVM_HDRS) | deps
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@for f in $(LIBVSVM_SRCS); do \
		gcc $(VSVM_CFLAGS) -c $$f -o $(@D)/$$(basename $${f%.c}).o || exit 1; \
	done
	@rm -f $@
	@ar rcs $@ $(patsubst tools/vsvm/lib/%.c,$(@D)/%.o,$(LIBVSVM_SRCS))
	@sed 's|@PREFIX@|$(B)/tools|' tools/vsvm/lib/libvsvm.pc.in >$(@D)/libvsvm.pc

$(B)/tools/vsvm-img: tools/vsvm/vsvm_img.c $(B)/tools/lib/libvsvm.a
	@echo "  CC      $@"
	@gcc $(VSVM_CFLAGS) $< $(B)/tools/lib/libvsvm.a -o $@
# The demo and the GPU benchmarks run RISC-V kernels: the image's
# embedded object (build/gpu/embed/NAME.o, the GPU rules below) is linked
# in, the argument blocks come from tools/vsvm/gpu/kernels/.
$(B)/tools/vsvm-demo: tools/vsvm/demo/vsvm_demo.c \
		tools/vsvm/gpu/kernels/vsvm_demo_kernels.h \
		$(B)/gpu/embed/demo.o $(B)/tools/lib/libvsvm.a
	@echo "  CC      $@"
	@gcc $(VSVM_CFLAGS) -I tools/vsvm/gpu/kernels $< $(B)/gpu/embed/demo.o \
		$(B)/tools/lib/libvsvm.a -ldrm -lpthread -o $@
$(B)/tools/gpu-first-touch: tools/vsvm/bench/gpu_first_touch.c \
		tools/vsvm/gpu/kernels/vsvm_bench_kernels.h \
		$(B)/gpu/embed/bench.o $(B)/tools/lib/libvsvm.a
	@echo "  CC      $@"
	@gcc $(VSVM_CFLAGS) -I tools/vsvm/gpu/kernels $< $(B)/gpu/embed/bench.o \
		$(B)/tools/lib/libvsvm.a -ldrm -o $@
$(B)/tools/isa-speed: tools/vsvm/bench/isa_speed.c \
		tools/vsvm/gpu/kernels/vsvm_bench_kernels.h \
		$(B)/gpu/embed/bench.o $(B)/tools/lib/libvsvm.a
	@echo "  CC      $@"
	@gcc $(VSVM_CFLAGS) -I tools/vsvm/gpu/kernels $< $(B)/gpu/embed/bench.o \
		$(B)/tools/lib/libvsvm.a -ldrm -o $@
$(B)/tools/vram-migrate: tools/vsvm/bench/vram_migrate.c $(B)/tools/lib/libvsvm.a
	@echo "  CC      $@"
	@gcc $(VSVM_CFLAGS) $< $(B)/tools/lib/libvsvm.a -ldrm -o $@

TOOLS += $(B)/tools/vsvm-img $(B)/tools/vsvm-demo

# GPU programs for the RISC-V profile (drivers/gpu/drm/vsvm/hw/
# vsvm_isa_rv64.h), C built freestanding with clang and linked with ld.lld
# into position-independent ELF images (the format: the comment at the top
# of tools/vsvm/lib/vsvm_program.c). Each tools/vsvm/gpu/kernels/NAME.c
# (NAME a C identifier) and the device runtime tools/vsvm/gpu/lib/*.c make
# build/gpu/NAME.elf, checked by scripts/check-gpu-image.py as it is
# linked; build/gpu/embed/NAME.o holds it for a host binary as
# vsvm_gpu_NAME_elf[] and vsvm_gpu_NAME_elf_size (VSVM_GPU_IMAGE() in
# tools/vsvm/lib/vsvm_program.h), and build/gpu/libvsvm-gpu-images.a has
# them all. Argument blocks: tools/vsvm/gpu/kernels/vsvm_kernels.h (the
# demo's and the benchmarks': vsvm_demo_kernels.h, vsvm_bench_kernels.h).
# The IGT tests' programs, igt-tests/gpu/NAME.c, are built the same way
# (but not into the archive); a NAME may not be in both directories.
GPU_CC ?= clang
GPU_LD ?= ld.lld
GPU_OBJDUMP ?= llvm-objdump
GPU_CFLAGS := --target=riscv64-unknown-elf -march=rv64imafd -mabi=lp64d \
	-mcmodel=medany -mno-relax -fPIE -O2 -ffreestanding -nostdlib \
	-nostdlibinc -fno-math-errno -ffp-contract=off -ffunction-sections \
	-fdata-sections -fno-unwind-tables -fno-asynchronous-unwind-tables \
	-Wall -Wextra -I tools/vsvm/gpu/include -I tools/vsvm/gpu/kernels
GPU_LDFLAGS := -pie --no-dynamic-linker --export-dynamic --hash-style=sysv \
	-z norelro --no-rosegment -z max-page-size=4096 --gc-sections -e 0
GPU_SRCS := $(wildcard tools/vsvm/gpu/kernels/*.c)
GPU_NAMES := $(patsubst tools/vsvm/gpu/kernels/%.c,%,$(GPU_SRCS))
GPU_RT_SRCS := $(wildcard tools/vsvm/gpu/lib/*.c)
GPU_RT_OBJS := $(patsubst tools/vsvm/gpu/lib/%.c,$(B)/gpu/obj/rt/%.o,$(GPU_RT_SRCS))
GPU_HDRS := $(wildcard tools/vsvm/gpu/include/*.h tools/vsvm/gpu/kernels/*.h)
GPU_IMAGES := $(GPU_NAMES:%=$(B)/gpu/%.elf)
GPU_EMBED := $(GPU_NAMES:%=$(B)/gpu/embed/%.o)

.SECONDARY: $(GPU_NAMES:%=$(B)/gpu/obj/%.o) $(GPU_RT_OBJS)
.SECONDARY: $(IGT_GPU_NAMES:%=$(B)/gpu/obj/%.o) \
	$(IGT_GPU_NAMES:%=$(B)/gpu/%.elf) $(IGT_GPU_EMBED)
$(if $(filter $(GPU_NAMES),$(IGT_GPU_NAMES)),$(error GPU program in both \
	tools/vsvm/gpu/kernels and igt-tests/gpu: \
	$(filter $(GPU_NAMES),$(IGT_GPU_NAMES))))

$(B)/gpu/obj/%.o: tools/vsvm/gpu/kernels/%.c $(GPU_HDRS) | deps
	@mkdir -p $(@D)
	@echo "  GPU CC  $@"
	@$(GPU_CC) $(GPU_CFLAGS) -c $< -o $@
$(B)/gpu/obj/%.o: igt-tests/gpu/%.c $(GPU_HDRS) $(wildcard igt-tests/gpu/*.h) \
		| deps
	@mkdir -p $(@D)
	@echo "  GPU CC  $@"
	@$(GPU_CC) $(GPU_CFLAGS) -c $< -o $@
$(B)/gpu/obj/rt/%.o: tools/vsvm/gpu/lib/%.c $(GPU_HDRS) | deps
	@mkdir -p $(@D)
	@echo "  GPU CC  $@"
	@$(GPU_CC) $(GPU_CFLAGS) -c $< -o $@
$(B)/gpu/%.elf: $(B)/gpu/obj/%.o $(GPU_RT_OBJS) scripts/check-gpu-image.py
	@echo "  GPU LD  $@"
	@$(GPU_LD) $(GPU_LDFLAGS) $< $(GPU_RT_OBJS) -o $@.tmp
	@scripts/check-gpu-image.py --objdump $(GPU_OBJDUMP) $@.tmp || \
		{ rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@
$(B)/gpu/embed/%.o: $(B)/gpu/%.elf
	@mkdir -p $(@D)
	@echo "  EMBED   $@"
	@printf '%s\n' '/* Generated from $<. */' \
		'	.section .rodata.vsvm_gpu_$*,"a",@progbits' \
		'	.balign 64' \
		'	.globl vsvm_gpu_$*_elf' \
		'	.type vsvm_gpu_$*_elf, @object' \
		'vsvm_gpu_$*_elf:' \
		'	.incbin "$<"' \
		'.Lvsvm_gpu_$*_end:' \
		'	.size vsvm_gpu_$*_elf, .Lvsvm_gpu_$*_end - vsvm_gpu_$*_elf' \
		'	.balign 8' \
		'	.globl vsvm_gpu_$*_elf_size' \
		'	.type vsvm_gpu_$*_elf_size, @object' \
		'vsvm_gpu_$*_elf_size:' \
		'	.quad .Lvsvm_gpu_$*_end - vsvm_gpu_$*_elf' \
		'	.size vsvm_gpu_$*_elf_size, 8' \
		'	.section .note.GNU-stack,"",@progbits' >$(@:.o=.S)
	@gcc -c $(@:.o=.S) -o $@

# All embedded images in one archive: a host binary links only those it
# names.
GPU_IMAGES_LIB := $(B)/gpu/libvsvm-gpu-images.a
$(GPU_IMAGES_LIB): $(GPU_EMBED)
	@echo "  AR      $@"
	@rm -f $@
	@ar rcs $@ $^

gpu: $(GPU_IMAGES) $(GPU_EMBED) $(GPU_IMAGES_LIB)

# Disassemble every image again (compressed or unknown instructions, CSRs).
gpu-check: gpu
	@echo "  CHECK   $(words $(GPU_IMAGES)) GPU images"
	@scripts/check-gpu-image.py --objdump $(GPU_OBJDUMP) $(GPU_IMAGES)

tools: $(TOOLS) gpu

# The README's first command: build what is needed, boot, run vsvm-demo.
demo: kernel tools
	@scripts/run-demo.sh $(KOUT) $(MODDIR)

igt: $(IGT_BINS)
	@mkdir -p $(B)/igt
	@for f in $(B)/igt/*; do \
		[ -e "$$f" ] || continue; \
		[ -e igt-tests/$$(basename $$f).c ] || rm -f "$$f"; \
	done

# Every in-tree user of hmm_range_fault(), one object each (kfd_svm.o is
# built by amdgpu's Makefile, hence its path).
COMPAT_OUT := $(B)/kernel-compat
COMPAT_FRAGMENTS := configs/base.config configs/compat.config
COMPAT_OBJS := \
	drivers/gpu/drm/nouveau/nouveau_svm.o \
	drivers/gpu/drm/nouveau/nouveau_dmem.o \
	drivers/gpu/drm/amd/amdgpu/amdgpu_hmm.o \
	drivers/gpu/drm/amd/amdgpu/../amdkfd/kfd_svm.o \
	drivers/gpu/drm/xe/xe_hmm.o \
	drivers/infiniband/core/umem_odp.o \
	lib/test_hmm.o

$(COMPAT_OUT)/.config: $(COMPAT_FRAGMENTS) Kconfig scripts/make-config.sh | tree
	@scripts/make-config.sh $(KSRC) $(COMPAT_OUT) $(COMPAT_FRAGMENTS)

# Then the option-off check (scripts/check-option-off.sh), which needs the
# prepared tree; it runs even when an object above failed, and either
# failing fails the target.
compat: tree $(COMPAT_OUT)/.config
	@rc=0; \
	scripts/compat-build.sh $(KSRC) $(COMPAT_OUT) $(B)/compat/compat.json \
		$(COMPAT_OBJS) || rc=1; \
	scripts/check-option-off.sh $(KSRC) $(COMPAT_OUT) $(B)/upstream \
		scripts/tree-edits.txt $(B)/compat/option-off.json || rc=1; \
	exit $$rc

# The compat stage is a test stage: a failure is counted in the summary
# rather than stopping the run, so it runs here, after the kernel (never two
# kernel builds at once).
test: kernel selftests igt tools
	@rm -f $(B)/compat/compat.json $(B)/compat/option-off.json \
		$(B)/compat/nouveau-build.json
	-@$(MAKE) --no-print-directory compat
	-@scripts/check-nouveau-build.sh $(KSRC) $(KOUT) $(MODDIR) \
		$(B)/compat/nouveau-build.json
	@scripts/run-tests.sh $(KOUT) $(MODDIR)

# Benchmarks run on the perf kernel (no debug checkers); recursive make so
# that FLAVOUR applies to the kernel rules.
bench: tools
	@$(MAKE) --no-print-directory FLAVOUR=perf kernel
	@scripts/run-bench.sh $(B)/kernel-perf $(B)/modroot-perf

vm: kernel
	@scripts/run-vm.sh shell $(KOUT) $(MODDIR)

clean:
	rm -rf $(B)
