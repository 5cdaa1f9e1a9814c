-- Headers arrive one callback each, some folded, 60 of them; the body arrives
-- in many small chunks.  The rebuilt message must replace the body, add the
-- X-Mukaika headers (a spoofed one is overwritten), drop headers that are not
-- kept and never touch Received.  (Keep the rebuilt body under 1 KB:
-- miltertest overflows its read buffer on a larger SMFIR_REPLBODY packet.)
dofile(libdir .. "/common.lua")
run("headers-split", function()
	local conn = open()
	step("mailfrom", conn, "<sender@example.org>", "BODY=8BITMIME")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "Received", "from a.example (a.example [192.0.2.1])\n\tby mx.example; Mon, 1 Jan 2024 00:00:00 +0000")
	step("header", conn, "Received", "from b.example by a.example; Mon, 1 Jan 2024 00:00:00 +0000")
	step("header", conn, "From", "Sender <sender@example.org>")
	step("header", conn, "To", "user@lgwan.example,\n\tother@lgwan.example")
	step("header", conn, "Subject", "a subject\n\tfolded over\n two lines")
	step("header", conn, "Message-ID", "<split@example.org>")
	step("header", conn, "MIME-Version", "1.0")
	step("header", conn, "Content-Type", "text/html;\n\tcharset=utf-8")
	step("header", conn, "X-Mukaika-Status", "pass")
	for i = 1, 50 do
		step("header", conn, "X-Filler-" .. i, "value " .. i)
	end
	step("eoh", conn)
	step("bodystring", conn, "<html><body>\r\n")
	for i = 1, 40 do
		step("bodystring", conn, "<p>" .. i .. "</p>\r\n")
	end
	step("bodystring", conn, "</body></html>\r\n")
	step("eom", conn)
	ok(accepted(conn), "not accepted: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_BODYCHANGE), "body not replaced")
	ok(mt.eom_check(conn, MT_HDRCHANGE, "X-Mukaika-Status") or
	   mt.eom_check(conn, MT_HDRADD, "X-Mukaika-Status"), "no X-Mukaika-Status")
	ok(mt.eom_check(conn, MT_HDRADD, "X-Mukaika-Report-Id"), "no X-Mukaika-Report-Id")
	ok(mt.eom_check(conn, MT_HDRDELETE, "X-Filler-1"), "X-Filler-1 kept")
	ok(mt.eom_check(conn, MT_HDRDELETE, "X-Filler-50"), "X-Filler-50 kept")
	ok(mt.eom_check(conn, MT_HDRCHANGE, "Content-Type") or
	   mt.eom_check(conn, MT_HDRDELETE, "Content-Type"), "Content-Type not replaced")
	ok(not mt.eom_check(conn, MT_HDRDELETE, "Received"), "Received deleted")
	ok(not mt.eom_check(conn, MT_HDRCHANGE, "Received"), "Received changed")
	ok(not mt.eom_check(conn, MT_HDRDELETE, "From"), "From deleted")
	step("disconnect", conn)
end)
