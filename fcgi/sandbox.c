/* sandbox.c: see sandbox.h.
 *
 * Start-up (opening the database and creating its WAL, binding the socket,
 * reading the manifest, seeding libsodium, loading the time zone) happens
 * before this filter; what is left is the loop: accept a connection, read
 * and write it, run prepared statements on open files, and now and then
 * re-read the manifest. Missing a call here shows up as a log line
 * "blocked system call N" and an exit with status 159 (128 + SIGSYS). */
#include "sandbox.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <seccomp.h>

#if defined(__SANITIZE_ADDRESS__)
#define HHD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HHD_SANITIZED 1
#endif
#endif

static const char *const allowed[] = {
	/* sockets and files already open */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "close",
	"accept", "accept4", "shutdown", "poll", "ppoll", "select", "pselect6",
	"getsockname", "getpeername", "getsockopt", "setsockopt",
	"fcntl", "fcntl64", "fstat", "fstat64", "newfstatat", "fstatat64", "stat", "stat64", "lstat", "statx",
	"access", "faccessat", "faccessat2",   /* db_health() */
	"fsync", "fdatasync", "ftruncate", "ftruncate64",
	/* memory */
	"brk", "munmap", "mremap", "madvise",
	/* time, randomness, signals, the end */
	"clock_gettime", "clock_gettime64", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
	"clock_nanosleep_time64", "getrandom", "getpid", "gettid",
	"rt_sigreturn", "sigreturn", "rt_sigprocmask", "restart_syscall", "futex", "sched_yield",
	"exit", "exit_group",
#ifdef HHD_SANITIZED
	/* ASan and LSan (sanitizer builds only): reports and the leak check at exit */
	"clone", "clone3", "ptrace", "wait4", "waitpid", "prctl", "sigaltstack", "getppid", "readlink",
	"readlinkat", "rt_sigaction", "kill", "tgkill", "getdents", "getdents64", "mprotect", "sched_getaffinity",
	"pipe", "pipe2", "dup", "dup2", "dup3", "execve", "set_robust_list", "rseq", "uname",
	"mmap", "mmap2",
#endif
};

/* With a PostgreSQL database (sandbox_enter()'s `net`): what libpq needs to
 * talk to the server and to connect anew after the connection broke (the
 * libraries and settings it reads were loaded by the first connect, before
 * the filter). socket() is limited to the families below. */
static const char *const allowed_net[] = {
	"connect", "sendto", "recvfrom", "sendmsg", "recvmsg",
	"getuid", "geteuid", "getgid", "getegid",
	"getdents64", "getdents",   /* a library reading a config folder (open is read-only) */
};
static const int net_families[] = { AF_UNIX, AF_INET, AF_INET6 };

/* SIGSYS handler: name the refused call and end. Only async-signal-safe
 * calls here, so the number is formatted by hand. */
static void S_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char pre[] = "hhd-fcgi: blocked system call ";
	char msg[sizeof pre + 16], digits[12];
	unsigned nr = (unsigned)si->si_syscall;
	size_t n = sizeof pre - 1, k = 0;

	(void)sig;
	(void)uc;
	memcpy(msg, pre, n);
	do {
		digits[k++] = (char)('0' + nr % 10);
		nr /= 10;
	} while (nr && k < sizeof digits);
	while (k)
		msg[n++] = digits[--k];
	msg[n++] = '\n';
	if (write(STDERR_FILENO, msg, n) < 0)
		_exit(128 + SIGSYS);
	_exit(128 + SIGSYS);
}

/* Allow a call only with the given argument bits clear (e.g. opens that
 * could write or create, mmap/mprotect making memory executable). */
static int S_allow_clear(scmp_filter_ctx ctx, const char *name, unsigned arg, scmp_datum_t bits)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;  /* not on this architecture */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, bits, 0));
}

int sandbox_enter(int net, char *err, size_t errsz)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = S_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		snprintf(err, errsz, "cannot install the SIGSYS handler");
		return -1;
	}
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx) {
		snprintf(err, errsz, "seccomp_init failed");
		return -1;
	}
	for (i = 0; rc == 0 && i < sizeof allowed / sizeof *allowed; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	for (i = 0; net && rc == 0 && i < sizeof allowed_net / sizeof *allowed_net; i++) {
		int nr = seccomp_syscall_resolve_name(allowed_net[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	for (i = 0; net && rc == 0 && i < sizeof net_families / sizeof *net_families; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			SCMP_CMP(0, SCMP_CMP_EQ, (scmp_datum_t)net_families[i]));
	/* read-only opens only: the manifest is re-read when the site changes */
	if (rc == 0)
		rc = S_allow_clear(ctx, "openat", 2, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND);
	if (rc == 0)
		rc = S_allow_clear(ctx, "open", 1, O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND);
#ifndef HHD_SANITIZED
	/* no memory may become executable (sanitizer builds allow these above) */
	if (rc == 0)
		rc = S_allow_clear(ctx, "mmap", 2, PROT_EXEC);
	if (rc == 0)
		rc = S_allow_clear(ctx, "mmap2", 2, PROT_EXEC);
	if (rc == 0)
		rc = S_allow_clear(ctx, "mprotect", 2, PROT_EXEC);
#endif
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errsz, "cannot load the seccomp filter: %s", strerror(-rc));
		return -1;
	}
	return 0;
}
