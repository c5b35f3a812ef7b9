// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvss_writer_get(): the WRITER_GET do by id over the mock, the request
 * byte for byte, every field of the reply read into a copy the caller
 * frees; no such writer as -ENOENT with the kernel's reason; a reply that
 * is another writer's, lacks its identity or is missing, as -EBADMSG.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static struct nl_msg *writer_reply(uint32_t id, bool identity)
{
	struct nl_msg *msg = build_vss(VSS_CMD_WRITER_GET);
	uint8_t cid[16] = { 0xc0, (uint8_t)id }, iid[16] = { 0x10, (uint8_t)id };

	nla_put_u32(msg, VSS_A_WRITER_ID, id);
	if (identity)
		nla_put(msg, VSS_A_WRITER_CLASS_ID, 16, cid);
	nla_put(msg, VSS_A_WRITER_INSTANCE_ID, 16, iid);
	nla_put_string(msg, VSS_A_WRITER_NAME, "pg");
	nla_put_string(msg, VSS_A_WRITER_INSTANCE_NAME, "main");
	nla_put_u32(msg, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_BACK_END);
	nla_put_u32(msg, VSS_A_WRITER_USAGE_TYPE, VSS_USAGE_USER_DATA);
	nla_put_u32(msg, VSS_A_WRITER_SOURCE_TYPE, VSS_SOURCE_TRANSACTED_DB);
	nla_put_u32(msg, VSS_A_WRITER_FREEZE_TIMEOUT_MS, 1500);
	nla_put_u32(msg, VSS_A_WRITER_PORTID, 777);
	nla_put_u32(msg, VSS_A_WRITER_SESSION_ID, 12);
	nla_put_u32(msg, VSS_A_WRITER_STATE, VSS_WRITER_STATE_FAILED_AT_FREEZE);
	nla_put_u32(msg, VSS_A_WRITER_FAILURE, VSS_WRITER_FAILURE_TIMEOUT);
	nla_put_u32(msg, VSS_A_WRITER_ERROR, EIO);
	nla_put_string(msg, VSS_A_WRITER_MESSAGE, "held too long");
	return msg;
}

int main(void)
{
	struct libvss_writer_info *wi;
	struct libvss_ctx *ctx;
	struct raw want;
	struct mock *m;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	mock_queue1(m, 0, writer_reply(7, true));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_get(ctx, 7, &wi), 0, "writer_get");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_WRITER_GET);
	raw_u32(&want, VSS_A_WRITER_ID, 7);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "a do (no dump) with the id");
	if (ok(wi != NULL, "a writer")) {
		ok_int(libvss_writer_info_id(wi), 7, "id");
		ok_int(libvss_writer_info_class_id(wi)[1], 7, "class id");
		ok_int(libvss_writer_info_instance_id(wi)[0], 0x10, "instance id");
		ok_str(libvss_writer_info_name(wi), "pg", "name");
		ok_str(libvss_writer_info_instance_name(wi), "main", "instance name");
		ok_int(libvss_writer_info_level(wi), VSS_WRITER_LEVEL_BACK_END, "level");
		ok_int(libvss_writer_info_usage_type(wi), VSS_USAGE_USER_DATA, "usage");
		ok_int(libvss_writer_info_source_type(wi), VSS_SOURCE_TRANSACTED_DB,
		       "source");
		ok_int(libvss_writer_info_freeze_timeout_ms(wi), 1500, "freeze timeout");
		ok_int(libvss_writer_info_portid(wi), 777, "port id");
		ok_int(libvss_writer_info_session_id(wi), 12, "session id");
		ok_int(libvss_writer_info_state(wi), VSS_WRITER_STATE_FAILED_AT_FREEZE,
		       "state");
		ok_int(libvss_writer_info_failure(wi), VSS_WRITER_FAILURE_TIMEOUT,
		       "failure");
		ok_int(libvss_writer_info_error(wi), EIO, "errno");
		ok_str(libvss_writer_info_message(wi), "held too long", "message");
	}
	libvss_writer_info_free(wi);
	libvss_writer_info_free(NULL);

	mock_queue1(m, 0, build_extack_status(-ENOENT, "no writer with this id",
					      VSS_STATUS_OBJECT_NOT_FOUND));
	wi = (struct libvss_writer_info *)1;
	ok_int(libvss_writer_get(ctx, 8, &wi), -ENOENT, "no such writer: -ENOENT");
	ok(wi == NULL, "no such writer: none returned");
	ok_str(libvss_ext_error(ctx), "no writer with this id",
	       "no such writer: the kernel's reason");
	ok_int(libvss_ext_status(ctx), VSS_STATUS_OBJECT_NOT_FOUND,
	       "no such writer: object-not-found");

	mock_queue1(m, 0, writer_reply(9, true));
	mock_queue1(m, 0, build_ack());
	wi = (struct libvss_writer_info *)1;
	ok_int(libvss_writer_get(ctx, 8, &wi), -EBADMSG, "another writer: -EBADMSG");
	ok(wi == NULL, "another writer: none returned");
	ok_contains(libvss_ext_error(ctx), "another writer", "another writer: explained");

	mock_queue1(m, 0, writer_reply(8, false));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_get(ctx, 8, &wi), -EBADMSG, "no class id: -EBADMSG");
	ok(wi == NULL, "no class id: none returned");
	ok_contains(libvss_ext_error(ctx), "lacks", "no class id: explained");

	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_get(ctx, 8, &wi), -EBADMSG, "no reply: -EBADMSG");
	ok(wi == NULL, "no reply: none returned");
	ok_contains(libvss_ext_error(ctx), "without a reply", "no reply: explained");

	mock_queue1(m, 0, writer_reply(8, true));
	mock_queue1(m, 0, writer_reply(8, true));
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_writer_get(ctx, 8, &wi), -EBADMSG, "two replies: -EBADMSG");
	ok(wi == NULL, "two replies: none returned");

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
