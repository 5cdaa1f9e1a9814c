"""
NAME
    mkcheck.py - batch helpers for the shell tests (tests/scripts/t-*.sh)

SUMMARY
    import mkcheck as mc           (lib.sh sets PYTHONPATH for mk_py/mk_judge)
    mc.mail_with(data, name, ctype) -> bytes of a mail with DATA attached
    mc.zipbytes(name, data), mc.targz(name, data) -> container bytes
    mc.tiny_pdf()                   bytes of a valid one-page empty PDF
    mc.manifest(path, rows)         rows (id, input, arg...) for mk_batch
    mc.runs(dir)                    {id: Run(rc, out, report, err)} of mk_batch
    mc.codes(report_path)           set of finding codes (nodes[].findings[])
    mc.load_report(path)            parsed report, or None when not JSON
    mc.schema_error(path, schema)   first violation of the JSON schema, or None
    t = mc.Tally(); t.ok(); t.fail(msg); t.skip(msg); t.done()

DESCRIPTION
    A shell test runs `mukaika sanitize` once per check.  Everything else
    (building wrapped inputs, reading reports, searching outputs for the
    payload) happens in one python3 process before the runs and one after,
    through this module, instead of a python3/jq start per check.
    Tally.done() prints the last line "MKTALLY PASS FAIL SKIP" that lib.sh's
    mk_judge adds to the test's counters; a judge that dies before it counts
    as a failure.  Never prints the content of an input or output.
"""
import base64, io, json, os, sys, tarfile, zipfile


def mail_with(data, name, ctype):
    b = "mk-test-boundary-1"
    lines = [
        "From: sender@example.com", "To: rcpt@example.jp",
        "Subject: attachment test", "Date: Mon, 01 Jan 2024 00:00:00 +0000",
        "Message-ID: <attach-test@example.com>", "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{b}"', "",
        f"--{b}", "Content-Type: text/plain; charset=us-ascii", "",
        "see attachment", "",
        f"--{b}", f'Content-Type: {ctype}; name="{name}"',
        f'Content-Disposition: attachment; filename="{name}"',
        "Content-Transfer-Encoding: base64", "",
    ]
    enc = base64.encodebytes(data).decode().rstrip("\n").split("\n")
    lines += enc + ["", f"--{b}--", ""]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


def tiny_pdf():
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    out = b"%PDF-1.4\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return out


def zipbytes(name, data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return b.getvalue()


def targz(name, data):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
    return b.getvalue()


def manifest(path, rows):
    """Write rows (id, input, arg...) for mk_batch; fields must not hold tabs."""
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        for r in rows:
            if any("\t" in str(x) or "\n" in str(x) for x in r):
                raise ValueError(f"tab or newline in manifest row {r[0]}")
            f.write("\t".join(str(x) for x in r) + "\n")


class Run:
    def __init__(self, d, rid, rc):
        self.rc = rc
        self.out = os.path.join(d, rid + ".out")
        self.report = os.path.join(d, rid + ".json")
        self.errfile = os.path.join(d, rid + ".err")

    def err(self, n=300):
        try:
            with open(self.errfile, "rb") as f:
                return f.read(n).decode("utf-8", "replace").replace("\n", " ")
        except OSError:
            return ""


def runs(d):
    """Exit codes of mk_batch: {id: Run}.  A row never run is missing."""
    res = {}
    with open(os.path.join(d, "rc.tsv"), encoding="utf-8") as f:
        for line in f:
            rid, rc = line.rstrip("\n").split("\t")
            res[rid] = Run(d, rid, int(rc))
    return res


def load_report(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def codes(path):
    """Like jq '[.nodes[]?.findings[]?.code] | unique'; empty when not JSON."""
    doc = load_report(path)
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    if isinstance(nodes, dict):
        nodes = list(nodes.values())
    found = set()
    for n in nodes if isinstance(nodes, list) else []:
        fs = n.get("findings") if isinstance(n, dict) else None
        if isinstance(fs, dict):
            fs = list(fs.values())
        for fd in fs if isinstance(fs, list) else []:
            if isinstance(fd, dict) and isinstance(fd.get("code"), str):
                found.add(fd["code"])
    return found


_validators = {}


def schema_error(path, schema_path):
    """First violation of SCHEMA_PATH by the JSON file PATH (text), or None."""
    import jsonschema
    if schema_path not in _validators:
        with open(schema_path, encoding="utf-8") as f:
            _validators[schema_path] = jsonschema.Draft202012Validator(json.load(f))
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return f"not JSON: {e}"
    errs = sorted(_validators[schema_path].iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        e = errs[0]
        return f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message[:200]}"
    return None


class Tally:
    def __init__(self):
        self.p = self.f = self.s = 0

    def ok(self):
        self.p += 1

    def fail(self, msg):
        self.f += 1
        print(f"FAIL: {msg}", flush=True)

    def skip(self, msg):
        self.s += 1
        print(f"SKIP: {msg}", flush=True)

    def check(self, bad, label):
        """ok() when BAD (a reason string or list) is empty, else fail."""
        if isinstance(bad, list):
            bad = "; ".join(bad)
        if bad:
            self.fail(f"{label}: {bad}")
        else:
            self.ok()

    def done(self):
        print(f"MKTALLY {self.p} {self.f} {self.s}", flush=True)


def schema_batch(listfile, schema_path):
    """Judge: every "REPORT<TAB>LABEL" line of LISTFILE against the schema."""
    t = Tally()
    with open(listfile, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            path, label = line.rstrip("\n").split("\t", 1)
            why = schema_error(path, schema_path)
            t.check(why and f"report violates docs/report-schema.json: {why}", label)
    t.done()


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "schema":
    schema_batch(sys.argv[2], sys.argv[3])
elif __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "mail":
    _, _, src, nm, ct, dst = sys.argv
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        fo.write(mail_with(fi.read(), nm, ct))
