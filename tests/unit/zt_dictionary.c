// SPDX-License-Identifier: BSD-2-Clause
/* Dictionary: the lab members' saved network configs, escaping round trips, writer edge cases. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "zt_testutil.h"
#include "zt/dictionary.h"

static void test_member_conf(void)
{
	static char text[8192];
	struct zt_dict d;
	uint8_t com[400];
	char name[128];
	uint64_t v;
	bool b;
	size_t n = zt_test_slurp("tests/data/zt/homes/m1/networks.d/5f4e89e209000001.conf", text,
				 sizeof(text));
	int r;

	zt_dict_view(&d, text, n);
	is_int(d.len, 1126, "m1 conf: text is 1126 bytes");
	ok(zt_dict_get_u64(&d, "v", &v) == 0 && v == 7, "v = 7");
	ok(zt_dict_get_u64(&d, "nwid", &v) == 0 && v == 0x5f4e89e209000001ULL, "nwid");
	ok(zt_dict_get_u64(&d, "id", &v) == 0 && v == 0x8f953d94cfULL, "id (10 hex digits)");
	ok(zt_dict_get_u64(&d, "mtu", &v) == 0 && v == 2800, "mtu 2800");
	ok(zt_dict_get_u64(&d, "ml", &v) == 0 && v == 32, "ml 32");
	ok(zt_dict_get_u64(&d, "f", &v) == 0 && v == 2, "f = broadcast");
	ok(zt_dict_get_u64(&d, "ctmd", &v) == 0 && v == 0x1b7740, "ctmd 1800000 ms");
	ok(zt_dict_get_str(&d, "n", name, sizeof(name)) == 5 && !strcmp(name, "ztlab"),
	   "n = ztlab");
	ok(zt_dict_get_bool(&d, "ssoe", &b) == 0 && !b, "ssoe = 0 (last entry, no LF)");
	/* "t" must not match "tt" or "tl" or "ts". */
	ok(zt_dict_get_u64(&d, "t", &v) == 0 && v == 0, "t = 0 (not tt/tl/ts)");
	r = zt_dict_get(&d, "C", com, sizeof(com));
	is_int(r, 272, "C unescapes to a 272-byte COM");
	ok(com[0] == 1 && com[1] == 0 && com[2] == 7, "COM starts 01 0007");
	/* Byte 0x3d ('=') inside the signature is written \e; 0x0a as \n. */
	ok(r == 272 && com[3 + 7 * 24] == 0x5f && com[3 + 7 * 24 + 4] == 0x09,
	   "signer 5f4e89e209 at offset 171");
	is_int(zt_dict_get(&d, "DNS", NULL, 0), 132, "DNS is 132 bytes");
	is_int(zt_dict_get(&d, "R", com, sizeof(com)), 2, "R is one ACCEPT rule");
	ok(com[0] == 1 && com[1] == 0, "R = 01 00");
	is_int(zt_dict_get(&d, "nope", NULL, 0), -ENOENT, "absent key: -ENOENT");
	is_int(zt_dict_get(&d, "C", com, 10), -ENOSPC, "small buffer: -ENOSPC");
	is_int(zt_dict_get_str(&d, "C", name, sizeof(name)), -ENOSPC, "binary too long for string");
	is_int(zt_dict_get_str(&d, "R", name, sizeof(name)), -EBADMSG, "R has a NUL: not a string");
	is_int(zt_dict_get_u64(&d, "n", &v), -EBADMSG, "n is not hex");
	is_int(zt_dict_get_u64(&d, "C", &v), -EBADMSG, "C is not an integer");

	n = zt_test_slurp("tests/data/zt/homes/m3-legacy/networks.d/5f4e89e209000001.conf", text,
			  sizeof(text));
	zt_dict_view(&d, text, n);
	ok(!zt_dict_has(&d, "DNS") && !zt_dict_has(&d, "ssoe"), "1.4.6 conf has no DNS or ssoe");
	ok(zt_dict_get_u64(&d, "id", &v) == 0 && v == 0x282e082f37ULL, "m3 id");
	is_int(zt_dict_get(&d, "I", com, sizeof(com)), 7, "m3 I is one IPv4 InetAddress");
	/* 10.147.20.13/24: the 13 (CR) is written \r. */
	ok(com[0] == 4 && com[1] == 10 && com[2] == 147 && com[3] == 20 && com[4] == 13 &&
	       com[5] == 0 && com[6] == 24,
	   "I = 04 0a931400d 0018 (\\r unescaped)");
}

static void test_escape_roundtrip(void)
{
	char buf[2048], out[600];
	uint8_t all[256], got[256];
	struct zt_dict d, v;
	uint64_t x;
	size_t pos = 0, kl, rl;
	const char *k, *raw;
	int i, cnt;

	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	zt_dict_init(&d, buf, sizeof(buf));
	ok(zt_dict_set(&d, "bin", all, sizeof(all)) == 0, "set 256 bytes 00..ff");
	is_int(d.len, 4 + 256 + 5, "five bytes escaped");
	ok(memchr(d.text, '\n', d.len) == NULL && memchr(d.text, '\r', d.len) == NULL &&
	       memchr(d.text, '\0', d.len) == NULL && strchr(d.text + 4, '=') == NULL,
	   "no raw NUL, CR, LF or '=' in the value");
	ok(strstr(d.text, "\\0") && strstr(d.text, "\\r") && strstr(d.text, "\\n") &&
	       strstr(d.text, "\\\\") && strstr(d.text, "\\e"),
	   "escapes \\0 \\r \\n \\\\ \\e");
	ok(zt_dict_get(&d, "bin", got, sizeof(got)) == 256 && !memcmp(got, all, 256),
	   "256 bytes round trip");
	ok(zt_dict_set_u64(&d, "ts", 0x1a2278ae93aULL) == 0, "set u64");
	ok(zt_dict_set_hex(&d, "id", 0x8f953d94cfULL, 10) == 0, "set address");
	ok(zt_dict_set_bool(&d, "ssoe", true) == 0, "set bool");
	ok(zt_dict_set_str(&d, "n", "a=b\\c\r\nd") == 0, "set string with specials");
	ok(strstr(d.text, "\nts=000001a2278ae93a\nid=8f953d94cf\nssoe=1\nn=a\\eb\\\\c\\r\\nd") !=
	       NULL,
	   "written as ZeroTier writes them");
	ok(zt_dict_get_str(&d, "n", out, sizeof(out)) == 8 && !strcmp(out, "a=b\\c\r\nd"),
	   "string round trip");
	/* Replace: the old entry goes, the new one is last, no LF left dangling. */
	ok(zt_dict_set_u64(&d, "ts", 5) == 0, "replace ts");
	ok(zt_dict_get_u64(&d, "ts", &x) == 0 && x == 5, "new ts read back");
	ok(d.len > 0 && d.text[d.len - 1] != '\n' && d.text[0] != '\n' && !strstr(d.text, "\n\n"),
	   "no empty entries after replace");
	cnt = 0;
	while (zt_dict_next(&d, &pos, &k, &kl, &raw, &rl))
		cnt++;
	is_int(cnt, 5, "five entries");
	ok(zt_dict_set_str(&d, "n", "last") == 0 && zt_dict_set_str(&d, "n", "again") == 0,
	   "replace the last entry twice");
	ok(zt_dict_get_str(&d, "n", out, sizeof(out)) == 5 && !strcmp(out, "again") &&
	       d.text[d.len - 1] == 'n' && !strstr(d.text, "\n\n"),
	   "last entry replaced cleanly");
	is_int(strlen(d.text), d.len, "writable text stays NUL-terminated");

	/* Bad keys and full buffers. */
	is_int(zt_dict_set_str(&d, "a=b", "x"), -EINVAL, "key with '=' refused");
	is_int(zt_dict_set_str(&d, "", "x"), -EINVAL, "empty key refused");
	is_int(zt_dict_set_str(&d, "a\nb", "x"), -EINVAL, "key with LF refused");
	{
		char small[16], before[16];
		struct zt_dict s;

		zt_dict_init(&s, small, sizeof(small));
		ok(zt_dict_set_str(&s, "k", "0123456789") == 0, "13 bytes fit in 16");
		memcpy(before, small, sizeof(small));
		is_int(zt_dict_set_str(&s, "j", "xx"), -ENOSPC, "no room: -ENOSPC");
		ok(!memcmp(before, small, sizeof(small)) && s.len == 12, "untouched on -ENOSPC");
		ok(zt_dict_set_str(&s, "k", "01234567890") == 0 && s.len == 13,
		   "replacing frees the old entry's room first");
		ok(zt_dict_set_str(&s, "k", "") == 0 && s.len == 2 && !strcmp(small, "k="),
		   "empty value");
	}
	zt_dict_view(&v, buf, d.len);
	is_int(zt_dict_set_str(&v, "x", "y"), -EROFS, "a view is read-only");
}

static void test_reader_quirks(void)
{
	static const char t[] = "\r\na=1\rnoequals\n\nb=x\\qy\\\nb=second\nc=\\";
	char out[16];
	struct zt_dict d;
	uint64_t v;

	zt_dict_view(&d, t, sizeof(t) - 1);
	ok(zt_dict_get_u64(&d, "a", &v) == 0 && v == 1, "CR ends an entry too");
	ok(zt_dict_get_str(&d, "b", out, sizeof(out)) == 3 && !strcmp(out, "xqy"),
	   "unknown escape is the byte itself; '\\' before LF stands for nothing; first wins");
	ok(zt_dict_get(&d, "c", out, sizeof(out)) == 0, "lone '\\' at the end: empty value");
	ok(!zt_dict_has(&d, "noequals"), "a line without '=' is no entry");
	zt_dict_view(&d, "a=1\0b=2", 7);
	ok(!zt_dict_has(&d, "b") && d.len == 3, "the text ends at a NUL");
	zt_dict_view(&d, "v=00000000000000007x", 20);
	is_int(zt_dict_get_u64(&d, "v", &v), -EBADMSG, "17 digits: -EBADMSG");
	zt_dict_view(&d, "v=", 2);
	is_int(zt_dict_get_u64(&d, "v", &v), -EBADMSG, "empty integer: -EBADMSG");
	zt_dict_view(&d, "v=FfFf", 6);
	ok(zt_dict_get_u64(&d, "v", &v) == 0 && v == 0xffff, "upper-case hex accepted");
}

int main(void)
{
	test_member_conf();
	test_escape_roundtrip();
	test_reader_quirks();
	return done_testing();
}
