-- The AV-only (outbound) route needs a client proof.  The runner's config
-- lists the SMTP AUTH identity "alice" in milter.outbound_auth_users and
-- city.example.jp in milter.outbound_domains; the client address
-- (192.0.2.1) is not listed.  An HTML mail from a city.example.jp sender:
--   - authenticated as alice            -> outbound: headers left as they are
--   - authenticated as mallory          -> inbound: rebuilt (Content-Type changed)
--   - not authenticated                 -> inbound: rebuilt
-- and alice with a foreign sender domain -> inbound (the domain narrows).
dofile(libdir .. "/common.lua")

local function send_html(conn, auth, sender, tag)
	if auth ~= nil then
		step("macro", conn, SMFIC_MAIL, "{auth_authen}", auth)
	end
	step("mailfrom", conn, "<" .. sender .. ">")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "From", sender)
	step("header", conn, "To", "user@lgwan.example")
	step("header", conn, "Subject", "route " .. tag)
	step("header", conn, "Message-ID", "<route-" .. tag .. "@city.example.jp>")
	step("header", conn, "MIME-Version", "1.0")
	step("header", conn, "Content-Type", "text/html; charset=us-ascii")
	step("eoh", conn)
	step("bodystring", conn, "<html><body><p>hello " .. tag .. "</p></body></html>\r\n")
	step("eom", conn)
	ok(accepted(conn), tag .. ": not accepted: " .. tostring(reply(conn)))
	return mt.eom_check(conn, MT_HDRCHANGE, "Content-Type") or
	       mt.eom_check(conn, MT_HDRDELETE, "Content-Type")
end

local cases = {
	{ "alice", "staff@city.example.jp", "alice", false },
	{ "mallory", "staff@city.example.jp", "mallory", true },
	{ nil, "staff@city.example.jp", "noauth", true },
	{ "alice", "staff@evil.example", "alice-foreign", true },
}
for _, c in ipairs(cases) do
	run("route " .. c[3], function()
		local conn = open()
		local rebuilt = send_html(conn, c[1], c[2], c[3])
		ok(rebuilt == c[4], c[3] .. ": want " .. (c[4] and "inbound (rebuilt)" or
		   "outbound (unchanged)"))
		step("disconnect", conn, false)
	end)
end
