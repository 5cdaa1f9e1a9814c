-- Several transactions on one connection with aborts (RSET) in between:
-- per-message state must not leak from one message into the next.
dofile(libdir .. "/common.lua")
run("abort-rset", function()
	local conn = open()
	-- 1: aborted in the middle of the body
	step("mailfrom", conn, "<a@example.org>")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "Subject", "aborted")
	step("eoh", conn)
	step("bodystring", conn, eicar() .. "\r\n")
	step("abort", conn)
	-- 2: a clean message after the abort is forwarded
	send_simple(conn, "after abort", "clean text\r\n")
	ok(accepted(conn), "message after abort not accepted: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_BODYCHANGE), "body not replaced after abort")
	-- 3: EICAR is rejected 550 5.7.1 at end of data
	send_simple(conn, "virus", eicar() .. "\r\n")
	ok(reply(conn) == SMFIR_REPLYCODE, "EICAR not rejected: " .. tostring(reply(conn)))
	-- (miltertest does not capture the reply text; tests/e2e checks 550 5.7.1)
	-- 4: aborted after the envelope only
	step("mailfrom", conn, "<b@example.org>")
	step("rcptto", conn, "<user@lgwan.example>")
	step("abort", conn)
	-- 5: clean again: nothing of the EICAR message is left over
	send_simple(conn, "clean after virus", "still clean\r\n")
	ok(accepted(conn), "clean message after virus not accepted: " .. tostring(reply(conn)))
	step("disconnect", conn)
end)
