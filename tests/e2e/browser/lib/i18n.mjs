// i18n.mjs: right to left, the fallback notice, the language switcher and
// the quick exit, over the Arabic fixture site (tests/fixtures/i18n/make.sh:
// the fixture site plus Arabic, a test language, with a sensitive tree),
// built into its own folder and served by a static server: Nu checker,
// axe, no sideways scrolling at 375px, the mirrored layout, screenshots,
// and the quick exit with and without JavaScript.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CheckError, expectNone, assert, assertEqual } from './harness.mjs';
import { startStatic } from './servers.mjs';
import { htmlFiles } from './site.mjs';
import { vnuCheck, axeCheck, horizontalOverflow } from './checks.mjs';

const NEUTRAL = 'https://www.weeronline.nl/';
const PAGES = {
  home: '/ar/',
  page: '/ar/man-nahnu/',
  tip: '/ar/nasaih/passwords/',           // a stand-in: English, with the notice
  triage: '/ar/musaada/triage/',
  question: '/ar/musaada/triage/more/',  // translated, with a back link
  standin: '/ar/musaada/ransomware/',     // sensitive stand-in
  outcome: '/ar/musaada/ransomware/encrypted/',
  plans: '/ar/khutat/',
  orgs: '/ar/munazzamat/',
  contact: '/ar/contact/',
};

export async function i18nTests({ t, browser, src, build, tmp, shots, desktop, phone, chromiumOpts = {} }) {
  const dir = path.join(tmp, 'i18n');
  const pub = path.join(dir, 'public');
  const made = await t.test('setup: the Arabic fixture site builds (tests/fixtures/i18n/make.sh)', () => {
    let r = spawnSync('sh', [path.join(src, 'tests/fixtures/i18n/make.sh'), dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new CheckError(`make.sh exited ${r.status}`, (r.stderr || '').trim().split('\n'));
    r = spawnSync(path.join(build, 'hhd'), ['build', '-q', '--content', path.join(dir, 'content'), '--theme',
      path.join(dir, 'theme'), '--out', pub], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new CheckError(`hhd build exited ${r.status}`, (r.stderr || '').trim().split('\n'));
    return true;
  });
  if (!made) return;
  const files = htmlFiles(path.join(pub, 'ar'));
  await t.test(`rtl: the Nu HTML Checker finds zero errors on the ${files.length} Arabic pages`, () => {
    const vnu = vnuCheck(files);
    const problems = [];
    for (const [f, errs] of vnu) for (const e of errs) problems.push(`${path.relative(pub, f)}:${e}`);
    expectNone(problems, 'HTML error(s)');
  });
  const srv = await startStatic(pub);
  const base = srv.base;
  const context = async (o = {}) => {
    const ctx = await browser.newContext({ viewport: desktop, reducedMotion: 'reduce', ...chromiumOpts, ...o });
    ctx.setDefaultTimeout(15_000);
    // the neutral page, answered here: nothing leaves the machine
    await ctx.route(`${NEUTRAL}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html',
      body: '<!DOCTYPE html><html lang="nl"><title>Weer</title><p>Het weer</p></html>' }));
    return ctx;
  };
  try {
    for (const [vp, size] of [['desktop', desktop], ['375px', phone]]) {
      const ctx = await context({ viewport: size });
      const page = await ctx.newPage();
      for (const [type, p] of Object.entries(PAGES)) {
        await t.test(`rtl: axe finds no violation and nothing scrolls sideways on ${type} (ar, ${vp}) ${p}`, async () => {
          const res = await page.goto(base + p, { waitUntil: 'load' });
          assert(res && res.status() === 200, `${p} answered ${res && res.status()}`);
          const html = await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);
          assertEqual(html.join(' '), 'ar rtl', `<html lang dir> on ${p}`);
          expectNone(await axeCheck(page), 'axe violation(s)');
          expectNone(await horizontalOverflow(page), 'overflow problem(s)');
        });
      }
      await t.test(`rtl: screenshots of the Arabic home, question and step plan saved (${vp})`, async () => {
        for (const name of ['home', 'question', 'standin', 'outcome']) {
          await page.goto(base + PAGES[name], { waitUntil: 'load' });
          await page.screenshot({ path: path.join(shots, `ar-${name}-${vp}.png`), fullPage: true });
        }
      });
      await ctx.close();
    }

    const ctx = await context();
    const page = await ctx.newPage();
    await t.test('rtl: the layout mirrors: back link right of "start over", emergency and fallback borders on the right, checklist and help button on the right', async () => {
      const probe = async (p) => {
        await page.goto(base + p, { waitUntil: 'load' });
        return page.evaluate(() => {
          const r = (s) => { const e = document.querySelector(s); return e ? e.getBoundingClientRect() : null; };
          const st = (s) => { const e = document.querySelector(s); return e ? getComputedStyle(e) : null; };
          const nav = [...document.querySelectorAll('.steps-nav a')].map((a) => a.getBoundingClientRect().left);
          const em = st('.emergency');
          const fb = st('.fallback-notice');
          const brand = r('.brand'), langs = r('.langs');
          return { nav, emRight: em && em.borderRightWidth, emLeft: em && em.borderLeftWidth,
            fbRight: fb && fb.borderRightWidth, brandRight: brand && brand.right, langsRight: langs && langs.right,
            stepsPad: st('.steps') && st('.steps').paddingRight };
        });
      };
      const ar = await probe(PAGES.question);
      const sa = await probe(PAGES.standin);
      assertEqual(sa.fbRight, '6px', 'the fallback notice border on the right');
      assert(ar.nav.length >= 2 && ar.nav[0] > ar.nav[1], `the back link is not right of "start over": ${ar.nav}`);
      assertEqual(ar.emRight, '6px', 'the emergency box border on the right');
      assertEqual(ar.emLeft, '0px', 'no emergency box border on the left');
      assert(ar.langsRight === null || ar.brandRight > ar.langsRight, 'the site name is not right of the languages');
      const nl = await probe('/nl/hulp/triage/more/');
      assert(nl.nav.length >= 2 && nl.nav[0] < nl.nav[1], `Dutch: the back link is not left of "start over": ${nl.nav}`);
      assertEqual(nl.emLeft, '6px', 'Dutch: the emergency box border on the left');
      // the only step plan here is a stand-in (English, left to right inside
      // the Arabic page): set its content right to left to see the checklist mirror
      await page.goto(base + PAGES.outcome, { waitUntil: 'load' });
      const cl = await page.evaluate(() => {
        document.querySelector('main').dir = 'rtl';
        const li = document.querySelector('.steps > li');
        const box = li.querySelector('input').getBoundingClientRect(), label = li.querySelector('label').getBoundingClientRect();
        return { pad: getComputedStyle(document.querySelector('.steps')).paddingRight, box: box.left, label: label.left };
      });
      assert(parseFloat(cl.pad) > 20, `the step list is not indented on the right (padding-right ${cl.pad})`);
      assert(cl.box > cl.label, `the checkbox is not right of its label (${cl.box} vs ${cl.label})`);
      await page.goto(base + PAGES.home, { waitUntil: 'load' });
      const hb = await page.evaluate(() => { const r = document.querySelector('.help-button.big').getBoundingClientRect(); return [r.left, r.right, document.documentElement.clientWidth]; });
      assert(hb[1] > hb[2] / 2, `the help button is not on the right half: ${hb}`);
    });
    await t.test('rtl: phone numbers stay left to right in Arabic text (tel: links isolated)', async () => {
      await page.goto(base + PAGES.home, { waitUntil: 'load' });
      const tels = await page.evaluate(() => [...document.querySelectorAll('a[href^="tel:"]')].map((a) =>
        [a.getAttribute('dir'), getComputedStyle(a).direction, getComputedStyle(a).unicodeBidi, a.textContent]));
      assert(tels.length >= 2, 'no tel: links on the Arabic home page');
      for (const [d, dir, bidi, text] of tels) {
        assert(d === 'ltr' && dir === 'ltr' && bidi === 'isolate', `${text}: dir=${d}, direction ${dir}, unicode-bidi ${bidi}`);
      }
    });
    await t.test('fallback: an untranslated tip shows the notice in Arabic, links the Dutch original, and is marked English', async () => {
      await page.goto(base + PAGES.tip, { waitUntil: 'load' });
      const n = await page.evaluate(() => {
        const p = document.querySelector('.fallback-notice');
        const a = p && p.querySelector('a');
        const main = document.querySelector('main');
        return p && { lang: p.lang, dir: p.dir, text: p.textContent, href: a && a.getAttribute('href'), main: main.lang,
          canonical: document.querySelector('link[rel=canonical]').href, alts: document.querySelectorAll('link[rel=alternate]').length };
      });
      assert(n, 'no .fallback-notice');
      assertEqual(`${n.lang} ${n.dir}`, 'ar rtl', 'the notice is in the visitor\'s language');
      assert(/غير مترجمة/.test(n.text), `the notice says: ${n.text}`);
      assert(n.href && n.href.startsWith('/nl/tips/'), `the original link: ${n.href}`);
      assertEqual(n.main, 'en', 'the page shown is marked as English');
      assert(/\/en\/tips\/passwords\/$/.test(n.canonical), `canonical: ${n.canonical}`);
      assertEqual(n.alts, 0, 'hreflang alternates on a stand-in');
      const res = await page.goto(base + n.href, { waitUntil: 'load' });
      assert(res.status() === 200, `the Dutch original answered ${res.status()}`);
      await page.goto(base + PAGES.page, { waitUntil: 'load' });
      assertEqual(await page.locator('.fallback-notice').count(), 0, 'a notice on a translated page');
    });
    await t.test('switcher: lists every language that has the page, and only those', async () => {
      const langs = async (p) => {
        await page.goto(base + p, { waitUntil: 'load' });
        return page.evaluate(() => [...document.querySelectorAll('.langs a')].map((a) => a.getAttribute('hreflang')).join(' '));
      };
      assertEqual(await langs(PAGES.page), 'nl en', 'the Arabic about page');
      assertEqual(await langs('/nl/over-ons/'), 'en ar', 'the Dutch about page');
      assertEqual(await langs('/nl/tips/wachtwoorden/'), 'en', 'a Dutch tip Arabic lacks');
      assertEqual(await langs(PAGES.question), 'nl en', 'an Arabic question');
      assertEqual(await langs(PAGES.tip), 'nl en', 'the Arabic stand-in');
      // the root page refreshes to the default language at once: read it as a file
      const rootHtml = fs.readFileSync(path.join(pub, 'index.html'), 'utf8');
      const root = [...rootHtml.matchAll(/<li><a href="[^"]*" hreflang="[^"]*" lang="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => `${m[1]}:${m[2]}`).join(' ');
      assertEqual(root, 'nl:Nederlands en:English ar:العربية', 'the root page offers every language by its own name');
    });
    await ctx.close();

    // ---------------------------------------------------------- quick exit
    await t.test('quick exit: on every page of the sensitive tree, named and described for screen readers, no counter', async () => {
      const c = await context();
      const p = await c.newPage();
      const hits = [];
      p.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/hit')) hits.push(r.url()); });
      const sensitive = htmlFiles(path.join(pub, 'ar/musaada/ransomware')).concat(htmlFiles(path.join(pub, 'nl/hulp/ransomware')));
      assert(sensitive.length >= 4, `only ${sensitive.length} sensitive pages`);
      for (const f of sensitive) {
        const u = '/' + path.relative(pub, f).replace(/index\.html$/, '');
        await p.goto(base + u, { waitUntil: 'load' });
        const link = p.getByRole('link', { name: /غادر هذه الصفحة|Snel weg/ });
        assertEqual(await link.count(), 1, `the quick exit on ${u}`);
        assertEqual(await link.getAttribute('href'), NEUTRAL, `its target on ${u}`);
        const desc = await link.evaluate((a) => document.getElementById(a.getAttribute('aria-describedby')).textContent);
        assert(/Esc/.test(desc), `the description on ${u}: ${desc}`);
        assertEqual(await p.evaluate(() => document.body.hasAttribute('data-hit-path')), false, `counter attributes on ${u}`);
        assertEqual(await p.locator('form.feedback, noscript').count(), 0, `a counting form or image on ${u}`);
      }
      await p.waitForTimeout(300);
      expectNone(hits, 'counter request(s) on sensitive pages');
      // a page outside the tree still counts
      await p.goto(base + PAGES.page, { waitUntil: 'load' });
      assertEqual(await p.evaluate(() => document.body.hasAttribute('data-hit-path')), true, 'counter attributes on a plain page');
      await c.close();
    });
    for (const how of ['button', 'Esc']) {
      await t.test(`quick exit (JavaScript, ${how}): the plan is replaced by the neutral page and Back does not return to it`, async () => {
        const c = await context();
        const p = await c.newPage();
        await p.goto(base + PAGES.home, { waitUntil: 'load' });
        await p.goto(base + PAGES.triage, { waitUntil: 'load' });
        await p.goto(base + PAGES.standin, { waitUntil: 'load' });
        // inside the plan, links replace the page too
        await Promise.all([p.waitForURL((u) => u.pathname !== PAGES.standin), p.locator('ul.answers a').first().click()]);
        const inPlan = new URL(p.url()).pathname;
        assert(inPlan.startsWith('/ar/musaada/ransomware/'), `the answer led to ${inPlan}`);
        if (how === 'button') await Promise.all([p.waitForURL(NEUTRAL), p.locator('a.quick-exit').click()]);
        else await Promise.all([p.waitForURL(NEUTRAL), p.keyboard.press('Escape')]);
        await p.goBack({ waitUntil: 'load' });
        const back = new URL(p.url()).pathname;
        assertEqual(back, PAGES.triage, 'Back from the neutral page');
        await c.close();
      });
    }
    await t.test('quick exit (no JavaScript): a plain link to the neutral page', async () => {
      const c = await context({ javaScriptEnabled: false });
      const p = await c.newPage();
      await p.goto(base + PAGES.outcome, { waitUntil: 'load' });
      await Promise.all([p.waitForURL(NEUTRAL), p.getByRole('link', { name: 'غادر هذه الصفحة' }).click()]);
      assert(/Het weer/.test(await p.textContent('body')), 'not the neutral page');
      await p.keyboard.press('Escape'); // nothing to do, nothing breaks
      await c.close();
    });
  } finally {
    await srv.close();
  }
}
