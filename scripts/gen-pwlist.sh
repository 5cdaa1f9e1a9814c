#!/bin/bash
# NAME
#   gen-pwlist.sh - regenerate data/common-passwords.txt
#
# SYNOPSIS
#   bash scripts/gen-pwlist.sh > data/common-passwords.txt
#
# DESCRIPTION
#   The list of common passwords that no account may choose (pwpolicy.c)
#   is the "passwords" frequency list of zxcvbn (30 000 entries, most used
#   first; MIT licence, Copyright 2012-2013 Dropbox, Inc., 2016 Daniel
#   Wolf), as shipped by the Debian package python3-zxcvbn
#   (scripts/install-deps.sh installs it).  One password a line, lower
#   case, after a comment header; the build turns it into a sorted table
#   (scripts/pwlist-to-c.py).
set -eu
/usr/bin/python3 - <<'PY'
from zxcvbn import frequency_lists as f
words = f.FREQUENCY_LISTS["passwords"]
print("# common-passwords.txt - passwords no mukaika account may choose")
print("# Source: zxcvbn frequency list \"passwords\" (Debian python3-zxcvbn),")
print("# MIT licence: Copyright 2012-2013 Dropbox, Inc.; 2016 Daniel Wolf.")
lic = open("/usr/share/doc/python3-zxcvbn/copyright").read()
body = lic[lic.rindex("License: MIT\n") + len("License: MIT\n"):].split("\n\n")[0]
for line in body.splitlines():
    print("#" + ("" if line.strip() == "." else line))
print("# Regenerate with scripts/gen-pwlist.sh.  %d entries." % len(words))
for w in words:
    print(w.lower())
PY
