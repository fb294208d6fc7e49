/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of IGT's core API that our tests use.
 *
 * Why this file exists: Debian bookworm's intel-gpu-tools (1.27.1) ships the
 * IGT core library, libigt.so.0, but no headers, and IGT's sources are not
 * available here.  Our tests in igt-tests/ are written with IGT's normal API,
 * exactly as inside IGT's own tree, so this header declares the subset of
 * that API they use, written from the documented ABI of libigt.so.0 1.27.1.
 * Every function and variable declared below is
 * exported by that library (checked with nm -D --defined-only).  It is not
 * IGT's own igt_core.h; only the entry points and macro behaviour match.
 *
 * Link with: -ligt -lm -lpthread
 */
#ifndef IGT_ABI_H
#define IGT_ABI_H

#include <getopt.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Exit codes of an IGT test (and of each --run-subtest run). */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_TIMEOUT	78
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

/* Userspace has no kernel __noreturn / __printf; spell the attributes out. */
#define __igt_abi_noreturn	__attribute__((noreturn))
#define __igt_abi_printf(f, a)	__attribute__((format(printf, f, a)))

/* Token pasting and unique local names for the block macros below. */
#define __igt_abi_cat2(a, b)	a##b
#define __igt_abi_cat(a, b)	__igt_abi_cat2(a, b)
#define __igt_abi_unique(x)	__igt_abi_cat(x, __COUNTER__)

/* ---- Logging ---------------------------------------------------------- */

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

extern enum igt_log_level igt_log_level;

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN		((const char *)NULL)
#endif

void igt_log(const char *domain, enum igt_log_level level,
	     const char *format, ...) __igt_abi_printf(3, 4);

#define igt_debug(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...)		igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, __VA_ARGS__)

/* ---- Test set-up and exit --------------------------------------------- */

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				int (*extra_opt_handler)(int opt, int opt_index,
							 void *data),
				void *handler_data);
void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				int (*extra_opt_handler)(int opt, int opt_index,
							 void *data),
				void *handler_data);
__igt_abi_noreturn void igt_exit(void);

/*
 * igt_main { ... } / igt_simple_main { ... }: the block becomes a static
 * function run between option parsing and igt_exit().
 */
#define __igt_abi_main(init, fn)					\
	static void fn(void);						\
	int main(int argc, char **argv)					\
	{								\
		init(&argc, argv, NULL, NULL, NULL, NULL, NULL);	\
		fn();							\
		igt_exit();						\
	}								\
	static void fn(void)

#define igt_main							\
	__igt_abi_main(igt_subtest_init_parse_opts,			\
		       __igt_abi_unique(__igt_real_main))
#define igt_simple_main							\
	__igt_abi_main(igt_simple_init_parse_opts,			\
		       __igt_abi_unique(__igt_real_main))

/* ---- Fixtures, subtests, dynamic subtests, groups ---------------------- */

extern jmp_buf igt_subtest_jmpbuf;
extern jmp_buf igt_dynamic_jmpbuf;

bool __igt_fixture(void);
void __igt_fixture_complete(void);
bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);
void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);
void igt_describe_f(const char *fmt, ...) __igt_abi_printf(1, 2);

void igt_success(void);
__igt_abi_noreturn void igt_fail(int exitcode);
__igt_abi_noreturn void igt_skip(const char *f, ...) __igt_abi_printf(1, 2);

/*
 * All block macros are for-loops so that "igt_subtest("x") { ... }" works as
 * one statement.  Failures and skips longjmp() back to the sigsetjmp() in the
 * loop condition, which then ends the loop: locals assigned inside a block
 * and read after it must be volatile or global.
 */
/* The counter is volatile: it lives across the sigsetjmp() (-Wclobbered). */
#define __igt_abi_fixture(i)						\
	for (volatile int i = 0;					\
	     i < 1 && __igt_fixture() &&				\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     i++, __igt_fixture_complete())
#define igt_fixture	__igt_abi_fixture(__igt_abi_unique(__igt_fixture_i))

#define igt_subtest(name)						\
	for (; __igt_run_subtest((name), __FILE__, __LINE__) &&	\
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_abi_subtest_f(buf, ...)					\
	for (char buf[256];						\
	     snprintf(buf, sizeof(buf), __VA_ARGS__),			\
	     __igt_run_subtest(buf, __FILE__, __LINE__) &&		\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())
#define igt_subtest_f(...)						\
	__igt_abi_subtest_f(__igt_abi_unique(__igt_name), __VA_ARGS__)

#define igt_subtest_with_dynamic(name)					\
	for (; __igt_run_subtest((name), __FILE__, __LINE__) &&	\
	       __igt_enter_dynamic_container() &&			\
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_abi_subtest_with_dynamic_f(buf, ...)			\
	for (char buf[256];						\
	     snprintf(buf, sizeof(buf), __VA_ARGS__),			\
	     __igt_run_subtest(buf, __FILE__, __LINE__) &&		\
	     __igt_enter_dynamic_container() &&				\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())
#define igt_subtest_with_dynamic_f(...)					\
	__igt_abi_subtest_with_dynamic_f(__igt_abi_unique(__igt_name),	\
					 __VA_ARGS__)

#define igt_dynamic(name)						\
	for (; __igt_run_dynamic_subtest(name) &&			\
	       sigsetjmp(igt_dynamic_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_abi_dynamic_f(buf, ...)					\
	for (char buf[256];						\
	     snprintf(buf, sizeof(buf), __VA_ARGS__),			\
	     __igt_run_dynamic_subtest(buf) &&				\
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0;			\
	     igt_success())
#define igt_dynamic_f(...)						\
	__igt_abi_dynamic_f(__igt_abi_unique(__igt_name), __VA_ARGS__)

#define __igt_abi_subtest_group(i, save, desc)				\
	for (int i = 0, save = 0, desc = 0;				\
	     i < 1 && (__igt_subtest_group_save(&save, &desc), true);	\
	     i++, __igt_subtest_group_restore(save, desc))
#define igt_subtest_group						\
	__igt_abi_subtest_group(__igt_abi_unique(__igt_group_i),	\
				__igt_abi_unique(__igt_group_save),	\
				__igt_abi_unique(__igt_group_desc))

/* Describes the subtest (or group) that follows it. */
#define igt_describe(dsc)	igt_describe_f("%s", (dsc))

/* ---- Assertions and requirements -------------------------------------- */

__igt_abi_noreturn
void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion,
		       const char *format, ...) __igt_abi_printf(6, 7);
__igt_abi_noreturn
void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *format, ...)
	__igt_abi_printf(5, 6);

#define igt_assert(expr)						\
	do {								\
		if (!(expr))						\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__, #expr,	\
					  NULL);			\
	} while (0)

#define igt_assert_f(expr, ...)						\
	do {								\
		if (!(expr))						\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__, #expr,	\
					  __VA_ARGS__);			\
	} while (0)

/*
 * Comparisons: each operand is evaluated once into a local of type T and
 * both values are printed with fmt on failure ("error: 1 != 2").
 */
#define __igt_abi_cmp(T, fmt, a, op, nop, b)				\
	do {								\
		T __igt_a = (a);					\
		T __igt_b = (b);					\
		if (!(__igt_a op __igt_b))				\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__,		\
					  #a " " #op " " #b,		\
					  "error: " fmt " " #nop " "	\
					  fmt "\n", __igt_a, __igt_b);	\
	} while (0)

#define igt_assert_eq(a, b)	__igt_abi_cmp(int, "%d", a, ==, !=, b)
#define igt_assert_neq(a, b)	__igt_abi_cmp(int, "%d", a, !=, ==, b)
#define igt_assert_lt(a, b)	__igt_abi_cmp(int, "%d", a, <, >=, b)
#define igt_assert_lte(a, b)	__igt_abi_cmp(int, "%d", a, <=, >, b)
#define igt_assert_gt(a, b)	__igt_abi_cmp(int, "%d", a, >, <=, b)
#define igt_assert_gte(a, b)	__igt_abi_cmp(int, "%d", a, >=, <, b)

#define igt_assert_eq_u32(a, b)	__igt_abi_cmp(uint32_t, "%#" PRIx32, a, ==, !=, b)
#define igt_assert_neq_u32(a, b) __igt_abi_cmp(uint32_t, "%#" PRIx32, a, !=, ==, b)

#define igt_assert_eq_s64(a, b)	__igt_abi_cmp(int64_t, "%" PRId64, a, ==, !=, b)
#define igt_assert_neq_s64(a, b) __igt_abi_cmp(int64_t, "%" PRId64, a, !=, ==, b)
#define igt_assert_lt_s64(a, b)	__igt_abi_cmp(int64_t, "%" PRId64, a, <, >=, b)
#define igt_assert_lte_s64(a, b) __igt_abi_cmp(int64_t, "%" PRId64, a, <=, >, b)

#define igt_assert_eq_u64(a, b)	__igt_abi_cmp(uint64_t, "%#" PRIx64, a, ==, !=, b)
#define igt_assert_neq_u64(a, b) __igt_abi_cmp(uint64_t, "%#" PRIx64, a, !=, ==, b)
#define igt_assert_lt_u64(a, b)	__igt_abi_cmp(uint64_t, "%#" PRIx64, a, <, >=, b)
#define igt_assert_lte_u64(a, b) __igt_abi_cmp(uint64_t, "%#" PRIx64, a, <=, >, b)

#define igt_assert_eq_ptr(a, b)	__igt_abi_cmp(const void *, "%p", a, ==, !=, b)
#define igt_assert_neq_ptr(a, b) __igt_abi_cmp(const void *, "%p", a, !=, ==, b)

/* A file descriptor (or fd-style return value) must be >= 0. */
#define igt_assert_fd(fd)						\
	do {								\
		int __igt_fd = (fd);					\
		if (__igt_fd < 0)					\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__,		\
					  #fd " >= 0",			\
					  "error: file descriptor %d\n",	\
					  __igt_fd);			\
	} while (0)

#define igt_require(expr)						\
	do {								\
		if (!(expr))						\
			__igt_skip_check(__FILE__, __LINE__, __func__,	\
					 #expr, NULL);			\
	} while (0)

#define igt_require_f(expr, ...)					\
	do {								\
		if (!(expr))						\
			__igt_skip_check(__FILE__, __LINE__, __func__,	\
					 #expr, __VA_ARGS__);		\
	} while (0)

#define igt_skip_on(expr)						\
	do {								\
		if ((expr))						\
			__igt_skip_check(__FILE__, __LINE__, __func__,	\
					 "!(" #expr ")", NULL);		\
	} while (0)

#define igt_skip_on_f(expr, ...)					\
	do {								\
		if ((expr))						\
			__igt_skip_check(__FILE__, __LINE__, __func__,	\
					 "!(" #expr ")", __VA_ARGS__);	\
	} while (0)

/* ---- Child processes --------------------------------------------------- */

bool __igt_fork(void);
void igt_waitchildren(void);

/*
 * igt_fork(child, n) { ... }: runs the block in n forked children, with
 * child = 0 .. n - 1; each child exits after the block.  Join them with
 * igt_waitchildren(), which fails the test if any child failed.
 */
#define igt_fork(child, num_children)					\
	for (int child = 0; child < (num_children); child++)		\
		for (; __igt_fork(); exit(0))

#endif /* IGT_ABI_H */
