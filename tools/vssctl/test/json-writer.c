// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer: exact compact and pretty layouts, commas and nesting,
 * and escaping of every character JSON requires escaped.
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

int main(void)
{
	render(false,
	       "{\"s\":\"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\x7f\xc3\xa9\","
	       "\"u\":18446744073709551615,\"i\":-5,\"b\":true,\"n\":null,"
	       "\"a\":[\"x\",{},[]]}",
	       "compact layout and escaping");
	render(true,
	       "{\n"
	       "    \"s\": \"a\\\"b\\\\c/d\\n\\t\\u0001\\u001f\x7f\xc3\xa9\",\n"
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
	printf("# json-writer: %d checks, %d failed\n", n, failed);
	return failed ? 1 : 0;
}
