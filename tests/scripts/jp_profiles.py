#!/usr/bin/env python3
"""
NAME
    jp_profiles.py - Japanese mails as the common mail programs build them,
    and the check that they arrive exactly as sent

SYNOPSIS
    jp_profiles.py gen DIR [NAME...]  write DIR/NAME.eml (Message-ID
                                      <jp-NAME@example.jp>) and DIR/cases.json
    jp_profiles.py check DIR          DIR/NAME.out and DIR/NAME.json (when
                                      there is one) against cases.json

DESCRIPTION
    Profiles: Outlook (Shift_JIS = CP932 everywhere, RFC 2047 names),
    Thunderbird (ISO-2022-JP words, RFC 2231 file name sections cut inside
    a JIS sequence), a web mailer (UTF-8, Q words, a subject cut inside a
    character, RFC 2231 UTF-8 name, alternative body), a mobile phone
    (Shift_JIS with half-width katakana), plus every character of the CP932
    extension rows (NEC row 13, NEC-selected IBM rows 89-92, IBM rows
    115-119) in Shift_JIS and ISO-2022-JP subjects and names.
    The check: the forwarded mail's headers are 7-bit, every encoded word is
    UTF-8; Subject, the sender's display name and address, every file
    name (in the delivered mail and in the report) and the body text are
    exactly what was sent.  Prints one line per failure, "ok N" at the end.
"""
import base64, email, json, os, re, struct, sys, urllib.parse, zlib
from email import policy

from mkcheck import tiny_pdf

B = "jp-boundary"


def words(data, cs, cut=45, q=False):
    """Encoded words of CS for DATA (bytes), cut every CUT bytes."""
    out = []
    for i in range(0, len(data), cut):
        chunk = data[i:i + cut]
        if q:
            body = "".join("=%02X" % c for c in chunk)
            out.append(f"=?{cs}?Q?{body}?=")
        else:
            out.append(f"=?{cs}?B?" + base64.b64encode(chunk).decode() + "?=")
    return "\r\n ".join(out)


def jis(text):
    """ISO-2022-JP bytes with the CP932 extensions (via Shift_JIS)."""
    out, mode = b"", "ascii"
    for ch in text:
        sj = ch.encode("cp932")
        if len(sj) == 1 and sj[0] < 0x80:
            new, b = "ascii", sj
        elif len(sj) == 1:
            new, b = "kana", bytes([sj[0] - 0x80])
        else:
            s1, s2 = sj
            r = (s1 - 0x81) * 2 + 1 if s1 < 0xA0 else (s1 - 0xC1) * 2 + 1
            if s2 >= 0x9F:
                r, c = r + 1, s2 - 0x9E
            else:
                c = s2 - 0x3F - (1 if s2 > 0x7F else 0)
            new, b = "kanji", bytes([r + 0x20, c + 0x20])
        if new != mode:
            out += {"ascii": b"\x1b(B", "kana": b"\x1b(I", "kanji": b"\x1b$B"}[new]
            mode = new
        out += b
    return out + (b"\x1b(B" if mode != "ascii" else b"")


def tiny_png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\0" + b"\x80\x80\x80" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def b64(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def ext_rows(rows):
    """Every character of the kuten ROWS that CP932 has, in order."""
    out = []
    for r in rows:
        for c in range(1, 95):
            s1 = (r + 0x101) // 2 if r <= 62 else (r + 0x181) // 2
            s2 = c + 0x3F + (1 if c >= 64 else 0) if r % 2 else c + 0x9E
            try:
                out.append(bytes([s1, s2]).decode("cp932"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


def mail(frm, subject, body_headers, body, attachments, extra="", mid="jp"):
    """A multipart/mixed mail; headers are str, BODY bytes; attachments are
    (header lines, data) pairs."""
    h = (f"From: {frm}\r\nTo: soumu@city.example.lg.jp\r\nSubject: {subject}\r\n"
         f"Date: Tue, 02 Apr 2024 09:30:00 +0900\r\nMessage-ID: <{mid}@example.jp>\r\n"
         f"MIME-Version: 1.0\r\n{extra}Content-Type: multipart/mixed; boundary=\"{B}\"\r\n\r\n")
    out = h.encode("ascii") + f"--{B}\r\n{body_headers}\r\n\r\n".encode() + body + b"\r\n"
    for lines, data in attachments:
        out += f"--{B}\r\n{lines}\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64(data)}\r\n".encode()
    return out + f"--{B}--\r\n".encode()


def profiles():
    """name -> (mail bytes, expectation dict)."""
    P = {}
    # Outlook, Shift_JIS (CP932) everywhere
    name, subj, body = "総務課　山田①", "【至急】（①）請求書㈱の件 ～ ｶﾅ", "お世話になります。\r\n①～⑳、㈱、№、∵ を含みます。\r\n"
    fn = "見積書①.pdf"
    P["outlook"] = (mail(words(name.encode("cp932"), "shift_jis") + " <yamada@example.co.jp>",
                         words(subj.encode("cp932"), "shift_jis"),
                         "Content-Type: text/plain; charset=\"shift_jis\"\r\nContent-Transfer-Encoding: base64",
                         b64(body.encode("cp932")).encode(),
                         [(f"Content-Type: application/pdf; name=\"{words(fn.encode('cp932'), 'shift_jis', 100)}\"\r\n"
                           f"Content-Disposition: attachment; filename=\"{words(fn.encode('cp932'), 'shift_jis', 100)}\"",
                           tiny_pdf())]),
                    {"name": name, "addr": "yamada@example.co.jp", "subject": subj, "body": body, "files": [fn]})
    # Thunderbird, ISO-2022-JP; the file name in RFC 2231 sections cut inside JIS
    name, subj, body = "山田 太郎", "請求書①㈱についてのご連絡（ﾃｽﾄ）", "いつもお世話になっております。\r\n請求書①を添付します。\r\n"
    fn = "議事録①㈱.pdf"
    j = jis(fn)
    pct = "".join("%%%02X" % c for c in j)
    secs = ";\r\n ".join(f"filename*{i}*={'ISO-2022-JP' + chr(39) * 2 if i == 0 else ''}{pct[k:k + 21]}"
                          for i, k in enumerate(range(0, len(pct), 21)))
    half = len(subj) // 2
    P["thunderbird"] = (mail(words(jis(name), "ISO-2022-JP") + " <taro@example.jp>",
                             words(jis(subj[:half]), "ISO-2022-JP", 200) + "\r\n " + words(jis(subj[half:]), "ISO-2022-JP", 200),
                             "Content-Type: text/plain; charset=ISO-2022-JP; format=flowed; delsp=yes\r\nContent-Transfer-Encoding: 7bit",
                             jis(body.replace("\r\n", "\n")).replace(b"\n", b"\r\n"),
                             [(f"Content-Type: application/pdf;\r\n name=\"{words(j, 'ISO-2022-JP', 200)}\"\r\n"
                               f"Content-Disposition: attachment;\r\n {secs}", tiny_pdf())]),
                        {"name": name, "addr": "taro@example.jp", "subject": subj, "body": body, "files": [fn]})
    # web mailer, UTF-8: Q-encoded name, subject cut inside a character
    name, subj, body = "佐藤 花子", "会議室予約の確認（３月）①", "会議室を予約しました。\r\n日時: ３月１０日\r\n"
    fn = "報告書 2024年度①.pdf"
    u = subj.encode()
    P["webmail"] = (mail(words(name.encode(), "UTF-8", 60, q=True) + " <hanako@webmail.example>",
                         words(u, "UTF-8", 7),
                         "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64",
                         b64(body.encode()).encode(),
                         [("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''" +
                           urllib.parse.quote(fn.encode()), tiny_pdf())]),
                    {"name": name, "addr": "hanako@webmail.example", "subject": subj, "body": body, "files": [fn]})
    # mobile phone, Shift_JIS with half-width katakana, 8-bit body
    name, subj, body = "ﾔﾏﾀﾞ ﾀﾛｳ", "ﾃｽﾄ送信　ｶﾀｶﾅ①ﾞﾟ", "ﾊﾝｶｸｶﾀｶﾅのﾃｽﾄです｡\r\nｼｬｼﾝを送ります｡\r\n"
    fn = "ｼｬｼﾝ①.png"
    P["mobile"] = (mail(words(name.encode("cp932"), "Shift_JIS") + " <taro@docomo.example>",
                        words(subj.encode("cp932"), "Shift_JIS"),
                        "Content-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: 8bit",
                        body.encode("cp932"),
                        [(f"Content-Type: image/png; name=\"{words(fn.encode('cp932'), 'Shift_JIS', 100)}\"\r\n"
                          "Content-Disposition: attachment", tiny_png())]),
                   {"name": name, "addr": "taro@docomo.example", "subject": subj, "body": body, "files": [fn]})
    # an old mailer: raw 8-bit Shift_JIS in Subject and file names (quoted),
    # with 0x5C as the second byte of 表, 能, ソ (issue 14)
    subj, fn = "表示能力ソフトの件", "表示能力ソフト.pdf"
    data = mail("Legacy <old@example.jp>", "@@SUBJ@@", "Content-Type: text/plain; charset=Shift_JIS\r\n"
                "Content-Transfer-Encoding: 8bit", "よろしくお願いします。\r\n".encode("cp932"),
                [("Content-Type: application/pdf; name=\"@@FN@@\"\r\n"
                  "Content-Disposition: attachment; filename=\"@@FN@@\"", tiny_pdf())])
    P["legacy_raw"] = (data.replace(b"@@SUBJ@@", subj.encode("cp932")).replace(b"@@FN@@", fn.encode("cp932")),
                       {"name": "Legacy", "addr": "old@example.jp", "subject": subj,
                        "body": "よろしくお願いします。\r\n", "files": [fn]})
    # every character of the extension rows: subject and names, cut mid-character
    for label, rows, enc in (("sjis_nec13", [13], "sjis"), ("sjis_necibm", [89, 90, 91, 92], "sjis"),
                             ("sjis_ibm", [115, 116, 117, 118, 119], "sjis"),
                             ("jis_nec13", [13], "jis"), ("jis_necibm", [89, 90, 91, 92], "jis")):
        chars = ext_rows(rows)
        names = [chars[i:i + 40] + ".pdf" for i in range(0, len(chars), 40)]
        if enc == "sjis":
            subject = words(chars.encode("cp932"), "Shift_JIS", 45)
            atts = [(f"Content-Type: application/pdf; name=\"{words(n.encode('cp932'), 'Shift_JIS', 33)}\"\r\n"
                     "Content-Disposition: attachment; filename*=Shift_JIS''" +
                     "".join("%%%02X" % c for c in n.encode("cp932")), tiny_pdf()) for n in names]
        else:
            subject = words(jis(chars), "ISO-2022-JP", 60)
            atts = [("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=ISO-2022-JP''" +
                     "".join("%%%02X" % c for c in jis(n)), tiny_pdf()) for n in names]
        P[label] = (mail("Rows <rows@example.jp>", subject, "Content-Type: text/plain; charset=us-ascii",
                         b"rows\r\n", atts),
                    {"name": "Rows", "addr": "rows@example.jp", "subject": chars, "body": "rows\r\n",
                     "files": names})
    return P


def gen(d, only=None):
    os.makedirs(d, exist_ok=True)
    exp = {}
    for k, (data, e) in profiles().items():
        if only and k not in only:
            continue
        data = data.replace(b"<jp@example.jp>", f"<jp-{k}@example.jp>".encode(), 1)
        open(os.path.join(d, k + ".eml"), "wb").write(data)
        exp[k] = e
    json.dump(exp, open(os.path.join(d, "cases.json"), "w"), ensure_ascii=False)


def check_one(d, k, e):
    bad = []
    raw = open(os.path.join(d, k + ".out"), "rb").read()
    head = re.split(rb"\r?\n\r?\n", raw, 1)[0]
    if any(c >= 0x80 for c in head):
        bad.append("8-bit bytes in the forwarded headers")
    for cs in re.findall(r"=\?([^?\s]+)\?[BbQq]\?", head.decode("ascii", "replace")):
        if cs.upper() != "UTF-8":
            bad.append("an encoded word that is not UTF-8: " + cs)
            break
    m = email.message_from_bytes(raw, policy=policy.default)
    if str(m["Subject"]) != e["subject"]:
        bad.append(f"subject {str(m['Subject'])!r} != {e['subject']!r}")
    a = m["From"].addresses
    if len(a) != 1 or a[0].display_name != e["name"] or a[0].addr_spec != e["addr"]:
        bad.append(f"from {[(x.display_name, x.addr_spec) for x in a]!r} != {(e['name'], e['addr'])!r}")
    files, text = [], None
    for p in m.walk():
        if p.get_content_maintype() == "multipart":
            continue
        if p.get_filename():
            files.append(p.get_filename())
        elif text is None:
            text = p.get_content()
    if files != e["files"]:
        bad.append(f"files {files!r} != {e['files']!r}")
    want = e["body"].replace("\r\n", "\n")
    if text is None or want not in text:
        bad.append(f"body {text!r} does not hold {want!r}")
    if not os.path.exists(os.path.join(d, k + ".json")):
        return bad    # delivered by the gateway: no report beside it
    rep = json.load(open(os.path.join(d, k + ".json")))
    names = [n["declared_name"] for n in rep["nodes"] if n.get("role") == "attachment" and n.get("declared_name")]
    if names != e["files"]:
        bad.append(f"report names {names!r} != {e['files']!r}")
    if "注意" in (text or "") and k in ("outlook", "thunderbird", "webmail", "mobile"):
        bad.append("a warning line in the notice of a clean sender")
    return bad


def check(d):
    exp = json.load(open(os.path.join(d, "cases.json")))
    n = 0
    for k, e in exp.items():
        try:
            bad = check_one(d, k, e)
        except Exception as x:  # a missing output is a failure, not a crash
            bad = [f"{type(x).__name__}: {x}"]
        for b in bad:
            print(f"FAIL: {k}: {b}")
        n += not bad
    print(f"ok {n} of {len(exp)}")
    return 0 if n == len(exp) else 1


if __name__ == "__main__":
    sys.exit(gen(sys.argv[2], sys.argv[3:]) if sys.argv[1] == "gen" else check(sys.argv[2]))
