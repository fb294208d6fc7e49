// SPDX-License-Identifier: MIT
/*
 * The run-time support linked into every vsvm GPU image: the memory
 * functions clang may call on its own (structure copies and clears) or a
 * program calls. The GPU traps on a misaligned access, so these move
 * 8-byte words only when both sides allow it, and bytes otherwise.
 *
 * Hidden: not exported from the image (the linker drops the unused ones),
 * and built with no_builtin so that clang does not turn their loops back
 * into calls to themselves.
 */
#include "vsvm_device.h"

#define RT_FN(fn) \
	__attribute__((visibility("hidden"), no_builtin(fn)))

static inline bool rt_aligned8(uintptr_t a, uintptr_t b, size_t n)
{
	return !((a | b) & 7) && n >= 8;
}

RT_FN("memcpy") void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (rt_aligned8((uintptr_t)d, (uintptr_t)s, n)) {
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(uint64_t *)d = *(const uint64_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

RT_FN("memmove") void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || !n)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy from the end. */
	d += n;
	s += n;
	if (rt_aligned8((uintptr_t)d, (uintptr_t)s, n)) {
		for (; n >= 8; n -= 8) {
			d -= 8;
			s -= 8;
			*(uint64_t *)d = *(const uint64_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
	return dst;
}

RT_FN("memset") void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * 0x0101010101010101ULL;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = (unsigned char)c;
	for (; n >= 8; n -= 8, d += 8)
		*(uint64_t *)d = w;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

RT_FN("memcmp") int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
