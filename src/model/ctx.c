/*
 * NAME
 *   ctx - per-item work context (see ctx.h)
 */
#include "ctx.h"

void
mk_ctx_init(mk_ctx *ctx, const mk_config *cfg, mk_sniffer *sniffer)
{
	*ctx = (mk_ctx){ .cfg = cfg, .sniffer = sniffer };
	if (cfg->limits.item_time_budget_ms > 0)
		ctx->deadline_us = g_get_monotonic_time() +
		                   cfg->limits.item_time_budget_ms * 1000;
}

bool
mk_ctx_expired(const mk_ctx *ctx)
{
	return ctx->deadline_us != 0 && g_get_monotonic_time() > ctx->deadline_us;
}
