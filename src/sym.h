/* sym.h - the libdwfl session of one process: modules, address <-> symbol, address -> file:line */
#ifndef LURK_SYM_H
#define LURK_SYM_H

#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sym;

/* Reads target memory (trap-free) for modules that live only in memory, like the vDSO. */
typedef ssize_t (*sym_read_fn)(void *arg, uint64_t addr, void *buf, size_t len);

/*
 * Nothing is opened here: modules are reported from /proc/PID/maps on the
 * first query (sym_sync), their ELF files are opened when an address in them
 * or a name lookup needs them, and DWARF only when a line is asked for.
 * Files are opened through /proc/PID/root (the target's mount namespace) or
 * /proc/PID/map_files (deleted files), so targets in containers work.
 */
struct sym *sym_new(pid_t pid, sym_read_fn read, void *read_arg);
/*
 * Where the file a process mapped at path is opened from, into buf: buf,
 * or NULL when it must not be opened (missing, or another build).
 */
typedef const char *(*sym_locate_fn)(void *arg, const char *path, char *buf, size_t len);
/*
 * The symbols of a process that is no more (a core file): the mappings
 * are maps_text, in /proc/PID/maps form, for good; exe is the program's
 * path among them; files are found through locate. Nothing of /proc is
 * read: pid may be another process's now.
 */
struct sym *sym_new_fixed(pid_t pid, const char *maps_text, const char *exe, sym_locate_fn locate,
			  void *locate_arg, sym_read_fn read, void *read_arg);
void sym_free(struct sym *s);

/*
 * Bring the module list up to date with /proc/PID/maps (cheap when nothing
 * changed). Call once per stop before queries. Returns 0 or -1 (err set).
 * Strings returned by the queries below stay valid until the next sym_sync
 * that changes the module list, or sym_free.
 */
int sym_sync(struct sym *s);
/*
 * Changes whenever sym_sync changes the module list, to a value no symbol
 * session had before: what was learnt about an address (its CFI, its
 * inlined calls) holds while this stays the same.
 */
unsigned sym_generation(const struct sym *s);

struct sym_loc {
	uint64_t addr;
	const char *module; /* path as mapped, NULL if no module contains addr */
	bool main_module;   /* the executable itself */
	const char *func;   /* symbol name without @VERSION, NULL if none */
	bool inlined;	    /* func is the function of an inlined call (unwind_describe) */
	uint64_t func_addr;
	uint64_t off;	  /* addr - func_addr */
	const char *file; /* source file from DWARF (absolute when the CU says where it was
			     compiled), NULL if no line info */
	int line;
	char func_buf[256];
	char file_buf[1024];
};

/*
 * Describe addr. For a return address (a caller's frame), pass
 * return_addr=true: the call instruction is looked up (addr - 1), while
 * loc->addr and loc->off stay relative to addr itself.
 */
void sym_describe(struct sym *s, uint64_t addr, bool return_addr, struct sym_loc *loc);
/* sym_describe without file and line: no DWARF is read. */
void sym_name(struct sym *s, uint64_t addr, bool return_addr, struct sym_loc *loc);

enum sym_kind { SYM_FUNC, SYM_OBJECT, SYM_OTHER };

/*
 * The function symbol containing addr: [*low, *high) and its name (without
 * @VERSION) into name. Returns 0, or -1 with err set.
 */
int sym_func_range(struct sym *s, uint64_t addr, uint64_t *low, uint64_t *high, char *name,
		   size_t len);
/*
 * Whether addr is where a GNU indirect function's symbol (strlen in glibc)
 * starts: the code there is the resolver, which returns the address of the
 * implementation the dynamic linker chose; calling it is not calling strlen.
 */
bool sym_ifunc_at(struct sym *s, uint64_t addr);
/*
 * The implementation the indirect function whose resolver is at resolver
 * stands for in this process, read where the dynamic linker put it. 0, or
 * -1 when resolver is none or the module keeps no such slot (then only a
 * call of the resolver tells).
 */
int sym_ifunc_target(struct sym *s, uint64_t resolver, uint64_t *impl);

struct sym_found {
	uint64_t addr;
	uint64_t size;
	enum sym_kind kind;
	const char *module;
	char name[256];
};

/*
 * Find a symbol by name (module may be NULL for any, or a path/basename such
 * as "libc.so.6"). The executable is searched first, then libraries in load
 * order; global symbols win over local ones. Returns 0, or -1 with err set.
 */
int sym_lookup(struct sym *s, const char *name, const char *module, struct sym_found *out);

/* Call fn for each distinct function/object symbol name starting with prefix (completion). */
void sym_complete(struct sym *s, const char *prefix, void (*fn)(const char *name, void *arg),
		  void *arg);

/*
 * Every function named name (module: NULL or a path/basename): the best
 * definition in each module, in search order; fn is called for each.
 * Returns how many, or -1 with err set when no such module is loaded.
 */
int sym_lookup_funcs(struct sym *s, const char *name, const char *module,
		     void (*fn)(void *arg, const struct sym_found *f), void *arg);
/*
 * Every function symbol (with a size) whose name matches the glob pattern,
 * in every module, or in the modules whose path or basename matches the
 * glob module. Aliases at one address come once per name. Returns how
 * many, or -1 with err set.
 */
int sym_match_funcs(struct sym *s, const char *pattern, const char *module,
		    void (*fn)(void *arg, const struct sym_found *f), void *arg);
/* The function name closest to name (a typo), into buf; false when none is close. */
bool sym_suggest(struct sym *s, const char *name, char *buf, size_t len);

/*
 * Where each inlined copy of the function called name starts, in the
 * program (libraries are not searched). fn is called per copy; returns how
 * many.
 */
int sym_inline_addrs(struct sym *s, const char *name, void (*fn)(void *arg, uint64_t addr),
		     void *arg);
/*
 * One inlined call the code at an address is inside: the function inlined,
 * and where its caller calls it (DW_AT_call_file/DW_AT_call_line; call_file
 * NULL when the DWARF does not say, relative to call_dir, the unit's
 * directory, when it is not absolute). Strings are borrowed as sym_loc's.
 */
struct sym_inline {
	const char *func;
	const char *call_file;
	const char *call_dir;
	int call_line;
	uint64_t entry; /* where the inlined code starts (its entry pc), 0 if unknown */
};
/*
 * The inlined calls the code at addr is inside, innermost first, at most
 * max, into out. For a return address pass addr - 1. Returns how many: 0
 * when none, or when the module has no DWARF.
 */
int sym_inline_calls(struct sym *s, uint64_t addr, struct sym_inline *out, int max);
/*
 * An inlined call's call_file named as sym_describe names source files
 * (joined to call_dir when relative), into buf; returns buf, or file itself.
 */
const char *sym_call_path(const char *file, const char *dir, char *buf, size_t len);
/* The first address after the prologue of the function at func_addr (DWARF), else func_addr. */
uint64_t sym_after_prologue(struct sym *s, uint64_t func_addr);
/*
 * Where the code of source line file:line starts: one address per function
 * holding such code (its lowest); when line has none, the next line that has
 * (line passed to fn). file matches a whole path or its last components. The
 * program is searched first; libraries only when it has no such line.
 * Returns how many, or -1 with err set.
 */
int sym_line_addrs(struct sym *s, const char *file, int line,
		   void (*fn)(void *arg, uint64_t addr, int line), void *arg);

/*
 * The address to stop at for "function name", after its prologue, from the
 * DWARF line table when there is one, else the symbol address. Returns 0 or -1.
 */
int sym_func_breakpoint_addr(struct sym *s, const char *name, uint64_t *addr);

struct sym_module {
	const char *path;
	uint64_t low, high;
	bool main_module;
	bool memory_only; /* vDSO */
};

/* gdb's name for a DW_LANG_* value: "c", "c++", "asm", ... or "unknown". */
const char *sym_language_name(int dwarf_lang);
/* Modules in address order. Borrowed until the next changing sym_sync. */
size_t sym_modules(struct sym *s, const struct sym_module **mods);
/* Whether DWARF debug information was found for the module containing addr (opens it). */
bool sym_has_debuginfo(struct sym *s, uint64_t addr);
/*
 * Whether a statement row of the line table starts exactly at addr (the
 * start of a line), counting rows as gdb does: a row repeating the line of
 * the row before, in a line that has discriminators (a loop's parts), is
 * the middle of that line.
 */
bool sym_line_starts_at(struct sym *s, uint64_t addr);
/*
 * What starts at addr in the line table, as gdb counts rows: 1 a statement
 * row, 0 only rows that are no statement, -1 no row (the middle of a line).
 */
int sym_row_at(struct sym *s, uint64_t addr);
/* Where the line row holding addr ends: the next row's address (as gdb counts rows), or 0. */
uint64_t sym_line_end(struct sym *s, uint64_t addr);
/* The ELF section name containing addr (".text"), or NULL. */
const char *sym_section_name(struct sym *s, uint64_t addr);

/*
 * The name of the function whose address the dynamic linker stores in the
 * GOT slot at slot (what a PLT entry jumps through), without @VERSION, into
 * buf. Returns 0, or -1 when no relocation names the slot.
 */
int sym_got_slot_name(struct sym *s, uint64_t slot, char *buf, size_t len);

/* For unwind.c, the only other user of libdwfl: the session's Dwfl. */
struct Dwfl *sym_dwfl(struct sym *s);
/* The module whose mappings hold addr (a process address), or NULL. */
Dwfl_Module *sym_module_at(struct sym *s, uint64_t addr);
/*
 * The call frame information that describes leaving the code at pc (a
 * process address), from .eh_frame, else .debug_frame: the caller's to
 * free(), or NULL when neither has it.
 */
Dwarf_Frame *sym_cfi_frame(struct sym *s, uint64_t pc);

/*
 * The DIE of the compilation unit whose code holds addr (a process
 * address), copied into *die, and its module's bias; NULL when no unit
 * with debug information holds it. Reads that unit alone where it can
 * (cuview.h); a DIE from here is valid as long as the module is.
 */
Dwarf_Die *sym_cu_at(struct sym *s, uint64_t addr, Dwarf_Die *die, Dwarf_Addr *bias);
Dwarf_Die *sym_module_cu_at(Dwfl_Module *dm, uint64_t addr, Dwarf_Die *die, Dwarf_Addr *bias);
pid_t sym_pid(const struct sym *s);

#endif
