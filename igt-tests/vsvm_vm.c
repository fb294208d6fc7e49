// SPDX-License-Identifier: GPL-2.0
/*
 * vsvm VMs: several GPU address spaces in one file, each with its own
 * page tables, mirror and mode; a VM destroyed while a channel runs in it
 * lives until that channel goes.
 */
#include <errno.h>
#include <sys/mman.h>

#include "vsvm_igt.h"


static int ioctl_errno(int f, unsigned long req, void *arg)
{
	return drmIoctl(f, req, arg) ? errno : 0;
}

static uint32_t vm_create(int f)
{
	struct drm_vsvm_vm_create vc = { 0 };

	igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_CREATE, &vc), 0);
	igt_assert(vc.vm_id);
	return vc.vm_id;
}

static int vm_destroy(int f, uint32_t vm)
{
	struct drm_vsvm_vm_destroy vd = { .vm_id = vm };

	return ioctl_errno(f, DRM_IOCTL_VSVM_VM_DESTROY, &vd);
}

static int svm_init(int f, uint32_t vm, uint32_t flags, void *hole,
		    size_t hole_len)
{
	struct drm_vsvm_svm_init init = {
		.vm_id = vm, .flags = flags,
		.unmanaged_addr = (uintptr_t)hole, .unmanaged_size = hole_len,
	};

	return ioctl_errno(f, DRM_IOCTL_VSVM_SVM_INIT, &init);
}

static int channel_in(int f, uint32_t vm, uint32_t *c)
{
	struct drm_vsvm_channel_create cc = { .vm_id = vm };
	int ret = ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_CREATE, &cc);

	*c = cc.handle;
	return ret;
}

static int channel_destroy(int f, uint32_t c)
{
	struct drm_vsvm_channel_destroy cd = { .handle = c };

	return ioctl_errno(f, DRM_IOCTL_VSVM_CHANNEL_DESTROY, &cd);
}

static int bind_in(int f, uint32_t vm, void *start, size_t len)
{
	struct drm_vsvm_svm_bind b = {
		.header = DRM_VSVM_BIND_OP_MAP | DRM_VSVM_BIND_WRITE,
		.va_start = (uintptr_t)start,
		.va_end = (uintptr_t)start + len,
		.vm_id = vm,
	};

	return ioctl_errno(f, DRM_IOCTL_VSVM_SVM_BIND, &b);
}

/* Fresh, page-aligned anonymous memory. */
static uint64_t *pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * A GPU store of @val to @p on channel @c fails with -EFAULT, the channel
 * error is an MMU fault at @p, and @p still holds @old.
 */
static void store_faults(int f, uint32_t c, uint64_t store, uint64_t *p,
			 uint64_t val, uint64_t old)
{
	struct drm_vsvm_channel_error e;

	igt_assert_eq(exec_wait(f, c, store, 1, (uintptr_t)p, val), -EFAULT);
	igt_assert_eq_u64(p[0], old);
	e = channel_error(f, c);
	igt_assert_eq(e.code, DRM_VSVM_CHANNEL_ERR_MMU_FAULT);
	igt_assert_eq_u64(e.address, (uintptr_t)p);
}

igt_main
{
	igt_fixture {
		int f = open_vsvm();

		igt_require_f(f >= 0, "no vsvm render node\n");
		close(f);
	}

	igt_describe("VM_CREATE gives distinct nonzero ids up to 16 VMs per "
		     "file (VM 0 included), each with its own root page "
		     "table; bad fields, VM 0 and unknown ids are refused; "
		     "an id that was destroyed is unknown to every ioctl.");
	igt_subtest("create-destroy-limits") {
		struct drm_vsvm_vm_create vc = { 0 };
		struct drm_vsvm_vm_destroy vd = { 0 };
		uint32_t ids[15], c;
		int f = open_vsvm(), i, j;

		igt_assert(f >= 0);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-vms"), 1);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-tables"), 1);
		vc.flags = 1;
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_CREATE, &vc),
			      EINVAL);
		vc.flags = 0;
		vc.extensions = (uintptr_t)&vc;	/* none is defined */
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_CREATE, &vc),
			      EINVAL);
		vc.extensions = 0;
		vc.vm_id = 3;			/* out field */
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_CREATE, &vc),
			      EINVAL);

		for (i = 0; i < 15; i++) {
			ids[i] = vm_create(f);
			for (j = 0; j < i; j++)
				igt_assert_neq(ids[i], ids[j]);
		}
		vc.vm_id = 0;
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_CREATE, &vc),
			      ENOSPC);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-vms"), 16);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-tables"), 16);

		igt_assert_eq(vm_destroy(f, 0), EINVAL);
		igt_assert_eq(vm_destroy(f, 999), ENOENT);
		vd.vm_id = ids[0];
		vd.pad = 1;
		igt_assert_eq(ioctl_errno(f, DRM_IOCTL_VSVM_VM_DESTROY, &vd),
			      EINVAL);
		for (i = 0; i < 15; i++)
			igt_assert_eq(vm_destroy(f, ids[i]), 0);
		igt_assert_eq(vm_destroy(f, ids[3]), ENOENT);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-vms"), 1);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-tables"), 1);

		/* A destroyed id names nothing. */
		igt_assert_eq(svm_init(f, ids[5], DRM_VSVM_SVM_INIT_LR_MODE,
				       NULL, 0), ENOENT);
		igt_assert_eq(channel_in(f, ids[5], &c), ENOENT);
		igt_assert_eq(svm_init(f, 0, DRM_VSVM_SVM_INIT_LR_MODE, NULL,
				       0), 0);
		igt_assert_eq(bind_in(f, ids[5], pages(4096), 4096), ENOENT);
		/* Each VM mirrors once. */
		igt_assert_eq(svm_init(f, 0, 0, NULL, 0), EBUSY);
		ids[0] = vm_create(f);
		igt_assert_eq(svm_init(f, ids[0], 0, NULL, 0), 0);
		igt_assert_eq(svm_init(f, ids[0], 0, NULL, 0), EBUSY);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-svm-vms"), 2);
		close(f);
	}

	igt_describe("Two VMs of one file are two address spaces: a buffer "
		     "in one VM's unmanaged window faults on that VM's "
		     "channel and is reached by the other VM's; a fence-mode "
		     "VM reaches only what was bound in it, while an LR VM "
		     "of the same file faults everything in.");
	igt_subtest("vms-are-separate-address-spaces") {
		uint64_t store = prog_store();
		uint64_t *x = pages(4096), *y = pages(4096), *z = pages(4096);
		struct drm_vsvm_channel_error e;
		uint32_t vm1, vm2, c0, c1, c2;
		int f = open_vsvm();

		igt_assert(f >= 0);
		/* VM 0 leaves x's page unmanaged; VM 1 mirrors it. */
		igt_assert_eq(svm_init(f, 0, DRM_VSVM_SVM_INIT_LR_MODE, x,
				       4096), 0);
		vm1 = vm_create(f);
		igt_assert_eq(svm_init(f, vm1, DRM_VSVM_SVM_INIT_LR_MODE,
				       NULL, 0), 0);
		vm2 = vm_create(f);
		igt_assert_eq(svm_init(f, vm2, 0, NULL, 0), 0);	/* fence mode */
		igt_assert_eq(channel_in(f, 0, &c0), 0);
		igt_assert_eq(channel_in(f, vm1, &c1), 0);
		igt_assert_eq(channel_in(f, vm2, &c2), 0);

		igt_assert_eq(exec_wait(f, c1, store, 1, (uintptr_t)x, 0x1111),
			      0);
		igt_assert_eq_u64(x[0], 0x1111);
		store_faults(f, c0, store, x, 0x2222, 0x1111);
		e = channel_error(f, c1);
		igt_assert_eq(e.code, DRM_VSVM_CHANNEL_ERR_NONE);
		igt_assert_eq(exec_wait(f, c0, store, 1, (uintptr_t)y, 0x3333),
			      0);
		igt_assert_eq_u64(y[0], 0x3333);

		/*
		 * Fence mode: the program's image and z must be bound in VM
		 * 2; that VM 0 faulted z in does not map it in VM 2.
		 */
		igt_assert_eq(exec_wait(f, c0, store, 1, (uintptr_t)z, 0x4444),
			      0);
		igt_assert_eq_u64(z[0], 0x4444);
		igt_assert_eq(kernels_bind(f, vm2), 0);
		store_faults(f, c2, store, z, 0x5555, 0x4444);
		igt_assert_eq(bind_in(f, vm2, z, 4096), 0);
		igt_assert_eq(exec_wait(f, c2, store, 1, (uintptr_t)z, 0x5555),
			      0);
		igt_assert_eq_u64(z[0], 0x5555);
		close(f);
	}

	igt_describe("A VM destroyed while a channel runs in it keeps "
		     "mirroring for that channel (faults served, CPU writes "
		     "seen) until the channel is destroyed; then its page "
		     "tables are given back.");
	igt_subtest("destroyed-vm-lives-while-its-channel-does") {
		uint64_t store = prog_store(), copy = prog_copy();
		uint64_t *a = pages(4096), *b = pages(4096), *out = pages(4096);
		long long t0, t1;
		uint32_t vm, c;
		int f = open_vsvm(), i;

		igt_assert(f >= 0);
		t0 = fdinfo_value(f, "drm-vsvm-page-tables");
		vm = vm_create(f);
		igt_assert_eq(svm_init(f, vm, DRM_VSVM_SVM_INIT_LR_MODE, NULL,
				       0), 0);
		igt_assert_eq(channel_in(f, vm, &c), 0);
		igt_assert_eq(exec_wait(f, c, store, 1, (uintptr_t)a, 0xa1),
			      0);
		igt_assert_eq_u64(a[0], 0xa1);
		t1 = fdinfo_value(f, "drm-vsvm-page-tables");
		igt_assert(t1 > t0 + 1);

		igt_assert_eq(vm_destroy(f, vm), 0);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-vms"), 1);
		igt_assert_eq(bind_in(f, vm, a, 4096), ENOENT);
		/* The channel's VM still serves faults... */
		igt_assert_eq(exec_wait(f, c, store, 1, (uintptr_t)b, 0xb2),
			      0);
		igt_assert_eq_u64(b[0], 0xb2);
		/* ...and still follows the CPU. */
		a[0] = 0xc3;
		igt_assert_eq(exec_wait(f, c, copy, 1, (uintptr_t)a,
					(uintptr_t)out), 0);
		igt_assert_eq_u64(out[0], 0xc3);
		igt_assert(fdinfo_value(f, "drm-vsvm-page-tables") >= t1);

		/*
		 * The channel's user-fence writer and the VM's fault worker
		 * may hold their references a moment after the last launch
		 * was seen to end.
		 */
		igt_assert_eq(channel_destroy(f, c), 0);
		for (i = 0; i < 1000 &&
		     fdinfo_value(f, "drm-vsvm-page-tables") != t0; i++)
			usleep(1000);
		igt_assert_eq(fdinfo_value(f, "drm-vsvm-page-tables"), t0);
		close(f);
	}

	igt_describe("Closing a file whose destroyed VM still has a running "
		     "launch stops it promptly; the launch ends cancelled.");
	igt_subtest("close-with-destroyed-vm-running") {
		uint64_t spin = prog_spin();
		uint64_t *out = pages(4096);
		ufence_t *uf;
		uint32_t vm, c;
		int f = open_vsvm();

		igt_assert(f >= 0);
		vm = vm_create(f);
		igt_assert_eq(svm_init(f, vm, DRM_VSVM_SVM_INIT_LR_MODE, NULL,
				       0), 0);
		igt_assert_eq(channel_in(f, vm, &c), 0);
		uf = launch_async(f, c, spin, 1, DRM_VSVM_EXEC_MAX_INSN_BUDGET,
				  1ULL << 40, (uintptr_t)out);
		igt_assert_eq(vm_destroy(f, vm), 0);
		usleep(100000);
		close_within_a_second(f);
		igt_assert_eq(launch_status_polled(uf), -ECANCELED);
	}
}
