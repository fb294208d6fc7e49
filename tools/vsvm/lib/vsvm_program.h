/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GPU program images for the RISC-V profile of the vsvm GPU (the
 * reference is the kernel's drivers/gpu/drm/vsvm/hw/vsvm_isa_rv64.h):
 * loading a position-independent ELF image into process memory, where the
 * GPU fetches it through the process mirror, and finding its kernels.
 * vsvm_program.c describes the accepted image format. Needs no GPU and no
 * libdrm; launching is libvsvm's vsvm_launch_grid() (libvsvm.h).
 */
#ifndef VSVM_PROGRAM_H
#define VSVM_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

struct vsvm_program;

/* Largest image (file, and span of its loaded segments) accepted. */
#define VSVM_PROGRAM_MAX_SIZE		(256u << 20)
/* Largest segment alignment accepted. */
#define VSVM_PROGRAM_MAX_ALIGN		(64u << 10)

/**
 * vsvm_program_load() - validate and load an image
 * @elf: the ELF file's bytes (any alignment; not kept)
 * @size: its size
 * @err: receives a message on failure (may be NULL)
 * @errlen: size of @err
 *
 * Checks the whole image (vsvm_program.c lists what is accepted), copies
 * its segments into page-aligned anonymous memory of their own, zeroes
 * what the file does not hold (.bss), applies its relocations and keeps
 * its symbols.
 *
 * Return: the program, or NULL with errno set (EINVAL for a bad image,
 * with @err saying why; ENOMEM) and @err set.
 */
struct vsvm_program *vsvm_program_load(const void *elf, size_t size,
				       char *err, size_t errlen);

/**
 * vsvm_program_open() - vsvm_program_load() from a file
 * @path: the file
 * @err: receives a message on failure, naming the file (may be NULL)
 * @errlen: size of @err
 *
 * Return: the program, or NULL with errno set.
 */
struct vsvm_program *vsvm_program_open(const char *path, char *err,
				       size_t errlen);

/* Unmap the loaded image and free @p (NULL is fine). */
void vsvm_program_free(struct vsvm_program *p);

/**
 * vsvm_program_symbol() - process address of an exported symbol
 * @p: the program
 * @name: a global function or object of the image, e.g. a VSVM_KERNEL()
 *
 * Return: its address in the loaded image (for a kernel, the program
 * address to launch), or 0 if the image has no such global symbol.
 */
uint64_t vsvm_program_symbol(const struct vsvm_program *p, const char *name);

/**
 * vsvm_program_symbol_at() - the image's global symbols, one by one
 * @p: the program
 * @index: 0, 1, ... (in the order of their names)
 * @addr: receives the symbol's process address (may be NULL)
 *
 * Return: the @index-th global symbol's name, NULL past the last.
 */
const char *vsvm_program_symbol_at(const struct vsvm_program *p,
				   size_t index, uint64_t *addr);

/**
 * vsvm_program_addr_name() - which function or object holds an address
 * @p: the program
 * @addr: a process address, e.g. the pc of struct drm_vsvm_channel_error
 * @offset: receives @addr's offset in it (may be NULL)
 *
 * Looks at every function and object symbol the image has (static ones
 * too, when it keeps .symtab).
 *
 * Return: the symbol's name, or NULL.
 */
const char *vsvm_program_addr_name(const struct vsvm_program *p,
				   uint64_t addr, uint64_t *offset);

/*
 * The loaded image: its first byte (page aligned) and size, e.g. for
 * vsvm_bind() in fence mode, where the GPU must find it mapped.
 */
void *vsvm_program_base(const struct vsvm_program *p);
size_t vsvm_program_size(const struct vsvm_program *p);
/* Address the image was linked at (its first segment's, page aligned). */
uint64_t vsvm_program_link_base(const struct vsvm_program *p);
/* Relocations applied by the load. */
size_t vsvm_program_relocations(const struct vsvm_program *p);

/*
 * Images embedded in a host binary by the Makefile (build/gpu/NAME.o,
 * from build/gpu/NAME.elf): VSVM_GPU_IMAGE(NAME) declares the bytes
 * vsvm_gpu_NAME_elf[] and their size vsvm_gpu_NAME_elf_size;
 * VSVM_GPU_IMAGE_LOAD(NAME, err, errlen) loads them.
 */
#define VSVM_GPU_IMAGE(name)						\
	extern const unsigned char vsvm_gpu_##name##_elf[];		\
	extern const uint64_t vsvm_gpu_##name##_elf_size

#define VSVM_GPU_IMAGE_LOAD(name, err, errlen)				\
	vsvm_program_load(vsvm_gpu_##name##_elf,			\
			  (size_t)vsvm_gpu_##name##_elf_size, err, errlen)

#endif /* VSVM_PROGRAM_H */
