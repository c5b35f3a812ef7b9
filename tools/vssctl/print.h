/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one printing layer, after iproute2's lib/json_print.c. Every value is
 * printed by one call that carries both its JSON key and its text format;
 * the mode chosen at start-up decides which is used, so JSON output is never
 * a second code path. PRINT_FP prints only in text mode, PRINT_JSON only in
 * JSON mode, PRINT_ANY in both.
 */
#ifndef VSSCTL_PRINT_H
#define VSSCTL_PRINT_H

#include <stdbool.h>
#include <stdint.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void print_init(bool json, bool pretty);
bool is_json_context(void);

/*
 * One record of output: in JSON mode a top-level object, written to stdout
 * whole, one per line (pretty: indented), when the record ends; so an error
 * printed meanwhile never lands inside it.
 */
void new_json_obj(void);
/* The same for a record that is a top-level array, as lists print. */
void new_json_array(void);
/* Ends the record new_json_obj() or new_json_array() began. */
void delete_json_obj(void);

void open_json_object(const char *key);
void close_json_object(void);
/*
 * As in iproute2, with PRINT_FP in @type these print @str as is in text
 * mode: the array's key on opening, a delimiter on closing.
 */
void open_json_array(enum output_type type, const char *str);
void close_json_array(enum output_type type, const char *str);

/*
 * @key is NULL for array elements. @fmt has one conversion for @value: %s,
 * %u, "%" PRIu64, and %s for a bool ("true"/"false").
 */
void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value);
void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value);
void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value);
void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value);
/*
 * An enum's value: @name, what libvss calls it, or its decimal value
 * (still a JSON string) when @name is NULL, as for a value a newer module
 * sends that this libvss cannot name. enum_str() is the same for messages.
 */
struct enum_buf {
	char s[12];
};
const char *enum_str(const char *name, uint32_t value, struct enum_buf *b);
void print_enum(enum output_type type, const char *key, const char *fmt,
		const char *name, uint32_t value);
/* A newline in text mode only. */
void print_nl(void);

#endif /* VSSCTL_PRINT_H */
