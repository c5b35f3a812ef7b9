/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer, after iproute2's lib/json_writer.c: values are
 * written as they come, so a monitor can print one event per line without
 * building a tree, and the output is byte for byte ours (key order, no
 * escaped slashes, iproute2's 4-space pretty indent).
 */
#ifndef VSSCTL_JSON_WRITER_H
#define VSSCTL_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

struct json_writer *jsonw_new(FILE *out, bool pretty);
void jsonw_destroy(struct json_writer *w);

void jsonw_start_object(struct json_writer *w);
void jsonw_end_object(struct json_writer *w);
void jsonw_start_array(struct json_writer *w);
void jsonw_end_array(struct json_writer *w);
/* The key of the next value, inside an object. */
void jsonw_name(struct json_writer *w, const char *name);

/*
 * @value NULL is written as null. Control characters are escaped as \u00XX
 * and bytes that are not well-formed UTF-8 are replaced by \ufffd: the
 * output is always valid JSON (json_writer.c says why).
 */
void jsonw_string(struct json_writer *w, const char *value);
void jsonw_uint(struct json_writer *w, uint64_t value);
void jsonw_int(struct json_writer *w, int64_t value);
void jsonw_bool(struct json_writer *w, bool value);
void jsonw_null(struct json_writer *w);

#endif /* VSSCTL_JSON_WRITER_H */
