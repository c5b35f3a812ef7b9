// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * WRITER_GET and SESSION_GET over the mock: the dump requests byte for
 * byte, every field of every writer and session read, the per-session
 * writers of SESSION_GET, a writer status without its identity refused as
 * -EBADMSG, and the kernel's refusal with its VSS status.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>

#include "build.h"
#include "mock.h"
#include "raw.h"
#include "tap.h"

static struct nl_msg *writer_reply(uint32_t id, const char *name,
				   const char *inst, uint32_t state,
				   bool identity)
{
	struct nl_msg *msg = build_multi(build_vss(VSS_CMD_WRITER_GET));
	uint8_t cid[16] = { 0xc0, (uint8_t)id }, iid[16] = { 0x10, (uint8_t)id };

	nla_put_u32(msg, VSS_A_WRITER_ID, id);
	if (identity)
		nla_put(msg, VSS_A_WRITER_CLASS_ID, 16, cid);
	nla_put(msg, VSS_A_WRITER_INSTANCE_ID, 16, iid);
	nla_put_string(msg, VSS_A_WRITER_NAME, name);
	if (inst)
		nla_put_string(msg, VSS_A_WRITER_INSTANCE_NAME, inst);
	nla_put_u32(msg, VSS_A_WRITER_LEVEL, VSS_WRITER_LEVEL_SYSTEM);
	nla_put_u32(msg, VSS_A_WRITER_USAGE_TYPE, VSS_USAGE_USER_DATA);
	nla_put_u32(msg, VSS_A_WRITER_SOURCE_TYPE, VSS_SOURCE_TRANSACTED_DB);
	nla_put_u32(msg, VSS_A_WRITER_FREEZE_TIMEOUT_MS, 1500);
	nla_put_u32(msg, VSS_A_WRITER_PORTID, 777);
	nla_put_u32(msg, VSS_A_WRITER_SESSION_ID, 12);
	nla_put_u32(msg, VSS_A_WRITER_STATE, state);
	nla_put_u32(msg, VSS_A_WRITER_FAILURE, VSS_WRITER_FAILURE_TIMEOUT);
	nla_put_u32(msg, VSS_A_WRITER_ERROR, 0);
	nla_put_string(msg, VSS_A_WRITER_MESSAGE, "held too long");
	return msg;
}

int main(void)
{
	static const struct test_writer sw = {
		3, { 0x31 }, { 0x32 }, "front", VSS_WRITER_LEVEL_FRONT_END,
		VSS_WRITER_STATE_WAITING_FOR_THAW, 0, 0, NULL, true,
	};
	static const uint8_t set_id[16] = { 0x5e, [15] = 0x7 };
	const struct libvss_writer_info *wi;
	struct libvss_session_list *sl;
	struct libvss_writer_list *l;
	struct libvss_session *s;
	struct libvss_ctx *ctx;
	struct nl_msg *msg;
	struct raw want;
	struct mock *m;

	if (!ok_int(open_mocked(&m, &ctx), 0, "context opens over the mock"))
		return tap_done();

	mock_queue1(m, 0, writer_reply(3, "pg", "main", VSS_WRITER_STATE_STABLE,
				       true));
	mock_queue1(m, 0, writer_reply(5, "app", NULL,
				       VSS_WRITER_STATE_FAILED_AT_FREEZE, true));
	mock_queue1(m, 0, build_done(0, NULL));
	ok_int(libvss_writer_list(ctx, &l), 0, "writer_list");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP,
		  ctx->seq, VSS_CMD_WRITER_GET);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "writer_list");
	if (ok_int(libvss_writer_list_count(l), 2, "two writers")) {
		wi = libvss_writer_list_entry(l, 1);
		ok_int(libvss_writer_info_id(wi), 5, "id");
		ok_str(libvss_writer_info_name(wi), "app", "name");
		ok_str(libvss_writer_info_instance_name(wi), "", "no instance name");
		ok_str(libvss_writer_info_instance_name(libvss_writer_list_entry(l, 0)),
		       "main", "instance name");
		ok_int(libvss_writer_info_class_id(wi)[1], 5, "class id");
		ok_int(libvss_writer_info_instance_id(wi)[0], 0x10, "instance id");
		ok_int(libvss_writer_info_level(wi), VSS_WRITER_LEVEL_SYSTEM, "level");
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
		ok_str(libvss_writer_info_message(wi), "held too long", "message");
		ok(libvss_writer_list_entry(l, 2) == NULL, "nothing past the count");
	}
	libvss_writer_list_free(l);

	mock_queue1(m, 0, writer_reply(3, "pg", NULL, 1, false));
	mock_queue1(m, 0, build_done(0, NULL));
	l = (struct libvss_writer_list *)1;
	ok_int(libvss_writer_list(ctx, &l), -EBADMSG, "no class id: -EBADMSG");
	ok(l == NULL, "no class id: no list");
	ok_contains(libvss_ext_error(ctx), "lacks", "no class id: explained");

	mock_queue1(m, 0, build_extack_status(-EPERM, "needs CAP_SYS_ADMIN",
					      VSS_STATUS_ACCESS_DENIED));
	ok_int(libvss_writer_list(ctx, &l), -EPERM, "refused: -EPERM");
	ok_int(libvss_ext_status(ctx), VSS_STATUS_ACCESS_DENIED,
	       "refused: access-denied");

	/* SESSION_GET of one session, with its writers. */
	msg = build_vss(VSS_CMD_SESSION_GET);
	nla_put_u32(msg, VSS_A_SESSION_ID, 12);
	nla_put_u32(msg, VSS_A_SESSION_OWNER, 4000);
	nla_put_u32(msg, VSS_A_SESSION_TYPE, VSS_SESSION_BACKUP);
	nla_put_u32(msg, VSS_A_SESSION_STATE, VSS_SESSION_STATE_PREPARED);
	nla_put_u32(msg, VSS_A_SESSION_OP, VSS_SESSION_OP_DO_SNAPSHOT_SET);
	nla_put_u32(msg, VSS_A_SESSION_ERROR, 0);
	nla_put_u32(msg, VSS_A_SESSION_STATUS, 0);
	nla_put_u32(msg, VSS_A_SESSION_BACKUP_TYPE, VSS_BACKUP_TYPE_COPY);
	nla_put_u32(msg, VSS_A_SESSION_FLAGS, 0);
	nla_put(msg, VSS_A_SESSION_SET_ID, 16, set_id);
	build_writer_status(msg, &sw);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_ack());
	ok_int(libvss_session_get(ctx, 12, &s), 0, "session_get");
	raw_start(&want, TEST_FAMILY_ID, NLM_F_REQUEST | NLM_F_ACK, ctx->seq,
		  VSS_CMD_SESSION_GET);
	raw_u32(&want, VSS_A_SESSION_ID, 12);
	raw_end(&want);
	ok_request(m, mock_nsent(m) - 1, &want, "session_get");
	ok_int(libvss_session_id(s), 12, "session id");
	ok_int(libvss_session_owner(s), 4000, "owner");
	ok_int(libvss_session_type(s), VSS_SESSION_BACKUP, "type");
	ok_int(libvss_session_state(s), VSS_SESSION_STATE_PREPARED, "state");
	ok_int(libvss_session_op(s), VSS_SESSION_OP_DO_SNAPSHOT_SET, "running op");
	ok_int(libvss_session_backup_type(s), VSS_BACKUP_TYPE_COPY, "backup type");
	ok_mem(libvss_session_set_id(s), set_id, 16, "set id");
	ok_int(libvss_session_writer_count(s), 1, "one writer");
	wi = libvss_session_writer(s, 0);
	ok_str(libvss_writer_info_name(wi), "front", "writer name");
	ok_int(libvss_writer_info_state(wi), VSS_WRITER_STATE_WAITING_FOR_THAW,
	       "writer state in the session");
	ok_int(libvss_writer_info_selected(wi), 1, "selected");
	libvss_session_free(s);

	/* The dump: no writers, no set. */
	msg = build_multi(build_vss(VSS_CMD_SESSION_GET));
	nla_put_u32(msg, VSS_A_SESSION_ID, 13);
	nla_put_u32(msg, VSS_A_SESSION_TYPE, VSS_SESSION_RESTORE);
	nla_put_u32(msg, VSS_A_SESSION_STATE, VSS_SESSION_STATE_CREATED);
	mock_queue1(m, 0, msg);
	mock_queue1(m, 0, build_done(0, NULL));
	ok_int(libvss_session_list(ctx, &sl), 0, "session_list");
	if (ok_int(libvss_session_list_count(sl), 1, "one session")) {
		ok_int(libvss_session_id(libvss_session_list_entry(sl, 0)), 13, "its id");
		ok(libvss_session_set_id(libvss_session_list_entry(sl, 0)) == NULL,
		   "no set id");
	}
	libvss_session_list_free(sl);

	libvss_close(ctx);
	mock_free(m);
	return tap_done();
}
