#!/usr/bin/env python3
"""
NAME
    make-inputs.py - write the golden inputs (tests/golden/{mail,file}/*.in)

DESCRIPTION
    The inputs are small, crafted here, and committed; this script documents
    how they were made and rewrites them when run by hand:
        python3 tests/golden/make-inputs.py
    It also writes tests/data/sample/sample.eml (the mail scripts/start.sh
    sanitizes).  Nothing is copied from the third-party corpora.  The "exe"
    attachments are a 512-byte PE header with no code (libmagic: PE32), never
    a working program.
"""
import base64, io, os, struct, subprocess, sys, tempfile, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "scripts"))
from mkcheck import tiny_pdf  # noqa: E402


def fake_pe():
    mz = bytearray(b"MZ" + b"\0" * 62)
    struct.pack_into("<I", mz, 0x3C, 0x40)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    opt = bytearray(0xE0)
    struct.pack_into("<H", opt, 0, 0x10B)
    struct.pack_into("<H", opt, 68, 2)
    d = bytes(mz) + coff + bytes(opt) + b".text\0\0\0" + bytes(32)
    return d + b"\0" * (512 - len(d))


def tnef(files):
    """Minimal TNEF stream: version, then per attachment rend data, title, data."""
    def attr(level, aid, data):
        return struct.pack("<BII", level, aid, len(data)) + data + \
            struct.pack("<H", sum(data) & 0xFFFF)
    out = struct.pack("<IH", 0x223E9F78, 0x0101)
    out += attr(1, 0x00089006, struct.pack("<I", 0x00010000))
    out += attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")
    for name, data in files:
        out += attr(2, 0x00069002, bytes(14))
        out += attr(2, 0x00018010, name.encode() + b"\0")
        out += attr(2, 0x0006800F, data)
    return out


def b64lines(data):
    s = base64.b64encode(data).decode()
    return [s[i:i + 76] for i in range(0, len(s), 76)]


def rfc2047(s, cs="UTF-8"):
    return f"=?{cs}?B?" + base64.b64encode(s.encode(cs.lower())).decode() + "?="


def hdr(subject, mid, extra=()):
    return ["From: " + rfc2047("山田 太郎") + " <taro@example.com>",
            "To: soumu@city.example.lg.jp",
            "Date: Tue, 02 Apr 2024 09:30:00 +0900",
            f"Message-ID: <{mid}@example.com>",
            "Subject: " + subject, "MIME-Version: 1.0"] + list(extra)


def attach_part(b, name, ctype, data):
    enc = rfc2047(name) if not name.isascii() else name
    return [f"--{b}", f'Content-Type: {ctype}; name="{enc}"',
            f'Content-Disposition: attachment; filename="{enc}"',
            "Content-Transfer-Encoding: base64", ""] + b64lines(data)


def write(rel, lines_or_bytes):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = lines_or_bytes if isinstance(lines_or_bytes, bytes) else \
        ("\r\n".join(lines_or_bytes) + "\r\n").encode("utf-8")
    open(path, "wb").write(data)


HTML = ("<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<h1>会議のお知らせ</h1><p>資料は<a href=\"https://example.com/docs?id=1\">こちら</a>です。</p>"
        "<ul><li>日時: 4月10日 14:00</li><li>場所: 本庁舎 3階</li></ul>"
        "<table><tr><td>担当</td><td>総務課</td></tr></table>"
        "<img src=\"https://tracker.example.com/p.gif\"></body></html>")


def docm():
    """A minimal macro-enabled Word document (the macro part is inert bytes)."""
    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    R = "http://schemas.openxmlformats.org/package/2006/relationships"
    parts = [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
         '<Override PartName="/word/document.xml" '
         'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'),
        ("_rels/.rels",
         f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{R}">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
        ("word/document.xml",
         f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
         '<w:body><w:p><w:r><w:t>会議資料です。</w:t></w:r></w:p></w:body></w:document>'),
        ("word/_rels/document.xml.rels",
         f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{R}">'
         '<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
         'vbaProject" Target="vbaProject.bin"/></Relationships>'),
        ("word/vbaProject.bin", "inert test bytes, not a macro"),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            z.writestr(zipfile.ZipInfo(name, (2024, 4, 2, 9, 30, 0)), text.encode("utf-8"))
    return buf.getvalue()


def encrypted_zip():
    """A ZipCrypto archive (password "golden") holding one text file."""
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "memo.txt"), "wb").write("パスワード付きのメモ\n".encode())
        subprocess.run(["zip", "-q", "-X", "-P", "golden", "a.zip", "memo.txt"], cwd=d, check=True)
        return open(os.path.join(d, "a.zip"), "rb").read()


def notice_cases(B):
    """Mails whose notice says what happened to each part, in ja and en."""
    cases = {
        "notice_docm": hdr(rfc2047("会議資料"), "docm", [f'Content-Type: multipart/mixed; boundary="{B}"']) +
        ["", f"--{B}", "Content-Type: text/plain; charset=utf-8", "", "資料を送ります。"] +
        attach_part(B, "会議資料.docm", "application/vnd.ms-word.document.macroEnabled.12", docm()) +
        [f"--{B}--"],
        "notice_encrypted": hdr(rfc2047("パスワード付きファイル"), "ppap",
                                [f'Content-Type: multipart/mixed; boundary="{B}"']) +
        ["", f"--{B}", "Content-Type: text/plain; charset=utf-8", "", "パスワードは別送します。"] +
        attach_part(B, "資料.zip", "application/zip", encrypted_zip()) + [f"--{B}--"],
        "sender_spoof": ["From: =?UTF-8?B?" + base64.b64encode("support@bank.example".encode()).decode() +
                         "?= <evil@attacker.example>, second@attacker.example",
                         "To: soumu@city.example.lg.jp, =?UTF-8?B?" +
                         base64.b64encode(b"x@attacker.example").decode() + "?=",
                         "Date: Tue, 02 Apr 2024 09:30:00 +0900", "Message-ID: <spoof@example.com>",
                         "Subject: " + rfc2047("口座確認のお願い"), "MIME-Version: 1.0",
                         "Content-Type: text/html; charset=utf-8", "",
                         '<p>こちらから確認してください: <a href="https://login.attacker.example/">'
                         'https://www.bank.example/login</a></p>'],
    }
    for name, lines in cases.items():
        write(f"tests/golden/mail/{name}.in", lines)
        write(f"tests/golden/mail/{name}_en.in", lines)
        write(f"tests/golden/mail/{name}_en.conf", b"[general]\nlanguage = en\n")


def main():
    B = "golden-b1"
    # 1 HTML-only mail
    write("tests/golden/mail/html.in", hdr(rfc2047("会議のお知らせ"), "html") +
          ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", HTML])
    # 2 ISO-2022-JP text mail
    body = "お世話になっております。\r\n来週の打ち合わせの件です。\r\n".encode("iso-2022-jp")
    write("tests/golden/mail/iso2022jp.in",
          ("\r\n".join(hdr(rfc2047("打ち合わせの件", "ISO-2022-JP"), "jis") +
                       ["Content-Type: text/plain; charset=ISO-2022-JP",
                        "Content-Transfer-Encoding: 7bit", "", ""])).encode() + body)
    # 3 Shift_JIS body declared as ISO-8859-1
    body = ("申請書の提出期限は四月十五日です。よろしくお願いいたします。\r\n" * 3).encode("cp932")
    write("tests/golden/mail/sjis_wrong_charset.in",
          ("\r\n".join(hdr("deadline", "sjis") +
                       ["Content-Type: text/plain; charset=ISO-8859-1",
                        "Content-Transfer-Encoding: 8bit", "", ""])).encode() + body)
    # 4 multipart/alternative
    write("tests/golden/mail/alternative.in", hdr(rfc2047("ご案内"), "alt",
          [f'Content-Type: multipart/alternative; boundary="{B}"']) +
          ["", f"--{B}", "Content-Type: text/plain; charset=utf-8",
           "Content-Transfer-Encoding: 8bit", "", "テキスト版の本文です。",
           f"--{B}", "Content-Type: text/html; charset=utf-8", "", HTML, f"--{B}--"])
    # 5 pdf + exe attachments
    write("tests/golden/mail/pdf_exe.in", hdr(rfc2047("請求書の送付"), "pdfexe",
          [f'Content-Type: multipart/mixed; boundary="{B}"']) +
          ["", f"--{B}", "Content-Type: text/plain; charset=utf-8", "",
           "請求書を添付します。"] +
          attach_part(B, "請求書.pdf", "application/pdf", tiny_pdf()) +
          attach_part(B, "viewer.exe", "application/octet-stream", fake_pe()) + [f"--{B}--"])
    # 6 nested message/rfc822
    inner = hdr("inner message", "inner") + [
        f'Content-Type: multipart/mixed; boundary="in-b"', "", "--in-b",
        "Content-Type: text/plain; charset=utf-8", "", "転送元の本文です。",
        "--in-b", "Content-Type: text/html; charset=utf-8",
        "Content-Disposition: attachment; filename=\"page.html\"", "", HTML, "--in-b--"]
    write("tests/golden/mail/nested_rfc822.in", hdr("Fwd: inner message", "outer",
          [f'Content-Type: multipart/mixed; boundary="{B}"']) +
          ["", f"--{B}", "Content-Type: text/plain; charset=utf-8", "", "転送します。",
           f"--{B}", "Content-Type: message/rfc822",
           'Content-Disposition: attachment; filename="fwd.eml"', ""] + inner + [f"--{B}--"])
    # 7 TNEF winmail.dat
    t = tnef([("memo.txt", "TNEF 添付のメモです。\r\n".encode("utf-8"))])
    write("tests/golden/mail/tnef.in", hdr("winmail", "tnef",
          [f'Content-Type: multipart/mixed; boundary="{B}"']) +
          ["", f"--{B}", "Content-Type: text/plain; charset=us-ascii", "", "See attached."] +
          attach_part(B, "winmail.dat", "application/ms-tnef", t) + [f"--{B}--"])
    # 8 plain UTF-8 with threading headers, quoted-printable
    write("tests/golden/mail/plain_qp.in", hdr(rfc2047("Re: 予算について"), "qp",
          ["In-Reply-To: <prev@example.com>", "References: <first@example.com> <prev@example.com>",
           "Cc: kaikei@city.example.lg.jp", "Content-Type: text/plain; charset=utf-8",
           "Content-Transfer-Encoding: quoted-printable"]) +
          ["", "=E4=BA=88=E7=AE=97=E6=A1=88=E3=82=92=E7=A2=BA=E8=AA=8D=E3=81=97=E3=81=BE=",
           "=E3=81=97=E3=81=9F=E3=80=82", "", "> previous line", "-- ", "taro"])
    notice_cases(B)
    # 5 again, with the notice in English
    write("tests/golden/mail/pdf_exe_en.in", open(os.path.join(ROOT, "tests/golden/mail/pdf_exe.in"), "rb").read())
    write("tests/golden/mail/pdf_exe_en.conf", b"[general]\nlanguage = en\n")
    # files
    write("tests/golden/file/notes.txt.in", "議事録\n- 予算案を承認\n- 次回は五月\n".encode("utf-8"))
    write("tests/golden/file/sjis.txt.in", "住民票の写しの交付について\r\n".encode("cp932") * 4)
    write("tests/golden/file/page.html.in", HTML.encode("utf-8"))
    write("tests/golden/file/setup.exe.in", fake_pe())
    # the start.sh sample: HTML mail, Japanese subject, an .exe-looking attachment
    write("tests/data/sample/sample.eml", hdr(rfc2047("【至急】請求書のご確認"), "sample",
          [f'Content-Type: multipart/mixed; boundary="{B}"']) +
          ["", f"--{B}", "Content-Type: text/html; charset=utf-8", "", HTML] +
          attach_part(B, "請求書.pdf.exe", "application/pdf", fake_pe()) + [f"--{B}--"])


main()
