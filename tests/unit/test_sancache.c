/*
 * test_sancache - the sanitize cache: key parts, bounds and eviction,
 * invalidation by database version, and a cached hit inside the engine
 * giving the same output as the fresh run it replaces
 */
#include <string.h>

#include "engine.h"
#include "sancache.h"
#include "store_port.h"
#include "testutil.h"
#include "util.h"

#define SHA_A "aaaa000000000000000000000000000000000000000000000000000000000000"
#define SHA_B "bbbb000000000000000000000000000000000000000000000000000000000000"

/* An 8x8 RGB PNG (made with zlib by hand): goes through the image filter. */
static const char png8[] =
	"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52"
	"\x00\x00\x00\x08\x00\x00\x00\x08\x08\x02\x00\x00\x00\x4b\x6d\x29"
	"\xdc\x00\x00\x00\x6c\x49\x44\x41\x54\x78\xda\x0d\xc9\x41\x01\x00"
	"\x30\x08\x03\x31\x94\xa0\xa4\x4a\xaa\x84\xe7\xa9\x40\x09\x4a\xaa"
	"\x68\xcb\x37\x55\x45\x17\x2a\x5c\x4c\xb1\xc5\x15\x29\xaa\x9a\x6e"
	"\xd4\xb8\x99\x66\x9b\x6b\xd2\x3f\x44\x0b\x09\x8b\x11\x2b\x4e\x44"
	"\x3f\x4c\x1b\x19\x9b\x31\x6b\xce\xc4\x3f\x86\x1e\x34\x78\x98\x61"
	"\x87\x1b\x32\x3f\x96\x5e\xb4\x78\x99\x65\x97\x5b\xb2\x3f\x8e\x3e"
	"\x74\xf8\x98\x63\x8f\x3b\x72\x3f\x42\x07\x05\x87\x09\x1b\x2e\x24"
	"\x3c\xb0\x2c\x54\x81\xf9\xa6\x0b\x79\x00\x00\x00\x00\x49\x45\x4e"
	"\x44\xae\x42\x60\x82";

static GBytes *
filled(gsize n, char c)
{
	char *p = g_malloc(n);

	memset(p, c, n);
	return g_bytes_new_take(p, n);
}

START_TEST(test_key_parts)
{
	mk_config *a = mkt_worker_config(), *b = mkt_worker_config();
	char da[65], da2[65], db[65];
	mk_sancache *c1, *c2, *c3;
	char *k1, *k2, *k3, *k4;

	mk_sancache_config_digest(a, da);
	mk_sancache_config_digest(a, da2);
	ck_assert_str_eq(da, da2);                  /* stable */
	b->pdf.dpi = a->pdf.dpi + 1;                /* any other setting */
	mk_sancache_config_digest(b, db);
	ck_assert_str_ne(da, db);
	c1 = mk_sancache_new(1 << 20, da, "db1");
	c2 = mk_sancache_new(1 << 20, db, "db1");
	c3 = mk_sancache_new(1 << 20, da, "db2");
	k1 = mk_sancache_key(c1, "image", SHA_A);
	k2 = mk_sancache_key(c2, "image", SHA_A);
	k3 = mk_sancache_key(c3, "image", SHA_A);
	k4 = mk_sancache_key(c1, "pdf", SHA_A);
	ck_assert(strstr(k1, da) != NULL && strstr(k1, "db1") != NULL &&
	          strstr(k1, SHA_A) != NULL && strstr(k1, "image") != NULL);
	ck_assert_str_ne(k1, k2);   /* configuration */
	ck_assert_str_ne(k1, k3);   /* database */
	ck_assert_str_ne(k1, k4);   /* filter */
	g_free(k1);
	g_free(k2);
	g_free(k3);
	g_free(k4);
	mk_sancache_free(&c1);
	mk_sancache_free(&c2);
	mk_sancache_free(&c3);
	ck_assert(c1 == NULL);
	mk_config_unref(&a);
	mk_config_unref(&b);
}
END_TEST

START_TEST(test_get_put_notes)
{
	mk_sancache *c = mk_sancache_new(1 << 20, "d", "v");
	GBytes *out = filled(1000, 'x'), *got = NULL;
	GPtrArray *notes = g_ptr_array_new(), *back = g_ptr_array_new_with_free_func(g_free);
	char *type = NULL;
	mk_sancache_stats st;

	g_ptr_array_add(notes, "metadata removed");
	ck_assert(!mk_sancache_get(c, "image", SHA_A, &got, &type, back));
	mk_sancache_put(c, "image", SHA_A, out, "image/png", notes);
	ck_assert(!mk_sancache_get(c, "pdf", SHA_A, &got, &type, back));   /* other filter */
	ck_assert(!mk_sancache_get(c, "image", SHA_B, &got, &type, back)); /* other bytes */
	ck_assert(mk_sancache_get(c, "image", SHA_A, &got, &type, back));
	ck_assert(g_bytes_equal(got, out));
	ck_assert_str_eq(type, "image/png");
	ck_assert_uint_eq(back->len, 1);
	ck_assert_str_eq(g_ptr_array_index(back, 0), "metadata removed");
	mk_sancache_get_stats(c, &st);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.misses, 3);
	ck_assert_uint_eq(st.entries, 1);
	/* no sha256, no entry */
	mk_sancache_put(c, "image", "", out, "image/png", NULL);
	mk_sancache_get_stats(c, &st);
	ck_assert_uint_eq(st.entries, 1);
	g_bytes_unref(got);
	g_free(type);
	g_bytes_unref(out);
	g_ptr_array_unref(notes);
	g_ptr_array_unref(back);
	mk_sancache_free(&c);
}
END_TEST

START_TEST(test_bounded_lru)
{
	GBytes *x = filled(100, 'x'), *big = filled(2000, 'b'), *got = NULL;
	char *type = NULL, sha[65];
	mk_sancache_stats st;
	mk_sancache *t = mk_sancache_new(1 << 20, "d", "v");
	gsize one;

	/* what one entry costs, to size the bound */
	mk_sancache_put(t, "f", SHA_A, x, NULL, NULL);
	mk_sancache_get_stats(t, &st);
	one = st.bytes;
	mk_sancache_free(&t);

	/* room for exactly eight entries; nine go in, 0 is kept in use */
	t = mk_sancache_new(8 * one, "d", "v");
	mk_sancache_put(t, "f", SHA_A, big, NULL, NULL);    /* > max/8: not kept */
	mk_sancache_get_stats(t, &st);
	ck_assert_uint_eq(st.entries, 0);
	for (int i = 0; i < 9; i++) {
		g_snprintf(sha, sizeof sha, "%064d", i);
		mk_sancache_put(t, "f", sha, x, NULL, NULL);
		mk_sancache_get_stats(t, &st);
		ck_assert(st.bytes <= 8 * one);
		if (i == 0 || i == 7) {   /* 0 used again: 1 is the oldest */
			g_snprintf(sha, sizeof sha, "%064d", 0);
			ck_assert(mk_sancache_get(t, "f", sha, &got, &type, NULL));
			g_bytes_unref(got);
			g_free(type);
		}
	}
	mk_sancache_get_stats(t, &st);
	ck_assert_uint_eq(st.entries, 8);
	ck_assert_uint_eq(st.evictions, 1);
	g_snprintf(sha, sizeof sha, "%064d", 1);
	ck_assert(!mk_sancache_get(t, "f", sha, &got, &type, NULL));
	for (int i = 0; i < 9; i++) {
		if (i == 1)
			continue;
		g_snprintf(sha, sizeof sha, "%064d", i);
		ck_assert_msg(mk_sancache_get(t, "f", sha, &got, &type, NULL), "entry %d", i);
		g_bytes_unref(got);
		g_free(type);
	}
	mk_sancache_free(&t);

	/* max 0: nothing is kept */
	t = mk_sancache_new(0, "d", "v");
	mk_sancache_put(t, "f", SHA_A, x, NULL, NULL);
	ck_assert(!mk_sancache_get(t, "f", SHA_A, &got, &type, NULL));
	mk_sancache_free(&t);
	g_bytes_unref(x);
	g_bytes_unref(big);
}
END_TEST

START_TEST(test_db_reload_invalidates)
{
	mk_sancache *c = mk_sancache_new(1 << 20, "d", "db1");
	GBytes *o = filled(100, 'o'), *got = NULL;
	char *type = NULL;
	mk_sancache_stats st;

	mk_sancache_put(c, "f", SHA_A, o, NULL, NULL);
	mk_sancache_set_db(c, "db1");              /* same database: kept */
	ck_assert(mk_sancache_get(c, "f", SHA_A, &got, &type, NULL));
	g_bytes_unref(got);
	g_free(type);
	mk_sancache_set_db(c, "db2");              /* reloaded: all gone */
	mk_sancache_get_stats(c, &st);
	ck_assert_uint_eq(st.entries, 0);
	ck_assert_uint_eq(st.bytes, 0);
	ck_assert(!mk_sancache_get(c, "f", SHA_A, &got, &type, NULL));
	g_bytes_unref(o);
	mk_sancache_free(&c);
}
END_TEST

/* A mail with the PNG attached. */
static GBytes *
png_mail(void)
{
	char *enc = g_base64_encode((const guchar *)png8, sizeof png8 - 1);
	char *m = g_strdup_printf(
		"From: a@example.jp\nTo: b@example.jp\nSubject: test\n"
		"Message-ID: <c1@example.jp>\nMIME-Version: 1.0\n"
		"Content-Type: multipart/mixed; boundary=\"XX\"\n\n--XX\n"
		"Content-Type: text/plain; charset=us-ascii\n\nhello\n"
		"--XX\nContent-Type: image/png\nContent-Disposition: attachment; "
		"filename=\"p.png\"\nContent-Transfer-Encoding: base64\n\n%s\n--XX--\n", enc);
	g_free(enc);
	return g_bytes_new_take(m, strlen(m));
}

typedef struct {
	const mk_node *n;
} find_out;

static bool
first_out(mk_node *n, void *user)
{
	find_out *f = user;

	if (f->n == NULL && n->out != NULL)
		f->n = n;
	return f->n == NULL;
}

static mk_result *
process(mk_engine *e, GBytes *mail)
{
	mk_input in = { .data = mail, .mode = MK_MODE_MAIL, .id = "test-id", .no_store = true };
	mk_result *r = NULL;
	mk_error err = { 0 };

	ck_assert_int_eq(mk_engine_process(e, &in, &r, &err), 0);
	return r;
}

START_TEST(test_engine_hit_same_output)
{
	mkt_fixture fx;
	mk_error err = { 0 };
	mk_engine *e;
	mk_result *r1, *r2;
	find_out f1 = { 0 }, f2 = { 0 };
	mk_sancache_stats st;
	GBytes *mail = png_mail();

	mkt_fixture_init(&fx);
	e = mk_engine_new(fx.cfg, NULL, &err);
	ck_assert_msg(mk_engine_ready(e, &err) == 0, "%s", err.msg);
	ck_assert(mk_engine_cache(e) != NULL);
	r1 = process(e, mail);                     /* fresh run */
	r2 = process(e, mail);                     /* from the cache */
	mk_sancache_get_stats(mk_engine_cache(e), &st);
	ck_assert_uint_eq(st.hits, 1);
	ck_assert_uint_eq(st.entries, 1);
	mk_node_walk(r1->root, first_out, &f1);
	mk_node_walk(r2->root, first_out, &f2);
	ck_assert_msg(f1.n != NULL, "the PNG was not sanitized: %s", r1->reason);
	ck_assert(f2.n != NULL);
	ck_assert(g_bytes_equal(f1.n->out, f2.n->out));
	ck_assert_str_eq(f1.n->out_type, f2.n->out_type);
	ck_assert_str_eq(f1.n->out_name, f2.n->out_name);
	ck_assert_str_eq(f1.n->filter_result, f2.n->filter_result);
	ck_assert_uint_eq(f1.n->notes->len, f2.n->notes->len);
	ck_assert_uint_eq(f1.n->findings->len, f2.n->findings->len);   /* from notes too */
	ck_assert_int_eq(r1->verdict, r2->verdict);
	ck_assert_str_eq(r1->actions, r2->actions);
	ck_assert(g_bytes_equal(r1->output, r2->output));   /* same id: same mail */
	mk_result_free(&r1);
	mk_result_free(&r2);
	mk_engine_free(&e);

	/* another configuration: its own engine, its own empty cache */
	fx.cfg->pdf.dpi += 1;
	e = mk_engine_new(fx.cfg, NULL, &err);
	mk_sancache_get_stats(mk_engine_cache(e), &st);
	ck_assert_uint_eq(st.entries, 0);
	mk_engine_free(&e);
	/* worker.cache_size = 0: no cache */
	fx.cfg->worker.cache_size = 0;
	e = mk_engine_new(fx.cfg, NULL, &err);
	ck_assert(mk_engine_cache(e) == NULL);
	r1 = process(e, mail);
	mk_result_free(&r1);
	mk_engine_free(&e);
	g_bytes_unref(mail);
	mkt_fixture_clear(&fx);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sancache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_key_parts);
	tcase_add_test(tc, test_get_put_notes);
	tcase_add_test(tc, test_bounded_lru);
	tcase_add_test(tc, test_db_reload_invalidates);
	tcase_add_test(tc, test_engine_hit_same_output);
	suite_add_tcase(s, tc);
	return mkt_run(s);
}
