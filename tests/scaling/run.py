#!/usr/bin/env python3
"""The doubling test (issue 13): every stage must be near-linear in its input.

    python3 tests/scaling/run.py build/bin/sendoc

For each hostile input (tests/scaling/gen.py: runs of dots, no-break spaces
and mixed-direction punctuation, attribute floods, combining marks, one
over-long cluster, long words, nested emphasis, deep lists, big tables) the
CLI renders it at size N and 2N. The cost of a size is its CPU time (user +
system, from wait4) less the CPU time of the same kind at size 1 (start-up,
fonts, schema), each the minimum of REPS runs, since this machine is shared
and noisy. The test fails when cost(2N) / cost(N) exceeds 2.5 twice in a row
(a quadratic stage gives 4). Sizes are large enough that a quadratic stage
costs seconds: 64,000 dots took 48 s before the fix.
SCALING_KINDS="dots table" narrows the run; SCALING_SCALE=0.1 shrinks N
(to watch an old, quadratic build fail without waiting hours)."""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "gen.py")
REPS = int(os.environ.get("SCALING_REPS", "3"))
SCALE = float(os.environ.get("SCALING_SCALE", "1"))
LIMIT = 2.5
FLOOR = 0.15  # seconds: below this, cost is start-up and timer noise, not growth

# kind, N, exit status the CLI must give (0 rendered, 1 refused with a message)
KINDS = [
    ("dots", 150000, 0),
    ("spaces", 150000, 0),
    ("mixeddots", 200000, 0),
    ("attrs", 200000, 1),
    ("marks", 120000, 0),
    ("cluster", 200000, 1),
    ("word", 100000, 0),
    ("emphasis", 5000, 0),
    ("list", 2500, 0),
    ("table", 2500, 0),
]


def cpu_of(argv):
    """CPU seconds (user + system) of one run, and its exit status."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    return ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


def measure(sendoc, work, kind, n, want, reps):
    d = os.path.join(work, "%s-%d" % (kind, n))
    if not os.path.isdir(d):
        args = subprocess.check_output([sys.executable, GEN, kind, str(n), d], text=True).split()
    else:
        args = open(os.path.join(d, "args")).read().split()
    with open(os.path.join(d, "args"), "w") as f:
        f.write(" ".join(args))
    argv = [sendoc, "render"] + args + ["-o", os.path.join(d, "out.pdf")]
    best = None
    for _ in range(reps):
        t, rc = cpu_of(argv)
        if n > 1 and rc != want:
            sys.exit("scaling: %s at %d exited %d, expected %d: %s" % (kind, n, rc, want, " ".join(argv)))
        best = t if best is None else min(best, t)
    return best


def main():
    sendoc = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/bin/sendoc")
    only = os.environ.get("SCALING_KINDS", "").split()
    started = time.monotonic()
    failed = []
    with tempfile.TemporaryDirectory() as work:
        for kind, n, want in KINDS:
            if only and kind not in only:
                continue
            n = max(2, int(n * SCALE))
            for attempt in (1, 2):
                reps = REPS if attempt == 1 else REPS + 2
                base = measure(sendoc, work, kind, 1, want, reps)
                t1 = measure(sendoc, work, kind, n, want, reps)
                t2 = measure(sendoc, work, kind, 2 * n, want, reps)
                c1, c2 = max(t1 - base, 0.0), max(t2 - base, 0.0)
                if c2 < FLOOR:
                    verdict, ratio = "ok (too fast to grow: %.3f s at 2N)" % c2, 0.0
                else:
                    ratio = c2 / max(c1, FLOOR / 2)
                    verdict = "ok" if ratio <= LIMIT else "GROWS"
                print("scaling: %-9s N=%-7d base %.2f s, N %.2f s, 2N %.2f s: x%.2f per doubling %s"
                      % (kind, n, base, t1, t2, ratio, verdict), flush=True)
                if verdict != "GROWS":
                    break
            else:
                failed.append(kind)
    print("scaling: %d kinds, %d grew faster than x%.1f per doubling (%.0f s)"
          % (len([k for k in KINDS if not only or k[0] in only]), len(failed), LIMIT,
             time.monotonic() - started))
    return 1 if failed else 0


sys.exit(main())
