/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvsvm: a small C library over libdrm for the vsvm driver
 * (include/uapi/drm/vsvm_drm.h). Functions return 0 or a negative errno;
 * vsvm_error() gives a message for the last failure of a context. The
 * library never exits or prints.
 */
#ifndef LIBVSVM_H
#define LIBVSVM_H

#include <stddef.h>
#include <stdint.h>

#include <drm/vsvm_drm.h>

struct vsvm;

/** struct vsvm_stats - the file's fault statistics (from fdinfo) */
struct vsvm_stats {
	long long faults, batches, replays, cancels, hmm_calls, hmm_ns, fault_ns;
	long long pages_4k, pages_2m, invalidations, page_tables;
};

int vsvm_open(struct vsvm **out);
void vsvm_close(struct vsvm *v);
const char *vsvm_error(const struct vsvm *v);
int vsvm_fd(const struct vsvm *v);
int vsvm_get_param(struct vsvm *v, uint32_t param, uint64_t *value);
/*
 * Mirror the calling process in long-running mode: GPU faults are served,
 * so programs use any process memory; launches complete by user fence.
 */
int vsvm_svm_init(struct vsvm *v, uint64_t unmanaged_addr,
		  uint64_t unmanaged_size);
int vsvm_bind(struct vsvm *v, void *start, size_t len, int write);
/*
 * Move [start, start + len) to the device's VRAM (vram != 0) or back to
 * system memory, by the GPU's copy engine, then map it for the GPU. Pages
 * that cannot move stay; the CPU touching a page in VRAM brings it back.
 */
int vsvm_migrate(struct vsvm *v, void *start, size_t len, int vram);
int vsvm_channel_create(struct vsvm *v, uint32_t *channel);
int vsvm_channel_destroy(struct vsvm *v, uint32_t channel);
/*
 * Launch and wait for its user fence; returns the launch's status (0, or
 * -EFAULT, -ETIMEDOUT, -EIO...).
 */
int vsvm_run(struct vsvm *v, uint32_t channel, const uint64_t *program,
	     uint32_t threads, const uint64_t *args, unsigned int nargs);
int vsvm_channel_error(struct vsvm *v, uint32_t channel,
		       struct drm_vsvm_channel_error *err);
int vsvm_stats(struct vsvm *v, struct vsvm_stats *stats);

#endif /* LIBVSVM_H */
