#!/usr/bin/env python3
# NAME
#   check_mail.py - assert that a delivered mail (smtp-sink dump) is sanitized
#
# SYNOPSIS
#   check_mail.py sanitized FILE     prints "report=ID", exit 0; else exit 1
#                                    with the reason on stderr
#   check_mail.py avonly FILE        the AV-only route: HTML body and the
#                                    attachment delivered as sent
#   check_mail.py ids DIR            prints the Message-ID of every mail in DIR
#
# DESCRIPTION
#   sanitized: X-Mukaika-Status / X-Mukaika-Report-Id present, no X-Foreign
#   header, Received kept, the first leaf is text/plain, no text/html part, no
#   executable, zip or EICAR anywhere in the decoded parts, and a .docx that
#   survived carries no VBA project.
import io, os, sys, zipfile
from email import policy
from email.parser import BytesParser

EICAR_TAIL = b'EICAR-STANDARD-ANTIVIRUS-TEST-FILE'


def die(msg):
    sys.stderr.write(msg + '\n')
    sys.exit(1)


def load(path):
    with open(path, 'rb') as f:
        return BytesParser(policy=policy.default).parse(f)


def sanitized(path):
    m = load(path)
    status = m.get('X-Mukaika-Status')
    rid = m.get('X-Mukaika-Report-Id')
    if status not in ('pass', 'cleaned', 'stripped', 'quarantined'):
        die('X-Mukaika-Status is %r' % status)
    if not rid:
        die('no X-Mukaika-Report-Id')
    if m.get('X-Foreign') is not None:
        die('foreign header X-Foreign survived')
    if not m.get_all('Received'):
        die('Received headers lost')
    leaves = [p for p in m.walk() if not p.is_multipart()]
    if not leaves or leaves[0].get_content_type() != 'text/plain':
        die('first part is %s, not text/plain' % (leaves[0].get_content_type() if leaves else None))
    for p in leaves:
        ct, name = p.get_content_type(), (p.get_filename() or '')
        data = p.get_payload(decode=True) or b''
        if ct == 'text/html':
            die('text/html part delivered')
        if EICAR_TAIL in data:
            die('EICAR delivered in %s %s' % (ct, name))
        if data[:2] == b'MZ' or data[:4] == b'\x7fELF' or name.lower().endswith('.exe'):
            die('executable delivered: %s %s' % (ct, name))
        if data[:4] == b'PK\x03\x04':
            try:
                names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            except zipfile.BadZipFile:
                die('broken zip delivered: %s' % name)
            if any('vbaProject' in n for n in names):
                die('macro document delivered: %s' % name)
            if not name.lower().endswith(('.docx', '.xlsx', '.pptx')):
                die('archive delivered: %s %s' % (ct, name))
    print('report=%s' % rid)


def avonly(path):
    m = load(path)
    leaves = [p for p in m.walk() if not p.is_multipart()]
    types = [p.get_content_type() for p in leaves]
    names = [p.get_filename() or '' for p in leaves]
    if 'text/html' not in types:
        die('no text/html part: %s' % types)
    if 'tool.exe' not in names:
        die('attachment gone: %s' % names)
    print('html+attachment kept')


def ids(d):
    for f in sorted(os.listdir(d)):
        print(load(os.path.join(d, f)).get('Message-ID', ''))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        die('usage: check_mail.py sanitized|avonly FILE | ids DIR')
    {'sanitized': sanitized, 'avonly': avonly, 'ids': ids}[sys.argv[1]](sys.argv[2])
