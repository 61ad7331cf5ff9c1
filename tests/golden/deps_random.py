#!/usr/bin/env python3
"""deps_random: random edits to a generated site, each built incrementally
with HHD_DEPS_CHECK=1 and compared with a clean build byte for byte.

generator/render_deps.c decides which pages a change can reach; a rule it
lacks keeps a stale page. HHD_DEPS_CHECK makes such a build fail, and the
comparison with a `hhd build --force` into a fresh folder catches anything
else. The edits: a page's or tip's summary, title, weight or body (the home
pages too), an alias, a tree's title or question, the tips a plan lists,
orgs.yaml, an English page, tip or tree removed (a stand-in takes its place)
and brought back. An edit
that makes the content invalid (a removed tip that a plan lists) is undone.
The random sequence is fixed by the seed, so a failure can be replayed.

usage: deps_random.py HHD THEME MAKE_CORPUS PAGES STEPS SEED"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    hhd, theme, make_corpus = sys.argv[1:4]
    pages, steps, seed = (int(x) for x in sys.argv[4:7])
    rnd = random.Random(seed)
    work = tempfile.mkdtemp(prefix="hhd-deps-random.")
    try:
        return run(hhd, theme, make_corpus, pages, steps, rnd, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(hhd, theme, make_corpus, pages, steps, rnd, work):
    subprocess.run([sys.executable, make_corpus, str(pages), os.path.join(work, "corpus")], check=True,
                   stdout=subprocess.DEVNULL)
    content = os.path.join(work, "corpus", "content")
    out, clean = os.path.join(work, "out"), os.path.join(work, "clean")
    env = dict(os.environ, HHD_DEPS_CHECK="1")

    def build(dest, force=False):
        cmd = [hhd, "build", "-q", "--content", content, "--theme", theme, "--out", dest]
        return subprocess.run(cmd + (["--force"] if force else []), env=env, capture_output=True, text=True)

    def files(part):
        found = []
        for root, _, names in os.walk(content):
            found += [os.path.join(root, n) for n in names if n.endswith((".md", ".yaml"))]
        return sorted(p for p in found if part in p)

    r = build(out)
    if r.returncode != 0:
        print("FAIL: the first build failed:\n" + r.stderr)
        return 1
    removed, compared = [], 0
    for step in range(steps):
        op = rnd.choice(["summary", "title", "weight", "body", "alias", "tree", "treetitle", "treetips", "remove",
                         "restore", "orgs"])
        saved = {}
        if op in ("summary", "title", "weight", "body", "alias"):
            p = rnd.choice(files("/tips/") + files("/pages/") + files("index.md"))
            saved[p] = text = open(p).read()
            k = rnd.randrange(10 ** 6)
            if op == "summary":
                text = re.sub(r"(?m)^summary: .*$", "summary: Samenvatting %d." % k, text, count=1)
            elif op == "title":
                text = re.sub(r"(?m)^title: .*$", "title: Titel %d" % k, text, count=1)
            elif op == "weight":
                text = re.sub(r"(?m)^weight: .*$", "weight: %d" % (k % 200), text, count=1)
            elif op == "alias":
                lang = "/nl/" if "/nl/" in p else "/en/"
                text = re.sub(r"(?m)^aliases: .*\n", "", text)
                text = text.replace("---\n", "---\naliases: [%soud-%d/]\n" % (lang, k), 1)
            else:
                text += "\nNog een zin %d.\n" % k
            open(p, "w").write(text)
        elif op in ("tree", "treetitle", "treetips"):
            p = rnd.choice(files("/trees/"))
            saved[p] = text = open(p).read()
            if op == "treetitle":
                text = re.sub(r'(?m)^title: .*$', 'title: "Boom %d"' % rnd.randrange(10 ** 6), text, count=1)
            elif op == "tree":
                text = re.sub(r'(?m)^(\s+question: ").*(")', r"\g<1>Vraag %d?\2" % rnd.randrange(10 ** 6), text, count=1)
            else:
                lang = "/nl/" if "/nl/" in p else "/en/"
                tips = [os.path.basename(x)[:-3] for x in files(lang + "tips/")]
                text = re.sub(r"(?m)^(\s+tips: )\[.*\]", lambda m: m.group(1) + "[" + ", ".join(rnd.sample(tips, 2)) + "]",
                              text, count=1)
            open(p, "w").write(text)
        elif op == "remove":
            # the few plain pages (contact, about, ...) and trees as often as the many tips
            pool = rnd.choice([files("/en/pages/"), files("/en/tips/"), files("/en/trees/")])
            left = [p for p in pool if p not in removed]
            if not left:
                continue
            p = rnd.choice(left)
            os.rename(p, p + ".gone")
            removed.append(p)
        elif op == "restore":
            if not removed:
                continue
            p = removed.pop(rnd.randrange(len(removed)))
            os.rename(p + ".gone", p)
        else:
            p = os.path.join(content, "orgs.yaml")
            saved[p] = open(p).read()
            open(p, "a").write("\n# edit %d\n" % step)
        r = build(out)
        if r.returncode != 0 and "HHD_DEPS_CHECK" in r.stderr:
            print("FAIL: step %d (%s): a page was kept whose input changed:\n%s" % (step, op, r.stderr[:3000]))
            return 1
        if r.returncode != 0:
            # the edit made the content invalid: undo it
            for p, text in saved.items():
                open(p, "w").write(text)
            if op == "remove":
                p = removed.pop()
                os.rename(p + ".gone", p)
            r = build(out)
            if r.returncode != 0:
                print("FAIL: step %d (%s): the build after the undo failed:\n%s" % (step, op, r.stderr[:3000]))
                return 1
            continue
        shutil.rmtree(clean, ignore_errors=True)
        for name in os.listdir(work):
            if name.startswith("clean."):
                shutil.rmtree(os.path.join(work, name), ignore_errors=True)
        rc = build(clean, True)
        if rc.returncode != 0:
            print("FAIL: step %d (%s): the clean build failed:\n%s" % (step, op, rc.stderr[:3000]))
            return 1
        d = subprocess.run(["diff", "-rq", clean, out], capture_output=True, text=True)
        if d.returncode != 0:
            print("FAIL: step %d (%s): the output differs from a clean build:\n%s" % (step, op, d.stdout[:3000]))
            return 1
        compared += 1
    if compared < steps // 2:
        print("FAIL: only %d of %d steps built (too many edits undone)" % (compared, steps))
        return 1
    print("ok: %d random edits, each built incrementally and equal to a clean build" % compared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
