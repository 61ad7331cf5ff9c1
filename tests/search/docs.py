#!/usr/bin/env python3
"""docs.py: the documents of content/ for one language, as search_tool build
reads them (D/F lines, tab-separated): what hhd build indexes
(generator/render_search.c), from the source files, for the tests that run
without hhd. What goes in follows issue 12:

  plan     a tree's start page: title, summary, keywords, its questions and
           answer labels, and the triage answer labels that lead to it
  outcome  an outcome page: its title, intro, step titles, with the tree's
           title as a heading
  tip      title, summary, keywords, tags, ## headings
  page     title, summary, headings (the triage tree is a page: it leads
           everywhere, so it must not rank as a plan)
  org      name and what it does (about), in the language

  python3 docs.py SOURCE_DIR LANG > docs.tsv
"""
import os
import re
import sys

import yaml


def clean(s):
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", str(s or ""))  # Markdown links -> text
    s = re.sub(r"[*_`#>|]", " ", s)
    return " ".join(s.split())


def front(path):
    text = open(path, encoding="utf-8").read()
    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    return (yaml.safe_load(m.group(1)), m.group(2)) if m else ({}, text)


def main():
    src, lang = sys.argv[1], sys.argv[2]
    site = yaml.safe_load(open(os.path.join(src, "content/site.yaml"), encoding="utf-8"))
    sections = next(l for l in site["languages"] if l["code"] == lang)["sections"]
    out = []

    def doc(kind, url, title, plan=""):
        out.append("\t".join(["D", kind, url, clean(title), plan]))

    # body text is not indexed (generator/render_search.c): "body" lines are
    # left out unless HHD_SEARCH_SKIP names other fields instead
    skip = set(os.environ.get("HHD_SEARCH_SKIP", "body").split(","))

    def field(name, text):
        if name in skip:
            return
        text = clean(text)
        if text:
            out.append("\t".join(["F", name, text]))

    tdir = os.path.join(src, "content", lang, "trees")
    trees = {}
    for name in sorted(os.listdir(tdir)):
        if name.endswith(".yaml"):
            trees[name[:-5]] = yaml.safe_load(open(os.path.join(tdir, name), encoding="utf-8"))
    triage_id = site.get("triage", "triage")
    # triage answers that lead to a tree: their labels describe that tree
    leads = {}
    for node in (trees.get(triage_id) or {}).get("nodes", {}).values():
        for a in node.get("answers") or []:
            if a.get("next") in trees and a.get("next") != triage_id:
                leads.setdefault(a["next"], []).append(a.get("label", ""))
    help_ = sections["help"]
    for tid, t in trees.items():
        base = f"/{lang}/{help_}/{tid}/"
        doc("page" if tid == triage_id else "plan", base, t.get("title", tid), "" if tid == triage_id else tid)
        field("title", t.get("title"))
        field("summary", t.get("summary"))
        for k in t.get("keywords") or []:
            field("keywords", k)
        for label in leads.get(tid, []):
            field("answer", label)
        for nid, n in (t.get("nodes") or {}).items():
            if "question" in n:
                field("question", n.get("question"))
                for a in n.get("answers") or []:
                    field("answer", a.get("label"))
        if tid == triage_id:
            continue
        for nid, n in (t.get("nodes") or {}).items():
            if "question" in n:
                continue
            doc("outcome", f"{base}{nid}/", n.get("title", nid), tid)
            field("title", n.get("title"))
            field("heading", t.get("title"))
            field("summary", n.get("intro"))
            for s in n.get("steps") or []:
                field("step", s.get("title"))
                field("body", s.get("body"))
    for sub, kind, prefix in (("tips", "tip", f"/{lang}/{sections['tips']}/"), ("pages", "page", f"/{lang}/")):
        d = os.path.join(src, "content", lang, sub)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".md"):
                continue
            fm, body = front(os.path.join(d, name))
            slug = fm.get("slug", name[:-3])
            doc(kind, f"{prefix}{slug}/", fm.get("title", slug))
            field("title", fm.get("title"))
            field("summary", fm.get("summary"))
            for k in (fm.get("keywords") or []) + (fm.get("tags") or []):
                field("keywords", k)
            for line in body.split("\n"):
                if line.startswith("#"):
                    field("heading", line.lstrip("#"))
                else:
                    field("body", line)
    orgs = yaml.safe_load(open(os.path.join(src, "content/orgs.yaml"), encoding="utf-8"))["orgs"]
    for o in orgs:
        doc("org", f"/{lang}/{sections['orgs']}/{o['id']}/", o.get("name", o["id"]))
        field("title", o.get("name"))
        about = o.get("about") or {}
        field("summary", about.get(lang) if isinstance(about, dict) else about)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
