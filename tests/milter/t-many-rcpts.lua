-- 1000 envelope recipients (Postfix's default smtpd_recipient_limit).
dofile(libdir .. "/common.lua")
run("many-rcpts", function()
	local conn = open()
	step("mailfrom", conn, "<sender@example.org>")
	for i = 1, 1000 do
		step("rcptto", conn, "<user" .. i .. "@lgwan.example>")
	end
	step("header", conn, "From", "sender@example.org")
	step("header", conn, "To", "undisclosed-recipients:;")
	step("header", conn, "Subject", "many recipients")
	step("eoh", conn)
	step("bodystring", conn, "hello\r\n")
	step("eom", conn)
	ok(accepted(conn), "not accepted: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_BODYCHANGE), "body not replaced")
	step("disconnect", conn)
end)
