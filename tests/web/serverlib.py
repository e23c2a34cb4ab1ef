"""Start and stop `sendoc serve` for the tests: a fresh workspace copied from
the samples, a free port, the printed address parsed."""
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Server:
    def __init__(self, build, extra=(), today="2026-11-20", samples=True):
        self.tmp = tempfile.mkdtemp(prefix="sendoc-web-")
        self.ws = os.path.join(self.tmp, "ws")
        os.mkdir(self.ws)
        if samples:
            for f in os.listdir(os.path.join(ROOT, "samples")):
                if f.endswith(".xml"):
                    shutil.copy(os.path.join(ROOT, "samples", f), self.ws)
            shutil.copytree(os.path.join(ROOT, "samples", "photos"), os.path.join(self.ws, "photos"))
        self.err = open(os.path.join(self.tmp, "stderr"), "w+")
        env = dict(os.environ, SENDOC_DATA=os.path.join(build, "share", "sendoc"))
        self.proc = subprocess.Popen([os.path.join(build, "bin", "sendoc"), "serve", self.ws, "--port", "0",
                                      "--today", today, *extra],
                                     stdout=subprocess.PIPE, stderr=self.err, text=True, env=env)
        line = self.proc.stdout.readline()
        m = re.search(r"open (http://([0-9.]+):(\d+)/\?token=([0-9a-f]+))", line)
        if not m:
            self.stop()
            raise RuntimeError("no address printed: " + line)
        self.url, self.host, self.port, self.token = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        self.csrf = None

    def request(self, method, path, body=None, headers=None, cookie=True, host=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=60)
        h = {"Host": host or "%s:%d" % (self.host, self.port)}
        if cookie:
            h["Cookie"] = "sendoc=" + self.token
        if isinstance(body, dict):
            body = urllib.parse.urlencode(body, doseq=True)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def csrf_token(self):
        if not self.csrf:
            _, _, page = self.request("GET", "/new")
            self.csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
        return self.csrf

    def stderr(self):
        self.err.flush()
        self.err.seek(0)
        return self.err.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.err.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
