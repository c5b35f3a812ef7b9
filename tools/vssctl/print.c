// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "json_writer.h"
#include "print.h"

/*
 * The formats come from the callers, as literals; passing them through is
 * this file's job, so -Wformat-nonliteral (in -Wformat=2) cannot apply.
 */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static bool json_mode, json_pretty;
static struct json_writer *jw;	/* while a JSON record is open */
static FILE *record;		/* its buffer */
static char *record_buf;
static size_t record_len;
static bool record_is_array;

void print_init(bool json, bool pretty)
{
	json_mode = json;
	json_pretty = pretty;
}

bool is_json_context(void)
{
	return json_mode;
}

static bool to_json(enum output_type type)
{
	return json_mode && (type & PRINT_JSON) && jw;
}

static bool to_text(enum output_type type)
{
	return !json_mode && (type & PRINT_FP);
}

static void new_record(bool array)
{
	if (!json_mode)
		return;
	record = open_memstream(&record_buf, &record_len);
	jw = jsonw_new(record ? record : stdout, json_pretty);
	if (!jw) {
		perror("vssctl");
		exit(1);
	}
	record_is_array = array;
	if (array)
		jsonw_start_array(jw);
	else
		jsonw_start_object(jw);
}

void new_json_obj(void)
{
	new_record(false);
}

void new_json_array(void)
{
	new_record(true);
}

void delete_json_obj(void)
{
	if (!jw)
		return;
	if (record_is_array)
		jsonw_end_array(jw);
	else
		jsonw_end_object(jw);
	jsonw_destroy(jw);
	jw = NULL;
	if (record) {
		fclose(record);
		fwrite(record_buf, 1, record_len, stdout);
		free(record_buf);
		record = NULL;
	}
	putchar('\n');
	fflush(stdout);
}

void open_json_object(const char *key)
{
	if (!to_json(PRINT_JSON))
		return;
	if (key)
		jsonw_name(jw, key);
	jsonw_start_object(jw);
}

void close_json_object(void)
{
	if (to_json(PRINT_JSON))
		jsonw_end_object(jw);
}

void open_json_array(enum output_type type, const char *str)
{
	if (to_json(type)) {
		if (str)
			jsonw_name(jw, str);
		jsonw_start_array(jw);
	} else if (to_text(type) && str) {
		fputs(str, stdout);
	}
}

void close_json_array(enum output_type type, const char *str)
{
	if (to_json(type))
		jsonw_end_array(jw);
	else if (to_text(type) && str)
		fputs(str, stdout);
}

void print_string(enum output_type type, const char *key, const char *fmt,
		  const char *value)
{
	if (to_json(type)) {
		if (key)
			jsonw_name(jw, key);
		jsonw_string(jw, value);
	} else if (to_text(type)) {
		printf(fmt, value);
	}
}

void print_uint(enum output_type type, const char *key, const char *fmt,
		unsigned int value)
{
	if (to_json(type)) {
		if (key)
			jsonw_name(jw, key);
		jsonw_uint(jw, value);
	} else if (to_text(type)) {
		printf(fmt, value);
	}
}

void print_u64(enum output_type type, const char *key, const char *fmt,
	       uint64_t value)
{
	if (to_json(type)) {
		if (key)
			jsonw_name(jw, key);
		jsonw_uint(jw, value);
	} else if (to_text(type)) {
		printf(fmt, value);
	}
}

void print_bool(enum output_type type, const char *key, const char *fmt,
		bool value)
{
	if (to_json(type)) {
		if (key)
			jsonw_name(jw, key);
		jsonw_bool(jw, value);
	} else if (to_text(type)) {
		printf(fmt, value ? "true" : "false");
	}
}

const char *enum_str(const char *name, uint32_t value, struct enum_buf *b)
{
	if (name)
		return name;
	snprintf(b->s, sizeof(b->s), "%u", value);
	return b->s;
}

void print_enum(enum output_type type, const char *key, const char *fmt,
		const char *name, uint32_t value)
{
	struct enum_buf b;

	print_string(type, key, fmt, enum_str(name, value, &b));
}

void print_nl(void)
{
	if (!json_mode)
		putchar('\n');
}
