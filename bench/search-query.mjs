// search-query.mjs: bench/search's browser part. Serves a built site on
// 127.0.0.1 (node:http, static files only), opens each language's search
// page in Debian's Chromium (playwright-core from tests/e2e/browser) at
// 375x740 with the CPU throttled 4x (DevTools Emulation.setCPUThrottlingRate),
// waits for the index, then times HHDSearch.query in the page for every
// query of tests/search/queries.yaml (performance.now around the call):
// ROUNDS page loads, each query once "cold" (its words not yet stemmed in
// that page) and once "warm" per load; per query the median over the loads.
// Prints one JSON line: {lang: {n, loads, cold: {median_ms, p95_ms, max_ms}, warm: {...}, load_ms, slowest}}.
//
//   node search-query.mjs SRC SITE [ROUNDS]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';

const [src, site, roundsArg] = process.argv.slice(2);
const rounds = Math.max(2, Number(roundsArg || 5));
const require = createRequire(path.join(src, 'tests/e2e/browser/package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('search-query: playwright-core is not installed (run tests/e2e/browser/run.sh once, or npm ci there)');
  process.exit(77);
}
const CHROMIUM = process.env.HHD_CHROMIUM || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.error(`search-query: no ${CHROMIUM} (scripts/deps test)`);
  process.exit(77);
}

const sets = {};
let lang = null;
for (const line of fs.readFileSync(path.join(src, 'tests/search/queries.yaml'), 'utf8').split('\n')) {
  let m;
  if ((m = /^([a-z]{2}):\s*$/.exec(line))) sets[(lang = m[1])] = [];
  else if ((m = /^\s+- \{q: "([^"]*)", plan: [a-z0-9-]+\}\s*$/.exec(line))) sets[lang].push(m[1]);
}
const pages = fs.readFileSync(path.join(site, 'hhd-manifest.tsv'), 'utf8').split('\n').map((l) => l.split('\t'))
  .filter((f) => f[0] === 'P' && f[3] === 'search').map((f) => ({ lang: f[2], path: f[1] }));

const types = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(site, path.normalize(p));
  if (!file.startsWith(site) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const out = {};
try {
  for (const { lang: l, path: p } of pages) {
    if (!sets[l]) continue;
    const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } });
    await ctx.route((u) => u.pathname.startsWith('/api/'), (route) => route.fulfill({ status: 204 }));
    // ROUNDS page loads: in each, every query once "cold" (its words not yet
    // stemmed in this page) and once more "warm"; per query, the median over
    // the loads (a shared machine stalls single calls now and then)
    const coldBy = sets[l].map(() => []), warmBy = sets[l].map(() => []);
    let loadMs = 0;
    for (let round = 0; round < rounds; round++) {
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      const t0 = Date.now();
      await page.goto(`${origin}${p}`);
      await page.waitForSelector('#search-results[data-ready]', { timeout: 120_000 });
      loadMs = Math.max(loadMs, Date.now() - t0);
      const t = await page.evaluate(async (queries) => {
        const r = await fetch(document.getElementById('search-results').getAttribute('data-index'));
        const index = await r.json(); // the page's own copy is private: the same file, parsed again
        window.HHDSearch.query(index, 'x'); // its lookup tables, as the page built them for its own copy
        const once = () => queries.map((q) => {
          const a = performance.now();
          window.HHDSearch.query(index, q);
          return performance.now() - a;
        });
        const cold = once();
        return { cold, warm: once() };
      }, sets[l]);
      t.cold.forEach((x, i) => coldBy[i].push(x));
      t.warm.forEach((x, i) => warmBy[i].push(x));
      await page.close();
    }
    const med = (a) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor(b.length / 2)]; };
    const stats = (t) => {
      t.sort((a, b) => a - b);
      const at = (q) => t[Math.min(t.length - 1, Math.floor(q * t.length))];
      return { samples: t.length, median_ms: at(0.5), p95_ms: at(0.95), max_ms: t[t.length - 1] };
    };
    const cold = coldBy.map(med), warm = warmBy.map(med);
    const slow = sets[l].map((q, i) => [cold[i], q]).sort((a, b) => b[0] - a[0]).slice(0, 3);
    out[l] = { n: sets[l].length, loads: rounds, cold: stats(cold), warm: stats(warm), load_ms: loadMs,
      slowest: slow.map(([ms, q]) => `${ms.toFixed(1)} ms "${q}"`) };
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(out));
