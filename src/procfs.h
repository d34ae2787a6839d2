/* procfs.h - facts about a process read from /proc: tasks, status fields, mappings, names */
#ifndef LURK_PROCFS_H
#define LURK_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct map {
	uint64_t start, end;
	uint64_t offset;
	char perms[5]; /* "r-xp" */
	uint64_t inode;
	char dev[16];
	char *path;   /* owned; "" for anonymous, "[stack]" etc. for special mappings */
	bool deleted; /* the file was deleted (path had " (deleted)") */
};

struct maps {
	struct map *v;
	size_t n;
};

/* Read /proc/PID/maps. Returns 0, or -1 with err set. Free with procfs_maps_free(). */
int procfs_maps_read(pid_t pid, struct maps *out);
/* Parse the text of a maps file. */
void procfs_maps_parse(const char *text, struct maps *out);
void procfs_maps_free(struct maps *m);
/* The raw text of /proc/PID/maps (caller frees), to detect changes cheaply; NULL on error. */
char *procfs_maps_text(pid_t pid);

/* TIDs in /proc/PID/task, sorted ascending. Returns count or -1 (err set). Caller frees *tids. */
int procfs_tasks(pid_t pid, pid_t **tids);

/*
 * Value of field "Name:" in /proc/PID/status (or /proc/PID/task/TID/status
 * when tid > 0), copied into buf. Returns 0, or -1 if absent/unreadable.
 */
int procfs_status_field(pid_t pid, pid_t tid, const char *field, char *buf, size_t len);
/* The thread's name from /proc/PID/task/TID/comm into buf ("" if unreadable). */
void procfs_thread_name(pid_t pid, pid_t tid, char *buf, size_t len);
/* The one-letter state from /proc/PID/stat ('R', 'S', 'T', 't', 'Z'...), or 0 if gone. */
char procfs_state(pid_t pid);
/* The same for one thread, from /proc/PID/task/TID/stat. */
char procfs_thread_state(pid_t pid, pid_t tid);
/* readlink(/proc/PID/exe) as a new string, or NULL. */
char *procfs_exe(pid_t pid);
/* Whole small file into a new string, or NULL with err set. */
char *procfs_read_file(const char *path);
/* The process's command line, arguments joined by spaces (caller frees), or NULL. */
char *procfs_cmdline(pid_t pid);

#endif
