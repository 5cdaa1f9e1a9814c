-- limits.max_message_size (1M in the runner's config): SIZE= above it is
-- refused at MAIL FROM; a body growing above it is refused while it arrives.
dofile(libdir .. "/common.lua")
run("size", function()
	local conn = open()
	local r = mt.mailfrom(conn, "<big@example.org>", "SIZE=2000000")
	ok(reply(conn) == SMFIR_REPLYCODE, "SIZE=2000000 not refused: " .. tostring(reply(conn)))
	-- same connection: SIZE below the cap passes MAIL FROM; the body does not
	step("mailfrom", conn, "<big@example.org>", "SIZE=1000")
	ok(reply(conn) == SMFIR_CONTINUE, "small SIZE refused")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "Subject", "too big")
	step("eoh", conn)
	local line = string.rep("x", 998) .. "\r\n"
	local chunk = string.rep(line, 64)
	local refused = false
	for i = 1, 20 do
		mt.bodystring(conn, chunk)
		if reply(conn) == SMFIR_REPLYCODE then refused = true; break end
	end
	ok(refused, "body over the cap not refused: " .. tostring(reply(conn)))
	step("disconnect", conn, false)
end)
