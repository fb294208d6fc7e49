/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Snapshot benchmarks' control files (CONFIG_HMM_BENCH, mm/hmm_bench.c),
 * shared with drivers that time their own fault paths the same way.
 */
#ifndef LINUX_HMM_BENCH_H
#define LINUX_HMM_BENCH_H

#include <linux/types.h>

struct dentry;
struct device;

/**
 * struct hmm_bench_result - outcome of one measurement
 * @ret: 0 or the negative errno of the measured call
 * @ns: time of the successful pass
 * @npages: pages in the range
 * @retries: passes lost to -EBUSY before it
 * @hash: position-sensitive hash of the installed page table
 */
struct hmm_bench_result {
	int ret;
	u64 ns;
	unsigned long npages;
	unsigned int retries;
	u64 hash;
};

/**
 * struct hmm_bench_ctl - what a benchmark's control file measures
 * @modes: the mode names a write may give
 * @nmodes: number of @modes
 * @max_len: largest range a write may give, in bytes
 * @snap: whether a write may add "snap" (no fault request)
 * @measure: time @mode on [@start, @start + @len) of the calling process
 *	(validated: page aligned, below TASK_SIZE, at most @max_len) and fill
 *	@res, zeroed before the call
 */
struct hmm_bench_ctl {
	const char * const *modes;
	unsigned int nmodes;
	unsigned long max_len;
	bool snap;
	void (*measure)(unsigned int mode, unsigned long start,
			unsigned long len, bool snap,
			struct hmm_bench_result *res);
};

void hmm_bench_ctl_create(struct dentry *dir, const struct hmm_bench_ctl *ctl);
struct device *hmm_bench_dma_device(bool direct);

#endif
