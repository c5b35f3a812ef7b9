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

/*
 * The length of the well-formed UTF-8 sequence at @s (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing past U+10FFFF), or 0 when @s
 * does not start one.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;	/* UTF-16 surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;	/* past U+10FFFF */
	/* The string's NUL fails the range test, so this never reads past it. */
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

/*
 * Names come from the kernel, from writers and from the command line, none
 * of which promises UTF-8, and a consumer (jq, Python) rejects the whole
 * document for one bad byte. So a byte that does not begin a well-formed
 * sequence is replaced by U+FFFD, written "\ufffd", one per bad byte so
 * that their number shows; there is no lossless choice, since JSON strings
 * are Unicode text, not bytes (escaping a byte as \u00XX would name a
 * different character). Control characters, C0, DEL and C1 alike, are
 * escaped as \u00XX so that no terminal sequence reaches a screen through
 * jq's raw output unseen.
 */
static void write_string(struct json_writer *w, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len;

	putc('"', w->out);
	while (*s) {
		unsigned char c = *s;

		switch (c) {
		case '"':	fputs("\\\"", w->out); break;
		case '\\':	fputs("\\\\", w->out); break;
		case '\b':	fputs("\\b", w->out); break;
		case '\f':	fputs("\\f", w->out); break;
		case '\n':	fputs("\\n", w->out); break;
		case '\r':	fputs("\\r", w->out); break;
		case '\t':	fputs("\\t", w->out); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(w->out, "\\u%04x", c);
			} else if (c < 0x80) {
				putc(c, w->out);
			} else if (!(len = utf8_len(s))) {
				fputs("\\ufffd", w->out);
			} else if (c == 0xc2 && s[1] < 0xa0) {
				/* U+0080..U+009F, the C1 controls */
				fprintf(w->out, "\\u%04x", s[1]);
				s++;
			} else {
				fwrite(s, 1, len, w->out);
				s += len - 1;
			}
		}
		s++;
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
	/* An absent name (a writer that sent none) is null, not a crash. */
	if (value)
		write_string(w, value);
	else
		fputs("null", w->out);
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
