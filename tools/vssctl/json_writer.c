// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>

#include "json_writer.h"

/* Far deeper than any vssctl output; past it is a bug, so abort. */
#define JSONW_MAX_DEPTH	16

struct json_writer {
	FILE *out;
	bool pretty;
	bool after_name;	/* the next value completes "key": */
	unsigned int depth;	/* open objects and arrays */
	unsigned int count[JSONW_MAX_DEPTH];	/* items in each */
};

struct json_writer *jsonw_new(FILE *out, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (w) {
		w->out = out;
		w->pretty = pretty;
	}
	return w;
}

void jsonw_destroy(struct json_writer *w)
{
	free(w);
}

static void indent(struct json_writer *w)
{
	unsigned int i;

	if (!w->pretty)
		return;
	putc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("    ", w->out);
}

/* Comma and indent before a name, an array element or a top-level value. */
static void begin_item(struct json_writer *w)
{
	if (w->after_name) {
		w->after_name = false;
		return;
	}
	if (!w->depth)
		return;
	if (w->count[w->depth - 1]++)
		putc(',', w->out);
	indent(w);
}

static void write_string(struct json_writer *w, const char *s)
{
	putc('"', w->out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':	fputs("\\\"", w->out); break;
		case '\\':	fputs("\\\\", w->out); break;
		case '\b':	fputs("\\b", w->out); break;
		case '\f':	fputs("\\f", w->out); break;
		case '\n':	fputs("\\n", w->out); break;
		case '\r':	fputs("\\r", w->out); break;
		case '\t':	fputs("\\t", w->out); break;
		default:
			/* Bytes from 0x80 pass through: the input is UTF-8. */
			if (c < 0x20)
				fprintf(w->out, "\\u%04x", c);
			else
				putc(c, w->out);
		}
	}
	putc('"', w->out);
}

static void open_container(struct json_writer *w, char c)
{
	begin_item(w);
	if (w->depth == JSONW_MAX_DEPTH)
		abort();
	putc(c, w->out);
	w->count[w->depth++] = 0;
}

static void close_container(struct json_writer *w, char c)
{
	if (!w->depth)
		abort();
	if (w->count[--w->depth])
		indent(w);
	putc(c, w->out);
}

void jsonw_start_object(struct json_writer *w)
{
	open_container(w, '{');
}

void jsonw_end_object(struct json_writer *w)
{
	close_container(w, '}');
}

void jsonw_start_array(struct json_writer *w)
{
	open_container(w, '[');
}

void jsonw_end_array(struct json_writer *w)
{
	close_container(w, ']');
}

void jsonw_name(struct json_writer *w, const char *name)
{
	begin_item(w);
	write_string(w, name);
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_name = true;
}

void jsonw_string(struct json_writer *w, const char *value)
{
	begin_item(w);
	write_string(w, value);
}

void jsonw_uint(struct json_writer *w, uint64_t value)
{
	begin_item(w);
	fprintf(w->out, "%" PRIu64, value);
}

void jsonw_int(struct json_writer *w, int64_t value)
{
	begin_item(w);
	fprintf(w->out, "%" PRId64, value);
}

void jsonw_bool(struct json_writer *w, bool value)
{
	begin_item(w);
	fputs(value ? "true" : "false", w->out);
}

void jsonw_null(struct json_writer *w)
{
	begin_item(w);
	fputs("null", w->out);
}
