// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer: exact compact and pretty layouts, commas and nesting,
 * escaping of every character JSON requires escaped and of the other
 * control characters, replacement of bytes that are not UTF-8, and NULL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

static int n, failed;

static void check(const char *got, const char *want, const char *what)
{
	bool pass = !strcmp(got, want);

	printf("%sok %d - json-writer: %s\n", pass ? "" : "not ", ++n, what);
	if (!pass) {
		printf("#   got:  %s\n#   want: %s\n", got, want);
		failed++;
	}
}

static void sample(struct json_writer *w)
{
	jsonw_start_object(w);
	jsonw_name(w, "s");
	jsonw_string(w, "a\"b\\c/d\n\t\x01\x1f\x7f\xc3\xa9");
	jsonw_name(w, "u");
	jsonw_uint(w, 18446744073709551615ULL);
	jsonw_name(w, "i");
	jsonw_int(w, -5);
	jsonw_name(w, "b");
	jsonw_bool(w, true);
	jsonw_name(w, "n");
	jsonw_null(w);
	jsonw_name(w, "a");
	jsonw_start_array(w);
	jsonw_string(w, "x");
	jsonw_start_object(w);
	jsonw_end_object(w);
	jsonw_start_array(w);
	jsonw_end_array(w);
	jsonw_end_array(w);
	jsonw_end_object(w);
}

static void render(bool pretty, const char *want, const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer *w;

	if (!f || !(w = jsonw_new(f, pretty))) {
		perror("json-writer");
		exit(1);
	}
	sample(w);
	jsonw_destroy(w);
	fclose(f);
	check(buf, want, what);
	free(buf);
}

/* One string value, compact, as the writer prints it. */
static void string(const char *value, const char *want, const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json_writer *w;

	if (!f || !(w = jsonw_new(f, false))) {
		perror("json-writer");
		exit(1);
	}
	jsonw_string(w, value);
	jsonw_destroy(w);
	fclose(f);
	check(buf, want, what);
	free(buf);
}

int main(void)
{
	render(false,
	       "{\"s\":\"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\\u007f\xc3\xa9\","
	       "\"u\":18446744073709551615,\"i\":-5,\"b\":true,\"n\":null,"
	       "\"a\":[\"x\",{},[]]}",
	       "compact layout and escaping");
	render(true,
	       "{\n"
	       "    \"s\": \"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\\u007f\xc3\xa9\",\n"
	       "    \"u\": 18446744073709551615,\n"
	       "    \"i\": -5,\n"
	       "    \"b\": true,\n"
	       "    \"n\": null,\n"
	       "    \"a\": [\n"
	       "        \"x\",\n"
	       "        {},\n"
	       "        []\n"
	       "    ]\n"
	       "}",
	       "pretty layout");
	string(NULL, "null", "NULL is null");
	string("", "\"\"", "empty string");
	/* Each length's smallest and largest scalar pass through. */
	string("\xc2\xa0\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	       "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
	       "\"\xc2\xa0\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80"
	       "\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"",
	       "well-formed UTF-8 as is");
	string("\x7f\xc2\x80\xc2\x9b\xc2\x9f", "\"\\u007f\\u0080\\u009b\\u009f\"",
	       "DEL and C1 controls escaped");
	string("a\x80" "b\xff" "c", "\"a\\ufffdb\\ufffdc\"",
	       "stray continuation and 0xff replaced");
	string("\xc0\xaf\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "overlong forms replaced byte by byte");
	string("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"",
	       "UTF-16 surrogate replaced");
	string("\xf4\x90\x80\x80\xf5", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "past U+10FFFF replaced");
	/* A sequence cut short by the string's end: no read past the NUL. */
	string("x\xe2\x82", "\"x\\ufffd\\ufffd\"", "truncated sequence replaced");
	string("\xe2\x82\xac", "\"\xe2\x82\xac\"", "euro sign as is");
	printf("# json-writer: %d checks, %d failed\n", n, failed);
	return failed ? 1 : 0;
}
