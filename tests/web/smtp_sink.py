#!/usr/bin/env python3
"""smtp_sink.py PORTFILE DIR - a loopback SMTP sink for the web tests.

Listens on 127.0.0.1 (a free port, written to PORTFILE), accepts every
message and stores it as DIR/N.eml with the envelope in DIR/N.env
("MAIL FROM" and "RCPT TO" lines).  Runs until killed.
"""
import os
import socket
import socketserver
import sys
import threading

PORTFILE, OUT = sys.argv[1], sys.argv[2]
COUNTER = [0]
LOCK = threading.Lock()


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        env, data = [], None
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data is not None:
                if line == b".\r\n":
                    with LOCK:
                        COUNTER[0] += 1
                        n = COUNTER[0]
                    base = os.path.join(OUT, str(n))
                    with open(base + ".env", "w") as f:
                        f.write("\n".join(env) + "\n")
                    with open(base + ".eml", "wb") as f:
                        f.write(b"".join(data))
                    data, env = None, []
                    self.reply("250 queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            cmd = line.decode("ascii", "replace").strip()
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"):
                self.reply("250-sink\r\n250 8BITMIME")
            elif up.startswith("MAIL FROM") or up.startswith("RCPT TO"):
                env.append(cmd)
                self.reply("250 ok")
            elif up == "DATA":
                data = []
                self.reply("354 go ahead")
            elif up == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
