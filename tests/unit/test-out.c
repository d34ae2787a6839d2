/* test-out.c - result trees, their JSON lines and the human rendering path */
#include <stdlib.h>

#include "check.h"
#include "out.h"
#include "util.h"

static void render_hello(struct out *o, const struct rec *rec)
{
	out_printf(o, "hello %s, %" PRId64 " times\n", rec_str(rec, "who"), rec_int(rec, "n", 0));
}

static struct rec *sample(void)
{
	struct rec *rec = rec_obj();
	struct rec *arr;

	rec_set_str(rec, "who", "wor\"ld\n");
	rec_set_int(rec, "n", -3);
	rec_set_uint(rec, "u", 18446744073709551615ull);
	rec_set_addr(rec, "addr", 0x7fff0000deadbeefull);
	rec_set_bool(rec, "ok", true);
	rec_set_null(rec, "nothing");
	arr = rec_set_arr(rec, "frames");
	rec_set_int(rec_push_obj(arr), "level", 0);
	rec_push_str(arr, "\x01");
	return rec;
}

int main(void)
{
	struct out *o = out_new(stdout, stderr);
	struct rec *rec = sample();
	char *text;

	CHECK_STR(rec_str(rec, "who"), "wor\"ld\n");
	CHECK(rec_int(rec, "n", 0) == -3);
	CHECK(rec_uint(rec, "addr", 0) == 0x7fff0000deadbeefull);
	CHECK(rec_bool(rec, "ok") && !rec_bool(rec, "missing"));
	CHECK(rec_len(rec_get(rec, "frames")) == 2);
	CHECK(rec_int(rec, "missing", 9) == 9);
	rec_free(rec);

	out_capture_begin(o);
	out_set_json(o, true);
	out_emit(o, "bt", sample(), render_hello);
	text = out_capture_end(o);
	CHECK_STR(text, "{\"cmd\": \"bt\", \"who\": \"wor\\\"ld\\n\", \"n\": -3, "
			"\"u\": 18446744073709551615, \"addr\": \"0x7fff0000deadbeef\", "
			"\"ok\": true, \"nothing\": null, \"frames\": [{\"level\": 0}, "
			"\"\\u0001\"]}\n");
	free(text);

	/* Text that is not UTF-8 (Latin-1 "café", a lone continuation byte) is escaped; UTF-8 stays. */
	out_capture_begin(o);
	rec = rec_obj();
	rec_set_str(rec, "latin1", "caf\xe9");
	rec_set_str(rec, "utf8", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	rec_set_str(rec, "bad", "\x80\xc3(\xed\xa0\x80");
	out_emit(o, "echo", rec, render_hello);
	text = out_capture_end(o);
	CHECK_STR(text, "{\"cmd\": \"echo\", \"latin1\": \"caf\\u00e9\", "
			"\"utf8\": \"caf\xc3\xa9 \xf0\x9f\x98\x80\", "
			"\"bad\": \"\\u0080\\u00c3(\\u00ed\\u00a0\\u0080\"}\n");
	free(text);

	/* An empty record is still a line with its command. */
	out_capture_begin(o);
	out_emit(o, "detach", rec_obj(), render_hello);
	text = out_capture_end(o);
	CHECK_STR(text, "{\"cmd\": \"detach\"}\n");
	free(text);

	out_capture_begin(o);
	out_set_json(o, false);
	rec = rec_obj();
	rec_set_str(rec, "who", "you");
	rec_set_int(rec, "n", 2);
	out_emit(o, "hello", rec, render_hello);
	text = out_capture_end(o);
	CHECK_STR(text, "hello you, 2 times\n");
	free(text);

	/* Captures nest; colour never reaches a capture. */
	out_set_color(o, true);
	out_capture_begin(o);
	out_printf(o, "a%s", out_style(o, STYLE_FUNC));
	out_capture_begin(o);
	out_printf(o, "inner");
	text = out_capture_end(o);
	CHECK_STR(text, "inner");
	free(text);
	text = out_capture_end(o);
	CHECK_STR(text, "a");
	free(text);
	out_free(o);
	CHECK_DONE();
}
