#!/usr/bin/env python3
"""Attacks on `sendoc serve`, one per protection it claims: python3 tests/web/attack.py BUILD_DIR.
Each check prints ok/FAIL; the exit status is the number of failures."""
import os
import re
import socket
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Server  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
fails = 0


def check(name, cond, detail=""):
    global fails
    print(("ok    " if cond else "FAIL  ") + name + ("" if cond else "  " + str(detail)))
    if not cond:
        fails += 1


def raw(s, data):
    """Sends bytes on a fresh connection (the server may answer and close
    before all are sent), returns the status line's code (0 if none)."""
    with socket.create_connection((s.host, s.port), timeout=30) as c:
        try:
            for i in range(0, len(data), 65536):
                c.sendall(data[i:i + 65536])
            c.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        try:
            while True:
                k = c.recv(65536)
                if not k:
                    break
                got += k
        except (ConnectionResetError, socket.timeout):
            pass
    m = re.match(rb"HTTP/1\.[01] (\d+)", got)
    return int(m.group(1)) if m else 0


s = Server(BUILD, extra=["--log"])
try:
    # --- the access token
    st, h, _ = s.request("GET", "/", cookie=False)
    check("no token: 403", st == 403, st)
    st, _, _ = s.request("GET", "/case/bilal-hussain", cookie=False)
    check("no token on a case page: 403", st == 403, st)
    st, h, _ = s.request("GET", "/?token=" + "0" * 64, cookie=False)
    check("wrong token: 403", st == 403, st)
    # one hex digit changed: always a different digit (a fixed "0" was the token
    # itself whenever the token ended in 0, one run in 16)
    wrong = s.token[:-1] + ("1" if s.token[-1] == "0" else "0")
    st, h, _ = s.request("GET", "/", headers={"Cookie": "sendoc=" + wrong}, cookie=False)
    check("wrong cookie: 403", st == 403, st)
    st, h, _ = s.request("GET", "/?token=" + s.token, cookie=False)
    ck = h.get("set-cookie", "")
    check("printed address: 303 with the token as a cookie", st == 303 and s.token in ck, (st, ck))
    check("cookie is HttpOnly and SameSite=Strict", "HttpOnly" in ck and "SameSite=Strict" in ck, ck)
    st, h, _ = s.request("GET", "/static/app.css", cookie=False)
    check("static files need the token too", st == 403, st)

    # --- DNS rebinding: the Host header
    st, _, _ = s.request("GET", "/", host="evil.example:%d" % s.port)
    check("foreign Host: 421", st == 421, st)
    st, _, _ = s.request("GET", "/", host="127.0.0.1")
    check("Host without the port: 421", st == 421, st)
    st, _, _ = s.request("GET", "/", host="localhost:%d" % s.port)
    check("localhost:PORT is accepted", st == 200, st)
    check("no Host header: 4xx", raw(s, b"GET / HTTP/1.0\r\nCookie: sendoc=" + s.token.encode() + b"\r\n\r\n") in (400, 421), "")

    # --- headers on every answer
    for path in ["/", "/case/bilal-hussain", "/static/app.js", "/nope"]:
        st, h, _ = s.request("GET", path)
        csp = h.get("content-security-policy", "")
        check("CSP without inline script on " + path,
              "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp, csp)
        check("nosniff on " + path, h.get("x-content-type-options") == "nosniff", h)

    # --- CSRF
    csrf = s.csrf_token()
    form = {"legal-name": "Test Child", "preferred-name": "Test", "date-of-birth": "2018-01-01",
            "home-language": "en", "school": "S", "senco": "T"}
    st, _, _ = s.request("POST", "/new", body=dict(form))
    check("POST without CSRF token: 403", st == 403, st)
    st, _, _ = s.request("POST", "/new", body=dict(form, csrf="0" * 64))
    check("POST with a wrong CSRF token: 403", st == 403, st)
    st, _, _ = s.request("POST", "/new", body=dict(form, csrf=csrf), headers={"Origin": "http://evil.example"})
    check("POST from another Origin: 403", st == 403, st)
    check("nothing was created by refused POSTs", not os.path.exists(os.path.join(s.ws, "test-child.xml")))
    st, h, _ = s.request("POST", "/new", body=dict(form, csrf=csrf),
                         headers={"Origin": "http://127.0.0.1:%d" % s.port})
    check("POST with the CSRF token: 303", st == 303 and h.get("location") == "/case/test-child/edit/child", (st, h.get("location")))
    p = os.path.join(s.ws, "test-child.xml")
    check("new case file is 0600", os.path.exists(p) and stat.S_IMODE(os.stat(p).st_mode) == 0o600,
          oct(os.stat(p).st_mode) if os.path.exists(p) else "missing")

    # --- paths: .., absolute, encoded, symlinks
    outside = os.path.join(s.tmp, "outside.xml")
    with open(os.path.join(s.ws, "bilal-hussain.xml"), "rb") as f:
        good = f.read()
    with open(outside, "wb") as f:
        f.write(good.replace(b"Bilal", b"Secret"))
    os.symlink(outside, os.path.join(s.ws, "evil.xml"))
    for path in ["/case/..%2Foutside", "/case/../outside", "/case/%2Fetc%2Fpasswd", "/static/..%2F..%2Fetc%2Fpasswd",
                 "/case/evil", "/case/.history", "/render/..%2F..%2Fetc%2Fpasswd", "/case/evil%00.xml", "/case/%2e%2e"]:
        st, _, body = s.request("GET", path)
        check("GET %s refused" % path, st in (400, 404) and b"root:" not in body and b"Secret" not in body, st)
    st, _, body = s.request("GET", "/")
    check("symlinked case not listed", b"Secret" not in body and b"/case/evil" not in body)
    st, h, page = s.request("GET", "/case/bilal-hussain/edit/child")
    ver = re.search(rb'name="version" value="([0-9a-f]+)"', page).group(1).decode()
    st, _, _ = s.request("POST", "/case/evil/edit/child", body={"csrf": csrf, "version": ver, "t/0.1": "Pwned"})
    with open(outside, "rb") as f:
        check("save through a symlink refused, outside file untouched", st in (404, 409) and b"Pwned" not in f.read(), st)
    os.symlink("/etc", os.path.join(s.ws, ".history-x"))
    st, _, body = s.request("GET", "/docs/preview?case=..%2Foutside&template=one-page-profile")
    check("render of a path outside refused", st in (400, 404, 422) and b"Secret" not in body, st)
    st, _, body = s.request("GET", "/docs/preview?case=bilal-hussain&template=..%2F..%2F..%2Fetc%2Fpasswd")
    check("template path outside refused", st == 400, st)

    # --- bounded bodies
    big = b"x" * (3 << 20)
    req = (b"POST /new HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: sendoc=%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: %d\r\n\r\n" % (s.port, s.token.encode(), len(big) + 11)) + b"legal-name=" + big
    check("3 MiB form: 413", raw(s, req) == 413)
    req = (b"POST /new HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: sendoc=%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           b"Content-Length: 1000000000\r\n\r\nabc" % (s.port, s.token.encode()))
    check("1 GB Content-Length: 413 before reading", raw(s, req) == 413)
    chunks = b"b\r\nlegal-name=\r\n" + b"".join(b"%x\r\n%s\r\n" % (65536, b"a" * 65536) for _ in range(48)) + b"0\r\n\r\n"
    req = (b"POST /new HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: sendoc=%s\r\nContent-Type: application/x-www-form-urlencoded\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" % (s.port, s.token.encode())) + chunks
    check("3 MiB chunked body without a length: 413", raw(s, req) == 413)
    st, _, _ = s.request("GET", "/", headers={"X-Long": "a" * 200000})
    check("200 KB header refused", st in (400, 413, 431), st)

    # --- saves: version check, history, 0600, unknown content kept
    p = os.path.join(s.ws, "bilal-hussain.xml")
    with open(p, "rb") as f:
        xml = f.read()
    xml = xml.replace(b"<school>", b"<!-- hand-edited: keep me -->\n  <?sendoc-extension keep=\"yes\"?>\n  <school>")
    with open(p, "wb") as f:
        f.write(xml)
    st, h, page = s.request("GET", "/case/bilal-hussain/edit/child")
    ver = re.search(rb'name="version" value="([0-9a-f]+)"', page).group(1).decode()
    st, h, _ = s.request("POST", "/case/bilal-hussain/edit/child", body={"csrf": csrf, "version": ver, "t/0.1": "Bilal H"})
    check("save: 303", st == 303, st)
    with open(p, "rb") as f:
        saved = f.read()
    check("save changed the field", b"<preferred-name>Bilal H</preferred-name>" in saved)
    check("comment and processing instruction kept", b"<!-- hand-edited: keep me -->" in saved and b"<?sendoc-extension keep=\"yes\"?>" in saved)
    check("Urdu translation kept", "<preferred-name xml:lang=\"ur\">بلال</preferred-name>".encode() in saved)
    hist = os.path.join(s.ws, ".history")
    hf = os.listdir(hist) if os.path.isdir(hist) else []
    check("previous version kept in .history", any(f.startswith("bilal-hussain.") for f in hf), hf)
    check("history and case files are 0600", all(stat.S_IMODE(os.stat(os.path.join(hist, f)).st_mode) == 0o600 for f in hf)
          and stat.S_IMODE(os.stat(p).st_mode) == 0o600 and stat.S_IMODE(os.stat(hist).st_mode) == 0o700)
    st, _, body = s.request("POST", "/case/bilal-hussain/edit/child", body={"csrf": csrf, "version": ver, "t/0.1": "Other tab"})
    check("stale version: 409, nothing overwritten", st == 409 and b"Other tab" not in open(p, "rb").read(), st)
    st, _, _ = s.request("POST", "/case/bilal-hussain/edit/child", body={"csrf": csrf, "version": ver, "t/99.99": "x"})
    check("a field naming no element: refused", st in (400, 409), st)

    # --- a class list with control characters still makes well-formed case files (fuzz_serve_csv found it)
    import xml.dom.minidom
    bnd = "XyZ"
    csvb = b"First name,Last name,DOB,Home language,Parent\r\nCon\x03trol,Char\x01,01/02/2018,ur,P\x1bQ\r\n"
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf.encode() +
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
            csvb + b"\r\n--XyZ--\r\n")
    st, h, _ = s.request("POST", "/import", body=body, headers={"Content-Type": "multipart/form-data; boundary=" + bnd})
    loc = h.get("location", "")
    st2, _, _ = s.request("POST", loc, body={"csrf": csrf, "do": "create", "school": "S", "senco": "T",
                                              "map-first-name": "0", "map-last-name": "1", "map-date-of-birth": "2",
                                              "map-home-language": "3", "map-contact": "4"})
    made = os.path.join(s.ws, "con-trol-char.xml")
    try:
        xml.dom.minidom.parse(made)
        ok = True
    except Exception as e:  # noqa: BLE001
        ok = e
    check("CSV with control characters: upload 303, case created and well-formed", st == 303 and st2 == 200 and ok is True, (st, st2, ok))

    # --- a new case from a form with control characters and broken UTF-8 is still well-formed
    st, h, _ = s.request("POST", "/new", body=b"csrf=" + csrf.encode() + b"&legal-name=Ctl%01Char&preferred-name=%FF%FEx&school=S%1B&senco=T",
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        xml.dom.minidom.parse(os.path.join(s.ws, "ctl-char.xml"))
        ok = True
    except Exception as e:  # noqa: BLE001
        ok = e
    check("new case from hostile form values: well-formed file", st == 303 and ok is True, (st, ok))

    # --- a photo upload that is not an image is refused, nothing written
    st, h, page = s.request("GET", "/case/bilal-hussain/edit/child")
    ver = re.search(rb'name="version" value="([0-9a-f]+)"', page).group(1).decode()
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf.encode() +
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n" + ver.encode() +
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nx" +
            b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"../../x.png\"\r\nContent-Type: image/png\r\n\r\n"
            b"<?php echo 1; ?>\r\n--XyZ--\r\n")
    st, _, _ = s.request("POST", "/case/bilal-hussain/photo", body=body, headers={"Content-Type": "multipart/form-data; boundary=XyZ"})
    check("photo upload that is not a PNG or JPEG: 400, nothing written", st == 400 and not os.path.exists(os.path.join(s.ws, "photos", "bilal-hussain.png"))
          and not os.path.exists(os.path.join(s.tmp, "x.png")), st)

    # --- logs hold no case data
    log = s.stderr()
    check("log has lines", "sendoc serve: GET /case" in log, log[:200])
    check("no case data, token or query in the log", not any(w in log for w in ["Bilal", "bilal", "Secret", "Test Child", s.token, "token=", "test-child"]), log)
finally:
    s.stop()

# --- --listen: still never without the token
s = Server(BUILD, extra=["--listen", "127.0.0.1"], samples=False)
try:
    st, _, _ = s.request("GET", "/", cookie=False)
    check("--listen: no token, 403", st == 403, st)
    st, _, _ = s.request("GET", "/")
    check("--listen: with the token, 200", st == 200, st)
finally:
    s.stop()

# --- default: loopback only
s = Server(BUILD, samples=False)
try:
    check("default address is 127.0.0.1", s.host == "127.0.0.1", s.host)
    import subprocess
    out = subprocess.run(["ss", "-Hltn", "sport = :%d" % s.port], capture_output=True, text=True).stdout
    local = [ln.split()[3] for ln in out.splitlines() if ln.strip()]
    check("listening socket bound to 127.0.0.1 only", local == ["127.0.0.1:%d" % s.port], out)
finally:
    s.stop()

# --- the commands the README, help and man page show, as written
def documented(args):
    import subprocess
    env = dict(os.environ, SENDOC_DATA=os.path.join(BUILD, "share", "sendoc"))
    p = subprocess.Popen([os.path.join(BUILD, "bin", "sendoc"), *args], cwd=ROOT_DIR,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = p.stdout.readline()
    m = re.search(r"open (http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{64}))", line)
    ok = False
    if m:
        import http.client
        c = http.client.HTTPConnection("127.0.0.1", int(m.group(2)), timeout=30)
        c.request("GET", "/", headers={"Host": "127.0.0.1:" + m.group(2), "Cookie": "sendoc=" + m.group(3)})
        r = c.getresponse()
        ok = r.status == 200 and b"Bilal" in r.read()
        c.close()
    p.terminate()
    p.wait(10)
    check("documented command runs: sendoc " + " ".join(args), ok, line)


ROOT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
documented(["serve", "samples"])
documented(["serve", "samples", "--port", "0", "--log"])
import subprocess  # noqa: E402
h = subprocess.run([os.path.join(BUILD, "bin", "sendoc"), "help", "serve"], capture_output=True, text=True)
check("sendoc help serve documents --listen and the token", h.returncode == 0 and "--listen" in h.stdout and "token" in h.stdout)
h = subprocess.run([os.path.join(BUILD, "bin", "sendoc"), "serve", "--help"], capture_output=True, text=True)
check("sendoc serve --help", h.returncode == 0 and "usage: sendoc serve" in h.stdout)
h = subprocess.run([os.path.join(BUILD, "bin", "sendoc"), "serve", "/nonexistent-folder-xyz"], capture_output=True, text=True)
check("a missing workspace: exit 3 with a message", h.returncode == 3 and "workspace" in h.stderr, (h.returncode, h.stderr))
print("attack: %d failed" % fails)
sys.exit(1 if fails else 0)
