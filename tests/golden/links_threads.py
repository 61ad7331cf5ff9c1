#!/usr/bin/env python3
"""links_threads: link checking on several threads reports as one thread does.

validate.c checks a large site's links on the build's threads and reports
the broken ones afterwards, in the order one thread would have met them.
This test makes a generated site of PAGES pages (enough for several
threads), breaks links in pages spread over both languages (a missing tip,
a draft, a relative path that leaves the section, a typo in an absolute
link to the site itself) and checks that `hhd check -j1` and `hhd check -j4`
print exactly the same diagnostics, with every broken link reported once.

usage: links_threads.py HHD THEME MAKE_CORPUS PAGES"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    hhd, theme, make_corpus = sys.argv[1:4]
    pages = int(sys.argv[4])
    work = tempfile.mkdtemp(prefix="hhd-links-threads.")
    try:
        return run(hhd, theme, make_corpus, pages, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(hhd, theme, make_corpus, pages, work):
    subprocess.run([sys.executable, make_corpus, str(pages), os.path.join(work, "corpus")], check=True,
                   stdout=subprocess.DEVNULL)
    content = os.path.join(work, "corpus", "content")
    base = re.search(r"(?m)^base_url: *(\S+)", open(os.path.join(content, "site.yaml")).read()).group(1)
    tips = sorted(os.listdir(os.path.join(content, "nl", "tips")))
    # one tip becomes a draft: links to it are reported as links to a draft
    draft = os.path.join(content, "nl", "tips", tips[-1])
    text = open(draft).read()
    open(draft, "w").write(text.replace("---\n", "---\ndraft: true\n", 1))
    draft_url = "/nl/tips/%s/" % tips[-1][:-3]
    # the corpus's own links to that tip are reported too
    broken = 0
    for root, _, names in os.walk(os.path.join(content, "nl")):
        for n in names:
            if os.path.join(root, n) != draft:
                broken += open(os.path.join(root, n)).read().count("](%s)" % draft_url)
    step = max(1, len(tips) // 12)
    for i, name in enumerate(tips[:-1:step]):
        for lang in ("nl", "en"):
            p = os.path.join(content, lang, "tips", name)
            if not os.path.exists(p):
                continue
            kind = (i + (lang == "en")) % 4
            target = ["/%s/tips/no-such-tip-%d/" % (lang, i), draft_url if lang == "nl" else "/en/nowhere/",
                      "../../../elsewhere-%d/" % i, "%s/%s/tipz/%d/" % (base.rstrip("/"), lang, i)][kind]
            open(p, "a").write("\nZie [dit](%s) en [dat](%s).\n" % (target, target))
            broken += 2
    out = {}
    for j in ("1", "4"):
        r = subprocess.run([hhd, "check", "-j", j, "--content", content, "--theme", theme],
                           capture_output=True, text=True)
        out[j] = (r.returncode, r.stderr)
    if out["1"] != out["4"]:
        print("FAIL: hhd check -j1 and -j4 differ")
        for j in ("1", "4"):
            print("--- -j%s (exit %d):\n%s" % (j, out[j][0], out[j][1]))
        return 1
    reported = re.findall(r"(?m)^.*: error: link to '[^']*' (does not resolve|leads to a draft).*$", out["1"][1])
    if len(reported) != broken or out["1"][0] != 1:
        print("FAIL: %d broken links made, %d reported (exit %d):\n%s"
              % (broken, len(reported), out["1"][0], out["1"][1]))
        return 1
    print("ok: %d broken links in a %d-page site, reported the same on 1 and 4 threads" % (broken, pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
