/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Included ahead of nouveau_svm.c (-include, Kbuild.hmm_format) when
 * CONFIG_DRM_NOUVEAU_SVM_HMM_FORMAT is on. nouveau_svm_fault() calls
 * NOUVEAU_SVM_RANGE_FAULT() for a non-atomic GPU fault (scripts/tree-edits.txt);
 * it becomes nouveau_svm_hmm_range_fault(), and 6.12's nouveau_range_fault()
 * when the device cannot use the format. With the option off the Makefile
 * defines the name back to nouveau_range_fault.
 */
#ifndef __NOUVEAU_SVM_HMM_H__
#define __NOUVEAU_SVM_HMM_H__
#include <linux/errno.h>
#include <linux/types.h>

struct hmm_pfn_format;
struct nouveau_drm;
struct nouveau_svmm;
struct nvif_vmm_pfnmap_v0;

bool nouveau_svm_hmm_format(struct nouveau_drm *drm,
			    struct hmm_pfn_format *format);

int nouveau_svm_hmm_range_fault(struct nouveau_svmm *svmm,
				struct nouveau_drm *drm,
				struct nvif_vmm_pfnmap_v0 *fault,
				unsigned long hmm_flags);

#define NOUVEAU_SVM_RANGE_FAULT(svmm, drm, args, size, hmm_flags, notifier) \
({									\
	struct nouveau_svmm *__svmm = (svmm);				\
	struct nouveau_drm *__drm = (drm);				\
	typeof(args) __args = (args);					\
	unsigned long __flags = (hmm_flags);				\
	int __ret;							\
									\
	__ret = nouveau_svm_hmm_range_fault(__svmm, __drm, &__args->p,	\
					    __flags);			\
	if (__ret == -EOPNOTSUPP)					\
		__ret = nouveau_range_fault(__svmm, __drm, __args, size, \
					    __flags, notifier);		\
	__ret;								\
})
#endif
