// search.mjs: the site search in the browser (issue 12). The queries of
// tests/search/queries.yaml are typed into each language's real search page
// key by key, and the step plan of the results is read from the page; the
// manifest says which plan (tree) a result's path belongs to.

import fs from 'node:fs';
import path from 'node:path';

// queries.yaml: "lang:" lines and "  - {q: "...", plan: id}" lines.
export function readQueries(src) {
  const sets = {};
  let lang = null;
  for (const line of fs.readFileSync(path.join(src, 'tests/search/queries.yaml'), 'utf8').split('\n')) {
    let m;
    if ((m = /^([a-z]{2}):\s*$/.exec(line))) sets[(lang = m[1])] = [];
    else if ((m = /^\s+- \{q: "([^"]*)", plan: ([a-z0-9-]+)\}\s*$/.exec(line))) sets[lang].push({ q: m[1], plan: m[2] });
  }
  return sets;
}

// The language's search page path, from the manifest.
export function searchPath(manifest, lang) {
  const row = manifest.pages.find((p) => p.kind === 'search' && p.lang === lang);
  return row ? row.path : null;
}

// The results on the page as [{href, cls}], best first (empty when the
// page shows its fallback).
export async function results(page) {
  return page.$$eval('#search-results ol > li > a', (as) => as.map((a) => ({ href: a.getAttribute('href'), cls: a.parentElement.className })));
}

// The plan (tree id) behind a result path, or '' for tips, pages, orgs.
export function planOf(manifest, href) {
  const row = manifest.byPath.get(href.split('#')[0]);
  return row && (row.kind === 'question' || row.kind === 'outcome') ? row.tree : '';
}

// Type q into the search field (cleared first) and wait until the result
// list has settled on it (search.js answers on every input event). keys:
// one key press per character (slow on a busy machine); otherwise all but
// the last character go in as one edit and the last is a key press, which
// leaves the page in the same state (search.js reads only the field's value).
export async function typeQuery(page, q, keys = false) {
  const box = page.locator('#search-q');
  await box.fill('');
  if (keys) await box.pressSequentially(q, { delay: 0 });
  else {
    // pressSequentially, not press: press knows only the US keyboard's
    // keys, and queries end in ę, ş or ة too
    const cs = Array.from(q);
    await box.fill(cs.slice(0, -1).join(''));
    await box.pressSequentially(cs[cs.length - 1], { delay: 0 });
  }
  await page.waitForFunction((want) => document.getElementById('search-q').value === want, q);
  // the input handler runs synchronously on each key: one frame settles it
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
}

// Every query of a language through the page: {n, top1, top3, misses}.
export async function measure(page, manifest, queries) {
  let top1 = 0, top3 = 0;
  const misses = [];
  for (const { q, plan } of queries) {
    await typeQuery(page, q);
    const plans = (await results(page)).map((r) => planOf(manifest, r.href)).filter(Boolean);
    const seen = [];
    for (const p of plans) if (!seen.includes(p)) seen.push(p);
    if (seen[0] === plan) top1++;
    if (seen.slice(0, 3).includes(plan)) top3++;
    else misses.push(`"${q}": want ${plan}, got ${seen.slice(0, 3).join(', ') || '(nothing)'}`);
  }
  return { n: queries.length, top1, top3, misses };
}
