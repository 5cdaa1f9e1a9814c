/*
 * NAME
 *   mk_error - caller-owned error record (see mk_error.h)
 */
#include "mk_error.h"

#include <glib.h>
#include <stdio.h>

void
mk_error_set(mk_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->code = code;
	va_start(ap, fmt);
	g_vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void
mk_error_clear(mk_error *err)
{
	if (err == NULL)
		return;
	err->code = MK_OK;
	err->msg[0] = '\0';
}

void
mk_error_prefix(mk_error *err, const char *fmt, ...)
{
	char head[256], old[sizeof err->msg];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	g_vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	g_strlcpy(old, err->msg, sizeof old);
	g_snprintf(err->msg, sizeof err->msg, "%s: %s", head, old);
}
