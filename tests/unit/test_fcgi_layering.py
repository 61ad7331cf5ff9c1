#!/usr/bin/env python3
"""test_fcgi_layering.py: fcgi/'s files depend on each other one way.

    test_fcgi_layering.py SRC_DIR BUILD_DIR

A module is a stem (app.c and app.h are "app"). Module A depends on B when a
file of A includes B's header, or when A's object file calls a function (or
reads a variable) that B's object file defines (nm). The test fails on:
  - any loop among the includes, among the calls, or among both together
    (A includes B's header, B calls A); it prints the loop;
  - SQLite known outside db.c: a file other than db.c (and db_test.h, the
    unit tests' door) that includes <sqlite3.h> or db_test.h, or an object
    file other than db.c's that calls sqlite3_*.
It first checks itself on a made-up graph with a loop, so it can fail.
Exit 0 ok, 1 failure, 77 skipped (no object files or no nm).
"""

import glob
import os
import re
import shutil
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def stem(path):
    name = os.path.basename(path).split(".")[0]
    return "db" if name == "db_test" else name  # db.c's door for the tests


def find_loop(graph):
    """A list of modules forming a loop (first == last), or None."""
    state = {}
    stack = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                loop = visit(m)
                if loop:
                    return loop
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            loop = visit(n)
            if loop:
                return loop
    return None


def main():
    if find_loop({"a": {"b"}, "b": {"c"}, "c": {"a"}}) != ["a", "b", "c", "a"] \
            or find_loop({"a": {"b"}, "b": {"c"}, "c": set()}) is not None:
        print("self-test: the loop finder is broken")
        return 1
    src, build = sys.argv[1], sys.argv[2]
    fcgi = os.path.join(src, "fcgi")
    files = sorted(glob.glob(os.path.join(fcgi, "*.[ch]")))
    headers = {os.path.basename(f) for f in files if f.endswith(".h")}
    errors = []

    inc = {}
    for f in files:
        name = os.path.basename(f)
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        for h in INCLUDE.findall(text):
            if h in ("sqlite3.h", "db_test.h") and name not in ("db.c", "db_test.h"):
                errors.append("%s includes %s: only db.c knows SQLite" % (name, h))
            if h in headers and stem(h) != stem(name):
                inc.setdefault(stem(name), set()).add(stem(h))
    loop = find_loop(inc)
    if loop:
        errors.append("include loop: " + " -> ".join(loop))

    nm = shutil.which("nm")
    objs = sorted(glob.glob(os.path.join(build, "fcgi", "CMakeFiles", "*", "*.c.o")))
    if not nm or not objs:
        print("skipped: no nm or no object files under %s" % build)
        return 77 if not errors else 1
    defined, used = {}, {}
    for o in objs:
        mod = stem(o)
        out = subprocess.run([nm, "-P", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            sym, kind = parts[0], parts[1]
            if kind == "U":
                used.setdefault(mod, set()).add(sym)
            elif kind in "TDBRtdbr" and kind.isupper():
                defined[sym] = mod
    calls = {}
    for mod, syms in sorted(used.items()):
        sql = sorted(s for s in syms if s.startswith("sqlite3_"))
        if sql and mod != "db":
            errors.append("%s.c calls %s: only db.c talks to SQLite" % (mod, ", ".join(sql)))
        for s in syms:
            if s in defined and defined[s] != mod:
                calls.setdefault(mod, set()).add(defined[s])
    loop = find_loop(calls)
    if loop:
        errors.append("call loop: " + " -> ".join(loop))
    both = {m: inc.get(m, set()) | calls.get(m, set()) for m in set(inc) | set(calls)}
    loop = find_loop(both)
    if loop:
        errors.append("loop of includes and calls together: " + " -> ".join(loop))

    for e in errors:
        print("fcgi layering: " + e)
    if not errors:
        print("fcgi layering: ok (%d modules by includes, %d object files by calls)" % (len(inc), len(objs)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
