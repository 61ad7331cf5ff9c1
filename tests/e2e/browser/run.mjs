#!/usr/bin/env node
// run.mjs: the browser suite. Builds the site into a temporary folder,
// serves it with nginx + hhd-fcgi (scripts/serve) on a free 127.0.0.1 port,
// drives Debian's Chromium through playwright-core, and checks valid HTML
// (vnu), accessibility (axe-core, WCAG 2.1 A + AA), the no-JavaScript and
// JavaScript walks with the stored submission and exact counter deltas,
// privacy, the 375px layout, print, and links. The negative tests run the
// same checks over deliberately broken fixture pages and must see them fail.
//
//   node run.mjs [--build DIR] [--src DIR] [--only REGEX] [--keep]
//
//   --build DIR   where hhd and hhd-fcgi were built (default: SRC/build);
//                 screenshots go to DIR/screenshots/
//   --src DIR     the source tree (default: three folders up from here)
//   --only REGEX  run only the tests whose name matches
//   --keep        leave the temporary folder (site, state, logs) in place
//
// Ends with the line "N passed, N failed"; exit status 0 when none failed.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { Harness, CheckError, expectNone, assert } from './lib/harness.mjs';
import { startStack, startStatic, killByPids } from './lib/servers.mjs';
import { readManifest, htmlFiles, urlPathOf, readWords, samplePages, readBaseUrl } from './lib/site.mjs';
import {
  vnuCheck, axeCheck, horizontalOverflow, smallTargets, printCheck, crawl, unreachablePages, guardContext, storageProblems,
  inlineCode, ensureDir, belowFold, printFit,
} from './lib/checks.mjs';
import { sql, readCounters, waitForCounts, walk, taps } from './lib/flows.mjs';
import { readQueries, searchPath, results, typeQuery, measure } from './lib/search.mjs';
import { i18nTests } from './lib/i18n.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = { src: path.resolve(here, '..', '..', '..'), build: null, only: null, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} wants a value`);
      return argv[++i];
    };
    if (a === '--build') o.build = path.resolve(val());
    else if (a === '--src') o.src = path.resolve(val());
    else if (a === '--only') o.only = new RegExp(val());
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument '${a}'`);
  }
  o.build = o.build || path.join(o.src, 'build');
  return o;
}

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error('usage: node run.mjs [--build DIR] [--src DIR] [--only REGEX] [--keep]');
  process.exit(2);
}

const CHROMIUM = process.env.HHD_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 740 };
const SMALL_PHONE = { width: 375, height: 667 }; // the first screen a question must fit on
const LANGS = ['nl', 'en'];

const opts = parseArgs(process.argv.slice(2));
const t = new Harness({ filter: opts.only });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hhd-browser-'));
const publicDir = path.join(tmp, 'site');
const state = path.join(tmp, 'state');
const shots = ensureDir(path.join(opts.build, 'screenshots'));
let stack = null;
let fixtures = null;
let browser = null;

// Stop what we started, whatever happens: normal end, exception, signal.
function cleanupSync() {
  if (stack) stack.stop();
  else killByPids(state);
  if (!opts.keep) fs.rmSync(tmp, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.log(`\nrun.mjs: ${sig}: stopping the servers`);
    try { cleanupSync(); } finally { process.exit(130); }
  });
}
process.on('exit', () => { if (stack && !stack.stopped) stack.stop(); });

async function main() {
  console.log(`browser suite: source ${opts.src}, build ${opts.build}, temp ${tmp}`);

  // ------------------------------------------------------------ set-up
  const built = await t.test('setup: hhd builds the site into a temporary folder', () => {
    const hhd = path.join(opts.build, 'hhd');
    assert(fs.existsSync(hhd), `no ${hhd}: build first`);
    const r = spawnSync(hhd, ['build', '--out', publicDir, '-q'], { cwd: opts.src, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new CheckError(`hhd build exited ${r.status}`, (r.stderr || '').trim().split('\n'));
    assert(fs.existsSync(path.join(publicDir, 'hhd-manifest.tsv')), 'the site has no hhd-manifest.tsv');
    return true;
  });
  if (!built) return;

  const manifest = readManifest(publicDir);
  const words = Object.fromEntries(LANGS.map((l) => [l, readWords(opts.src, l)]));
  const files = htmlFiles(publicDir);
  const fixtureDir = path.join(here, 'fixtures');
  const fixtureFiles = htmlFiles(fixtureDir);
  const siteTitle = (f) => `/${path.relative(publicDir, f)}`;
  const alias = readBaseUrl(opts.src); // the production address: links to it are internal

  // ------------------------------------------------------------ vnu (no browser needed)
  let vnu = null;
  await t.test(`html: the Nu HTML Checker finds zero errors on all ${files.length} generated pages`, () => {
    vnu = vnuCheck([...files, ...fixtureFiles]);
    const problems = [];
    for (const f of files) for (const e of vnu.get(f) || []) problems.push(`${siteTitle(f)}:${e}`);
    for (const [f, errs] of vnu) {
      if (!f.startsWith(publicDir) && !f.startsWith(fixtureDir)) problems.push(`${f}: ${errs.join('; ')}`);
    }
    expectNone(problems, 'HTML error(s)');
  });
  await t.test('negative: the Nu HTML Checker catches the fixture page with a missing alt', () => {
    if (!vnu) vnu = vnuCheck(fixtureFiles); // the site's run was filtered out
    const errs = vnu.get(path.join(fixtureDir, 'missing-alt.html')) || [];
    assert(errs.some((e) => /alt/.test(e)), `no alt error reported for fixtures/missing-alt.html (got: ${errs.join('; ') || 'nothing'})`);
    const ok = vnu.get(path.join(fixtureDir, 'control.html')) || [];
    expectNone(ok, 'error(s) on the control fixture, which must be valid');
  });

  await t.test('theme: no inline script, style or event handler on any page (the CSP has no unsafe-inline)', () => {
    const problems = [];
    for (const f of files) for (const p of inlineCode(fs.readFileSync(f, 'utf8'))) problems.push(`${siteTitle(f)}:${p}`);
    expectNone(problems, 'inline code problem(s)');
  });
  await t.test('theme: CSS under 20 KB, no web fonts, no third-party URL in the assets', () => {
    const dir = path.join(publicDir, 'assets');
    const assets = fs.readdirSync(dir).map((n) => path.join(dir, n));
    const problems = [];
    const css = assets.filter((a) => a.endsWith('.css'));
    const size = css.reduce((n, a) => n + fs.statSync(a).size, 0);
    if (size >= 20 * 1024) problems.push(`CSS is ${size} bytes in all (${css.map((a) => path.basename(a)).join(', ')})`);
    for (const a of assets) {
      const name = path.basename(a);
      if (/\.(woff2?|ttf|otf|eot)$/i.test(name)) problems.push(`${name}: a font file`);
      if (!/\.(css|js|svg)$/i.test(name)) continue;
      const text = fs.readFileSync(a, 'utf8');
      if (/@font-face|@import/i.test(text)) problems.push(`${name}: @font-face or @import`);
      // an http(s) URL in CSS url(), in JS code that could fetch, or an SVG href
      const urls = text.match(/url\(\s*["']?(?:https?:)?\/\/[^)]*\)|(?:fetch|sendBeacon|open)\(\s*["'](?:https?:)?\/\/[^"']*["']|href\s*=\s*["']https?:\/\/[^"']*["']/gi) || [];
      for (const u of urls) problems.push(`${name}: ${u}`);
    }
    expectNone(problems, 'asset problem(s)');
    console.log(`        CSS ${size} bytes`);
  });

  await t.test('negative: the inline-code check catches the fixture page with an inline script and style', () => {
    const found = inlineCode(fs.readFileSync(path.join(fixtureDir, 'inline-code.html'), 'utf8'));
    assert(found.some((p) => /inline <script>/.test(p)) && found.some((p) => /style attribute/.test(p)), `got: ${found.join('; ') || 'nothing'}`);
    expectNone(inlineCode(fs.readFileSync(path.join(fixtureDir, 'control.html'), 'utf8')), 'problem(s) on the control fixture');
  });

  // ------------------------------------------------------------ servers and browser
  const started = await t.test('setup: nginx and hhd-fcgi start on a free 127.0.0.1 port', async () => {
    stack = await startStack({ src: opts.src, build: opts.build, publicDir, state, log: (m) => console.log(`        ${m}`) });
    fixtures = await startStatic(fixtureDir);
    const res = await fetch(`${stack.base}/nl/`);
    assert(res.status === 200, `GET /nl/ answered ${res.status}`);
    const csp = res.headers.get('content-security-policy') || '';
    assert(csp && !csp.includes('unsafe-inline'), `Content-Security-Policy is "${csp}"`);
    console.log(`        site at ${stack.base}, fixtures at ${fixtures.base}`);
    return true;
  });
  if (!started) return;
  await t.test('stack: hhd-fcgi reads the site manifest that hhd wrote without complaint', () => {
    const log = fs.readFileSync(path.join(state, 'hhd-fcgi.log'), 'utf8');
    const complaints = log.split('\n').filter((l) => /manifest/i.test(l) && /line \d+:|cannot|error|invalid|refus|keeping 0/i.test(l));
    expectNone(complaints, 'complaint(s) in hhd-fcgi.log');
  });

  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const origin = stack.base;
  // Contexts other than the walks' answer the counters themselves (204), so
  // the sweeps over many pages leave the database to the walks.
  const newContext = async ({ counters = false, ...o } = {}) => {
    const ctx = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce', ...o });
    ctx.setDefaultTimeout(15_000);
    if (!counters) {
      await ctx.route((url) => url.origin === origin && url.pathname.startsWith('/api/hit'), (route) => route.fulfill({ status: 204 }));
    }
    return ctx;
  };

  const samples = samplePages(publicDir, manifest, LANGS);
  const byType = (type, lang = 'nl') => samples.find((s) => s.type === type && s.lang === lang);

  // ------------------------------------------------------------ accessibility, console, CSP
  {
    const ctx = await newContext();
    const guard = await guardContext(ctx, origin);
    const page = await ctx.newPage();
    for (const s of samples) {
      await t.test(`a11y: axe finds no WCAG 2.1 A/AA violation on ${s.type} (${s.lang}) ${s.path}`, async () => {
        const res = await page.goto(origin + s.path, { waitUntil: 'load' });
        assert(res && res.status() === (s.status || 200), `${s.path} answered ${res && res.status()}`);
        expectNone(await axeCheck(page), 'axe violation(s)');
      });
    }
    await t.test('console: no script error or CSP violation on any page type (JavaScript on)', () => {
      // the 404 page's own status is logged as an error by Chromium: expected
      const notFound = samples.filter((s) => s.status === 404).map((s) => origin + s.path);
      const errs = guard.consoleErrors.filter((e) => !(notFound.includes(e.source) && /status of 404/.test(e.text)))
        .map((e) => `${e.page}: ${e.text}${e.source ? ` (${e.source})` : ''}`);
      expectNone(errs, 'console error(s)');
      expectNone(guard.offsite, 'request(s) off the site');
    });
    await ctx.close();
  }

  // ------------------------------------------------------------ phone layout and screenshots
  {
    const ctx = await newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    // every page (but the instant redirects), and the 404 page
    const everyPage = [
      ...manifest.pages.filter((p) => !['redirect', 'root'].includes(p.kind)),
      ...samples.filter((s) => s.status === 404),
    ];
    const overflow = [];
    const small = [];
    let questions = 0;
    await t.test(`phone: at 375px none of the ${everyPage.length} pages scrolls sideways`, async () => {
      for (const s of everyPage) {
        await page.goto(origin + s.path, { waitUntil: 'load' });
        for (const p of await horizontalOverflow(page)) overflow.push(`${s.path}: ${p}`);
        if (s.kind === 'question') {
          questions++;
          const n = await page.locator('ul.answers a').count();
          if (n < 2) small.push(`${s.path}: ${n} answer link(s)`);
          for (const p of await smallTargets(page, 'ul.answers a')) small.push(`${s.path}: ${p}`);
        }
      }
      expectNone(overflow, 'overflow problem(s)');
    });
    await t.test('phone: at 375px every answer link on every question page is at least 44px tall', () => {
      assert(questions > 0, 'no question page was measured');
      expectNone(small, 'problem(s)');
    });
    await t.test('screenshots: home, question, step plan (screen and print), contact form saved', async () => {
      const wanted = [
        ['home', byType('home')],
        ['question', byType('question (triage start)')],
        ['outcome', byType('outcome')],
        ['contact', byType('ask the helpdesk')],
        ['search', byType('search results')],
      ];
      const made = [];
      for (const [name, s] of wanted) {
        assert(s, `no sample page for ${name}`);
        await page.goto(origin + s.path, { waitUntil: 'load' });
        await page.screenshot({ path: path.join(shots, `${name}-375.png`), fullPage: true });
        made.push(`${name}-375.png`);
      }
      const desk = await newContext();
      const dp = await desk.newPage();
      for (const [name, s] of wanted) {
        await dp.goto(origin + s.path, { waitUntil: 'load' });
        await dp.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
        made.push(`${name}.png`);
      }
      await dp.goto(origin + byType('outcome').path, { waitUntil: 'load' });
      await dp.emulateMedia({ media: 'print' });
      await dp.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
      await dp.screenshot({ path: path.join(shots, 'outcome-print.png'), fullPage: true });
      made.push('outcome-print.png');
      await desk.close();
      for (const f of made) assert(fs.statSync(path.join(shots, f)).size > 1000, `${f} is empty`);
      console.log(`        ${made.length} screenshots in ${shots}`);
    });
    await ctx.close();
  }

  // ------------------------------------------------------------ the first screen on a small phone
  // Without JavaScript, on 375 x 667: every question's heading and first
  // answer, and the triage's first question with its first two answers (the
  // ransomware answer and the next), need no scrolling, in every language.
  await t.test('phone: at 375x667 without JavaScript every question and its first answer show without scrolling (triage start: two answers), every language', async () => {
    const ctx = await newContext({ viewport: SMALL_PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const problems = [];
    const questions = manifest.pages.filter((p) => p.kind === 'question');
    const langs = new Set();
    for (const q of questions) {
      await page.goto(origin + q.path, { waitUntil: 'load' });
      const n = q.tree === 'triage' && q.node === 'start' ? 2 : 1;
      for (const p of await belowFold(page, 'ul.answers a', n)) problems.push(`${q.path}: ${p}`);
      langs.add(q.lang);
    }
    await ctx.close();
    assert(questions.length > 0, 'no question page was measured');
    for (const l of LANGS) assert(langs.has(l), `no question page in ${l}`);
    expectNone(problems, 'problem(s)');
    console.log(`        ${questions.length} question pages measured`);
  });
  await t.test('phone: at 375x667 the home page shows the help button and a first direct entry without scrolling, every language', async () => {
    const ctx = await newContext({ viewport: SMALL_PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 1, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const problems = [];
    for (const lang of LANGS) {
      const s = byType('home', lang);
      await page.goto(origin + s.path, { waitUntil: 'load' });
      for (const p of await belowFold(page, 'main .help-button, main .direct li a', 2)) problems.push(`${s.path}: ${p}`);
    }
    await ctx.close();
    expectNone(problems, 'problem(s)');
  });

  // ------------------------------------------------------------ the printable tools
  await t.test('print: the emergency card prints on one A4 sheet and the incident log on at most two, every field on the paper, every language', async () => {
    const ctx = await newContext({ viewport: { width: 794, height: 1123 } });
    const page = await ctx.newPage();
    const problems = [];
    const limits = { 'emergency-card': 1, 'incident-log': 2 };
    let n = 0;
    for (const lang of LANGS) {
      for (const [kind, max] of Object.entries(limits)) {
        const tool = manifest.pages.find((p) => p.kind === kind && p.lang === lang);
        if (!tool) { problems.push(`no ${kind} page in ${lang}`); continue; }
        await page.goto(origin + tool.path, { waitUntil: 'load' });
        // filled in as an owner would: text in every field
        for (const f of await page.locator('main input[type=text], main textarea').all()) await f.fill('Voorbeeld 0900-1234567');
        const r = await printFit(page);
        problems.push(...r.problems.map((p) => `${tool.path}: ${p}`));
        if (r.sheets < 1 || r.sheets > max) problems.push(`${tool.path}: prints on ${r.sheets} A4 sheet(s), at most ${max} allowed`);
        n++;
        console.log(`        ${tool.path}: ${r.sheets} sheet(s)`);
      }
      if (lang === 'nl') {
        await page.emulateMedia({ media: 'print' });
        await page.goto(origin + manifest.pages.find((p) => p.kind === 'emergency-card' && p.lang === lang).path, { waitUntil: 'load' });
        await page.screenshot({ path: path.join(shots, 'emergency-card-print.png'), fullPage: true });
        await page.emulateMedia({ media: 'screen' });
      }
    }
    await ctx.close();
    assert(n === LANGS.length * 2, `measured ${n} tool pages`);
    expectNone(problems, 'print problem(s)');
  });
  await t.test('print: the tools send and store nothing: no form, no submit button, no script writes', async () => {
    const problems = [];
    for (const kind of ['emergency-card', 'incident-log']) {
      for (const tool of manifest.pages.filter((p) => p.kind === kind)) {
        const h = fs.readFileSync(path.join(publicDir, tool.path, 'index.html'), 'utf8');
        const main = h.slice(h.indexOf('<main'), h.indexOf('</main>'));
        if (/<form\b/i.test(main)) problems.push(`${tool.path}: has a <form>`);
        if (/type="submit"/i.test(main)) problems.push(`${tool.path}: has a submit button`);
        if (!/autocomplete="off"/.test(main)) problems.push(`${tool.path}: fields without autocomplete="off"`);
      }
    }
    expectNone(problems, 'problem(s)');
  });

  // ------------------------------------------------------------ print
  await t.test('print: a step plan in print emulation shows its phone numbers and link targets', async () => {
    const ctx = await newContext({ viewport: { width: 794, height: 1123 } });
    const page = await ctx.newPage();
    const problems = [];
    for (const lang of LANGS) {
      const s = byType('outcome', lang);
      await page.goto(origin + s.path, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const r = await printCheck(page);
      problems.push(...r.problems.map((p) => `${s.path}: ${p}`));
      if (r.phones < 1) problems.push(`${s.path}: no phone number printed`);
      if (r.links < 1) problems.push(`${s.path}: no link target printed`);
      await page.emulateMedia({ media: 'screen' });
    }
    await ctx.close();
    expectNone(problems, 'print problem(s)');
  });

  // ------------------------------------------------------------ links
  let crawled = null;
  await t.test('links: a crawl from / finds no broken internal link', async () => {
    crawled = await crawl(origin, { start: '/', alias });
    expectNone(crawled.broken, 'broken link(s)');
  });
  await t.test('links: every sitemap.xml entry is a page that answers 200', async () => {
    assert(alias, 'content/site.yaml has no base_url');
    const res = await fetch(`${origin}/sitemap.xml`);
    assert(res.status === 200, `sitemap.xml answered ${res.status}`);
    const locs = [...(await res.text()).matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    assert(locs.length > 0, 'sitemap.xml lists no page');
    const problems = [];
    for (const loc of locs) {
      if (!loc.startsWith(`${alias}/`)) {
        problems.push(`${loc}: not on ${alias}`);
        continue;
      }
      const p = loc.slice(alias.length);
      if (crawled && crawled.pages.has(p)) continue;
      const r = await fetch(origin + p);
      if (r.status !== 200) problems.push(`${loc}: HTTP ${r.status}`);
    }
    expectNone(problems, 'bad sitemap entr(y/ies)');
  });
  await t.test('links: every generated page is reachable from /', () => {
    assert(crawled, 'the crawl did not run');
    // Pages that need no link: nginx's answers to a missing page and to an
    // /api/ error, the old addresses kept as redirects, and the pages a
    // form's 303 leads to (the walks reach those).
    const skip = (p) => {
      if (p === '/404.html') return 'not found page';
      // nginx serves these for /api/ errors only (502/503/504 and 429)
      if (p === '/50x.html' || p === '/429.html') return 'error page';
      const m = manifest.byPath.get(p);
      return m && ['redirect', 'thanks', 'feedback', 'notfound'].includes(m.kind) ? m.kind : null;
    };
    const missing = unreachablePages(files.map((f) => urlPathOf(publicDir, f)), crawled.reached, skip);
    expectNone(missing.map((p) => `${p} (${(manifest.byPath.get(p) || {}).kind || 'not in the manifest'})`), 'unreachable page(s)');
  });

  // ------------------------------------------------------------ right to left, fallback, quick exit
  await i18nTests({ t, browser, src: opts.src, build: opts.build, tmp, shots, desktop: DESKTOP, phone: PHONE });

  // ------------------------------------------------------------ the walks
  // The JavaScript walk arrives from a partner's link (?via=CODE): only
  // the script can pass the code on, so only that walk counts it.
  const walks = [
    { name: 'no-JavaScript', js: false, via: '' },
    { name: 'JavaScript', js: true, via: manifest.partners[0] || '' },
  ];
  for (const w of walks) {
    const token = `${w.js ? 'js' : 'nojs'}-${process.pid}-${Date.now()}`;
    const ctx = await newContext({ javaScriptEnabled: w.js, counters: true });
    const guard = await guardContext(ctx, origin);
    const page = await ctx.newPage();
    await new Promise((r) => setTimeout(r, 800)); // let earlier pages' beacons land
    const before = readCounters(stack.db);
    const result = await t.test(`walk (${w.name}): home -> "Help, ik ben gehackt!" -> questions -> step plan -> ask the helpdesk -> thank-you`, async () => {
      let r;
      try {
        r = await walk(page, { base: origin, manifest, words: words.nl, js: w.js, token, via: w.via });
      } catch (err) {
        // what the servers said about it
        const log = path.join(state, 'hhd-fcgi.log');
        const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').slice(-6) : [];
        throw new CheckError(err.message, [...(err.details || []), ...tail.map((l) => `hhd-fcgi.log: ${l}`)]);
      }
      console.log(`        ${r.steps.join('\n        ')}`);
      expectNone(guard.consoleErrors.map((e) => `${e.page}: ${e.text}`), 'console error(s) during the walk');
      return r;
    });
    await t.test(`walk (${w.name}): the submission is stored with its incident and node`, () => {
      assert(result, 'the walk did not finish');
      const rows = sql(stack.db, `SELECT lang, incident, node, name, company, email, consent FROM contact WHERE message = '${result.message.replace(/'/g, "''")}'`);
      assert(rows.length === 1, `${rows.length} stored submissions with this walk's message (expected 1)`);
      const [row] = rows;
      const want = { lang: 'nl', incident: result.outcome.tree, node: result.outcome.node, name: 'Test Ondernemer', company: 'Bakkerij Test', email: 'test@example.invalid', consent: 1 };
      const diffs = Object.entries(want).filter(([k, v]) => row[k] !== v).map(([k, v]) => `${k}: stored ${JSON.stringify(row[k])}, expected ${JSON.stringify(v)}`);
      expectNone(diffs, 'field(s) stored wrong');
    });
    await t.test(`walk (${w.name}): the counters rose by exactly the walk's page views, help press, ${w.js ? `partner code "${w.via}", ` : ''}step plan and "did this help"`, async () => {
      assert(result, 'the walk did not finish');
      const events = [...result.expect.keys()].map((k) => k.split(' ')[1]);
      for (const ev of ['view', 'help', 'outcome', 'yes']) {
        assert(events.includes(ev), `the walk expects no "${ev}" event: it cannot test that count`);
      }
      expectNone(await waitForCounts(stack.db, before, result.expect), 'counter difference(s)');
      console.log(`        ${[...result.expect].map(([k, n]) => `${k} +${n}`).join('\n        ')}`);
    });
    await t.test(`walk (${w.name}): privacy: no request left the origin, no cookie, nothing stored`, async () => {
      const problems = [
        ...guard.offsite.map((u) => `request off the site: ${u}`),
        ...guard.cookies,
        ...guard.storageWrites.map((x) => `storage write: ${x}`),
      ];
      const cookies = await ctx.cookies();
      problems.push(...cookies.map((c) => `cookie ${c.name} for ${c.domain}`));
      if (result) problems.push(...result.storage);
      // and nothing persisted for the origin afterwards, seen from a new tab
      const pp = await ctx.newPage();
      await pp.goto(`${origin}/robots.txt`);
      problems.push(...(await storageProblems(pp)).map((s) => `after the walk: ${s}`));
      expectNone(problems, 'privacy problem(s)');
      assert(result, 'the walk did not finish: privacy held only as far as it went');
    });
    // the step plan's other taps: "Nee" with a reason, and "Ik ben"
    const tap = w.js ? { reason: 'no_person', who: 'who_employer' } : { reason: 'no_complex', who: 'who_zzp' };
    await t.test(`taps (${w.name}): "${words.nl.no}" -> "${words.nl[tap.reason]}", "${words.nl.who_am_i} ${words.nl[tap.who]}" are counted exactly`, async () => {
      assert(result, 'the walk did not finish: no step plan to tap on');
      await new Promise((r) => setTimeout(r, 800));
      const before2 = readCounters(stack.db);
      const want = await taps(page, { base: origin, outcome: result.outcome, manifest, words: words.nl, js: w.js, ...tap });
      expectNone(await waitForCounts(stack.db, before2, want), 'counter difference(s)');
      console.log(`        ${[...want].map(([k, n]) => `${k} +${n}`).join('\n        ')}`);
    });
    await ctx.close();
  }

  // ------------------------------------------------------------ search (issue 12)
  await t.test('search: every home page and every question page has a GET search form with a labelled field q that leads to its language\'s search page', () => {
    const problems = [];
    for (const row of manifest.pages.filter((p) => p.kind === 'home' || p.kind === 'question')) {
      const rel = row.path.replace(/^\//, '') + (row.path.endsWith('/') ? 'index.html' : '');
      const html = fs.readFileSync(path.join(publicDir, rel), 'utf8');
      const m = /<form\b[^>]*\brole="search"[^>]*>([\s\S]*?)<\/form>/.exec(html);
      if (!m) { problems.push(`${row.path}: no <form role="search">`); continue; }
      const tag = m[0].slice(0, m[0].indexOf('>') + 1);
      const want = searchPath(manifest, row.lang);
      if (!/\bmethod="get"/i.test(tag)) problems.push(`${row.path}: the search form is not GET`);
      if (!tag.includes(`action="${want}"`)) problems.push(`${row.path}: the search form does not lead to ${want}`);
      const input = /<input\b[^>]*\bname="q"[^>]*>/.exec(m[1]);
      const id = input && /\bid="([^"]+)"/.exec(input[0]);
      if (!input) problems.push(`${row.path}: no field q`);
      else if (!id || !new RegExp(`<label[^>]*for="${id[1]}"[^>]*>[^<\\s][^<]*</label>`).test(m[1])) problems.push(`${row.path}: field q has no visible label`);
    }
    expectNone(problems, 'search form problem(s)');
  });
  {
    const sets = readQueries(opts.src);
    const ctx = await newContext({ viewport: PHONE });
    const guard = await guardContext(ctx, origin);
    const page = await ctx.newPage();
    page.setDefaultTimeout(60_000); // a busy machine: hundreds of edits in a row
    // every language of the site: nl and en, and tr, pl and ar (their six plans)
    for (const lang of [...new Set(manifest.pages.filter((p) => p.kind === 'search').map((p) => p.lang))]) {
      const sp = searchPath(manifest, lang);
      await t.test(`search (${lang}): each query of queries.yaml typed into ${sp}: top-1 >= 90%, top-3 100%`, async () => {
        assert(sp, `no search page for ${lang} in the manifest`);
        assert(sets[lang] && sets[lang].length >= 60, `queries.yaml has ${sets[lang] ? sets[lang].length : 0} ${lang} queries (at least 60)`);
        await page.goto(`${origin}${sp}`);
        await page.waitForSelector('#search-results[data-ready]');
        const r = await measure(page, manifest, sets[lang]);
        const p1 = (100 * r.top1) / r.n, p3 = (100 * r.top3) / r.n;
        console.log(`        ${lang}: ${r.n} queries: top-1 ${r.top1}/${r.n} (${p1.toFixed(1)}%), top-3 ${r.top3}/${r.n} (${p3.toFixed(1)}%)`);
        for (const x of r.misses) console.log(`        not in top 3: ${x}`);
        assert(p1 >= 90 && r.top3 === r.n, `${lang}: top-1 ${p1.toFixed(1)}% (want >= 90%), top-3 ${p3.toFixed(1)}% (want 100%)`);
      });
    }
    expectNone(guard.consoleErrors.map((e) => `${e.page}: ${e.text}`), 'console error(s) on the search pages');
    await ctx.close();
  }
  await t.test('search: the index is fetched once when the page loads; typing makes no request but the one e=search counter, and no request carries the words', async () => {
    const ctx = await newContext({ viewport: PHONE, counters: true });
    const hits = [];
    await ctx.route((url) => url.origin === origin && url.pathname.startsWith('/api/hit'), (route) => {
      hits.push(route.request().postData() || route.request().url());
      return route.fulfill({ status: 204 });
    });
    const page = await ctx.newPage();
    const requests = [];
    page.on('request', (r) => requests.push({ url: r.url(), body: r.postData() || '' }));
    const sp = searchPath(manifest, 'nl');
    await page.goto(`${origin}${sp}`);
    await page.waitForSelector('#search-results[data-ready]');
    await new Promise((r) => setTimeout(r, 300));
    const onLoad = requests.filter((r) => /\/index\.json$/.test(new URL(r.url).pathname));
    assert(onLoad.length === 1, `the index was requested ${onLoad.length} times on load (want 1)`);
    requests.length = 0;
    await typeQuery(page, 'losgeld betalen bitcoin', true);
    await typeQuery(page, 'factuur ander rekeningnummer', true);
    await new Promise((r) => setTimeout(r, 500));
    assert((await results(page)).length > 0, 'typing showed no results');
    const other = requests.filter((r) => !(new URL(r.url).pathname === '/api/hit' && r.body === `p=${encodeURIComponent(sp)}&e=search`));
    expectNone(other.map((r) => `${r.url} ${r.body}`), 'request(s) while typing besides the one e=search counter');
    const leaked = requests.filter((r) => /losgeld|bitcoin|factuur|rekeningnummer/i.test(decodeURIComponent(r.url + ' ' + r.body)));
    expectNone(leaked.map((r) => r.url), 'request(s) carrying the typed words');
    assert(requests.length <= 1, `${requests.length} requests while typing`);
    await ctx.close();
  });
  await t.test('search: counters: e=search once per page load when results first show, e=pick with the chosen result\'s path', async () => {
    const ctx = await newContext({ viewport: PHONE, counters: true });
    const hits = [];
    await ctx.route((url) => url.origin === origin && url.pathname.startsWith('/api/hit'), (route) => {
      hits.push(new URLSearchParams(route.request().postData() || new URL(route.request().url()).search));
      return route.fulfill({ status: 204 });
    });
    const page = await ctx.newPage();
    const sp = searchPath(manifest, 'en');
    await page.goto(`${origin}${sp}?q=${encodeURIComponent('files encrypted ransom')}`);
    await page.waitForSelector('#search-results ol a');
    await typeQuery(page, 'invoice fraud');
    await typeQuery(page, 'phishing link');
    const first = (await results(page))[0];
    assert(first && manifest.byPath.has(first.href.split('#')[0]), `the first result ${first && first.href} is not a manifest page`);
    await Promise.all([page.waitForURL((u) => u.pathname === first.href.split('#')[0]), page.click('#search-results ol > li:first-child > a')]);
    await new Promise((r) => setTimeout(r, 500));
    const searches = hits.filter((h) => h.get('e') === 'search'), picks = hits.filter((h) => h.get('e') === 'pick');
    assert(searches.length === 1 && searches[0].get('p') === sp, `e=search sent ${searches.length} times (${searches.map((h) => h.get('p')).join(', ')}), want once with p=${sp}`);
    assert(picks.length === 1 && picks[0].get('p') === first.href.split('#')[0], `e=pick: ${picks.map((h) => h.toString()).join('; ') || 'none'} (want p=${first.href})`);
    const keys = new Set(hits.flatMap((h) => [...h.keys()]));
    assert([...keys].every((k) => ['p', 'e', 'via'].includes(k)), `counter fields: ${[...keys].join(', ')}`);
    await ctx.close();
  });
  await t.test('search: without JavaScript the search page shows the triage link and an A-Z list of every step plan, every language', async () => {
    const ctx = await newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    const problems = [];
    for (const lang of LANGS) {
      const sp = searchPath(manifest, lang);
      await page.goto(`${origin}${sp}?q=${encodeURIComponent('losgeld')}`);
      const links = await page.$$eval('#search-results a', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
      const home = manifest.pages.find((p) => p.kind === 'question' && p.lang === lang && p.tree === 'triage' && p.node);
      const triage = manifest.pages.filter((p) => p.lang === lang && p.tree === 'triage' && p.kind === 'question').map((p) => p.path);
      if (!links.some((l) => triage.includes(l.href))) problems.push(`${lang}: no link to the triage (${home && home.path})`);
      const outcomes = manifest.pages.filter((p) => p.lang === lang && p.kind === 'outcome').map((p) => p.path).sort();
      const listed = (await page.$$eval('#search-results ul a', (as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() }))));
      const got = listed.map((l) => l.href).sort();
      if (JSON.stringify(got) !== JSON.stringify(outcomes)) problems.push(`${lang}: the A-Z list has ${got.length} links, the site ${outcomes.length} step plans`);
      // A-Z as the search folds: accents and case go, punctuation is one space
      const titles = listed.map((l) => l.text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ').trim());
      for (let i = 1; i < titles.length; i++) if (titles[i - 1] > titles[i]) { problems.push(`${lang}: "${listed[i - 1].text}" before "${listed[i].text}"`); break; }
    }
    expectNone(problems, 'no-JavaScript search page problem(s)');
    await ctx.close();
  });

  // ------------------------------------------------------------ negative tests
  {
    const fx = fixtures.base;
    const ctx = await newContext();
    const page = await ctx.newPage();
    await t.test('negative: axe catches the fixture page with a missing alt', async () => {
      await page.goto(`${fx}/missing-alt.html`);
      const v = await axeCheck(page);
      assert(v.some((x) => x.startsWith('image-alt')), `axe did not report image-alt (got: ${v.join('; ') || 'nothing'})`);
    });
    await t.test('negative: axe catches the fixture page with an unlabelled form field', async () => {
      await page.goto(`${fx}/unlabelled-field.html`);
      const v = await axeCheck(page);
      assert(v.some((x) => x.startsWith('label')), `axe did not report label (got: ${v.join('; ') || 'nothing'})`);
    });
    await t.test('negative: the control fixture passes axe, the phone check and the crawl', async () => {
      await page.goto(`${fx}/control.html`);
      expectNone(await axeCheck(page), 'axe violation(s) on the control fixture');
      await page.setViewportSize(PHONE);
      expectNone(await horizontalOverflow(page), 'overflow problem(s) on the control fixture');
      await page.setViewportSize(DESKTOP);
      const c = await crawl(fx, { start: '/control.html' });
      expectNone(c.broken, 'broken link(s) on the control fixture');
    });
    await t.test('negative: the crawl catches the fixture site with a broken link', async () => {
      const c = await crawl(fx, { start: '/broken-link/' });
      assert(c.broken.some((b) => b.includes('/broken-link/missing/')), `no broken link reported (got: ${c.broken.join('; ') || 'nothing'})`);
      assert(!c.broken.some((b) => b.includes('/broken-link/ok.html')), 'the good link was reported as broken');
    });
    await t.test('negative: the reachability check catches the fixture page that nothing links to', async () => {
      const c = await crawl(fx, { start: '/broken-link/' });
      const all = htmlFiles(path.join(fixtureDir, 'broken-link')).map((f) => urlPathOf(fixtureDir, f));
      const missing = unreachablePages(all, c.reached);
      assert(missing.length === 1 && missing[0] === '/broken-link/orphan.html', `expected only /broken-link/orphan.html unreachable, got: ${missing.join(', ') || 'nothing'}`);
    });
    await t.test('negative: the phone check catches the fixture page wider than 375px', async () => {
      await page.setViewportSize(PHONE);
      await page.goto(`${fx}/wide.html`);
      const o = await horizontalOverflow(page);
      await page.setViewportSize(DESKTOP);
      assert(o.length > 0, 'no overflow reported');
    });
    await t.test('negative: the fold check catches the fixture page whose answers start below a 375x667 screen', async () => {
      await page.setViewportSize(SMALL_PHONE);
      await page.goto(`${fx}/below-fold.html`);
      const low = await belowFold(page, 'ul.answers a', 1);
      await page.goto(`${fx}/control.html`);
      const ok = await belowFold(page, 'ul.answers a', 1);
      await page.setViewportSize(DESKTOP);
      assert(low.some((p) => /answer 1 .* below the 667px screen/.test(p)), `no fold problem reported (got: ${low.join('; ') || 'nothing'})`);
      expectNone(ok, 'fold problem(s) on the control fixture');
    });
    await t.test('negative: the print check catches the fixture form that needs two A4 sheets and a field off the paper', async () => {
      await page.goto(`${fx}/print-long.html`);
      const r = await printFit(page);
      assert(r.sheets >= 2, `the fixture printed on ${r.sheets} sheet(s)`);
      assert(r.problems.some((p) => /runs off the paper/.test(p)), `no field off the paper reported (got: ${r.problems.join('; ') || 'nothing'})`);
      await page.goto(`${fx}/control.html`);
      const c = await printFit(page);
      assert(c.sheets === 1, `the control fixture printed on ${c.sheets} sheet(s)`);
      expectNone(c.problems, 'print problem(s) on the control fixture');
    });
    await t.test('negative: the privacy guard catches the fixture page that loads a third-party image', async () => {
      const c2 = await newContext();
      const g = await guardContext(c2, fx);
      const p2 = await c2.newPage();
      await p2.goto(`${fx}/third-party.html`, { waitUntil: 'load' });
      await c2.close();
      assert(g.offsite.some((u) => u.startsWith('https://tracker.invalid/')), `no off-site request recorded (got: ${g.offsite.join('; ') || 'nothing'})`);
    });
    await t.test('negative: the privacy guard catches the fixture page that writes to storage and cleans up', async () => {
      const c2 = await newContext();
      const g = await guardContext(c2, fx);
      const p2 = await c2.newPage();
      await p2.goto(`${fx}/storage.html`, { waitUntil: 'load' });
      const left = await storageProblems(p2);
      await c2.close();
      const seen = (re) => g.storageWrites.some((w) => re.test(w));
      const missed = [/localStorage\.setItem/, /sessionStorage\.setItem/, /document\.cookie/, /indexedDB\.open/].filter((re) => !seen(re));
      assert(missed.length === 0, `writes not seen: ${missed.join(', ')} (seen: ${g.storageWrites.join('; ') || 'nothing'})`);
      assert(left.length === 0 || left.every((l) => /IndexedDB/.test(l)), `the fixture should leave nothing behind, left: ${left.join('; ')}`);
    });
    await t.test('negative: the control fixture causes no privacy finding', async () => {
      const c2 = await newContext();
      const g = await guardContext(c2, fx);
      const p2 = await c2.newPage();
      await p2.goto(`${fx}/control.html`, { waitUntil: 'load' });
      const left = await storageProblems(p2);
      await c2.close();
      expectNone([...g.offsite, ...g.cookies, ...g.storageWrites, ...left], 'privacy finding(s) on the control fixture');
    });
    await ctx.close();
  }
}

let crashed = null;
try {
  await main();
} catch (err) {
  crashed = err;
  console.log(`run.mjs: aborted: ${err.stack || err}`);
  t.failed++;
  t.failures.push(`(suite aborted: ${err.message})`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (fixtures) await fixtures.close().catch(() => {});
  if (opts.keep) console.log(`kept ${tmp}`);
  cleanupSync();
}
t.summary();
process.exit(t.failed || crashed ? 1 : 0);
