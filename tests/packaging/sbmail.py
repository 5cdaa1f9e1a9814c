#!/usr/bin/env python3
"""sbmail.py OUT: a mail with a small PNG and a one-page PDF attachment.

Both go through mukaika-worker (image and pdf filters), so sanitizing it
exercises the worker, its fork server and its own seccomp filter.  Built
here, byte by byte, so the test needs no sample files.
"""
import base64
import struct
import sys
import zlib


def png(w=8, h=8):
    rows = b''.join(b'\x00' + b''.join(bytes([x * 30 % 256, y * 30 % 256, 128])
                                       for x in range(w)) for y in range(h))

    def chunk(t, data):
        return (struct.pack('>I', len(data)) + t + data
                + struct.pack('>I', zlib.crc32(t + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))


def pdf():
    stream = b"BT /F1 12 Tf 20 50 Td (hello) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def attachment(name, ctype, data):
    return (f'--b1\r\nContent-Type: {ctype}; name="{name}"\r\n'
            f'Content-Disposition: attachment; filename="{name}"\r\n'
            'Content-Transfer-Encoding: base64\r\n\r\n'
            + base64.encodebytes(data).decode().replace('\n', '\r\n') + '\r\n')


def main():
    mail = ('From: a@example.com\r\nTo: user@lgwan.example\r\nSubject: sandbox\r\n'
            'Message-ID: <sandbox@example.com>\r\nDate: Mon, 01 Jan 2024 00:00:00 +0000\r\n'
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            '--b1\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attachments\r\n'
            + attachment('a.png', 'image/png', png())
            + attachment('b.pdf', 'application/pdf', pdf()) + '--b1--\r\n')
    with open(sys.argv[1], 'w', newline='') as f:
        f.write(mail)


if __name__ == '__main__':
    main()
