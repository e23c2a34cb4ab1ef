#!/usr/bin/env python3
"""Documentation that runs: every command the docs show is run and checked.

    python3 tests/docs/run.py BUILD_DIR

Commands are found, not listed: shell lines in fenced blocks and inline code
that start with `sendoc`, `build/bin/sendoc`, `make` or `man` in README.md and
every */README.md, the lines of `sendoc help` and of `sendoc help TOPIC` for
every topic it lists, and the man page's EXAMPLES. A new command in any of
them is run the next time, with no change here.

Each document's commands run in order (a later one may use an earlier one's
output, as --resume does) in a scratch copy of the tree (mktemp): samples,
templates, schema, locales, the man page, `build` linked to the build, a
`case.xml` and a `cases/` folder for the man page's examples, and `sendoc` on
PATH. A command passes when:
  - it exits 0 (lint: 0 or 1, its documented "findings" status);
  - every PDF it writes (-o X.pdf, > X.pdf, a batch's -o folder) exists and
    passes `qpdf --check`; a --manifest file is JSON Lines;
  - with --diagnostics=json, every line on stderr is a JSON object;
  - help, templates, locales and --version print something.
A line with an upper-case placeholder (CASE.xml, TEMPLATE, NAME|FILE) is a
synopsis, not a command: it is listed and counted, not run. SKIP below lists
the few commands a test cannot run, and why.
"""
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 300

# (regex on the command, why it is not run here)
SKIP = [
    (r"^make deps\b", "installs Debian packages with apt as root; the fresh-root stage runs it on a bare Debian"),
    (r"^make( data)? check\b", "make check is what runs this test (it would run itself)"),
    (r"^make demo\b", "builds, then runs tools/render-samples.sh into out/ of the source tree; "
                      "tests/integration/run.sh runs that script on every sample"),
    (r"^make (fuzz|bench)\b", "long-running stages of their own (make fuzz, make bench)"),
    (r"^make data\b", "rebuilds the data folder inside the source tree this test reads"),
    (r"^sendoc serve\b|^build/bin/sendoc serve\b", "a server that runs until it is stopped; its own tests start and stop it"),
    (r"^make test-deps\b", "installs Debian packages with apt as root; the fresh-root stage runs it on a bare Debian"),
    (r"^make install\b", "writes into the system prefix; tests/cli/install.sh and library.sh install into a staging "
                          "folder, and the fresh-root stage installs the packages"),
    (r"^man sendoc$", "needs the installed page: the fresh-root stage runs it after installing the packages; "
                      "`man -l cli/sendoc.1` is checked here"),
    (r"^make -C examples\b", "tests/cli/library.sh builds and runs the example against a staged install"),
]

# Commands the docs show that fail today for a reason outside the docs: each
# is run, must still fail, and is reported XFAIL; the day it passes (XPASS)
# this test fails so that the line is removed here.
KNOWN = [
]

# a subcommand named in prose (`sendoc render`) is a reference, not a command
NEEDS_OPERANDS = ("render", "validate", "lint", "batch")

PREFIXES = ("sendoc ", "build/bin/sendoc ", "make ", "man ")
PLACEHOLDER = re.compile(r"(^|[\s=/\[|])[A-Z][A-Z0-9_]*[A-Z0-9](\.[a-z]+)?(\.\.\.)?($|[\s\]|/])|\.\.\.|\[--?[a-z]")


def is_command(s):
    return s.startswith(PREFIXES)


def is_reference(cmd):
    w = cmd.split()
    return len(w) == 2 and os.path.basename(w[0]) == "sendoc" and w[1] in NEEDS_OPERANDS


def strip_comment(line):
    """A shell line without its trailing # comment (outside quotes)."""
    try:
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.commenters = "#"
        lex.whitespace_split = True
        list(lex)
    except ValueError:
        return line.strip()
    out, quote = [], None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1].isspace()):
            break
        out.append(c)
    return "".join(out).strip()


def from_markdown(path):
    rel = os.path.relpath(path, ROOT)
    found = []
    fence = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            m = re.match(r"^(`{3,}|~{3,})\s*([A-Za-z]*)", s)
            if m:
                if fence is None:
                    fence = (m.group(1), m.group(2).lower())
                    continue
                if s.startswith(fence[0]):
                    fence = None
                    continue
            if fence is not None:
                if fence[1] in ("sh", "shell", "console", "bash", ""):
                    cmd = strip_comment(s.lstrip("$ "))
                    if is_command(cmd):
                        found.append((f"{rel}:{n}", cmd))
                continue
            for span in re.findall(r"`([^`]+)`", line):
                span = span.strip()
                if is_command(span):
                    found.append((f"{rel}:{n}", span))
    return found


def from_help(sendoc):
    found = []
    top = subprocess.run([sendoc, "help"], capture_output=True, text=True).stdout
    topics = [None] + re.findall(r"^  ([a-z]+)\s{2,}", top, re.M)
    for t in topics:
        args = [sendoc, "help"] + ([t] if t else [])
        text = subprocess.run(args, capture_output=True, text=True).stdout
        where = "sendoc help" + (f" {t}" if t else "")
        for n, line in enumerate(text.splitlines(), 1):
            s = line.strip()
            if s.startswith("usage: "):
                continue  # a synopsis by definition
            for part in re.split(r",\s+|\s{2,}", s):
                if is_command(part):
                    found.append((f"{where}:{n}", part))
            for span in re.findall(r"`([^`]+)`", line):
                if is_command(span.strip()):
                    found.append((f"{where}:{n}", span.strip()))
    return found


def from_man(path):
    found, inside, nf = [], False, False
    rel = os.path.relpath(path, ROOT)
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.rstrip("\n")
            if s.startswith(".SH"):
                inside = s.strip() == ".SH EXAMPLES"
                continue
            if not inside:
                continue
            if s.startswith(".nf"):
                nf = True
            elif s.startswith(".fi"):
                nf = False
            elif nf and not s.startswith("."):
                cmd = strip_comment(s.replace("\\-", "-").replace("\\e", "\\"))
                if is_command(cmd):
                    found.append((f"{rel}:{n}", cmd))
    return found


def dedupe(cmds):
    seen, out = set(), []
    for where, c in cmds:
        if c not in seen:
            seen.add(c)
            out.append((where, c))
    return out


def scratch_tree(build):
    t = tempfile.mkdtemp(prefix="sendoc-docs.")
    for d in ("samples", "templates", "locales"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(t, d))
    os.makedirs(os.path.join(t, "engine"))
    shutil.copytree(os.path.join(ROOT, "engine", "schema"), os.path.join(t, "engine", "schema"))
    os.makedirs(os.path.join(t, "cli"))
    shutil.copy(os.path.join(ROOT, "cli", "sendoc.1"), os.path.join(t, "cli"))
    shutil.copy(os.path.join(ROOT, "README.md"), t)
    os.symlink(build, os.path.join(t, "build"))
    # the man page's examples read a case from case.xml and a folder cases/
    shutil.copy(os.path.join(ROOT, "tests", "case", "minimal.xml"), os.path.join(t, "case.xml"))
    shutil.copytree(os.path.join(ROOT, "samples", "class-4b"), os.path.join(t, "cases"))
    return t


def split_commands(cmd):
    """`a; b; c` shown on one line: three commands."""
    parts = [p.strip() for p in re.split(r"\s*;\s*", cmd) if p.strip()]
    return parts if all(is_command(p) for p in parts) else [cmd]


def words(cmd, cwd):
    try:
        return shlex.split(cmd)
    except ValueError:
        return cmd.split()


def option_value(w, names):
    vals = []
    for i, x in enumerate(w):
        for n in names:
            if x == n and i + 1 < len(w):
                vals.append(w[i + 1])
            elif n.startswith("--") and x.startswith(n + "="):
                vals.append(x[len(n) + 1:])
    return vals


def qpdf_ok(path):
    r = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    return r.returncode in (0, 3)  # 3: warnings only


def check(cmd, r, cwd):
    """Problems with one command's result, as a list of strings."""
    w = words(cmd, cwd)
    if not w:
        return ["empty command"]
    prog = os.path.basename(w[0])
    sub = w[1] if len(w) > 1 else ""
    probs = []
    ok_codes = (0, 1) if prog == "sendoc" and sub == "lint" else (0,)
    if r.returncode not in ok_codes:
        probs.append(f"exit {r.returncode}: {r.stderr.strip()[:300]}")
    if prog == "sendoc" and "--diagnostics=json" in w:
        for line in r.stderr.splitlines():
            try:
                if not isinstance(json.loads(line), dict):
                    raise ValueError
            except ValueError:
                probs.append(f"stderr line is not a JSON object: {line[:120]}")
                break
    if prog == "sendoc" and sub in ("help", "templates", "locales", "--version") and not r.stdout.strip():
        probs.append("printed nothing")
    if prog == "sendoc" and sub == "validate" and r.returncode == 0 and ": valid" not in r.stdout:
        probs.append("validate printed no ': valid' line")
    outs = []
    if prog == "sendoc" and sub == "render":
        outs += [o for o in option_value(w, ["-o", "--output"]) if o != "-"]
    m = re.search(r">\s*(\S+\.pdf)\b", cmd)
    if m:
        outs.append(m.group(1))
    for o in outs:
        p = os.path.join(cwd, o)
        if not os.path.isfile(p) or os.path.getsize(p) == 0:
            probs.append(f"no PDF at {o}")
        elif not qpdf_ok(p):
            probs.append(f"{o} fails qpdf --check")
    if prog == "sendoc" and sub == "batch":
        for d in option_value(w, ["-o", "--output"]):
            pdfs = glob.glob(os.path.join(cwd, d, "**", "*.pdf"), recursive=True)
            if not pdfs:
                probs.append(f"batch wrote no PDF under {d}")
            bad = [p for p in pdfs if not qpdf_ok(p)]
            if bad:
                probs.append(f"{len(bad)} PDF(s) under {d} fail qpdf --check")
        for m in option_value(w, ["--manifest"]):
            if m == "-":
                continue
            p = os.path.join(cwd, m)
            try:
                with open(p, encoding="utf-8") as f:
                    lines = [json.loads(x) for x in f if x.strip()]
                if not lines or any("status" not in x for x in lines):
                    probs.append(f"manifest {m} has no case lines")
            except (OSError, ValueError) as e:
                probs.append(f"manifest {m}: {e}")
    return probs


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    sendoc = os.path.join(build, "bin", "sendoc")
    sources = []
    docs = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "*", "README.md"))) + \
        sorted(glob.glob(os.path.join(ROOT, "*", "*", "README.md")))
    for p in docs:
        if "/tests/" in p or "/node_modules/" in p:
            continue
        sources.append((os.path.relpath(p, ROOT), from_markdown(p)))
    sources.append(("sendoc help", from_help(sendoc)))
    sources.append(("cli/sendoc.1 EXAMPLES", from_man(os.path.join(ROOT, "cli", "sendoc.1"))))

    env = dict(os.environ)
    env["PATH"] = os.path.join(build, "bin") + os.pathsep + env.get("PATH", "")
    env["SENDOC_DATA"] = os.path.join(build, "share", "sendoc")
    env["SOURCE_DATE_EPOCH"] = env.get("SOURCE_DATE_EPOCH", "1764547200")
    env["MANPAGER"] = "cat"
    env["MANWIDTH"] = "80"
    env.pop("LC_ALL", None)

    ran = passed = synopses = skipped = xfail = 0
    failures = []
    for name, cmds in sources:
        cmds = dedupe(cmds)
        if not cmds:
            continue
        tree = scratch_tree(build)
        try:
            for where, shown in cmds:
                for cmd in split_commands(shown):
                    why = next((r for pat, r in SKIP if re.search(pat, cmd)), None)
                    if why:
                        skipped += 1
                        print(f"  skip  {where}: {cmd}  ({why})")
                        continue
                    if PLACEHOLDER.search(cmd) or is_reference(cmd):
                        synopses += 1
                        continue
                    if cmd.startswith("man ") and not shutil.which("man"):
                        skipped += 1
                        print(f"  skip  {where}: {cmd}  (man is not installed)")
                        continue
                    ran += 1
                    try:
                        r = subprocess.run(cmd, shell=True, cwd=tree, env=env, capture_output=True, text=True,
                                           timeout=TIMEOUT, errors="replace")
                        probs = check(cmd, r, tree)
                    except subprocess.TimeoutExpired:
                        probs = [f"still running after {TIMEOUT} s"]
                    known = next((r for pat, r in KNOWN if re.search(pat, cmd)), None)
                    if known and probs:
                        xfail += 1
                        print(f"  XFAIL {where}: {cmd}  ({known})")
                    elif known:
                        failures.append((where, cmd, ["XPASS: it works now; remove it from KNOWN"]))
                        print(f"  XPASS {where}: {cmd}: it works now; remove it from KNOWN in tests/docs/run.py")
                    elif probs:
                        failures.append((where, cmd, probs))
                        print(f"  FAIL  {where}: {cmd}")
                        for p in probs:
                            print(f"          {p}")
                    else:
                        passed += 1
                        if os.environ.get("DOCS_VERBOSE"):
                            print(f"  ok    {where}: {cmd}")
        finally:
            shutil.rmtree(tree, ignore_errors=True)
    print(f"docs: {passed} passed, {len(failures)} failed ({ran} commands run from {len(sources)} documents; "
          f"{synopses} synopses or references not run; {skipped} skipped; {xfail} known to fail)")
    if ran < 15:
        print(f"FAIL: only {ran} commands found: is the extraction broken?")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
