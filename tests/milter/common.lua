-- NAME
--   common.lua - helpers shared by the mukaika-milter miltertest scripts
--
-- DESCRIPTION
--   Loaded with dofile(libdir .. "/common.lua"); `sock` and `libdir` come from
--   miltertest -D.  Every step is checked: a step that fails calls fail(),
--   which prints "FAIL: ..." with mt.echo and raises, so run() exits non-zero
--   with a message instead of miltertest's silent exit 1.

function fail(msg)
	mt.echo("FAIL: " .. msg)
	error(msg, 0)
end

function ok(cond, msg)
	if not cond then fail(msg) end
end

-- mt.STEP(...) must return nil (success)
function step(name, ...)
	local r = mt[name](...)
	if r ~= nil then fail("mt." .. name .. ": " .. tostring(r)) end
end

function open()
	local conn = mt.connect(sock, 50, 0.1)
	ok(conn ~= nil, "cannot connect to " .. tostring(sock))
	step("negotiate", conn, nil, nil, nil)
	step("conninfo", conn, "client.example", "192.0.2.1")
	return conn
end

function reply(conn)
	return mt.getreply(conn)
end

function accepted(conn)
	local r = mt.getreply(conn)
	return r == SMFIR_ACCEPT or r == SMFIR_CONTINUE
end

function eicar()
	return "X5O!P%@AP[4\\PZX54(P^)7CC)7}$" .. "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
end

-- A minimal message: envelope, From/To/Subject/Message-ID, body string.
function send_simple(conn, subject, body)
	step("mailfrom", conn, "<sender@example.org>")
	step("rcptto", conn, "<user@lgwan.example>")
	step("header", conn, "From", "Sender <sender@example.org>")
	step("header", conn, "To", "user@lgwan.example")
	step("header", conn, "Subject", subject)
	step("header", conn, "Message-ID", "<" .. subject:gsub("%W", "") .. "@example.org>")
	step("eoh", conn)
	if body ~= nil and body ~= "" then step("bodystring", conn, body) end
	step("eom", conn)
end

-- Run the test function F with pcall; report and raise on failure.
function run(name, f)
	local good, err = pcall(f)
	if not good then
		mt.echo("FAIL " .. name .. ": " .. tostring(err))
		error("test failed", 0)
	end
	mt.echo("PASS " .. name)
end
