/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A FUSE file system of one read-only file whose reads the test holds.
 *
 * The server is a forked child speaking the FUSE protocol of
 * <linux/fuse.h> on /dev/fuse (no libfuse). Every READ of the file is
 * held, unanswered, until the test calls vsvm_fuse_release(): a page
 * fault on the file, the GPU's through hmm_range_fault() included, then
 * sleeps for as long as the test wants, as a fault on an NFS file whose
 * server went away does. The file's contents are fuse_word(offset) at
 * every 8-byte offset.
 *
 * Needs root (mount(2) of a FUSE file system) and CONFIG_FUSE_FS.
 */
#ifndef VSVM_FUSE_H
#define VSVM_FUSE_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/fuse.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define FUSE_FILE_NAME	"file"
#define FUSE_FILE_SIZE	(2UL << 20)
#define FUSE_FILE_INO	2
#define FUSE_MAX_WRITE	4096
#define FUSE_MAX_HELD	64
/* Without FUSE_MAX_PAGES, a read asks for 32 pages at most. */
#define FUSE_MAX_READ	(128U << 10)

struct vsvm_fuse {
	char dir[64];
	char path[96];
	pid_t server;
	int release_pipe[2];	/* test -> server: answer the held reads */
	int held_pipe[2];	/* server -> test: one byte per read held */
};

static inline uint64_t fuse_word(uint64_t offset)
{
	return 0xf05e000000000000ULL | offset;
}

static inline void fuse_reply(int dev, uint64_t unique, int error,
			      const void *data, size_t len)
{
	struct fuse_out_header h = {
		.len = sizeof(h) + len, .error = error, .unique = unique,
	};
	char buf[sizeof(h) + 256];

	/* Only READ replies are bigger; fuse_answer_read() sends them. */
	if (len > 256)
		_exit(2);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), data, len);
	/* ENOENT: the request was interrupted and is gone; nothing to do. */
	if (write(dev, buf, sizeof(h) + len) < 0 && errno != ENOENT)
		_exit(3);
}

static inline void fuse_attr_of(uint64_t ino, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->nlink = 1;
		a->size = FUSE_FILE_SIZE;
		a->blocks = FUSE_FILE_SIZE / 512;
	}
}

static inline void fuse_answer_read(int dev, uint64_t unique, uint64_t off,
				    uint32_t size)
{
	static uint64_t data[FUSE_MAX_READ / 8];
	struct fuse_out_header h = { .unique = unique };
	struct iovec iov[2];
	uint32_t i, n;

	if (off >= FUSE_FILE_SIZE)
		size = 0;
	else if (size > FUSE_FILE_SIZE - off)
		size = FUSE_FILE_SIZE - off;
	if (size > sizeof(data))
		size = sizeof(data);
	n = size / 8;
	for (i = 0; i < n; i++)
		data[i] = fuse_word(off + i * 8ULL);
	h.len = sizeof(h) + size;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = data;
	iov[1].iov_len = size;
	if (writev(dev, iov, 2) < 0 && errno != ENOENT)
		_exit(4);
}

/* The server: answers everything at once but READ, which it holds. */
static inline void fuse_serve(int dev, int release_fd, int held_fd)
{
	static char buf[FUSE_MIN_READ_BUFFER + FUSE_MAX_WRITE];
	struct { uint64_t unique, off; uint32_t size; } held[FUSE_MAX_HELD];
	unsigned int nheld = 0, i;
	bool released = false;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = dev, .events = POLLIN },
			{ .fd = release_fd, .events = POLLIN },
		};
		struct fuse_in_header *in = (void *)buf;
		void *arg = buf + sizeof(*in);
		ssize_t len;

		if (poll(p, released ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(5);
		}
		if (!released && p[1].revents) {
			released = true;
			for (i = 0; i < nheld; i++)
				fuse_answer_read(dev, held[i].unique,
						 held[i].off, held[i].size);
			nheld = 0;
		}
		if (!(p[0].revents & POLLIN)) {
			if (p[0].revents & (POLLERR | POLLHUP))
				_exit(0);
			continue;
		}
		len = read(dev, buf, sizeof(buf));
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == ENOENT)
				continue;
			/* ENODEV: unmounted. */
			_exit(errno == ENODEV ? 0 : 6);
		}
		if ((size_t)len < sizeof(*in))
			_exit(7);

		switch (in->opcode) {
		case FUSE_INIT: {
			const struct fuse_init_in *ii = arg;
			struct fuse_init_out o = {
				.major = FUSE_KERNEL_VERSION,
				.minor = FUSE_KERNEL_MINOR_VERSION,
				.max_readahead = ii->max_readahead <
						 FUSE_MAX_READ ?
						 ii->max_readahead :
						 FUSE_MAX_READ,
				.max_background = 16,
				.congestion_threshold = 12,
				.max_write = FUSE_MAX_WRITE,
				.time_gran = 1,
			};

			fuse_reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			struct fuse_entry_out o = {
				.nodeid = FUSE_FILE_INO, .generation = 1,
				.entry_valid = 3600, .attr_valid = 3600,
			};

			if (in->nodeid != FUSE_ROOT_ID ||
			    strcmp(arg, FUSE_FILE_NAME)) {
				fuse_reply(dev, in->unique, -ENOENT, NULL, 0);
				break;
			}
			fuse_attr_of(FUSE_FILE_INO, &o.attr);
			fuse_reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_GETATTR: {
			struct fuse_attr_out o = { .attr_valid = 3600 };

			fuse_attr_of(in->nodeid, &o.attr);
			fuse_reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_OPEN:
		case FUSE_OPENDIR: {
			struct fuse_open_out o = { .fh = 1 };

			fuse_reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_READ: {
			const struct fuse_read_in *ri = arg;

			if (released) {
				fuse_answer_read(dev, in->unique, ri->offset,
						 ri->size);
				break;
			}
			if (nheld == FUSE_MAX_HELD)
				_exit(8);
			held[nheld].unique = in->unique;
			held[nheld].off = ri->offset;
			held[nheld].size = ri->size;
			nheld++;
			if (write(held_fd, "r", 1) != 1)
				_exit(9);
			break;
		}
		case FUSE_FLUSH:
		case FUSE_RELEASE:
		case FUSE_RELEASEDIR:
			fuse_reply(dev, in->unique, 0, NULL, 0);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			/* No reply: the kernel expects none. */
			break;
		default:
			fuse_reply(dev, in->unique, -ENOSYS, NULL, 0);
			break;
		}
	}
}

/* Mount the file system at a new directory and start its server. */
static inline void vsvm_fuse_start(struct vsvm_fuse *fs)
{
	char opts[128];
	int dev;

	snprintf(fs->dir, sizeof(fs->dir), "/tmp/vsvm-fuse.%d", getpid());
	snprintf(fs->path, sizeof(fs->path), "%s/%s", fs->dir, FUSE_FILE_NAME);
	igt_assert(mkdir(fs->dir, 0755) == 0 || errno == EEXIST);
	igt_assert_eq(pipe(fs->release_pipe), 0);
	igt_assert_eq(pipe(fs->held_pipe), 0);
	dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	igt_require_f(dev >= 0, "no /dev/fuse (CONFIG_FUSE_FS)\n");
	snprintf(opts, sizeof(opts),
		 "fd=%d,rootmode=40000,user_id=0,group_id=0", dev);
	igt_assert_eq(mount("vsvm-fuse", fs->dir, "fuse", MS_NOSUID | MS_NODEV,
			    opts), 0);
	fs->server = fork();
	igt_assert(fs->server >= 0);
	if (fs->server == 0) {
		/* The test may die with reads held: go with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(fs->release_pipe[1]);
		close(fs->held_pipe[0]);
		fuse_serve(dev, fs->release_pipe[0], fs->held_pipe[1]);
		_exit(0);
	}
	/* The server holds the only copy: if it dies, the mount fails. */
	close(dev);
	close(fs->release_pipe[0]);
	close(fs->held_pipe[1]);
}

/* Wait up to @ms for the server to hold a read; true if it does. */
static inline bool vsvm_fuse_wait_held(struct vsvm_fuse *fs, int ms)
{
	struct pollfd p = { .fd = fs->held_pipe[0], .events = POLLIN };
	char c;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fs->held_pipe[0], &c, 1) == 1;
}

/* Answer every held read, and every later one at once. */
static inline void vsvm_fuse_release(struct vsvm_fuse *fs)
{
	if (fs->release_pipe[1] >= 0) {
		igt_assert_eq(write(fs->release_pipe[1], "g", 1), 1);
		close(fs->release_pipe[1]);
		fs->release_pipe[1] = -1;
	}
}

/* Unmount and stop the server (held reads then fail). */
static inline void vsvm_fuse_stop(struct vsvm_fuse *fs)
{
	int status;

	umount2(fs->dir, MNT_DETACH);
	if (fs->server > 0) {
		kill(fs->server, SIGKILL);
		waitpid(fs->server, &status, 0);
		fs->server = 0;
	}
	if (fs->release_pipe[1] >= 0)
		close(fs->release_pipe[1]);
	close(fs->held_pipe[0]);
	rmdir(fs->dir);
}

#endif /* VSVM_FUSE_H */
