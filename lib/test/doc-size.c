// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Size limit: a document's text with its NUL may be VSS_DOCUMENT_MAX bytes
 * (the module's policy takes strings of VSS_DOCUMENT_MAX - 1 characters),
 * one byte more is -E2BIG from *_to_json(), which then returns no text;
 * escaping counts (a quote takes two bytes). The parsers take what the
 * writers wrote, at the limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include <libvss-doc.h>

static const uint8_t id[LIBVSS_ID_SIZE] = { 7 };

/* Text length of a writer whose one component has a caption of @n times
 * @c; -errno if to_json fails. */
static long wmd_len(size_t n, char c, char **jsonp)
{
	struct libvss_wmd *wmd;
	char *caption = malloc(n + 1);
	long ret;

	*jsonp = NULL;
	if (!caption)
		return -ENOMEM;
	memset(caption, c, n);
	caption[n] = '\0';
	ret = libvss_wmd_new(id, id, "w", NULL, &wmd);
	if (!ret)
		ret = libvss_wmd_add_component(wmd, LIBVSS_COMPONENT_FILE_GROUP,
					       NULL, "c", caption, 0, NULL);
	if (!ret)
		ret = libvss_wmd_to_json(wmd, jsonp);
	if (!ret)
		ret = (long)strlen(*jsonp);
	libvss_wmd_free(wmd);
	free(caption);
	return ret;
}

static long bcd_len(size_t n, char **jsonp)
{
	struct libvss_bcd_component *comp;
	struct libvss_bcd *bcd;
	char *options = malloc(n + 1);
	long ret;

	*jsonp = NULL;
	if (!options)
		return -ENOMEM;
	memset(options, 'o', n);
	options[n] = '\0';
	ret = libvss_bcd_new(VSS_BACKUP_TYPE_FULL, 0, &bcd);
	if (!ret)
		ret = libvss_bcd_add_component(bcd, id, id, NULL, "c", &comp);
	if (!ret)
		ret = libvss_bcd_component_set_backup_options(comp, options);
	if (!ret)
		ret = libvss_bcd_to_json(bcd, jsonp);
	if (!ret)
		ret = (long)strlen(*jsonp);
	libvss_bcd_free(bcd);
	free(options);
	return ret;
}

int main(void)
{
	struct libvss_wmd *wmd = NULL;
	struct libvss_bcd *bcd = NULL;
	long base, room;
	char *json;

	/* wmd: the caption's length moves the text's length one for one. */
	base = wmd_len(1, 'x', &json) - 1;
	free(json);
	if (!ok(base > 0, "wmd: a small document is written"))
		return tap_done();
	room = VSS_DOCUMENT_MAX - 1 - base;
	ok_int(wmd_len((size_t)room, 'x', &json), VSS_DOCUMENT_MAX - 1,
	       "wmd: VSS_DOCUMENT_MAX bytes with the NUL: written");
	ok_int(libvss_wmd_parse(json, &wmd), 0, "wmd: and parsed back");
	if (wmd)
		ok_int((long long)strlen(libvss_wmd_component_caption(
				libvss_wmd_component(wmd, 0))), room,
		       "wmd: with its whole caption");
	libvss_wmd_free(wmd);
	free(json);
	ok_int(wmd_len((size_t)room + 1, 'x', &json), -E2BIG,
	       "wmd: one byte more: -E2BIG");
	ok(!json, "wmd: -E2BIG returns no text");
	ok_int(wmd_len((size_t)room / 2 + 1, '"', &json), -E2BIG,
	       "wmd: escaped quotes count twice: -E2BIG");
	ok_int(wmd_len((size_t)room / 2, '"', &json), base + room / 2 * 2,
	       "wmd: escaped quotes that fit: written");
	free(json);
	ok_int(wmd_len((size_t)VSS_DOCUMENT_MAX * 4, 'x', &json), -E2BIG,
	       "wmd: far too big: -E2BIG");

	base = bcd_len(1, &json) - 1;
	free(json);
	if (!ok(base > 0, "bcd: a small document is written"))
		return tap_done();
	room = VSS_DOCUMENT_MAX - 1 - base;
	ok_int(bcd_len((size_t)room, &json), VSS_DOCUMENT_MAX - 1,
	       "bcd: VSS_DOCUMENT_MAX bytes with the NUL: written");
	ok_int(libvss_bcd_parse(json, &bcd), 0, "bcd: and parsed back");
	libvss_bcd_free(bcd);
	free(json);
	ok_int(bcd_len((size_t)room + 1, &json), -E2BIG,
	       "bcd: one byte more: -E2BIG");
	ok(!json, "bcd: -E2BIG returns no text");
	return tap_done();
}
