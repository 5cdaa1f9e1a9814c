#!/usr/bin/env python3
"""
NAME
    gen_mails.py - reproducible benchmark mail set for the mukaika engine

SYNOPSIS
    gen_mails.py [--seed S] [--count N] [--min-size BYTES] [--max-size BYTES]
                 [--set mixed|text|repeat|twin] OUTDIR

DESCRIPTION
    Writes N RFC 5322 messages OUTDIR/mail-NNNN.eml and OUTDIR/MANIFEST.tsv
    (name, bytes, body kind, attachment kinds).  Everything is derived from
    the seed (one random.Random per mail, fixed dates and zip timestamps), so
    the same arguments give byte-identical files.

    Bodies: text/plain (UTF-8 Japanese or English), multipart/alternative
    with HTML, or Japanese ISO-2022-JP (7bit, RFC 2047 subject).
    Attachments (1-5 on most mails): PDF-like (valid structure, Flate stream),
    DOCX-like zips (OOXML parts + media), PNG/JPEG images, zips of text
    files; about 2 % carry the EICAR test string (as eicar.com or inside a
    zip), built here at run time from pieces.  Total size per mail is
    log-uniform between --min-size and --max-size.

    --set picks the mail set (default mixed, the set described above):
      text    no attachments: text/plain in UTF-8 (base64, quoted-printable,
              8bit), ISO-2022-JP, Shift_JIS, EUC-JP, ISO-8859-1 and
              Windows-1252 (quoted-printable), multipart/alternative with
              HTML, and HTML-only mails (UTF-8 or Shift_JIS)
      repeat  a pool of 20 attachments (PDF, DOCX, images, zips; made once
              from the seed) of which each mail carries 1-2, with its own
              text body: the same documents mailed again and again
      twin    mail I of twin has no attachment and the size of mail I of
              repeat (same seed and sizes): the text-mail reference of the
              repeat set

NEVER
    Reads anything but its arguments; writes only below OUTDIR.
"""
import argparse
import base64
import io
import math
import os
import random
import zipfile
import zlib

JA_WORDS = ("会議 資料 添付 確認 お願い 申し上げます 本日 予算 案件 担当 "
            "報告書 議事録 市役所 住民 窓口 手続き 予定 変更 提出 期限 "
            "情報 安全 対策 システム 更新 連絡 ご査収 ください 課長 部長 "
            "来週 今月 年度 計画 契約 見積 請求 承認 回答 調整").split()
EN_WORDS = ("meeting report budget attached please review the draft for "
            "next week schedule contract invoice approval update security "
            "policy system office council resident service request deadline "
            "minutes agenda project estimate reply confirm thanks regards").split()
ZIP_DATE = (2024, 4, 1, 9, 0, 0)


def eicar():
    """The 68-byte EICAR test string, assembled so it is never stored whole."""
    return ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-" +
            "ANTIVIRUS-TEST-FILE!$H+H*").encode("ascii")


def words(rng, vocab, nbytes, sep):
    out, size = [], 0
    while size < nbytes:
        line = sep.join(rng.choices(vocab, k=rng.randint(6, 14)))
        line += "。" if sep == "" else "."
        out.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(out) + "\n"


def b64(data):
    return base64.encodebytes(data).decode("ascii")


def mk_zip(entries):
    """entries: (name, bytes, compress?) -> zip bytes with fixed timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, deflate in entries:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            z.writestr(info, data)
    return buf.getvalue()


def att_pdf(rng, size):
    stream = zlib.compress(rng.randbytes(max(size - 600, 64)), 1)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
            + stream + b"\nendstream"]
    out, offs = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    return "application/pdf", "shiryou-%d.pdf" % rng.randint(1, 999), bytes(out)


def att_docx(rng, size):
    text = words(rng, JA_WORDS, min(size // 3, 200000), "")
    paras = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % l for l in text.splitlines())
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
           'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body>%s</w:body></w:document>" % paras)
    ct = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
          'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
          'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="png" ContentType="image/png"/><Override '
          'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    entries = [("[Content_Types].xml", ct, True), ("_rels/.rels", rels, True),
               ("word/document.xml", doc, True)]
    media = size - len(doc) // 4
    if media > 1024:
        entries.append(("word/media/image1.png", png(rng, media), False))
    return ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "houkoku-%d.docx" % rng.randint(1, 999), mk_zip(entries))


def png(rng, size):
    def chunk(t, d):
        return (len(d).to_bytes(4, "big") + t + d +
                zlib.crc32(t + d).to_bytes(4, "big"))
    ihdr = (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    idat = zlib.compress(rng.randbytes(max(size - 64, 16)), 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def att_image(rng, size):
    if rng.random() < 0.5:
        return "image/png", "photo-%d.png" % rng.randint(1, 999), png(rng, size)
    jpg = (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
           + rng.randbytes(max(size - 24, 16)) + b"\xff\xd9")
    return "image/jpeg", "IMG_%04d.jpg" % rng.randint(1, 9999), jpg


def att_ziptext(rng, size, with_eicar=False):
    n = rng.randint(1, 6)
    entries = []
    for i in range(n):
        vocab, sep = (JA_WORDS, "") if rng.random() < 0.5 else (EN_WORDS, " ")
        # text deflates ~3-4x: ask for more text than the zip budget
        entries.append(("docs/memo-%d.txt" % i,
                        words(rng, vocab, max(size * 3 // n, 256), sep), True))
    if with_eicar:
        entries.append(("docs/tool.com", eicar(), False))
    return "application/zip", "archive-%d.zip" % rng.randint(1, 999), mk_zip(entries)


def att_eicar(rng, size):
    if rng.random() < 0.5:
        return "application/octet-stream", "eicar.com", eicar()
    return att_ziptext(rng, size, with_eicar=True)


ATT_KINDS = ((att_pdf, 3), (att_docx, 3), (att_image, 3), (att_ziptext, 2))


def attachment(rng, size):
    fns = [k for k, w in ATT_KINDS for _ in range(w)]
    return rng.choice(fns)(rng, size)


def rfc2047(s, charset):
    enc = s.encode(charset)
    return "=?%s?B?%s?=" % (charset.upper(), base64.b64encode(enc).decode("ascii"))


def body_part(rng, kind, nbytes):
    """Return (headers, payload) of the text body."""
    if kind == "iso2022jp":
        t = words(rng, JA_WORDS, nbytes, "").encode("iso2022_jp")
        return ('Content-Type: text/plain; charset="ISO-2022-JP"\n'
                "Content-Transfer-Encoding: 7bit\n", t.decode("ascii"))
    ja = rng.random() < 0.6
    text = words(rng, JA_WORDS if ja else EN_WORDS, nbytes, "" if ja else " ")
    plain = ('Content-Type: text/plain; charset="UTF-8"\n'
             "Content-Transfer-Encoding: base64\n", b64(text.encode("utf-8")))
    if kind == "text":
        return plain
    rows = "".join("<tr><td>%d</td><td>%s</td></tr>" % (i, l)
                   for i, l in enumerate(text.splitlines()[:20]))
    html = ("<html><head><style>p{color:#333}</style></head><body>"
            + "".join("<p>%s</p>" % l for l in text.splitlines())
            + '<table border="1">%s</table><p><a href="https://example.jp/'
              'doc?id=%d">link</a> <img src="cid:logo"></p></body></html>'
            % (rows, rng.randint(1, 99999)))
    bnd = "alt-%016x" % rng.getrandbits(64)
    payload = ("--%s\n%s\n%s--%s\nContent-Type: text/html; charset=\"UTF-8\"\n"
               "Content-Transfer-Encoding: base64\n\n%s--%s--\n"
               % (bnd, plain[0], plain[1], bnd, b64(html.encode("utf-8")), bnd))
    return ('Content-Type: multipart/alternative; boundary="%s"\n' % bnd, payload)


TEXT_KINDS = ("text", "html", "iso2022jp", "qp", "8bit", "sjis", "eucjp", "latin1",
              "cp1252", "htmlonly", "htmlsjis")
LATIN_WORDS = ("réunion budget résumé à été déjà naïve façade über Straße Grüße "
               "año señor información café crème brûlée coöperate rapport").split()


def qp(data):
    import quopri
    return quopri.encodestring(data).decode("ascii")


def text_body(rng, kind, nbytes):
    """(headers, payload) of a single-part text body of KIND (TEXT_KINDS)."""
    if kind in ("text", "html", "iso2022jp"):
        return body_part(rng, kind, nbytes)
    if kind == "qp":
        t = words(rng, JA_WORDS if rng.random() < 0.5 else EN_WORDS, nbytes, "")
        return ('Content-Type: text/plain; charset="UTF-8"\n'
                "Content-Transfer-Encoding: quoted-printable\n", qp(t.encode("utf-8")))
    if kind == "8bit":
        t = words(rng, JA_WORDS, nbytes, "")
        return ('Content-Type: text/plain; charset="UTF-8"\n'
                "Content-Transfer-Encoding: 8bit\n", t)
    if kind == "sjis":
        t = words(rng, JA_WORDS, nbytes, "").encode("shift_jis")
        return ('Content-Type: text/plain; charset="Shift_JIS"\n'
                "Content-Transfer-Encoding: base64\n", b64(t))
    if kind == "eucjp":
        t = words(rng, JA_WORDS, nbytes, "").encode("euc_jp")
        return ('Content-Type: text/plain; charset="EUC-JP"\n'
                "Content-Transfer-Encoding: base64\n", b64(t))
    if kind in ("latin1", "cp1252"):
        cs = "ISO-8859-1" if kind == "latin1" else "windows-1252"
        t = words(rng, LATIN_WORDS + list(EN_WORDS), nbytes, " ")
        if kind == "cp1252":
            t = t.replace(".", "\u2026 \u201cok\u201d.", 3)
        return ('Content-Type: text/plain; charset="%s"\n' % cs +
                "Content-Transfer-Encoding: quoted-printable\n", qp(t.encode(cs)))
    # HTML only (no text alternative)
    cs = "Shift_JIS" if kind == "htmlsjis" else "UTF-8"
    text = words(rng, JA_WORDS, nbytes, "")
    html = ('<html><head><meta charset="%s"><style>p{color:#333}</style></head><body>' % cs
            + "".join("<p>%s</p>" % l for l in text.splitlines())
            + '<p><a href="https://example.jp/n?id=%d">詳細</a></p></body></html>'
            % rng.randint(1, 99999))
    return ('Content-Type: text/html; charset="%s"\n' % cs +
            "Content-Transfer-Encoding: base64\n", b64(html.encode(cs.lower())))


def repeat_pool(seed):
    """The 20 attachments of the repeat set: the same bytes for every mail."""
    rng = random.Random("%s:pool" % seed)
    kinds = (att_pdf, att_docx, att_image, att_ziptext)
    return [kinds[k % 4](rng, target_size(rng, 8 * 1024, 96 * 1024)) for k in range(20)]


def make_set_mail(seed, i, lo, hi, kind_set, pool, scale=1.0):
    """Mail I of the text, repeat or twin set (see --set)."""
    rng = random.Random("%s:%s:%d" % (seed, "twin" if kind_set == "twin" else kind_set, i))
    prng = random.Random("%s:repeat:%d" % (seed, i))   # repeat's choices, shared by twin
    picks = [prng.randrange(len(pool)) for _ in range(prng.randint(1, 2))] if pool else []
    if kind_set == "text":
        target = target_size(rng, lo, hi)
    else:
        body_n = prng.randint(800, 4000)
        target = body_n * 4 // 3 + 1500 + sum(len(pool[k][2]) * 4 // 3 for k in picks)
    kind = rng.choice(TEXT_KINDS if kind_set != "repeat" else ("text", "iso2022jp", "qp"))
    subj = "%s %d" % (rng.choice(["お知らせ", "会議のご案内", "報告", "Re: 確認"]), i)
    cs = "iso-2022-jp" if kind == "iso2022jp" else "utf-8"
    hdr = ("From: =?UTF-8?B?5bGx55Sw?= <sender%d@example.com>\n"
           "To: user%d@lg.example.jp\nSubject: %s\n"
           "Date: Mon, 1 Apr 2024 10:%02d:%02d +0900\n"
           "Message-ID: <bench-%s-%s-%d@example.com>\nMIME-Version: 1.0\n"
           % (rng.randint(1, 500), rng.randint(1, 50), rfc2047(subj, cs),
              i // 60 % 60, i % 60, kind_set, seed, i))
    if kind_set == "repeat":
        bh, bp = text_body(rng, kind, body_n)
        bnd = "mix-%016x" % rng.getrandbits(64)
        parts = ["--%s\n%s\n%s" % (bnd, bh, bp)]
        for k in picks:
            ctype, name, data = pool[k]
            parts.append('--%s\nContent-Type: %s; name="%s"\nContent-Disposition: '
                         'attachment; filename="%s"\nContent-Transfer-Encoding: '
                         "base64\n\n%s" % (bnd, ctype, name, name, b64(data)))
        msg = (hdr + 'Content-Type: multipart/mixed; boundary="%s"\n\n' % bnd
               + "".join(parts) + "--%s--\n" % bnd)
        return msg.encode("ascii"), kind, [pool[k][1] for k in picks], target
    bh, bp = text_body(rng, kind, max(int(target * scale) * 3 // 4, 200))
    return (hdr + bh + "\n" + bp).encode("utf-8"), kind, [], target


def target_size(rng, lo, hi):
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def make_mail(seed, i, lo, hi, scale=1.0):
    """Mail I; SCALE corrects the content budget so the result hits the target."""
    rng = random.Random("%s:%d" % (seed, i))
    target = target_size(rng, lo, hi)
    total = int(target * scale)
    kind = rng.choice(("text", "html", "iso2022jp"))
    nbody = min(max(total // 10, 800), rng.randint(1500, 20000))
    natt = rng.randint(1, 5) if rng.random() < 0.9 else 0
    has_eicar = i % 50 == 7
    if has_eicar:
        natt = max(natt, 1)
    if natt == 0:
        nbody = total * 3 // 4   # body alone fills the mail (base64 / ISO-2022-JP)
    budget = max(total - nbody * 4 // 3 - 1500, 1024) * 3 // 4
    weights = [rng.random() + 0.1 for _ in range(natt)]
    atts = []
    for j, w in enumerate(weights):
        size = max(int(budget * w / sum(weights)), 512)
        if has_eicar and j == 0:
            atts.append(att_eicar(rng, size))
        else:
            atts.append(attachment(rng, size))
    subj = "%s %d" % (rng.choice(["資料送付", "会議のご案内", "報告", "Re: 見積"]), i)
    charset = "iso-2022-jp" if kind == "iso2022jp" else "utf-8"
    hdr = ("From: =?UTF-8?B?5bGx55Sw?= <sender%d@example.com>\n"
           "To: user%d@lg.example.jp\nSubject: %s\n"
           "Date: Mon, 1 Apr 2024 09:%02d:%02d +0900\n"
           "Message-ID: <bench-%s-%d@example.com>\nMIME-Version: 1.0\n"
           % (rng.randint(1, 500), rng.randint(1, 50), rfc2047(subj, charset),
              i // 60 % 60, i % 60, seed, i))
    bh, bp = body_part(rng, kind, nbody)
    if not atts:
        return (hdr + bh + "\n" + bp).encode("ascii"), kind, []
    bnd = "mix-%016x" % rng.getrandbits(64)
    parts = ["--%s\n%s\n%s" % (bnd, bh, bp)]
    for ctype, name, data in atts:
        parts.append('--%s\nContent-Type: %s; name="%s"\nContent-Disposition: '
                     'attachment; filename="%s"\nContent-Transfer-Encoding: '
                     "base64\n\n%s" % (bnd, ctype, name, name, b64(data)))
    msg = (hdr + 'Content-Type: multipart/mixed; boundary="%s"\n\n'
           "This is a multi-part message in MIME format.\n\n" % bnd
           + "".join(parts) + "--%s--\n" % bnd)
    return msg.encode("ascii"), kind, [a[1] for a in atts]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[2])
    ap.add_argument("--seed", default="20240401")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--min-size", type=int, default=5 * 1024)
    ap.add_argument("--max-size", type=int, default=5 * 1024 * 1024)
    ap.add_argument("--set", choices=("mixed", "text", "repeat", "twin"), default="mixed")
    ap.add_argument("outdir")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    if a.set != "mixed":
        return main_set(a)
    with open(os.path.join(a.outdir, "MANIFEST.tsv"), "w") as man:
        for i in range(1, a.count + 1):
            target = target_size(random.Random("%s:%d" % (a.seed, i)),
                                 a.min_size, a.max_size)
            scale = 1.0
            data, kind, names = make_mail(a.seed, i, a.min_size, a.max_size)
            for _ in range(3):   # fixed overheads and encodings: correct the budget
                if 0.9 < len(data) / target < 1.1:
                    break
                scale *= target / len(data)
                data, kind, names = make_mail(a.seed, i, a.min_size, a.max_size, scale)
            name = "mail-%04d.eml" % i
            with open(os.path.join(a.outdir, name), "wb") as f:
                f.write(data)
            man.write("%s\t%d\t%s\t%s\n" % (name, len(data), kind, ",".join(names)))


def main_set(a):
    pool = repeat_pool(a.seed) if a.set in ("repeat", "twin") else None
    with open(os.path.join(a.outdir, "MANIFEST.tsv"), "w") as man:
        for i in range(1, a.count + 1):
            scale = 1.0
            data, kind, names, target = make_set_mail(a.seed, i, a.min_size, a.max_size,
                                                      a.set, pool)
            for _ in range(4):   # headers, encodings: correct the body budget
                if a.set == "repeat" or 0.95 < len(data) / target < 1.05:
                    break
                scale *= target / len(data)
                data, kind, names, target = make_set_mail(a.seed, i, a.min_size,
                                                          a.max_size, a.set, pool, scale)
            name = "mail-%04d.eml" % i
            with open(os.path.join(a.outdir, name), "wb") as f:
                f.write(data)
            man.write("%s\t%d\t%s\t%s\n" % (name, len(data), kind, ",".join(names)))
    return 0


if __name__ == "__main__":
    main()
