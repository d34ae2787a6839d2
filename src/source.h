/* source.h - source file lines for showing where a frame is */
#ifndef LURK_SOURCE_H
#define LURK_SOURCE_H

/*
 * The text of line lineno (1-based) of path, without its newline, borrowed
 * until the next call; NULL when the file or line cannot be read. The last
 * few files read are kept in memory.
 */
const char *source_line(const char *path, int lineno);

#endif
