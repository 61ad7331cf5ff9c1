// checks.mjs: the checks themselves, each a function that returns a list
// of problems (strings); an empty list means the check passed. The same
// functions run on the real site and on the deliberately broken fixture
// pages, so a negative test proves the very code that guards the site.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import AxeBuilder from '@axe-core/playwright';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- vnu

// Run the Nu HTML Checker once over all `files`. Returns a Map from file
// to its list of errors ("line:col: message"); files without errors are
// absent. Warnings and info messages are not errors and are ignored.
export function vnuCheck(files) {
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  const r = spawnSync('java', ['-Xss1m', '-jar', jar, '--format', 'json', '--stdout', '--exit-zero-always', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  if (r.error) throw new Error(`cannot run java: ${r.error.message}`);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`vnu gave no JSON report (exit ${r.status}): ${(r.stderr || r.stdout || '').slice(0, 500)}`);
  }
  const errors = new Map();
  for (const m of report.messages || []) {
    const isError = m.type === 'error' || (m.type === 'non-document-error');
    if (!isError) continue;
    const file = m.url ? decodeURIComponent(m.url.replace(/^file:/, '')) : '(vnu)';
    const where = m.lastLine ? `${m.lastLine}:${m.firstColumn || m.lastColumn || 0}` : '-';
    const list = errors.get(file) || [];
    list.push(`${where}: ${m.message}${m.extract ? `  [${m.extract.replace(/\s+/g, ' ').trim().slice(0, 80)}]` : ''}`);
    errors.set(file, list);
  }
  return errors;
}

// ---------------------------------------------------------------- axe

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// axe-core's WCAG 2.1 A + AA violations on the loaded page.
export async function axeCheck(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const problems = [];
  for (const v of results.violations) {
    const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ');
    problems.push(`${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s): ${targets}`);
  }
  return problems;
}

// ---------------------------------------------------------------- phone

// Whether the page scrolls sideways: the document is wider than the
// viewport. Names the widest elements that stick out.
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const sw = Math.max(document.documentElement.scrollWidth, document.body ? document.body.scrollWidth : 0);
    if (sw <= vw) return [];
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > vw + 0.5 && r.width > 0) {
        const id = el.id ? `#${el.id}` : '';
        const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
        culprits.push(`${el.tagName.toLowerCase()}${id}${cls} right edge at ${Math.round(r.right)}px`);
      }
      if (culprits.length >= 5) break;
    }
    return [`page is ${sw}px wide in a ${vw}px viewport`, ...culprits];
  });
}

// Is the page's <h1> and are its first `count` elements matching `selector`
// fully inside the first screen (the viewport's height, no scrolling)?
// Returns the problems: an element missing, hidden or ending below the fold.
export async function belowFold(page, selector, count) {
  return page.evaluate(({ selector, count }) => {
    const fold = window.innerHeight;
    const problems = [];
    const check = (el, what) => {
      if (!el) { problems.push(`${what}: missing`); return; }
      const r = el.getBoundingClientRect();
      if (r.height === 0) problems.push(`${what}: not shown`);
      else if (r.bottom > fold + 0.5) problems.push(`${what} ends at ${Math.round(r.bottom)}px, below the ${fold}px screen`);
    };
    window.scrollTo(0, 0);
    check(document.querySelector('h1'), 'the heading');
    const els = [...document.querySelectorAll(selector)];
    for (let i = 0; i < count; i++) check(els[i], `answer ${i + 1} ("${els[i] ? els[i].textContent.trim().slice(0, 40) : ''}")`);
    return problems;
  }, { selector, count });
}

// Print the page to PDF (A4, the page's own @page size wins) and count its
// sheets; in print emulation, report form fields that are hidden or wider
// than the paper, and a document wider than the paper.
export async function printFit(page) {
  await page.emulateMedia({ media: 'print' });
  const problems = await page.evaluate(() => {
    const out = [];
    const vw = document.documentElement.clientWidth;
    const sw = document.documentElement.scrollWidth;
    if (sw > vw + 1) out.push(`the printed page is ${sw}px wide on ${vw}px of paper`);
    const fields = [...document.querySelectorAll('main input, main textarea')];
    if (fields.length === 0) out.push('no form field to fill in');
    for (const f of fields) {
      const r = f.getBoundingClientRect();
      const name = f.id || f.getAttribute('aria-label') || f.name;
      if (!f.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) || r.height === 0) out.push(`field ${name} is not printed`);
      else if (r.right > vw + 1) out.push(`field ${name} runs off the paper (right edge ${Math.round(r.right)}px of ${vw}px)`);
    }
    return out;
  });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: false });
  const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  await page.emulateMedia({ media: 'screen' });
  return { problems, sheets };
}

// Links or buttons matching selector that are shorter than min pixels.
export async function smallTargets(page, selector, min = 44) {
  const boxes = await page.locator(selector).evaluateAll((els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    return { text: el.textContent.trim().slice(0, 60), h: r.height, w: r.width };
  }));
  return boxes.filter((b) => b.h < min).map((b) => `"${b.text}" is ${b.h.toFixed(1)}px tall (< ${min}px)`);
}

// ---------------------------------------------------------------- print

// On a page emulating print media: phone numbers and the targets of links
// to other sites must be on paper. Returns { problems, phones, links }.
export async function printCheck(page) {
  return page.evaluate(() => {
    const problems = [];
    const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const after = (el) => getComputedStyle(el, '::after').content;
    const tels = [...document.querySelectorAll('main a[href^="tel:"]')];
    let phones = 0;
    for (const a of tels) {
      const number = a.getAttribute('href').slice(4);
      const digits = (s) => s.replace(/[^0-9]/g, '');
      const text = `${a.innerText} ${after(a)}`;
      if (!shown(a)) problems.push(`phone link ${number} is not printed`);
      else if (!digits(text).includes(digits(number).replace(/^31/, '')) && !digits(text).includes(digits(number))) {
        problems.push(`phone link ${number} prints without its number: "${text.trim()}"`);
      } else phones++;
    }
    const ext = [...document.querySelectorAll('main a[href^="http"]')];
    let links = 0;
    for (const a of ext) {
      const href = a.getAttribute('href');
      if (!shown(a)) {
        problems.push(`link to ${href} is hidden in print ("${a.textContent.trim().slice(0, 40)}")`);
        continue;
      }
      const printed = `${a.innerText} ${after(a)}`;
      if (!printed.includes(href)) problems.push(`link "${a.textContent.trim().slice(0, 40)}" prints without its target ${href}`);
      else links++;
    }
    for (const box of document.querySelectorAll('.steps input[type=checkbox]')) {
      if (!shown(box)) problems.push('a step\'s "done" box is not printed');
    }
    return { problems, phones, links };
  });
}

// ---------------------------------------------------------------- links

const ATTR_RE = /\s(href|src|action|poster|srcset|content)\s*=\s*("([^"]*)"|'([^']*)')/gi;
const TAG_RE = /<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>/g;
const ID_RE = /\s(?:id|name)\s*=\s*("([^"]*)"|'([^']*)')/gi;

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (m, e) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
    return String.fromCodePoint(parseInt(k.slice(1), 10));
  });
}

// The URLs an HTML document refers to: [{ tag, attr, url }], plus its ids.
export function extractRefs(htmlText) {
  const refs = [];
  const ids = new Set();
  const text = htmlText.replace(/<!--[\s\S]*?-->/g, '');
  for (const tm of text.matchAll(TAG_RE)) {
    const tag = tm[1].toLowerCase();
    const attrs = tm[2] || '';
    const get = {};
    for (const am of attrs.matchAll(ATTR_RE)) get[am[1].toLowerCase()] = decodeEntities(am[3] ?? am[4] ?? '');
    for (const im of attrs.matchAll(ID_RE)) ids.add(decodeEntities(im[2] ?? im[3] ?? ''));
    const methodPost = /\smethod\s*=\s*["']?post/i.test(attrs);
    if (get.href !== undefined) refs.push({ tag, attr: 'href', url: get.href });
    if (get.src !== undefined) refs.push({ tag, attr: 'src', url: get.src });
    if (get.poster !== undefined) refs.push({ tag, attr: 'poster', url: get.poster });
    if (get.srcset !== undefined) {
      for (const part of get.srcset.split(',')) {
        const u = part.trim().split(/\s+/)[0];
        if (u) refs.push({ tag, attr: 'srcset', url: u });
      }
    }
    if (tag === 'form' && get.action !== undefined) refs.push({ tag, attr: 'action', url: get.action, post: methodPost });
    if (tag === 'meta' && get.content !== undefined && /http-equiv\s*=\s*["']?refresh/i.test(attrs)) {
      const m = /url\s*=\s*['"]?([^'"]+)/i.exec(get.content);
      if (m) refs.push({ tag, attr: 'refresh', url: m[1].trim() });
    }
  }
  return { refs, ids };
}

// Crawl a site over HTTP from `start`, following every internal link
// (a, link, script, img, meta refresh, GET forms; the site's production
// address `alias` counts as internal). Dynamic endpoints under /api/ are
// left to the flow tests. Returns { broken, reached, pages } where broken
// lists "from -> href: why", reached is the set of URL paths answered with
// 200 and pages the HTML pages among them.
export async function crawl(base, { start = '/', alias = null, skip = /^\/api\//, concurrency = 4, limit = 5000 } = {}) {
  const origin = new URL(base).origin;
  const seen = new Map(); // path -> Promise<{ status, html, ids }>
  const broken = [];
  const reached = new Set();
  const pages = new Set();
  const fragments = []; // [from, path, fragment, href]
  const queue = [];

  const internalPath = (href, from) => {
    if (/^(tel|mailto|javascript|data|blob|about):/i.test(href)) return null;
    let u;
    try {
      u = new URL(href, origin + from);
    } catch {
      return { error: 'malformed URL' };
    }
    if (alias && u.href.startsWith(alias.replace(/\/$/, '') + '/')) u = new URL(u.href.slice(alias.replace(/\/$/, '').length), origin);
    else if (u.origin !== origin) return null;
    return { path: u.pathname + u.search, fragment: u.hash ? decodeURIComponent(u.hash.slice(1)) : '' };
  };

  async function fetchPath(p) {
    let url = origin + p;
    for (let hops = 0; hops < 5; hops++) {
      const res = await fetch(url, { redirect: 'manual', headers: { 'user-agent': 'hhd-browser-suite-crawler' } });
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        const next = new URL(res.headers.get('location'), url);
        if (next.origin !== origin) return { status: res.status, why: `redirects off-site to ${next.href}` };
        url = next.href;
        continue;
      }
      const type = res.headers.get('content-type') || '';
      const body = type.startsWith('text/html') ? await res.text() : (await res.arrayBuffer(), '');
      return { status: res.status, html: body, finalPath: new URL(url).pathname };
    }
    return { status: 0, why: 'too many redirects' };
  }

  const visit = (p) => {
    if (!seen.has(p)) {
      if (seen.size >= limit) return Promise.resolve({ status: 0, why: 'crawl limit reached' });
      const pr = fetchPath(p).then((r) => {
        if (r.status === 200) {
          reached.add(r.finalPath || p);
          reached.add(p);
          if (r.html) {
            pages.add(r.finalPath || p);
            const { refs, ids } = extractRefs(r.html);
            r.ids = ids;
            for (const ref of refs) queue.push({ from: r.finalPath || p, ref });
          }
        }
        return r;
      }).catch((e) => ({ status: 0, why: e.message }));
      seen.set(p, pr);
    }
    return seen.get(p);
  };

  const check = async ({ from, ref }) => {
    if (ref.post) return; // a form that posts: the flow tests submit it
    const t = internalPath(ref.url, from);
    if (!t) return;
    if (t.error) {
      broken.push(`${from} -> ${ref.url}: ${t.error}`);
      return;
    }
    const bare = t.path.split('?')[0];
    if (skip && skip.test(bare)) return;
    const target = t.path === '' ? from : t.path;
    const r = await visit(target);
    if (r.status !== 200) {
      broken.push(`${from} -> ${ref.url} (<${ref.tag} ${ref.attr}>): ${r.why || `HTTP ${r.status}`}`);
    } else if (t.fragment) {
      fragments.push([from, target, t.fragment, ref.url]);
    }
  };

  const first = await visit(start);
  if (first.status !== 200) broken.push(`start ${start}: ${first.why || `HTTP ${first.status}`}`);
  while (queue.length) {
    const batch = queue.splice(0, Math.max(concurrency, queue.length));
    for (let i = 0; i < batch.length; i += concurrency) {
      await Promise.all(batch.slice(i, i + concurrency).map(check));
    }
  }
  for (const [from, target, frag, href] of fragments) {
    const r = await seen.get(target);
    if (r.html && !r.ids.has(frag)) broken.push(`${from} -> ${href}: no element with id "${frag}"`);
  }
  return { broken, reached, pages };
}

// ---------------------------------------------------------------- privacy

// Watch a browser context: every request that would leave `origin` is
// aborted before it is sent and recorded, as is every Set-Cookie header
// and every console error (CSP violations show up there).
export async function guardContext(context, origin) {
  const record = { offsite: [], cookies: [], consoleErrors: [], requests: [] };
  await context.route((url) => new URL(url).origin !== origin, async (route) => {
    record.offsite.push(route.request().url());
    await route.abort('blockedbyclient');
  });
  context.on('request', (req) => record.requests.push(`${req.method()} ${req.url()}`));
  context.on('response', async (res) => {
    const sc = await res.headerValue('set-cookie').catch(() => null);
    if (sc) record.cookies.push(`${res.url()}: Set-Cookie: ${sc}`);
  });
  const watchPage = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') record.consoleErrors.push({ page: page.url(), text: msg.text(), source: msg.location().url || '' });
    });
    page.on('pageerror', (err) => record.consoleErrors.push({ page: page.url(), text: err.message, source: '' }));
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  // Report every write to the browser's stores as it happens (a page could
  // write and clean up before storageProblems() looks). Runs before the
  // page's own scripts, through the DevTools protocol (CSP does not apply).
  record.storageWrites = [];
  await context.exposeBinding('__hhdStorageWrite', ({ page }, what) => {
    record.storageWrites.push(`${page ? page.url() : '?'}: ${what}`);
  });
  await context.addInitScript(() => {
    const report = (what) => { try { window.__hhdStorageWrite(what); } catch { /* binding gone */ } };
    const wrap = (proto, name, label) => {
      if (!proto || typeof proto[name] !== 'function') return;
      const orig = proto[name];
      proto[name] = function (...args) {
        report(`${label(this)}.${name}(${String(args[0]).slice(0, 60)})`);
        return orig.apply(this, args);
      };
    };
    const storeName = (s) => (s === window.sessionStorage ? 'sessionStorage' : 'localStorage');
    wrap(window.Storage && Storage.prototype, 'setItem', storeName);
    wrap(window.IDBFactory && IDBFactory.prototype, 'open', () => 'indexedDB');
    wrap(window.CacheStorage && CacheStorage.prototype, 'open', () => 'caches');
    wrap(window.ServiceWorkerContainer && ServiceWorkerContainer.prototype, 'register', () => 'serviceWorker');
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    if (cookie && cookie.set) {
      Object.defineProperty(Document.prototype, 'cookie', {
        configurable: true,
        get() { return cookie.get.call(this); },
        set(v) { report(`document.cookie = ${String(v).slice(0, 60)}`); cookie.set.call(this, v); },
      });
    }
  });
  return record;
}

// What the page's origin has stored: cookies, Web Storage, IndexedDB,
// Cache Storage. Needs JavaScript evaluation, which works for the test
// even where the page's own scripts are off.
export async function storageProblems(page) {
  return page.evaluate(async () => {
    const out = [];
    if (document.cookie) out.push(`document.cookie = "${document.cookie}"`);
    if (localStorage.length) out.push(`localStorage has ${localStorage.length} item(s): ${Object.keys(localStorage).join(', ')}`);
    if (sessionStorage.length) out.push(`sessionStorage has ${sessionStorage.length} item(s): ${Object.keys(sessionStorage).join(', ')}`);
    if (indexedDB.databases) {
      const dbs = await indexedDB.databases();
      if (dbs.length) out.push(`IndexedDB databases: ${dbs.map((d) => d.name).join(', ')}`);
    }
    if (self.caches) {
      const keys = await caches.keys();
      if (keys.length) out.push(`Cache Storage: ${keys.join(', ')}`);
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      const regs = await navigator.serviceWorker.getRegistrations();
      if (regs.length) out.push(`${regs.length} service worker(s) registered`);
    }
    return out;
  });
}

export function ensureDir(d) {
  fs.mkdirSync(d, { recursive: true });
  return d;
}

export function rel(base, p) {
  return path.relative(base, p) || '.';
}

// The pages in `paths` that a crawl did not reach (`reached` from crawl()),
// except those for which skip(path) gives a reason not to need a link.
export function unreachablePages(paths, reached, skip = () => null) {
  return paths.filter((p) => !skip(p) && !reached.has(p));
}

// What a Content-Security-Policy without 'unsafe-inline' would block: inline
// <script> and <style>, style="" attributes, on...="" handlers and
// javascript: URLs. Returns "line: what" strings.
export function inlineCode(htmlText) {
  const problems = [];
  const lineOf = (i) => htmlText.slice(0, i).split('\n').length;
  const text = htmlText.replace(/<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '));
  for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const type = /\stype\s*=\s*["']?([^"'\s>]+)/i.exec(m[1]);
    const isData = type && !/javascript|module/i.test(type[1]);
    if (!/\ssrc\s*=/i.test(m[1]) && !isData && m[2].trim()) problems.push(`${lineOf(m.index)}: inline <script>`);
  }
  for (const m of text.matchAll(/<style\b/gi)) problems.push(`${lineOf(m.index)}: <style> element`);
  for (const m of text.matchAll(/<[a-z][^>]*\sstyle\s*=/gi)) problems.push(`${lineOf(m.index)}: style attribute`);
  for (const m of text.matchAll(/<[a-z][^>]*\son[a-z]+\s*=/gi)) problems.push(`${lineOf(m.index)}: event handler attribute`);
  for (const m of text.matchAll(/(?:href|src|action)\s*=\s*["']?\s*javascript:/gi)) problems.push(`${lineOf(m.index)}: javascript: URL`);
  return problems;
}
