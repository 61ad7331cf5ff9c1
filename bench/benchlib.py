"""benchlib: what bench/ssg, bench/scale and bench/fcgi share.

Paths (the source tree, the build folder from $HHD_BUILD), timed runs through
/usr/bin/time -v, medians, and the bookkeeping that stops every process a
script started (by PID, on normal exit, on an exception, and on SIGINT,
SIGTERM or SIGHUP). Python 3 standard library only.
"""

import atexit
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
TIME = "/usr/bin/time"
SKIP = 77   # exit status CTest reads as "skipped" (SKIP_RETURN_CODE)

_children = []      # Popen objects we started and must stop
_cleanups = []      # callables run once at exit, last registered first


def prog(name):
    return os.path.basename(sys.argv[0]) if name is None else name


def say(*a):
    print(*a, flush=True)


def warn(msg):
    print("%s: %s" % (os.path.basename(sys.argv[0]), msg), file=sys.stderr, flush=True)


def die(msg, status=2):
    warn(msg)
    sys.exit(status)


def build_dir():
    """The build folder: $HHD_BUILD (absolute, or relative to the source tree), default 'build'."""
    b = os.environ.get("HHD_BUILD") or "build"
    return b if os.path.isabs(b) else os.path.join(ROOT, b)


def build_prog(name):
    """Path of build/<name> when it exists and is executable, else None."""
    p = os.path.join(build_dir(), name)
    return p if os.access(p, os.X_OK) and os.path.isfile(p) else None


def sanitized(path):
    """Whether a program links the ASan/UBSan runtimes: its numbers mean nothing."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    return b"libasan.so" in data or b"libubsan.so" in data or b"__asan_init" in data


def check_release(path):
    if path and sanitized(path):
        warn("WARNING: %s is built with sanitizers: its times and memory are not meaningful; "
             "benchmark a release build (HHD_BUILD=build-bench, see bench/README.md)" % path)
        return False
    return True


def need(*tools):
    missing = [t for t in tools if not (shutil.which(t) or os.access(t, os.X_OK))]
    if missing:
        die("missing tools: %s (scripts/deps bench installs them)" % ", ".join(missing))


def workdir(prefix, keep=None):
    """A scratch folder under $TMPDIR (or `keep`, which is then not removed;
    outputs a previous run left there are removed first, so every build
    measured is a full one)."""
    if keep:
        os.makedirs(keep, exist_ok=True)
        for name in os.listdir(keep):
            path = os.path.join(keep, name)
            if "public-" not in name:
                continue
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.remove(path)
        return os.path.abspath(keep)
    d = tempfile.mkdtemp(prefix=prefix)
    at_exit(lambda: shutil.rmtree(d, ignore_errors=True))
    return d


# ---------------------------------------------------------------- processes

def at_exit(fn):
    _cleanups.append(fn)


def stop(p, sig=signal.SIGTERM, grace=5.0):
    """Stop one child we started (and its process group, which it leads)."""
    if p.poll() is not None:
        return
    for s in (sig, signal.SIGKILL):
        try:
            os.killpg(p.pid, s)      # the child leads its own group (start_new_session)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(p.pid, s)
            except ProcessLookupError:
                return
        try:
            p.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def start(cmd, **kw):
    """Start a background process in its own session; it is stopped at exit."""
    kw.setdefault("start_new_session", True)
    p = subprocess.Popen(cmd, **kw)
    _children.append(p)
    return p


def stop_pidfile(path, sig=signal.SIGTERM, grace=5.0):
    """Stop a daemon that wrote its PID to `path` (nginx, php-fpm), by that PID."""
    try:
        with open(path) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return
    stop_pid(pid, sig, grace)


def stop_pid(pid, sig=signal.SIGTERM, grace=5.0):
    """Stop one process by PID: `sig`, then SIGKILL after `grace` seconds."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    end = time.monotonic() + grace
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _cleanup():
    while _children:
        stop(_children.pop())
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as e:  # keep cleaning up the rest
            warn("cleanup: %s" % e)


def _on_signal(signum, frame):
    _cleanup()
    sys.exit(128 + signum)


atexit.register(_cleanup)
for _s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_s, _on_signal)


# ---------------------------------------------------------------- measuring

_TIME_FIELDS = {
    "user": re.compile(r"User time \(seconds\): ([\d.]+)"),
    "sys": re.compile(r"System time \(seconds\): ([\d.]+)"),
    "rss_kb": re.compile(r"Maximum resident set size \(kbytes\): (\d+)"),
    "status": re.compile(r"Exit status: (\d+)"),
}


def timed(cmd, tmp, timeout=1800, cwd=None, env=None, check=True, sync=True):
    """Run `cmd` under /usr/bin/time -v. Returns a dict: wall (s, monotonic
    clock here), user, sys, cpu (s, from wait4's rusage of the whole process
    tree: microseconds, where time -v prints hundredths), rss_kb (peak RSS of
    the program, from time -v), status, stderr. With `sync`, os.sync() first
    (not timed)."""
    tf = os.path.join(tmp, ".time-v")
    ef = os.path.join(tmp, ".stderr")
    if sync:
        # Start with nothing waiting to be written back, so a run does not pay
        # for the one before it (hhd syncs its output; Hugo leaves it dirty).
        os.sync()
    with open(ef, "wb") as err:
        t0 = time.perf_counter()
        p = start([TIME, "-v", "-o", tf] + list(cmd), cwd=cwd, env=env,
                  stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, stop, [p])
        timer.start()
        _, st, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(st)
    _children.remove(p)
    with open(ef, "rb") as f:
        errtext = f.read().decode("utf-8", "replace")
    if wall >= timeout:
        die("timed out after %d s: %s" % (timeout, " ".join(cmd)))
    with open(tf) as f:
        text = f.read()
    r = {"wall": wall, "stderr": errtext}
    for k, rx in _TIME_FIELDS.items():
        m = rx.search(text)
        r[k] = float(m.group(1)) if m else float("nan")
    # /usr/bin/time's own share is a few hundred microseconds; see bench/README.md.
    r["user"], r["sys"] = ru.ru_utime, ru.ru_stime
    r["cpu"] = r["user"] + r["sys"]
    r["status"] = p.returncode
    if check and p.returncode != 0:
        die("'%s' failed with status %d:\n%s" % (" ".join(cmd), p.returncode, errtext[-4000:]))
    return r


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def ratio(a, b):
    return a / b if b else float("inf")


def count_files(d, suffix=".html"):
    n = 0
    for _, _, files in os.walk(d):
        n += sum(1 for f in files if f.endswith(suffix))
    return n


def machine():
    """The machine line for RESULTS.md."""
    u = subprocess.run(["uname", "-a"], capture_output=True, text=True).stdout.strip()
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s; nproc %d; %s" % (u, os.cpu_count() or 0, cpu)


def filesystem(path):
    """(type, device, note) of the file system holding `path`, from
    /proc/self/mountinfo; the note warns about ext4 without a journal."""
    path = os.path.realpath(path)
    best = ("?", "?", 0)
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                left, _, right = line.partition(" - ")
                mnt = left.split()[4]
                fstype, dev = right.split()[:2]
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= best[2]:
                    best = (fstype, dev, len(mnt))
    except OSError:
        pass
    fstype, dev = best[0], best[1]
    note = ""
    if fstype == "ext4":
        try:
            with open("/sys/fs/ext4/%s/journal_task" % os.path.basename(dev)) as f:
                if "none" in f.read():
                    note = ("ext4 without a journal: creating files soon after deleting many is slow "
                            "(minutes after a large rm -rf) and makes system time and wall time vary; "
                            "TMPDIR=/dev/shm takes the disk out (see bench/README.md)")
        except OSError:
            pass
    return fstype, dev, note


def mark(ok):
    return "met" if ok else "NOT MET"
