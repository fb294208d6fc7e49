// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of GPU program images (vsvm_program.h).
 *
 * Image format: an ELF file as ld.lld makes it from objects built for the
 * vsvm RISC-V profile (the Makefile's GPU_CFLAGS and GPU_LDFLAGS: -fPIE,
 * "ld.lld -pie --no-dynamic-linker --export-dynamic --hash-style=sysv
 * -z norelro --no-rosegment -e 0"):
 *
 *  - ELF header: ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ET_DYN, EM_RISCV;
 *    e_flags exactly EF_RISCV_FLOAT_ABI_DOUBLE (lp64d): EF_RISCV_RVC (the
 *    GPU has no compressed instructions), RVE, TSO and other float ABIs
 *    are refused. e_entry is not used: kernels are found by symbol.
 *  - Program headers: at least one PT_LOAD; PT_LOAD segments in
 *    ascending, non-overlapping address order, p_filesz <= p_memsz, file
 *    bytes inside the file, p_align 0 or a power of two up to
 *    VSVM_PROGRAM_MAX_ALIGN, the whole span at most VSVM_PROGRAM_MAX_SIZE.
 *    At most one PT_DYNAMIC, inside a segment's file bytes. PT_INTERP and
 *    PT_TLS are refused (no dynamic linker; no thread pointer on the
 *    GPU); PT_PHDR, PT_NOTE, PT_GNU_*, PT_RISCV_ATTRIBUTES are ignored, any
 *    other type is refused.
 *  - The image is loaded at any page-aligned address (alignment raised to
 *    the largest p_align): all segments into one anonymous read-write
 *    mapping of their span, the bytes past p_filesz zeroed. Segment
 *    permissions are not kept (the GPU reads code as data, through the
 *    process mirror).
 *  - Relocations: DT_RELA / DT_RELASZ / DT_RELAENT (24) of the dynamic
 *    section, read from the file, table inside a segment's file bytes.
 *    Only R_RISCV_RELATIVE (symbol 0; the 8 bytes at r_offset, inside a
 *    segment, become load bias + r_addend) and R_RISCV_NONE are accepted.
 *    A dynamic section asking for more than that is refused: DT_NEEDED,
 *    DT_REL*, DT_RELR*, DT_JMPREL (PLT relocations), DT_INIT*, DT_FINI*,
 *    DT_PREINIT_ARRAY* (constructors never run). Other tags are ignored.
 *  - Symbols: from the SHT_SYMTAB and SHT_DYNSYM sections (entries and
 *    string tables in bounds, names NUL-terminated, defined symbols inside
 *    the span), or, without section headers, from DT_SYMTAB, DT_STRTAB,
 *    DT_STRSZ and the DT_HASH table's count. Global and weak symbols
 *    are what vsvm_program_symbol() finds (kernels are exported with
 *    --export-dynamic, so .dynsym has them even in a stripped image);
 *    local functions and objects name addresses (vsvm_program_addr_name()).
 *  - Section headers are optional; when present they must lie in the
 *    file, each section's bytes too (SHT_NOBITS aside), and extended
 *    numbering is refused. A .riscv.attributes section, if any, must
 *    name an architecture within rv64imafd (plus zicsr and zifencei).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vsvm_program.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the loader reads little-endian ELF files in place"
#endif

#ifndef PT_RISCV_ATTRIBUTES
#define PT_RISCV_ATTRIBUTES	(PT_LOPROC + 3)
#endif
#ifndef SHT_RISCV_ATTRIBUTES
#define SHT_RISCV_ATTRIBUTES	(SHT_LOPROC + 3)
#endif
#ifndef PT_GNU_PROPERTY
#define PT_GNU_PROPERTY		0x6474e553
#endif
#ifndef DT_RELR
#define DT_RELRSZ		35
#define DT_RELR			36
#define DT_RELRENT		37
#endif

/* Most program headers, sections and symbols an image may have. */
#define MAX_PHDRS		64
#define MAX_SYMS		(1u << 16)
/* Tag_RISCV_arch of .riscv.attributes. */
#define TAG_RISCV_ARCH		5

struct sym {
	uint64_t value;		/* link-time address */
	uint64_t size;
	const char *name;	/* in the program's name pool */
	unsigned char bind, type;
};

struct vsvm_program {
	unsigned char *mem;	/* the loaded image */
	size_t size;
	uint64_t vmin;		/* link-time address of mem[0] */
	size_t nrelocs;
	struct sym *syms;	/* sorted: globals by name, then the rest */
	size_t nsyms, nglobals;
	char *names;
	/* the mapping holding mem */
	void *map;
	size_t map_len;
};

/* The state of one load. */
struct ld {
	const unsigned char *f;
	size_t fsize;
	char *err;
	size_t errlen;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHDRS];
	unsigned int nph;
	const Elf64_Phdr *dyn;
	/* symbols gathered before the name pool is made */
	struct sym *syms;
	size_t nsyms, cap, names_len;
	struct vsvm_program *p;
};

static __attribute__((format(printf, 2, 3)))
int fail(struct ld *l, const char *fmt, ...)
{
	va_list ap;

	if (l->err && l->errlen) {
		va_start(ap, fmt);
		vsnprintf(l->err, l->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* [off, off + len) lies in the file. */
static bool in_file(const struct ld *l, uint64_t off, uint64_t len)
{
	return off <= l->fsize && len <= l->fsize - off;
}

/* The PT_LOAD whose file bytes hold [vaddr, vaddr + len), or NULL. */
static const Elf64_Phdr *file_seg(const struct ld *l, uint64_t vaddr,
				  uint64_t len)
{
	unsigned int i;

	for (i = 0; i < l->nph; i++) {
		const Elf64_Phdr *ph = &l->ph[i];

		if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr &&
		    vaddr - ph->p_vaddr <= ph->p_filesz &&
		    len <= ph->p_filesz - (vaddr - ph->p_vaddr))
			return ph;
	}
	return NULL;
}

/* [vaddr, vaddr + len) lies in one PT_LOAD's memory. */
static bool in_seg(const struct ld *l, uint64_t vaddr, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < l->nph; i++) {
		const Elf64_Phdr *ph = &l->ph[i];

		if (ph->p_type == PT_LOAD && vaddr >= ph->p_vaddr &&
		    vaddr - ph->p_vaddr <= ph->p_memsz &&
		    len <= ph->p_memsz - (vaddr - ph->p_vaddr))
			return true;
	}
	return false;
}

/* File offset of [vaddr, vaddr + len) of a segment's file bytes, or -1. */
static int64_t vaddr_to_off(const struct ld *l, uint64_t vaddr, uint64_t len)
{
	const Elf64_Phdr *ph = file_seg(l, vaddr, len);

	return ph ? (int64_t)(ph->p_offset + (vaddr - ph->p_vaddr)) : -1;
}

static int check_ehdr(struct ld *l)
{
	const Elf64_Ehdr *eh = &l->eh;

	if (l->fsize < sizeof(*eh))
		return fail(l, "%zu bytes: too short for an ELF header",
			    l->fsize);
	memcpy(&l->eh, l->f, sizeof(l->eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(l, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(l, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(l, "not a little-endian ELF file");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return fail(l, "unknown ELF version");
	if (eh->e_machine != EM_RISCV)
		return fail(l, "machine %u, not RISC-V (%u)", eh->e_machine,
			    EM_RISCV);
	if (eh->e_type != ET_DYN)
		return fail(l, "ELF type %u: not a position-independent image (ET_DYN)",
			    eh->e_type);
	if (eh->e_flags & EF_RISCV_RVC)
		return fail(l, "compressed instructions (EF_RISCV_RVC): the GPU has no C extension");
	if (eh->e_flags != EF_RISCV_FLOAT_ABI_DOUBLE)
		return fail(l, "e_flags 0x%x: not the lp64d ABI (0x%x)",
			    eh->e_flags, EF_RISCV_FLOAT_ABI_DOUBLE);
	if (eh->e_ehsize < sizeof(*eh))
		return fail(l, "e_ehsize %u too small", eh->e_ehsize);
	return 0;
}

static int check_phdrs(struct ld *l)
{
	const Elf64_Ehdr *eh = &l->eh;
	uint64_t end = 0;
	unsigned int i, loads = 0;

	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(l, "e_phentsize %u, not %zu", eh->e_phentsize,
			    sizeof(Elf64_Phdr));
	if (!eh->e_phnum || eh->e_phnum > MAX_PHDRS)
		return fail(l, "%u program headers (1 to %u)", eh->e_phnum,
			    MAX_PHDRS);
	if (!in_file(l, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return fail(l, "program headers at 0x%llx past the end of the file",
			    (unsigned long long)eh->e_phoff);
	l->nph = eh->e_phnum;
	memcpy(l->ph, l->f + eh->e_phoff, l->nph * sizeof(Elf64_Phdr));

	for (i = 0; i < l->nph; i++) {
		const Elf64_Phdr *ph = &l->ph[i];

		switch (ph->p_type) {
		case PT_LOAD:
			if (ph->p_filesz > ph->p_memsz)
				return fail(l, "segment %u: file size over memory size", i);
			if (!in_file(l, ph->p_offset, ph->p_filesz))
				return fail(l, "segment %u: bytes past the end of the file", i);
			if (ph->p_memsz > VSVM_PROGRAM_MAX_SIZE ||
			    ph->p_vaddr > UINT64_MAX - ph->p_memsz)
				return fail(l, "segment %u: size 0x%llx too large", i,
					    (unsigned long long)ph->p_memsz);
			if (ph->p_align > VSVM_PROGRAM_MAX_ALIGN ||
			    (ph->p_align & (ph->p_align - 1)))
				return fail(l, "segment %u: alignment 0x%llx", i,
					    (unsigned long long)ph->p_align);
			if (loads && ph->p_vaddr < end)
				return fail(l, "segment %u: overlaps or precedes the one before", i);
			end = ph->p_vaddr + ph->p_memsz;
			loads++;
			break;
		case PT_DYNAMIC:
			if (l->dyn)
				return fail(l, "two dynamic segments");
			l->dyn = ph;
			break;
		case PT_INTERP:
			return fail(l, "an interpreter (PT_INTERP): link with --no-dynamic-linker");
		case PT_TLS:
			return fail(l, "thread-local storage (PT_TLS): the GPU has no thread pointer");
		case PT_NULL:
		case PT_NOTE:
		case PT_PHDR:
		case PT_GNU_STACK:
		case PT_GNU_RELRO:
		case PT_GNU_EH_FRAME:
		case PT_GNU_PROPERTY:
		case PT_RISCV_ATTRIBUTES:
			break;
		default:
			return fail(l, "segment %u: unsupported type 0x%x", i,
				    ph->p_type);
		}
	}
	if (!loads)
		return fail(l, "no loadable segment");
	if (l->dyn && !file_seg(l, l->dyn->p_vaddr, l->dyn->p_filesz))
		return fail(l, "dynamic segment outside the loaded file bytes");
	if (l->dyn && l->dyn->p_filesz % sizeof(Elf64_Dyn))
		return fail(l, "dynamic segment size %llu",
			    (unsigned long long)l->dyn->p_filesz);
	return 0;
}

/* Map the span of the PT_LOAD segments and copy them in. */
static int load_segments(struct ld *l)
{
	struct vsvm_program *p = l->p;
	uint64_t align = (uint64_t)sysconf(_SC_PAGESIZE), vmin = 0, vmax = 0;
	uint64_t lead;
	unsigned char *map;
	bool first = true;
	unsigned int i;

	for (i = 0; i < l->nph; i++)
		if (l->ph[i].p_type == PT_LOAD && l->ph[i].p_align > align)
			align = l->ph[i].p_align;
	for (i = 0; i < l->nph; i++) {
		const Elf64_Phdr *ph = &l->ph[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (first)
			vmin = ph->p_vaddr & ~(align - 1);
		first = false;
		vmax = ph->p_vaddr + ph->p_memsz;
	}
	if (vmax == vmin)
		return fail(l, "empty image");
	if (vmax - vmin > VSVM_PROGRAM_MAX_SIZE)
		return fail(l, "segments span 0x%llx bytes, more than %u",
			    (unsigned long long)(vmax - vmin),
			    VSVM_PROGRAM_MAX_SIZE);
	p->vmin = vmin;
	p->size = (vmax - vmin + align - 1) & ~(align - 1);

	/* Over-allocate to align, then give back the lead and the tail. */
	p->map_len = p->size + align - (uint64_t)sysconf(_SC_PAGESIZE);
	map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		p->map_len = 0;
		fail(l, "mmap of %zu bytes: %s", p->size, strerror(errno));
		return -ENOMEM;
	}
	lead = (align - (uintptr_t)map % align) % align;
	if (lead)
		munmap(map, lead);
	if (p->map_len - lead > p->size)
		munmap(map + lead + p->size, p->map_len - lead - p->size);
	p->map = map + lead;
	p->map_len = p->size;
	p->mem = p->map;

	for (i = 0; i < l->nph; i++) {
		const Elf64_Phdr *ph = &l->ph[i];

		if (ph->p_type == PT_LOAD && ph->p_filesz)
			memcpy(p->mem + (ph->p_vaddr - vmin),
			       l->f + ph->p_offset, ph->p_filesz);
	}
	return 0;
}

struct dyninfo {
	uint64_t rela, relasz, relaent;
	uint64_t symtab, strtab, strsz, syment, hash;
	bool has_rela, has_symtab, has_strtab, has_hash;
};

static int read_dynamic(struct ld *l, struct dyninfo *di)
{
	const Elf64_Phdr *ph = l->dyn;
	size_t i, n;
	int64_t off;

	memset(di, 0, sizeof(*di));
	if (!ph)
		return 0;
	off = vaddr_to_off(l, ph->p_vaddr, ph->p_filesz);
	n = ph->p_filesz / sizeof(Elf64_Dyn);
	for (i = 0; i < n; i++) {
		Elf64_Dyn d;

		memcpy(&d, l->f + off + i * sizeof(d), sizeof(d));
		switch (d.d_tag) {
		case DT_NULL:
			return 0;
		case DT_RELA:
			di->rela = d.d_un.d_ptr;
			di->has_rela = true;
			break;
		case DT_RELASZ:
			di->relasz = d.d_un.d_val;
			break;
		case DT_RELAENT:
			di->relaent = d.d_un.d_val;
			break;
		case DT_SYMTAB:
			di->symtab = d.d_un.d_ptr;
			di->has_symtab = true;
			break;
		case DT_STRTAB:
			di->strtab = d.d_un.d_ptr;
			di->has_strtab = true;
			break;
		case DT_STRSZ:
			di->strsz = d.d_un.d_val;
			break;
		case DT_SYMENT:
			di->syment = d.d_un.d_val;
			break;
		case DT_HASH:
			di->hash = d.d_un.d_ptr;
			di->has_hash = true;
			break;
		case DT_NEEDED:
			return fail(l, "needs a shared library (DT_NEEDED)");
		case DT_REL:
		case DT_RELSZ:
		case DT_RELENT:
			return fail(l, "REL relocations: only RELA are supported");
		case DT_RELR:
		case DT_RELRSZ:
		case DT_RELRENT:
			return fail(l, "RELR relocations: only RELA are supported");
		case DT_JMPREL:
			return fail(l, "PLT relocations (DT_JMPREL)");
		case DT_PLTRELSZ:
			if (d.d_un.d_val)
				return fail(l, "PLT relocations (DT_PLTRELSZ)");
			break;
		case DT_INIT:
		case DT_FINI:
		case DT_INIT_ARRAY:
		case DT_FINI_ARRAY:
		case DT_PREINIT_ARRAY:
			return fail(l, "constructors or destructors (dynamic tag %lld): nothing runs them",
				    (long long)d.d_tag);
		default:
			break;
		}
	}
	return fail(l, "dynamic section without DT_NULL");
}

static int apply_relocations(struct ld *l, const struct dyninfo *di)
{
	struct vsvm_program *p = l->p;
	uint64_t bias = (uintptr_t)p->mem - p->vmin;
	int64_t off;
	size_t i, n;

	if (!di->has_rela) {
		if (di->relasz)
			return fail(l, "DT_RELASZ without DT_RELA");
		return 0;
	}
	if (di->relaent && di->relaent != sizeof(Elf64_Rela))
		return fail(l, "DT_RELAENT %llu, not %zu",
			    (unsigned long long)di->relaent, sizeof(Elf64_Rela));
	if (di->relasz % sizeof(Elf64_Rela))
		return fail(l, "DT_RELASZ %llu: not whole entries",
			    (unsigned long long)di->relasz);
	off = vaddr_to_off(l, di->rela, di->relasz);
	if (off < 0)
		return fail(l, "relocation table outside the loaded file bytes");
	n = di->relasz / sizeof(Elf64_Rela);
	for (i = 0; i < n; i++) {
		Elf64_Rela r;
		uint64_t v;

		memcpy(&r, l->f + off + i * sizeof(r), sizeof(r));
		switch (ELF64_R_TYPE(r.r_info)) {
		case R_RISCV_NONE:
			continue;
		case R_RISCV_RELATIVE:
			break;
		default:
			return fail(l, "relocation %zu: type %llu, only R_RISCV_RELATIVE (%u) is supported",
				    i, (unsigned long long)ELF64_R_TYPE(r.r_info),
				    R_RISCV_RELATIVE);
		}
		if (ELF64_R_SYM(r.r_info))
			return fail(l, "relocation %zu: R_RISCV_RELATIVE with a symbol", i);
		if (!in_seg(l, r.r_offset, 8))
			return fail(l, "relocation %zu: offset 0x%llx outside the segments",
				    i, (unsigned long long)r.r_offset);
		v = bias + (uint64_t)r.r_addend;
		memcpy(p->mem + (r.r_offset - p->vmin), &v, sizeof(v));
		p->nrelocs++;
	}
	return 0;
}

/*
 * Gather the defined symbols of one table: @count entries at file offset
 * @off, names in the string table at @stroff, @strsz bytes.
 */
static int add_symbols(struct ld *l, const char *what, uint64_t off,
		       uint64_t count, uint64_t stroff, uint64_t strsz)
{
	const struct vsvm_program *p = l->p;
	const char *strtab;
	uint64_t i;

	if (count > MAX_SYMS || !in_file(l, off, count * sizeof(Elf64_Sym)))
		return fail(l, "%s: %llu symbols past the end of the file",
			    what, (unsigned long long)count);
	if (!in_file(l, stroff, strsz))
		return fail(l, "%s: string table past the end of the file", what);
	strtab = (const char *)l->f + stroff;
	for (i = 0; i < count; i++) {
		unsigned char type, bind;
		Elf64_Sym s;
		size_t len;

		memcpy(&s, l->f + off + i * sizeof(s), sizeof(s));
		type = ELF64_ST_TYPE(s.st_info);
		bind = ELF64_ST_BIND(s.st_info);
		if (s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
			continue;
		if (bind == STB_LOCAL ? type != STT_FUNC && type != STT_OBJECT :
		    type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
			continue;
		if (s.st_name >= strsz)
			return fail(l, "%s: symbol %llu: name outside the string table",
				    what, (unsigned long long)i);
		len = strnlen(strtab + s.st_name, strsz - s.st_name);
		if (len == strsz - s.st_name)
			return fail(l, "%s: symbol %llu: name not terminated",
				    what, (unsigned long long)i);
		if (!len)
			continue;
		if (s.st_value < p->vmin || s.st_value - p->vmin > p->size ||
		    s.st_size > p->size - (s.st_value - p->vmin)) {
			/* A linker-made marker may point anywhere. */
			if (type == STT_NOTYPE)
				continue;
			return fail(l, "%s: symbol %s outside the image", what,
				    strtab + s.st_name);
		}
		if (l->nsyms == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			struct sym *n;

			if (cap > 2 * MAX_SYMS)
				return fail(l, "more than %u symbols", 2 * MAX_SYMS);
			n = realloc(l->syms, cap * sizeof(*n));
			if (!n) {
				fail(l, "out of memory");
				return -ENOMEM;
			}
			l->syms = n;
			l->cap = cap;
		}
		l->syms[l->nsyms++] = (struct sym) {
			.value = s.st_value,
			.size = s.st_size,
			.name = strtab + s.st_name,	/* in the file, for now */
			.bind = bind,
			.type = type,
		};
		l->names_len += len + 1;
	}
	return 0;
}

/* Globals first, by name; then the others by address. */
static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	bool gx = x->bind != STB_LOCAL, gy = y->bind != STB_LOCAL;
	int c;

	if (gx != gy)
		return gx ? -1 : 1;
	if (gx) {
		c = strcmp(x->name, y->name);
		if (c)
			return c;
	}
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Sort, drop the symbols both tables have, copy the names. */
static int keep_symbols(struct ld *l)
{
	struct vsvm_program *p = l->p;
	size_t i, n = 0;
	char *pool;

	if (!l->nsyms)
		return 0;
	qsort(l->syms, l->nsyms, sizeof(*l->syms), sym_cmp);
	pool = p->names = malloc(l->names_len);
	if (!pool) {
		fail(l, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < l->nsyms; i++) {
		struct sym *s = &l->syms[i];
		size_t len;

		if (n && !sym_cmp(&l->syms[n - 1], s) &&
		    !strcmp(l->syms[n - 1].name, s->name))
			continue;
		len = strlen(s->name) + 1;
		memcpy(pool, s->name, len);
		l->syms[n] = *s;
		l->syms[n].name = pool;
		pool += len;
		if (s->bind != STB_LOCAL)
			p->nglobals++;
		n++;
	}
	p->syms = l->syms;
	p->nsyms = n;
	l->syms = NULL;
	return 0;
}

/* Is every extension of a Tag_RISCV_arch string one the GPU has? */
static bool arch_ok(const char *a, size_t len, char *bad, size_t badlen)
{
	const char *end = a + len, *s;

	if (len < 4 || strncmp(a, "rv64", 4))
		goto no;
	for (s = a + 4; s < end;) {
		if (*s == '_') {
			s++;
		} else if (strchr("zsxh", *s)) {
			const char *e = memchr(s, '_', end - s), *v;

			if (!e)
				e = end;
			/* Drop a version suffix: digits, or digits 'p' digits. */
			v = e;
			while (v > s && v[-1] >= '0' && v[-1] <= '9')
				v--;
			if (v < e && v - s > 1 && v[-1] == 'p' &&
			    v[-2] >= '0' && v[-2] <= '9') {
				v--;
				while (v > s && v[-1] >= '0' && v[-1] <= '9')
					v--;
			}
			if (!((v - s == 5 && !strncmp(s, "zicsr", 5)) ||
			      (v - s == 8 && !strncmp(s, "zifencei", 8)) ||
			      (v - s == 5 && !strncmp(s, "zmmul", 5)))) {
				snprintf(bad, badlen, "%.*s", (int)(v - s), s);
				return false;
			}
			s = e;
		} else if (strchr("imafdg", *s)) {
			s++;
			while (s < end && *s >= '0' && *s <= '9')
				s++;
			if (s + 1 < end && *s == 'p' && s[1] >= '0' && s[1] <= '9')
				for (s++; s < end && *s >= '0' && *s <= '9'; s++)
					;
		} else {
			snprintf(bad, badlen, "%c", *s);
			return false;
		}
	}
	return true;
no:
	snprintf(bad, badlen, "%.*s", (int)(len > 16 ? 16 : len), a);
	return false;
}

static bool uleb(const unsigned char **p, const unsigned char *end,
		 uint64_t *v)
{
	unsigned int shift = 0;

	*v = 0;
	while (*p < end && shift < 64) {
		unsigned char b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return true;
		shift += 7;
	}
	return false;
}

/* Check the architecture named by a .riscv.attributes section. */
static int check_attributes(struct ld *l, const Elf64_Shdr *sh)
{
	const unsigned char *a = l->f + sh->sh_offset, *end = a + sh->sh_size;
	char bad[32];

	if (!sh->sh_size)
		return 0;
	if (*a++ != 'A')
		return fail(l, ".riscv.attributes: unknown format version");
	while (a < end) {
		const unsigned char *sub = a, *subend, *name;
		uint32_t len;

		if (end - a < 4)
			return fail(l, ".riscv.attributes: truncated");
		memcpy(&len, a, 4);
		if (len < 4 || len > (size_t)(end - a))
			return fail(l, ".riscv.attributes: bad subsection length");
		subend = sub + len;
		name = a + 4;
		a = memchr(name, 0, subend - name);
		if (!a)
			return fail(l, ".riscv.attributes: vendor name not terminated");
		a++;
		if (strcmp((const char *)name, "riscv")) {
			a = subend;
			continue;
		}
		while (a < subend) {
			const unsigned char *blk = a, *blkend;
			uint64_t tag;
			uint32_t blen;

			if (!uleb(&a, subend, &tag) || subend - a < 4)
				return fail(l, ".riscv.attributes: truncated");
			memcpy(&blen, a, 4);
			a += 4;
			if (blen < (size_t)(a - blk) || blen > (size_t)(subend - blk))
				return fail(l, ".riscv.attributes: bad block length");
			blkend = blk + blen;
			if (tag != 1) {	/* only Tag_File blocks hold the arch */
				a = blkend;
				continue;
			}
			while (a < blkend) {
				uint64_t t, v;
				const unsigned char *z;

				if (!uleb(&a, blkend, &t))
					return fail(l, ".riscv.attributes: truncated");
				if (!(t & 1)) {	/* even tags: a number */
					if (!uleb(&a, blkend, &v))
						return fail(l, ".riscv.attributes: truncated");
					continue;
				}
				z = memchr(a, 0, blkend - a);
				if (!z)
					return fail(l, ".riscv.attributes: string not terminated");
				if (t == TAG_RISCV_ARCH &&
				    !arch_ok((const char *)a, z - a, bad, sizeof(bad)))
					return fail(l, "architecture %.*s: extension '%s' is not in rv64imafd",
						    (int)(z - a > 64 ? 64 : z - a),
						    (const char *)a, bad);
				a = z + 1;
			}
		}
		a = subend;
	}
	return 0;
}

static int check_sections(struct ld *l, bool *have_syms)
{
	const Elf64_Ehdr *eh = &l->eh;
	const unsigned char *base;
	unsigned int i;
	int ret;

	*have_syms = false;
	if (!eh->e_shoff)
		return 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return fail(l, "e_shentsize %u, not %zu", eh->e_shentsize,
			    sizeof(Elf64_Shdr));
	if (!eh->e_shnum || eh->e_shnum >= SHN_LORESERVE ||
	    eh->e_shstrndx == SHN_XINDEX)
		return fail(l, "extended section numbering");
	if (eh->e_shstrndx >= eh->e_shnum)
		return fail(l, "e_shstrndx %u out of range", eh->e_shstrndx);
	if (!in_file(l, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return fail(l, "section headers at 0x%llx past the end of the file",
			    (unsigned long long)eh->e_shoff);
	base = l->f + eh->e_shoff;
	for (i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh, str;

		memcpy(&sh, base + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
		    !in_file(l, sh.sh_offset, sh.sh_size))
			return fail(l, "section %u: bytes past the end of the file", i);
		if (sh.sh_type == SHT_RISCV_ATTRIBUTES) {
			ret = check_attributes(l, &sh);
			if (ret)
				return ret;
		}
		if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM)
			continue;
		if (sh.sh_entsize != sizeof(Elf64_Sym) ||
		    sh.sh_size % sizeof(Elf64_Sym))
			return fail(l, "section %u: symbol entries of %llu bytes",
				    i, (unsigned long long)sh.sh_entsize);
		if (!sh.sh_link || sh.sh_link >= eh->e_shnum)
			return fail(l, "section %u: no string table", i);
		memcpy(&str, base + sh.sh_link * sizeof(str), sizeof(str));
		if (str.sh_type != SHT_STRTAB)
			return fail(l, "section %u: linked section %u is not a string table",
				    i, sh.sh_link);
		ret = add_symbols(l, sh.sh_type == SHT_SYMTAB ? ".symtab" : ".dynsym",
				  sh.sh_offset, sh.sh_size / sizeof(Elf64_Sym),
				  str.sh_offset, str.sh_size);
		if (ret)
			return ret;
		*have_syms = true;
	}
	return 0;
}

/* Without section headers: the dynamic symbol table, counted by DT_HASH. */
static int dynamic_symbols(struct ld *l, const struct dyninfo *di)
{
	int64_t symoff, stroff, hashoff;
	uint32_t nchain;

	if (!di->has_symtab || !di->has_strtab || !di->has_hash)
		return 0;
	if (di->syment && di->syment != sizeof(Elf64_Sym))
		return fail(l, "DT_SYMENT %llu", (unsigned long long)di->syment);
	hashoff = vaddr_to_off(l, di->hash, 8);
	stroff = vaddr_to_off(l, di->strtab, di->strsz);
	if (hashoff < 0 || stroff < 0)
		return fail(l, "dynamic symbol tables outside the loaded file bytes");
	memcpy(&nchain, l->f + hashoff + 4, 4);
	symoff = vaddr_to_off(l, di->symtab, (uint64_t)nchain * sizeof(Elf64_Sym));
	if (symoff < 0)
		return fail(l, "dynamic symbol table outside the loaded file bytes");
	return add_symbols(l, "DT_SYMTAB", symoff, nchain, stroff, di->strsz);
}

struct vsvm_program *vsvm_program_load(const void *elf, size_t size,
				       char *err, size_t errlen)
{
	struct ld l = {
		.f = elf, .fsize = size, .err = err, .errlen = errlen,
	};
	struct dyninfo di;
	bool have_syms;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (size > VSVM_PROGRAM_MAX_SIZE) {
		ret = fail(&l, "%zu bytes: larger than %u", size,
			   VSVM_PROGRAM_MAX_SIZE);
		goto out;
	}
	l.p = calloc(1, sizeof(*l.p));
	if (!l.p) {
		ret = -ENOMEM;
		fail(&l, "out of memory");
		goto out;
	}
	ret = check_ehdr(&l);
	if (!ret)
		ret = check_phdrs(&l);
	if (!ret)
		ret = read_dynamic(&l, &di);
	if (!ret)
		ret = load_segments(&l);
	if (!ret)
		ret = apply_relocations(&l, &di);
	if (!ret)
		ret = check_sections(&l, &have_syms);
	if (!ret && !have_syms)
		ret = dynamic_symbols(&l, &di);
	if (!ret)
		ret = keep_symbols(&l);
out:
	free(l.syms);
	if (ret) {
		vsvm_program_free(l.p);
		errno = -ret;
		return NULL;
	}
	return l.p;
}

struct vsvm_program *vsvm_program_open(const char *path, char *err,
				       size_t errlen)
{
	struct vsvm_program *p = NULL;
	unsigned char *buf = NULL;
	size_t done = 0;
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > VSVM_PROGRAM_MAX_SIZE) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		goto fail;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		goto fail;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = EIO;	/* shrank under us */
			goto fail;
		}
		done += n;
	}
	close(fd);
	p = vsvm_program_load(buf, done, err, errlen);
	e = errno;
	free(buf);
	if (!p && err && errlen) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
	errno = e;
	return p;
fail:
	e = errno;
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = e;
	return NULL;
}

void vsvm_program_free(struct vsvm_program *p)
{
	if (!p)
		return;
	if (p->map)
		munmap(p->map, p->map_len);
	free(p->syms);
	free(p->names);
	free(p);
}

uint64_t vsvm_program_symbol(const struct vsvm_program *p, const char *name)
{
	size_t lo = 0, hi = p->nglobals;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, p->syms[mid].name);

		if (!c)
			return (uintptr_t)p->mem + (p->syms[mid].value - p->vmin);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *vsvm_program_symbol_at(const struct vsvm_program *p,
				   size_t index, uint64_t *addr)
{
	if (index >= p->nglobals)
		return NULL;
	if (addr)
		*addr = (uintptr_t)p->mem + (p->syms[index].value - p->vmin);
	return p->syms[index].name;
}

const char *vsvm_program_addr_name(const struct vsvm_program *p,
				   uint64_t addr, uint64_t *offset)
{
	const struct sym *best = NULL;
	uint64_t v;
	size_t i;

	if (addr < (uintptr_t)p->mem || addr - (uintptr_t)p->mem >= p->size)
		return NULL;
	v = addr - (uintptr_t)p->mem + p->vmin;
	for (i = 0; i < p->nsyms; i++) {
		const struct sym *s = &p->syms[i];

		if ((s->type != STT_FUNC && s->type != STT_OBJECT) ||
		    v < s->value || v - s->value >= s->size)
			continue;
		/* The smallest symbol that holds it; functions first. */
		if (!best || (s->type == STT_FUNC && best->type != STT_FUNC) ||
		    (s->type == best->type && s->size < best->size))
			best = s;
	}
	if (!best)
		return NULL;
	if (offset)
		*offset = v - best->value;
	return best->name;
}

void *vsvm_program_base(const struct vsvm_program *p)
{
	return p->mem;
}

size_t vsvm_program_size(const struct vsvm_program *p)
{
	return p->size;
}

uint64_t vsvm_program_link_base(const struct vsvm_program *p)
{
	return p->vmin;
}

size_t vsvm_program_relocations(const struct vsvm_program *p)
{
	return p->nrelocs;
}
