// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The examples of Documentation/documents.md are valid: every ```json block
 * parses as the document it says it is, is exactly what the library writes
 * for it (white space aside: the page says so), and what is written back
 * parses again to the same text. A guide whose examples the library
 * refuses would teach writers in other languages the wrong schema.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <libvss-doc.h>

#ifndef DOCUMENTS_MD
#define DOCUMENTS_MD "../Documentation/documents.md"
#endif

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		char *p = realloc(buf, len + 4097);

		if (!p) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = p;
		n = fread(buf + len, 1, 4096, f);
		len += n;
		buf[len] = '\0';
		if (n < 4096)
			break;
	}
	fclose(f);
	return buf;
}

/* @json without the white space between tokens, in place. */
static void minify(char *json)
{
	bool in_str = false, esc = false;
	char *out = json;

	for (; *json; json++) {
		if (in_str) {
			if (esc)
				esc = false;
			else if (*json == '\\')
				esc = true;
			else if (*json == '"')
				in_str = false;
		} else if (*json == '"') {
			in_str = true;
		} else if (strchr(" \t\r\n", *json)) {
			continue;
		}
		*out++ = *json;
	}
	*out = '\0';
}

/* Parse, write, parse the written text, write again: same text twice. */
static void check_wmd(const char *json, int i)
{
	struct libvss_wmd *wmd = NULL, *again = NULL;
	char *out = NULL, *out2 = NULL;

	if (!ok_int(libvss_wmd_parse(json, &wmd), 0,
		    "example %d: a valid writer metadata document", i))
		return;
	ok(libvss_wmd_component_count(wmd) > 0, "example %d: has components",
	   i);
	ok_int(libvss_wmd_to_json(wmd, &out), 0, "example %d: written back", i);
	ok_str(out, json, "example %d: is what the library writes", i);
	ok_int(libvss_wmd_parse(out, &again), 0, "example %d: reread", i);
	if (again)
		ok_int(libvss_wmd_to_json(again, &out2), 0,
		       "example %d: written again", i);
	ok_str(out2, out, "example %d: nothing lost", i);
	libvss_wmd_free(wmd);
	libvss_wmd_free(again);
	free(out);
	free(out2);
}

static void check_bcd(const char *json, int i)
{
	struct libvss_bcd *bcd = NULL, *again = NULL;
	char *out = NULL, *out2 = NULL;

	if (!ok_int(libvss_bcd_parse(json, &bcd), 0,
		    "example %d: a valid backup components document", i))
		return;
	ok(libvss_bcd_writer_count(bcd) > 0, "example %d: has writers", i);
	ok_int(libvss_bcd_to_json(bcd, &out), 0, "example %d: written back", i);
	ok_str(out, json, "example %d: is what the library writes", i);
	ok_int(libvss_bcd_parse(out, &again), 0, "example %d: reread", i);
	if (again)
		ok_int(libvss_bcd_to_json(again, &out2), 0,
		       "example %d: written again", i);
	ok_str(out2, out, "example %d: nothing lost", i);
	libvss_bcd_free(bcd);
	libvss_bcd_free(again);
	free(out);
	free(out2);
}

int main(void)
{
	const char *path = getenv("DOCUMENTS_MD") ?: DOCUMENTS_MD;
	char *text = slurp(path), *p, *end;
	int n = 0, nwmd = 0, nbcd = 0;

	if (!ok(text != NULL, "read %s", path))
		return tap_done();
	for (p = text; (p = strstr(p, "```json\n")); p = end + 4) {
		p += strlen("```json\n");
		end = strstr(p, "\n```");
		if (!ok(end != NULL, "example %d: closed", n))
			break;
		*end = '\0';
		minify(p);
		if (strstr(p, "\"vss-writer-metadata\"")) {
			check_wmd(p, n);
			nwmd++;
		} else {
			check_bcd(p, n);
			nbcd++;
		}
		n++;
	}
	ok(nwmd >= 1, "a writer metadata example (%d)", nwmd);
	ok(nbcd >= 1, "a backup components example (%d)", nbcd);
	free(text);
	return tap_done();
}
