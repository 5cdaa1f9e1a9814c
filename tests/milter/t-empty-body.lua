-- A message with headers only (no body chunk at all), then one whose only
-- body is an empty line: both forwarded with a rebuilt body.
dofile(libdir .. "/common.lua")
run("empty-body", function()
	local conn = open()
	send_simple(conn, "no body", nil)
	ok(accepted(conn), "headers-only message not accepted: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_BODYCHANGE), "body not replaced (no body)")
	ok(mt.eom_check(conn, MT_HDRADD, "X-Mukaika-Status"), "no X-Mukaika-Status")
	send_simple(conn, "empty line body", "\r\n")
	ok(accepted(conn), "empty-line message not accepted: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_BODYCHANGE), "body not replaced (empty line)")
	step("disconnect", conn)
end)
