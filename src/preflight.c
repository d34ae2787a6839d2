/* preflight.c - why attaching to a process would fail or did fail */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "preflight.h"
#include "procfs.h"
#include "util.h"

#define CAP_SYS_PTRACE_BIT 19

int preflight_check(pid_t pid)
{
	char buf[64], name[64];
	char state;
	long tracer;

	if (pid <= 0) {
		err_set("%d is not a process id", pid);
		return -1;
	}
	if (pid == getpid()) {
		err_set("process %d is lurk itself", pid);
		return -1;
	}
	state = procfs_state(pid);
	if (!state || (kill(pid, 0) < 0 && errno == ESRCH)) {
		err_set("no such process %d", pid);
		return -1;
	}
	if (state == 'Z' || state == 'X') {
		err_set("process %d is a zombie (it has exited and its parent has not reaped it)",
			pid);
		return -1;
	}
	if (procfs_status_field(pid, 0, "Tgid", buf, sizeof(buf)) == 0 && atoi(buf) != pid) {
		err_set("%d is a thread of process %s; attach to the process", pid, buf);
		return -1;
	}
	if (procfs_status_field(pid, 0, "TracerPid", buf, sizeof(buf)) == 0) {
		tracer = atol(buf);
		if (tracer == getpid()) {
			err_set("process %d is already traced by this lurk", pid);
			return -1;
		}
		if (tracer > 0) {
			if (procfs_status_field((pid_t)tracer, 0, "Name", name, sizeof(name)) < 0)
				snprintf(name, sizeof(name), "?");
			err_set("process %d is already traced by PID %ld (%s); detach that "
				"debugger "
				"or tracer first",
				pid, tracer, name);
			return -1;
		}
	}
	err_clear();
	return 0;
}

static int read_ptrace_scope(void)
{
	char *text = procfs_read_file("/proc/sys/kernel/yama/ptrace_scope");
	int v;

	if (!text) {
		err_clear();
		return -1;
	}
	v = atoi(text);
	free(text);
	return v;
}

static int have_cap_sys_ptrace(void)
{
	char buf[64];
	unsigned long long caps;

	if (procfs_status_field(getpid(), 0, "CapEff", buf, sizeof(buf)) < 0)
		return -1;
	caps = strtoull(buf, NULL, 16);
	return (caps >> CAP_SYS_PTRACE_BIT) & 1;
}

void preflight_explain_eperm(pid_t pid)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[128];
	int scope = read_ptrace_scope();
	int cap = have_cap_sys_ptrace();
	long target_uid = -1;

	sb_addf(&sb, "permission denied attaching to process %d", pid);
	if (procfs_status_field(pid, 0, "Uid", buf, sizeof(buf)) == 0)
		target_uid = atol(buf);
	if (target_uid >= 0 && (uid_t)target_uid != geteuid() && cap != 1)
		sb_addf(&sb,
			"; the process belongs to uid %ld and lurk runs as uid %d without "
			"CAP_SYS_PTRACE: run lurk as that user or as root",
			target_uid, (int)geteuid());
	switch (scope) {
	case 1:
		if (cap != 1)
			sb_add(&sb, "; kernel.yama.ptrace_scope is 1 (only a parent may trace its "
				    "children): run lurk as root or with CAP_SYS_PTRACE, or "
				    "'sysctl kernel.yama.ptrace_scope=0'");
		break;
	case 2:
		if (cap != 1)
			sb_add(&sb, "; kernel.yama.ptrace_scope is 2 (admin only): lurk needs "
				    "CAP_SYS_PTRACE (run it as root)");
		break;
	case 3:
		sb_add(&sb, "; kernel.yama.ptrace_scope is 3: ptrace is disabled on this system "
			    "until reboot");
		break;
	default:
		break;
	}
	if (cap == 0 && geteuid() == 0)
		sb_add(&sb, "; lurk runs as root but without CAP_SYS_PTRACE, as in a default "
			    "container: start the container with --cap-add=SYS_PTRACE");
	if (procfs_status_field(getpid(), 0, "Seccomp", buf, sizeof(buf)) == 0 && atoi(buf) == 2)
		sb_add(&sb, "; lurk itself runs under a seccomp filter, which may forbid ptrace "
			    "(containers: --security-opt seccomp=unconfined)");
	if (target_uid >= 0 && (uid_t)target_uid == geteuid() && cap != 1 && scope <= 0)
		sb_add(&sb, "; the process may have made itself undumpable (setuid program or "
			    "prctl(PR_SET_DUMPABLE, 0)): only root can trace it");
	if (!strchr(sb_str(&sb), ';'))
		sb_add(&sb, "; none of the usual causes applies (lurk has CAP_SYS_PTRACE, "
			    "ptrace_scope allows it): the kernel may protect this process, as it "
			    "does a PID namespace's init or a process another user namespace owns, "
			    "or a security module (AppArmor, SELinux) forbids it");
	err_set("%s", sb_str(&sb));
	sb_free(&sb);
}

int preflight_setid_note(const char *path, char *buf, size_t len)
{
	struct stat st;
	bool setuid, setgid;
	char who[64];

	if (stat(path, &st) < 0)
		return 0;
	setuid = (st.st_mode & S_ISUID) && st.st_uid != geteuid();
	/* Set-group-ID counts only with group execute: without it the bit means mandatory locking. */
	setgid = (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != getegid();
	if (!setuid && !setgid)
		return 0;
	if (setuid)
		snprintf(who, sizeof(who), "user %u", (unsigned)st.st_uid);
	else
		snprintf(who, sizeof(who), "group %u", (unsigned)st.st_gid);
	if (have_cap_sys_ptrace() == 1)
		snprintf(
			buf, len,
			"%s is set-%s-ID (%s): lurk has CAP_SYS_PTRACE, so the kernel lets it take "
			"that identity while traced",
			path, setuid ? "user" : "group", who);
	else
		snprintf(buf, len,
			 "%s is set-%s-ID (%s), but a traced program does not change identity: it "
			 "runs "
			 "with your privileges, and may fail where it needs that %s's",
			 path, setuid ? "user" : "group", who, setuid ? "user" : "group");
	return 1;
}
