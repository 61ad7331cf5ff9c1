// site.mjs: what the suite knows about a built site: its manifest (page
// paths, languages, kinds, tree and node ids), its HTML files, the theme's
// words, and one sample page per page type and language.

import fs from 'node:fs';
import path from 'node:path';

// Parse hhd-manifest.tsv: "P\tpath\tlang\tkind\ttree\tnode" records (tree
// and node are "-" where they do not apply) and "R\tcode" partner codes.
export function readManifest(publicDir) {
  const text = fs.readFileSync(path.join(publicDir, 'hhd-manifest.tsv'), 'utf8');
  const pages = [];
  const partners = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'R' && f[1]) partners.push(f[1]);
    if (f[0] !== 'P' || f.length < 6) continue;
    const [, p, lang, kind, tree, node] = f;
    pages.push({ path: p, lang, kind, tree: tree === '-' ? '' : tree, node: node === '-' ? '' : node });
  }
  const byPath = new Map(pages.map((p) => [p.path, p]));
  return { pages, byPath, partners };
}

// Every .html file under dir, as absolute paths, sorted.
export function htmlFiles(dir) {
  const out = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.html')) out.push(full);
    }
  })(dir);
  return out.sort();
}

// The URL path a file is served at: a/b/index.html -> /a/b/, x.html -> /x.html.
export function urlPathOf(publicDir, file) {
  const rel = path.relative(publicDir, file).split(path.sep).join('/');
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return `/${rel.slice(0, -'index.html'.length)}`;
  return `/${rel}`;
}

// The theme's words for a language: the flat "key: value" YAML of
// themes/default/i18n/<lang>.yaml (quotes removed).
export function readWords(src, lang) {
  const file = path.join(src, 'themes', 'default', 'i18n', `${lang}.yaml`);
  const words = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^("?)([A-Za-z0-9_]+)\1:\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[3].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    words[m[2]] = v;
  }
  return words;
}

function html(publicDir, urlPath) {
  const rel = urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath;
  try {
    return fs.readFileSync(path.join(publicDir, rel), 'utf8');
  } catch {
    return '';
  }
}

// The richest page of a kind: the one whose HTML contains most of `marks`.
function richest(publicDir, candidates, marks) {
  let best = candidates[0];
  let bestScore = -1;
  for (const c of candidates) {
    const h = html(publicDir, c.path);
    const score = marks.reduce((s, m) => s + (h.includes(m) ? 1 : 0), 0);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

// One page per page type and language: { type, lang, path, kind, ... }.
// The 404 page is requested at a path that does not exist, so nginx serves
// it with status 404 the way a visitor meets it.
export function samplePages(publicDir, manifest, langs) {
  const out = [];
  for (const lang of langs) {
    const of = (kind, pred = () => true) => manifest.pages.filter((p) => p.lang === lang && p.kind === kind && pred(p));
    const add = (type, page) => { if (page) out.push({ type, lang, ...page }); };
    add('home', of('home')[0]);
    add('tips overview', of('tips')[0]);
    add('tip', richest(publicDir, of('tip'), ['<table', '<img', 'class="sources"', '<ol']));
    add('step plans overview', of('plans')[0]);
    const questions = of('question');
    add('question (triage start)', questions.find((q) => q.tree === 'triage' && q.node === 'start')
      || questions.find((q) => q.node === 'start'));
    add('question', questions.find((q) => q.node !== 'start'));
    add('outcome', richest(publicDir, of('outcome'), ['class="deadline"', 'class="phone"', 'rel="external"', 'class="related"', 'class="report"']));
    add('organisations', of('orgs')[0]);
    // an "ask the helpdesk" page sits right under its step plan
    const outcomes = new Set(of('outcome').map((p) => p.path));
    const isAsk = (p) => outcomes.has(p.path.replace(/[^/]+\/$/, ''));
    add('contact', of('contact', (p) => !isAsk(p))[0]);
    add('ask the helpdesk', of('contact', isAsk)[0]);
    add('thank-you', of('thanks')[0]);
    add('feedback thanks', of('feedback')[0]);
    add('page', of('page')[0]);
    add('emergency card', of('emergency-card')[0]);
    add('incident log', of('incident-log')[0]);
    // the search page with a query, so its result list is checked too
    const search = of('search')[0];
    add('search results', search && { ...search, path: `${search.path}?q=${lang === 'nl' ? 'losgeld' : 'ransom'}` });
    out.push({ type: '404', lang, path: `/${lang}/no-such-page-${Date.now()}/`, kind: 'notfound', status: 404 });
  }
  return out;
}

// The site's production address (base_url in content/site.yaml): links to
// it are internal links.
export function readBaseUrl(src) {
  const text = fs.readFileSync(path.join(src, 'content', 'site.yaml'), 'utf8');
  const m = /^base_url:\s*["']?([^"'\s#]+)/m.exec(text);
  return m ? m[1].replace(/\/$/, '') : null;
}
