// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical memory as the vsvm virtual GPU reaches it: VRAM by offset, or
 * system memory by DMA address.
 *
 * A system address is a DMA address of the bus device the model was
 * created for. Behind a translating IOMMU domain it is an IOVA, looked up
 * in that domain on every access as the IOMMU would translate the device's
 * transaction: an IOVA the domain does not map is an IOMMU fault, counted
 * in VSVM_IOMMU_FAULTS and failed like any address that is not memory.
 * (The lookup gives no permissions: a write through a mapping made
 * DMA_TO_DEVICE is refused by the GPU PTE's READ_ONLY bit, which the
 * driver always sets for such pages, not by the IOMMU.) Without a
 * translating domain (dma-direct, identity domain, or no bus device) a DMA
 * address is the physical address, as on x86 without memory encryption.
 *
 * System memory is reached through kmap_local_page() of the page frame,
 * after checking that the frame is online RAM with a direct mapping
 * (not ZONE_DEVICE, not a hole): an address that does not name such a
 * page is an error (-EFAULT), never a dereference.  All accesses are
 * split at page boundaries; naturally aligned accesses of up to 8 bytes
 * never cross one.
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "vsvm_hw_priv.h"

static struct page *vsvm_sysmem_page(struct vsvm_hw *hw, u64 addr)
{
	unsigned long pfn;
	struct page *page;

	if (hw->iommu) {
		phys_addr_t phys = iommu_iova_to_phys(hw->iommu, addr);

		if (!phys) {
			atomic64_inc(&hw->iommu_faults);
			return NULL;
		}
		addr = phys;
	}
	pfn = PHYS_PFN(addr);

	if (addr >> PAGE_SHIFT != (u64)pfn)
		return NULL;
	page = pfn_to_online_page(pfn);
	if (!page || is_zone_device_page(page))
		return NULL;
	/* Reserved frames may lack a direct mapping unless they are RAM. */
	if (PageReserved(page) && !is_zero_pfn(pfn) && page_is_ram(pfn) != 1)
		return NULL;
	return page;
}

/**
 * vsvm_mem_page() - the page behind a GPU physical address
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: VRAM offset or system address
 * @gfp: VRAM only: 0 to look up, or flags to back an unbacked page
 *
 * Return: the page; NULL for unbacked VRAM looked up with @gfp 0;
 * ERR_PTR(-EFAULT) for an address that is not memory the GPU may reach.
 */
struct page *vsvm_mem_page(struct vsvm_hw *hw, u8 target, u64 addr, gfp_t gfp)
{
	struct page *page;

	switch (target) {
	case VSVM_TARGET_VID_MEM:
		page = vsvm_vram_page(&hw->vram, addr, gfp);
		if (IS_ERR(page) && PTR_ERR(page) == -ERANGE)
			return ERR_PTR(-EFAULT);
		return page;
	case VSVM_TARGET_SYS_MEM_COHERENT:
	case VSVM_TARGET_SYS_MEM_NONCOHERENT:
		page = vsvm_sysmem_page(hw, addr);
		return page ? page : ERR_PTR(-EFAULT);
	default:
		return ERR_PTR(-EFAULT);
	}
}

/**
 * vsvm_mem_read() - read GPU-physical memory
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: start address
 * @buf: destination
 * @len: bytes
 *
 * Return: 0, or -EFAULT if some page is not reachable (@buf then holds
 * partial data).
 */
int vsvm_mem_read(struct vsvm_hw *hw, u8 target, u64 addr, void *buf,
		  size_t len)
{
	while (len) {
		size_t off = offset_in_page(addr);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = vsvm_mem_page(hw, target, addr, 0);
		void *vaddr;

		if (IS_ERR(page))
			return PTR_ERR(page);
		if (!page) {
			memset(buf, 0, n);
		} else {
			vaddr = kmap_local_page(page);
			memcpy(buf, vaddr + off, n);
			kunmap_local(vaddr);
		}
		buf += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/**
 * vsvm_mem_write() - write GPU-physical memory
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: start address
 * @buf: source
 * @len: bytes
 * @gfp: flags to back unbacked VRAM pages with
 *
 * Return: 0, -EFAULT if some page is not reachable, -ENOMEM if VRAM could
 * not be backed (a prefix may have been written).
 */
int vsvm_mem_write(struct vsvm_hw *hw, u8 target, u64 addr,
		   const void *buf, size_t len, gfp_t gfp)
{
	while (len) {
		size_t off = offset_in_page(addr);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = vsvm_mem_page(hw, target, addr, gfp);
		void *vaddr;

		if (IS_ERR(page))
			return PTR_ERR(page);
		if (!page)
			return -ENOMEM;
		vaddr = kmap_local_page(page);
		memcpy(vaddr + off, buf, n);
		kunmap_local(vaddr);
		buf += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/**
 * vsvm_mem_read64() - read one aligned little-endian qword atomically
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: 8-byte aligned address
 * @val: the value read
 *
 * Used for page-table entries, which the driver may update concurrently.
 *
 * Return: 0 or -EFAULT.
 */
int vsvm_mem_read64(struct vsvm_hw *hw, u8 target, u64 addr, u64 *val)
{
	return vsvm_mem_load(hw, target, addr & ~7ULL, 8, val);
}

/**
 * vsvm_mem_load() - naturally aligned load of 1, 4 or 8 bytes
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: address, aligned to @size
 * @size: 1, 2, 4 or 8
 * @val: the value, zero-extended
 *
 * Return: 0, -EFAULT, or -EINVAL for a bad size or alignment.
 */
int vsvm_mem_load(struct vsvm_hw *hw, u8 target, u64 addr,
		  unsigned int size, u64 *val)
{
	struct page *page;
	void *vaddr, *p;

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    (addr & (size - 1)))
		return -EINVAL;
	page = vsvm_mem_page(hw, target, addr, 0);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!page) {
		*val = 0;
		return 0;
	}
	vaddr = kmap_local_page(page);
	p = vaddr + offset_in_page(addr);
	if (size == 1)
		*val = READ_ONCE(*(u8 *)p);
	else if (size == 2)
		*val = le16_to_cpu(READ_ONCE(*(__le16 *)p));
	else if (size == 4)
		*val = le32_to_cpu(READ_ONCE(*(__le32 *)p));
	else
		*val = le64_to_cpu(READ_ONCE(*(__le64 *)p));
	kunmap_local(vaddr);
	return 0;
}

/**
 * vsvm_mem_store() - naturally aligned store of 1, 4 or 8 bytes
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: address, aligned to @size
 * @size: 1, 2, 4 or 8
 * @val: the value (low @size bytes are stored)
 * @gfp: flags to back an unbacked VRAM page with
 *
 * Return: 0, -EFAULT, -ENOMEM, or -EINVAL for a bad size or alignment.
 */
int vsvm_mem_store(struct vsvm_hw *hw, u8 target, u64 addr,
		   unsigned int size, u64 val, gfp_t gfp)
{
	struct page *page;
	void *vaddr, *p;

	if ((size != 1 && size != 2 && size != 4 && size != 8) ||
	    (addr & (size - 1)))
		return -EINVAL;
	page = vsvm_mem_page(hw, target, addr, gfp);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!page)
		return -ENOMEM;
	vaddr = kmap_local_page(page);
	p = vaddr + offset_in_page(addr);
	if (size == 1)
		WRITE_ONCE(*(u8 *)p, (u8)val);
	else if (size == 2)
		WRITE_ONCE(*(__le16 *)p, cpu_to_le16((u16)val));
	else if (size == 4)
		WRITE_ONCE(*(__le32 *)p, cpu_to_le32((u32)val));
	else
		WRITE_ONCE(*(__le64 *)p, cpu_to_le64(val));
	kunmap_local(vaddr);
	return 0;
}

/**
 * vsvm_amo_apply() - the value a read-modify-write stores
 * @op: the operation
 * @size: 4 or 8 (32-bit operations compare and wrap in 32 bits)
 * @old: the value memory holds
 * @operand: the operation's operand
 * @expected: for VSVM_AMO_CAS, the value memory must hold
 *
 * Return: the new value (@old when a compare-and-swap fails).
 */
u64 vsvm_amo_apply(enum vsvm_amo op, unsigned int size, u64 old,
		   u64 operand, u64 expected)
{
	bool w = size == 4;
	s64 so = w ? (s32)old : (s64)old;
	s64 sp = w ? (s32)operand : (s64)operand;
	u64 uo = w ? (u32)old : old;
	u64 up = w ? (u32)operand : operand;

	switch (op) {
	case VSVM_AMO_SWAP:
		return operand;
	case VSVM_AMO_ADD:
		return old + operand;
	case VSVM_AMO_XOR:
		return old ^ operand;
	case VSVM_AMO_AND:
		return old & operand;
	case VSVM_AMO_OR:
		return old | operand;
	case VSVM_AMO_MIN:
		return so < sp ? old : operand;
	case VSVM_AMO_MAX:
		return so > sp ? old : operand;
	case VSVM_AMO_MINU:
		return uo < up ? old : operand;
	case VSVM_AMO_MAXU:
		return uo > up ? old : operand;
	default: /* VSVM_AMO_CAS */
		return (w ? (u32)old == (u32)expected : old == expected) ?
		       operand : old;
	}
}

/**
 * vsvm_mem_amo() - atomic read-modify-write of GPU-physical memory
 * @hw: the device
 * @target: VSVM_TARGET_*
 * @addr: address, aligned to @size
 * @size: 4 or 8
 * @op: the operation
 * @operand: its operand
 * @old: in: the expected value (VSVM_AMO_CAS); out: the old memory value,
 *	zero-extended
 *
 * Atomic against other execution units and against the CPU.
 *
 * Return: 0, -EFAULT, -ENOMEM, or -EINVAL for a bad size or alignment.
 */
int vsvm_mem_amo(struct vsvm_hw *hw, u8 target, u64 addr,
		 unsigned int size, enum vsvm_amo op, u64 operand, u64 *old)
{
	u64 expected = *old, cur, new;
	struct page *page;
	void *vaddr, *p;

	if ((size != 4 && size != 8) || (addr & (size - 1)) ||
	    op > VSVM_AMO_CAS)
		return -EINVAL;
	page = vsvm_mem_page(hw, target, addr, GFP_KERNEL);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (!page)
		return -ENOMEM;
	vaddr = kmap_local_page(page);
	p = vaddr + offset_in_page(addr);
	if (size == 8) {
		u64 c64 = READ_ONCE(*(u64 *)p);

		do {
			new = vsvm_amo_apply(op, 8, c64, operand, expected);
		} while (!try_cmpxchg64((u64 *)p, &c64, new));
		cur = c64;
	} else {
		u32 c32 = READ_ONCE(*(u32 *)p);

		do {
			new = vsvm_amo_apply(op, 4, c32, operand, expected);
		} while (!try_cmpxchg((u32 *)p, &c32, (u32)new));
		cur = c32;
	}
	kunmap_local(vaddr);
	*old = cur;
	return 0;
}

/**
 * vsvm_mem_copy() - copy between GPU-physical ranges (copy engine)
 * @hw: the device
 * @dst_target: VSVM_TARGET_* of the destination
 * @dst: destination address
 * @src_target: VSVM_TARGET_* of the source
 * @src: source address
 * @len: bytes
 *
 * May sleep.  Overlapping ranges give an undefined result, as on hardware.
 *
 * Return: 0; -EFAULT if the source is not reachable (-EIO for the
 * destination) or -ENOMEM; the destination may be partly written.
 */
int vsvm_mem_copy(struct vsvm_hw *hw, u8 dst_target, u64 dst,
		  u8 src_target, u64 src, u64 len)
{
	while (len) {
		size_t n = min3((u64)PAGE_SIZE - offset_in_page(src),
				(u64)PAGE_SIZE - offset_in_page(dst), len);
		struct page *spage, *dpage;
		void *saddr, *daddr;

		spage = vsvm_mem_page(hw, src_target, src, 0);
		if (IS_ERR(spage))
			return -EFAULT;
		dpage = vsvm_mem_page(hw, dst_target, dst, GFP_KERNEL);
		if (IS_ERR(dpage))
			return PTR_ERR(dpage) == -ENOMEM ? -ENOMEM : -EIO;
		if (!dpage)
			return -ENOMEM;

		daddr = kmap_local_page(dpage);
		if (spage) {
			saddr = kmap_local_page(spage);
			memcpy(daddr + offset_in_page(dst),
			       saddr + offset_in_page(src), n);
			kunmap_local(saddr);
		} else {
			memset(daddr + offset_in_page(dst), 0, n);
		}
		kunmap_local(daddr);
		src += n;
		dst += n;
		len -= n;
		cond_resched();
	}
	return 0;
}

/**
 * vsvm_mem_fill32() - fill a GPU-physical range with a 32-bit pattern
 * @hw: the device
 * @dst_target: VSVM_TARGET_*
 * @dst: destination address, 4-aligned
 * @pattern: the pattern
 * @len: bytes, a multiple of 4
 *
 * Return: 0, -EINVAL for bad alignment, -EIO or -ENOMEM.
 */
int vsvm_mem_fill32(struct vsvm_hw *hw, u8 dst_target, u64 dst,
		    u32 pattern, u64 len)
{
	if ((dst | len) & 3)
		return -EINVAL;
	while (len) {
		size_t n = min_t(u64, PAGE_SIZE - offset_in_page(dst), len);
		struct page *page;
		__le32 *p;
		size_t i;

		page = vsvm_mem_page(hw, dst_target, dst, GFP_KERNEL);
		if (IS_ERR(page))
			return PTR_ERR(page) == -ENOMEM ? -ENOMEM : -EIO;
		if (!page)
			return -ENOMEM;
		p = kmap_local_page(page);
		for (i = 0; i < n / 4; i++)
			p[offset_in_page(dst) / 4 + i] = cpu_to_le32(pattern);
		kunmap_local(p);
		dst += n;
		len -= n;
		cond_resched();
	}
	return 0;
}
