"""webclient - a cookie-keeping HTTP client for the mukaika-web tests.

Client(base, timeout).req(METHOD, PATH, data=FORM | body=BYTES) returns
(status, headers dict, text); redirects are not followed (the tests check
them).  POSTs carry Origin: BASE (as a browser's do) unless origin=False
or another origin is given.  csrf(PATH) fetches PATH and returns its form's CSRF token ("" when
none); login(USER, PASSWORD) posts the login form and returns
(status, text).  Used by attack.py and unlock.py.
"""
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


class Client:
    def __init__(self, base, timeout=10, origin=True):
        self.base, self.timeout = base, timeout
        self.origin = base if origin is True else origin
        self.jar = http.cookiejar.CookieJar()
        self.op = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def req(self, method, path, data=None, body=None):
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        r = urllib.request.Request(self.base + path, data=body, method=method)
        if method == "POST" and self.origin:
            r.add_header("Origin", self.origin)
        if body is not None:
            r.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            resp = self.op.open(r, timeout=self.timeout)
            return resp.status, dict(resp.headers), resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def csrf(self, path):
        _, _, page = self.req("GET", path)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        return m.group(1) if m else ""

    def login(self, user, pw):
        tok = self.csrf("/login")
        st, _, page = self.req("POST", "/login", {"csrf": tok, "user": user, "password": pw})
        return st, page
