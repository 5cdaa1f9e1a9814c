/*
 * NAME
 *   store_port - the engine's port (engine.h) over the configured store
 *
 * SUMMARY
 *   mk_engine *e = mk_engine_new(cfg, mk_store_port_new(cfg), &err);
 *
 * DESCRIPTION
 *   put() keeps an original with its report through mk_qstore_put();
 *   note() adds the item's row for `mukaika report` (mk_stats_add);
 *   exception() answers from the approved policy exceptions, read when
 *   the port is made and again at most every quarantine.exceptions_refresh_s
 *   seconds (when the store cannot be read the last list is kept, logged;
 *   a store that does not exist yet is not created for it: no
 *   exceptions).  The store handle is opened on first use and reopened
 *   after a failure; one mutex serialises every call.
 *
 * OWNERSHIP
 *   The port is new; mk_engine_new() takes it over.  It holds a reference
 *   on CFG.
 */
#ifndef MK_STORE_PORT_H
#define MK_STORE_PORT_H

#include "engine.h"
#include "store.h"

mk_engine_port *mk_store_port_new(mk_config *cfg);

#endif
