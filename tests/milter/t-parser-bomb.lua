-- An attachment that exhausts its parser: a bzip2 stream that decodes to
-- 4 GiB (512 concatenated streams, a few KB each; the runner writes it as
-- base64 to tmpdir/bomb.b64 and runs the milter with the limits that let
-- it through to the parser: limits.max_member_size 16G, max_compression_ratio
-- 100000, worker.max_memory 256M, and a 3 GB address-space ulimit).
-- Parsed in the sandboxed worker, it kills only the worker: the mail is
-- held (X-Mukaika-Status: quarantined, a worker_crash finding in the log)
-- and the milter serves the next mail.  Parsed in the milter (before the
-- worker did it), the milter ran out of memory and died.
dofile(libdir .. "/common.lua")

local function read_all(path)
	local f = io.open(path, "rb")
	ok(f ~= nil, "cannot read " .. path)
	local s = f:read("*a")
	f:close()
	return s
end

run("parser-bomb", function()
	local b64 = read_all(tmpdir .. "/bomb.b64")
	local conn = open()
	step("mailfrom", conn, "<sender@example.org>")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "From", "Sender <sender@example.org>")
	step("header", conn, "To", "user@lgwan.example")
	step("header", conn, "Subject", "bomb")
	step("header", conn, "Message-ID", "<bomb@example.org>")
	step("header", conn, "MIME-Version", "1.0")
	step("header", conn, "Content-Type", 'multipart/mixed; boundary="b1"')
	step("eoh", conn)
	local body = "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" ..
		"--b1\r\nContent-Type: application/octet-stream\r\n" ..
		'Content-Disposition: attachment; filename="data.bz2"\r\n' ..
		"Content-Transfer-Encoding: base64\r\n\r\n" .. b64 .. "\r\n--b1--\r\n"
	for i = 1, #body, 32768 do
		step("bodystring", conn, body:sub(i, i + 32767))
	end
	step("eom", conn)
	ok(accepted(conn), "bomb mail not answered with accept: " .. tostring(reply(conn)))
	ok(mt.eom_check(conn, MT_HDRADD, "X-Mukaika-Status") or
	   mt.eom_check(conn, MT_HDRCHANGE, "X-Mukaika-Status"), "bomb mail: no X-Mukaika-Status")
	step("disconnect", conn, false)
	local log = read_all(tmpdir .. "/milter.log")
	ok(log:find("worker_crash", 1, true) ~= nil, "no worker_crash in the milter log")
	ok(log:find("msgid=<bomb@example.org>[^\n]*verdict=quarantined") ~= nil,
	   "bomb mail not held (no verdict=quarantined in the milter log)")

	local c2 = open()
	send_simple(c2, "after the bomb", "hello\r\n")
	ok(accepted(c2), "next mail not accepted: " .. tostring(reply(c2)))
	ok(mt.eom_check(c2, MT_HDRADD, "X-Mukaika-Status"), "next mail: no X-Mukaika-Status")
	step("disconnect", c2, false)
end)
