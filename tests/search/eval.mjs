// eval.mjs: tests/search/queries.yaml against an index of content/ built by
// the C side (docs.py | search_tool build), answered by search.js's
// HHDSearch.query: prints top-1 and top-3 per language and every miss.
// Queries whose plan is not in the content are counted apart.
//
//   node eval.mjs --tool PATH/search_tool --src SOURCE_DIR [--content DIR]
//                 [--min-top1 PCT] [--min-top3 PCT] [--index-out DIR] [--site DIR]
// --content: a folder holding content/ (default SOURCE_DIR). --site: a site
// hhd build wrote: its own indexes instead of docs.py's (--tool unused);
// --hhd PATH: build one first with that hhd (into a temporary folder). Exits 1 when a
// language is under a --min figure (defaults 0: report only).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) : a), []));
const src = resolve(args.src), tool = resolve(args.tool || '.'), content = resolve(args.content || src);
const S = createRequire(import.meta.url)(join(src, 'themes/default/assets/search.js'));

// queries.yaml: "lang:" lines and "  - {q: "...", plan: id}" lines
const sets = {};
let lang = null;
for (const line of readFileSync(join(src, 'tests/search/queries.yaml'), 'utf8').split('\n')) {
  let m;
  if ((m = /^([a-z]{2}):\s*$/.exec(line))) sets[(lang = m[1])] = [];
  else if ((m = /^\s+- \{q: "([^"]*)", plan: ([a-z0-9-]+)\}\s*$/.exec(line))) sets[lang].push({ q: m[1], plan: m[2] });
  else if (line.trim() && !line.trim().startsWith('#')) throw new Error(`queries.yaml: cannot read: ${line}`);
}

// --hhd PATH: build SOURCE_DIR's content with that hhd into a temporary
// folder and measure its indexes (what the site ships)
if (args.hhd) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  args.site = mkdtempSync(join(tmpdir(), 'hhd-eval-'));
  const b = spawnSync(resolve(args.hhd), ['build', '-q', '--content', join(content, 'content'), '--theme',
    join(src, 'themes/default'), '--out', join(args.site, 'public')], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`hhd build: ${b.stderr}`);
  args.site = join(args.site, 'public');
}
let bad = 0;
for (const [l, queries] of Object.entries(sets)) {
  let built;
  if (args.site) {
    // the index hhd build wrote: the manifest names each language's search page
    const row = readFileSync(join(args.site, 'hhd-manifest.tsv'), 'utf8').split('\n')
      .map((x) => x.split('\t')).find((f) => f[0] === 'P' && f[2] === l && f[3] === 'search');
    if (!row) throw new Error(`no search page for ${l} in ${args.site}/hhd-manifest.tsv`);
    built = { stdout: readFileSync(join(args.site, row[1], 'index.json'), 'utf8') };
  } else {
    const docs = spawnSync('python3', [join(src, 'tests/search/docs.py'), content, l], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (docs.status !== 0) throw new Error(`docs.py: ${docs.stderr}`);
    built = spawnSync(tool, ['build', l], { input: docs.stdout, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (built.status !== 0) throw new Error(`search_tool build: ${built.stderr}`);
  }
  if (args['index-out']) writeFileSync(join(args['index-out'], `search-${l}.json`), built.stdout);
  const index = JSON.parse(built.stdout);
  const plans = new Set(index.docs.filter((d) => d[0] === 0).map((d) => d[3]));
  let n = 0, top1 = 0, top3 = 0, absent = 0;
  const misses = [];
  const t0 = process.hrtime.bigint();
  for (const { q, plan } of queries) {
    if (!plans.has(plan)) { absent++; continue; }
    n++;
    const got = S.query(index, q, l).filter((r) => r.plan).map((r) => r.plan);
    if (got[0] === plan) top1++;
    if (got.slice(0, 3).includes(plan)) top3++;
    if (got[0] !== plan) misses.push(`  ${got.slice(0, 3).includes(plan) ? 'top3' : 'MISS'} ${l} "${q}": want ${plan}, got ${got.slice(0, 3).join(', ') || '(nothing)'}`);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / Math.max(1, queries.length - absent);
  const p1 = (100 * top1) / Math.max(1, n), p3 = (100 * top3) / Math.max(1, n);
  console.log(misses.join('\n'));
  console.log(`${l}: ${n} queries: top-1 ${top1}/${n} (${p1.toFixed(1)}%), top-3 ${top3}/${n} (${p3.toFixed(1)}%); ` +
    `${absent} for plans not in this content; index ${built.stdout.length} bytes, ` +
    `${gzipSync(built.stdout, { level: 9 }).length} gzip; ${ms.toFixed(2)} ms a query in node`);
  if (p1 < Number(args['min-top1'] || 0) || p3 < Number(args['min-top3'] || 0)) bad++;
}
process.exit(bad ? 1 : 0);
