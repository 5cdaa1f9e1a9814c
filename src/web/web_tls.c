/*
 * NAME
 *   web_tls - TLS material and the listen policy of mukaika-web (web.h)
 *
 * DESCRIPTION
 *   web_tls_load() reads web.tls_cert and web.tls_key (PEM) and checks,
 *   with GnuTLS (the library libmicrohttpd uses in Debian), that both parse
 *   and that the key belongs to the certificate, that its parameters are
 *   consistent and that it signs what the certificate verifies (a damaged
 *   private part passes the plain match); it also checks that
 *   libmicrohttpd was built with TLS.  Exactly one of the two keys set is a
 *   configuration error.  An expired certificate is only warned about
 *   (browsers refuse it; the administrator sees why).
 *   web_listen_allowed() is the listen policy: plain HTTP is served on a
 *   loopback address only (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104).
 *
 * OWNS
 *   The PEM copies in a web_tls until web_tls_clear(), which wipes the key.
 *
 * DIAGNOSTICS
 *   Every problem is MK_ERR_CONFIG with a message naming the setting and
 *   the reason.  The caller exits (78); there is no fallback to plain HTTP.
 *
 * NEVER
 *   Never prints key material.
 */
#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "web.h"

/* PEM text, NUL-terminated as libmicrohttpd wants it; caller frees. */
static char *
read_pem(const char *key, const char *path, gsize *len, mk_error *err)
{
	char *text = NULL;
	GError *ge = NULL;

	if (!g_file_get_contents(path, &text, len, &ge)) {
		mk_error_set(err, MK_ERR_CONFIG, "web.%s: %s", key, ge->message);
		g_error_free(ge);
		return NULL;
	}
	if (*len == 0 || strlen(text) != *len || strstr(text, "-----BEGIN ") == NULL) {
		mk_error_set(err, MK_ERR_CONFIG, "web.%s: %s is not a PEM file", key, path);
		sodium_memzero(text, *len);
		g_free(text);
		return NULL;
	}
	return text;
}

static void
warn_expired(const gnutls_datum_t *c)
{
	gnutls_x509_crt_t crt;

	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, c, GNUTLS_X509_FMT_PEM) >= 0 &&
	    gnutls_x509_crt_get_expiration_time(crt) < (time_t)web_now())
		fprintf(stderr, "mukaika-web: warning: web.tls_cert has expired; "
		        "browsers will refuse it\n");
	gnutls_x509_crt_deinit(crt);
}

/* The key's own parameters are consistent (a damaged private exponent or
 * prime is not seen by the certificate/key match) and it signs data that
 * the certificate's public key verifies. */
static int
check_key(const gnutls_datum_t *c, const gnutls_datum_t *k)
{
	static const char probe[] = "mukaika-web key check";
	gnutls_datum_t data = { (unsigned char *)probe, sizeof probe - 1 }, sig = { 0 };
	gnutls_x509_privkey_t xk = NULL;
	gnutls_privkey_t pk = NULL;
	gnutls_pubkey_t pub = NULL;
	int rc;

	if ((rc = gnutls_x509_privkey_init(&xk)) < 0 ||
	    (rc = gnutls_x509_privkey_import2(xk, k, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0 ||
	    (rc = gnutls_x509_privkey_verify_params(xk)) < 0 ||
	    (rc = gnutls_privkey_init(&pk)) < 0 ||
	    (rc = gnutls_privkey_import_x509(pk, xk, 0)) < 0 ||
	    (rc = gnutls_pubkey_init(&pub)) < 0 ||
	    (rc = gnutls_pubkey_import_x509_raw(pub, c, GNUTLS_X509_FMT_PEM, 0)) < 0 ||
	    (rc = gnutls_privkey_sign_data(pk, GNUTLS_DIG_SHA256, 0, &data, &sig)) < 0)
		goto out;
	rc = gnutls_pubkey_verify_data2(pub, gnutls_pk_to_sign(
		gnutls_pubkey_get_pk_algorithm(pub, NULL), GNUTLS_DIG_SHA256), 0, &data, &sig);
out:
	gnutls_free(sig.data);
	gnutls_pubkey_deinit(pub);
	gnutls_privkey_deinit(pk);   /* borrows xk (no IMPORT_AUTO_RELEASE) */
	gnutls_x509_privkey_deinit(xk);
	return rc;
}

/* Both parse, belong together and work (what libmicrohttpd would find out
 * later, or not at all, with a less helpful message). */
static int
check_pair(const web_tls *t, mk_error *err)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_datum_t c = { (unsigned char *)t->cert, (unsigned int)t->cert_len };
	gnutls_datum_t k = { (unsigned char *)t->key, (unsigned int)t->key_len };
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		mk_error_set(err, MK_ERR_OS, "web TLS: out of memory");
		return MK_ERR_OS;
	}
	rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (rc >= 0)
		rc = check_key(&c, &k);
	if (rc < 0) {
		mk_error_set(err, MK_ERR_CONFIG, "web.tls_cert/web.tls_key unusable: %s",
		             gnutls_strerror(rc));
		return MK_ERR_CONFIG;
	}
	warn_expired(&c);
	return 0;
}

int
web_tls_load(const mk_config *cfg, web_tls *t, mk_error *err)
{
	const char *cert = cfg->web.tls_cert, *key = cfg->web.tls_key;

	memset(t, 0, sizeof *t);
	if (*cert == '\0' || *key == '\0') {
		mk_error_set(err, MK_ERR_CONFIG, "web.%s is set but web.%s is empty: give both "
		             "for HTTPS, or neither (loopback only)",
		             *cert ? "tls_cert" : "tls_key", *cert ? "tls_key" : "tls_cert");
		return MK_ERR_CONFIG;
	}
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		mk_error_set(err, MK_ERR_CONFIG, "web.tls_cert is set but libmicrohttpd "
		             "was built without TLS");
		return MK_ERR_CONFIG;
	}
	if ((t->cert = read_pem("tls_cert", cert, &t->cert_len, err)) == NULL ||
	    (t->key = read_pem("tls_key", key, &t->key_len, err)) == NULL ||
	    check_pair(t, err) != 0) {
		web_tls_clear(t);
		return MK_ERR_CONFIG;
	}
	return 0;
}

void
web_tls_clear(web_tls *t)
{
	if (t->key != NULL)
		sodium_memzero(t->key, t->key_len);
	g_free(t->key);
	g_free(t->cert);
	memset(t, 0, sizeof *t);
}

bool
web_listen_allowed(const struct sockaddr_storage *ss, bool tls)
{
	if (tls)
		return true;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}
