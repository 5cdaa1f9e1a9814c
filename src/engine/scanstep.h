/*
 * NAME
 *   scanstep - virus scan of every leaf and of the whole original
 *
 * DESCRIPTION
 *   Scans every node with data that is not unpacked into children (leaves,
 *   and containers whose unpacking failed or stopped: encrypted, corrupt,
 *   over a limit), then, with clamav.scan_original, the whole original.
 *   Hits become findings (virus, active_content, encrypted) on the node; a
 *   hit in the original that no node explains goes on the root.  A scanner
 *   error is scan_error on the node (the item then tempfails).  Without a
 *   scanner every item gets scan_error on the root.
 */
#ifndef MK_SCANSTEP_H
#define MK_SCANSTEP_H

#include <glib.h>

#include "f_clamav.h"
#include "item.h"

void mk_scan_tree(mk_scanner *s, mk_node *root, GBytes *original);

#endif
