#!/usr/bin/env python3
"""A batch day's memory and file descriptors stay flat as the batch grows
(issue 16: 10,000 cases with bounded memory and no descriptor growth).

    python3 tests/scaling/batch_memory.py build/bin/sendoc            # the test: 300 and 1,200 cases
    python3 tests/scaling/batch_memory.py build/bin/sendoc 10000      # make bench: report one size

Cases are the samples made distinct (each child's legal name numbered), 100
to a folder with their photos, rendered as one batch the way a local
authority runs one: one-page profiles in each family's language, an HTML
and CSV report, and one print file (volumes of 200 documents). Peak memory
is the process's maximum resident set (wait4); descriptors are counted in
/proc/PID/fd every 20 ms while it runs. The test fails when four times the
cases need more than 1.25 times the memory plus 8 MB, or more descriptors
than the small batch plus 4, or any case fails. BATCH_MEMORY_EXTRA adds
batch options: "--combine-volume 100000" (one print file holding every
document) makes memory grow with the batch, and the test fail."""
import glob
import os
import re
import shutil
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SAMPLES = [os.path.join(ROOT, "samples", n) for n in ("ava-thompson.xml", "bilal-hussain.xml", "rumi-begum.xml")] + \
    sorted(glob.glob(os.path.join(ROOT, "samples", "class-4b", "*.xml")))
PHOTOS = glob.glob(os.path.join(ROOT, "samples", "photos", "*.png")) + \
    glob.glob(os.path.join(ROOT, "samples", "class-4b", "photos", "*.png"))


def make_cases(folder, n):
    texts = [open(p, encoding="utf-8").read() for p in SAMPLES]
    for i in range(n):
        sub = os.path.join(folder, "part-%03d" % (i // 100))
        if not os.path.isdir(sub):
            os.makedirs(os.path.join(sub, "photos"))
            for p in PHOTOS:
                shutil.copy(p, os.path.join(sub, "photos"))
        src = texts[i % len(texts)]
        made = re.sub(r"<legal-name>([^<]*)</legal-name>", lambda m: "<legal-name>%s %d</legal-name>" % (m.group(1), i),
                      src, count=1)
        with open(os.path.join(sub, "case-%05d.xml" % i), "w", encoding="utf-8") as f:
            f.write(made)


def run_batch(sendoc, cases, out):
    """(seconds, peak RSS in KiB, most descriptors seen, exit status, stderr tail)"""
    argv = [sendoc, "batch", cases, "-o", out, "-t", "one-page-profile", "--lang", "family", "--jobs", "2",
            "--report", os.path.join(out, "report.html"), "--combine", os.path.join(out, "print.pdf")] + os.environ.get("BATCH_MEMORY_EXTRA", "").split()
    err = open(os.path.join(out + ".err"), "w")
    t0 = time.time()
    pid = os.fork()
    if pid == 0:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(err.fileno(), 2)
        os.execv(sendoc, argv)
    most, done = [0], threading.Event()

    def watch():
        while not done.is_set():
            try:
                most[0] = max(most[0], len(os.listdir("/proc/%d/fd" % pid)))
            except OSError:
                pass
            time.sleep(0.02)
    w = threading.Thread(target=watch)
    w.start()
    _, status, ru = os.wait4(pid, 0)
    done.set()
    w.join()
    err.close()
    tail = open(out + ".err", encoding="utf-8", errors="replace").read()[-600:]
    return time.time() - t0, ru.ru_maxrss, most[0], os.waitstatus_to_exitcode(status), tail


def measure(sendoc, n, work):
    cases, out = os.path.join(work, "cases-%d" % n), os.path.join(work, "out-%d" % n)
    make_cases(cases, n)
    os.makedirs(out)
    secs, rss, fds, rc, tail = run_batch(sendoc, cases, out)
    volumes = len(glob.glob(os.path.join(out, "print*.pdf")))
    print("batch day, %d cases: %.1f s (%.0f cases/s), peak RSS %.1f MB, at most %d descriptors, %d print volumes, exit %d"
          % (n, secs, n / secs, rss / 1024, fds, volumes, rc))
    if rc != 0:
        print(tail)
    shutil.rmtree(cases)
    shutil.rmtree(out)
    return rss, fds, rc


def main():
    sendoc = os.path.abspath(sys.argv[1])
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1764547200")
    with tempfile.TemporaryDirectory() as work:
        if len(sys.argv) > 2:
            _, _, rc = measure(sendoc, int(sys.argv[2]), work)
            sys.exit(0 if rc == 0 else 1)
        small_rss, small_fds, rc1 = measure(sendoc, 300, work)
        big_rss, big_fds, rc2 = measure(sendoc, 1200, work)
    bad = []
    if rc1 or rc2:
        bad.append("a batch did not render every case")
    if big_rss > small_rss * 1.25 + 8 * 1024:
        bad.append("peak memory grew from %.1f MB to %.1f MB for 4x the cases" % (small_rss / 1024, big_rss / 1024))
    if big_fds > small_fds + 4:
        bad.append("descriptors grew from %d to %d for 4x the cases" % (small_fds, big_fds))
    for b in bad:
        print("FAIL batch memory: " + b)
    print("batch memory: %s" % ("failed" if bad else "flat (memory and descriptors)"))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
