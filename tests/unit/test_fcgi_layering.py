#!/usr/bin/env python3
"""test_fcgi_layering.py: fcgi/'s files depend on each other one way.

    test_fcgi_layering.py SRC_DIR BUILD_DIR

A module is a stem (app.c and app.h are "app"). Module A depends on B when a
file of A includes B's header, or when A's object file calls a function (or
reads a variable) that B's object file defines (nm). The test fails on:
  - any loop among the includes, among the calls, or among both together
    (A includes B's header, B calls A); it prints the loop;
  - the storage module (db.c, db_sqlite.c, db_pg.c and their private
    headers db_engine.h and db_test.h: one module "db") included from
    outside: db_engine.h or db_test.h in another file;
  - an engine known outside its file: <sqlite3.h> included, or sqlite3_*
    called, anywhere but db_sqlite.c; <libpq-fe.h> included, or PQ* called,
    anywhere but db_pg.c.
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


STORAGE = ("db", "db_sqlite", "db_pg", "db_engine", "db_test")
ENGINE = {  # header, symbol prefix -> the one file that may use them
    "sqlite3.h": "db_sqlite.c",
    "libpq-fe.h": "db_pg.c",
}
SYMBOLS = (("sqlite3_", "db_sqlite"), ("PQ", "db_pg"), ("lo_", "db_pg"))


def stem(path):
    name = os.path.basename(path).split(".")[0]
    return "db" if name in STORAGE else name  # the storage module is one module


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
            if h in ENGINE and name != ENGINE[h]:
                errors.append("%s includes %s: only %s knows that engine" % (name, h, ENGINE[h]))
            if h in ("db_engine.h", "db_test.h") and stem(name) != "db":
                errors.append("%s includes %s: private to the storage module" % (name, h))
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
    engine_users = {}
    for o in objs:
        mod = stem(o)
        base = os.path.basename(o).split(".")[0]
        out = subprocess.run([nm, "-P", o], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            sym, kind = parts[0], parts[1]
            if kind == "U":
                used.setdefault(mod, set()).add(sym)
                for prefix, owner in SYMBOLS:
                    if sym.startswith(prefix) and base != owner:
                        engine_users.setdefault((base, owner), set()).add(sym)
            elif kind in "TDBRtdbr" and kind.isupper():
                defined[sym] = mod
    for (base, owner), syms in sorted(engine_users.items()):
        errors.append("%s.c calls %s: only %s.c talks to that engine" % (base, ", ".join(sorted(syms)), owner))
    calls = {}
    for mod, syms in sorted(used.items()):
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
