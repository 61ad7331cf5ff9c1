// flows.mjs: the visitor's walk through the real site, and the database
// reads (through the sqlite3 command-line tool) that prove what it left.

import { spawnSync } from 'node:child_process';
import { CheckError } from './harness.mjs';
import { storageProblems } from './checks.mjs';

// Run one SQL statement on the database with the sqlite3 CLI; rows as
// objects. Read-only, and waits for hhd-fcgi's write lock if need be.
export function sql(db, statement) {
  const r = spawnSync('sqlite3', ['-readonly', '-json', '-cmd', '.timeout 5000', db, statement], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error) throw new Error(`cannot run sqlite3: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`sqlite3 failed: ${r.stderr.trim()}`);
  const out = r.stdout.trim();
  return out ? JSON.parse(out) : [];
}

// The counters as a Map "path event via" -> n, summed over all days.
export function readCounters(db) {
  const rows = sql(db, 'SELECT path, event, via, SUM(n) AS n FROM hit GROUP BY path, event, via');
  return new Map(rows.map((r) => [`${r.path} ${r.event}${r.via ? ` via=${r.via}` : ''}`, Number(r.n)]));
}

export function counterDelta(before, after) {
  const d = new Map();
  for (const [k, v] of after) {
    const diff = v - (before.get(k) || 0);
    if (diff) d.set(k, diff);
  }
  for (const [k, v] of before) if (!after.has(k)) d.set(k, -v);
  return d;
}

export function compareCounts(expected, actual) {
  const problems = [];
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  for (const k of [...keys].sort()) {
    const e = expected.get(k) || 0;
    const a = actual.get(k) || 0;
    if (e !== a) problems.push(`${k}: expected +${e}, counted +${a}`);
  }
  return problems;
}

// Poll until the counters moved by exactly `expected` (beacons arrive
// asynchronously), then wait a little longer to catch any late extras.
export async function waitForCounts(db, before, expected, { timeout = 8000, settle = 700 } = {}) {
  const t0 = Date.now();
  let delta;
  for (;;) {
    delta = counterDelta(before, readCounters(db));
    if (compareCounts(expected, delta).length === 0 || Date.now() - t0 > timeout) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, settle));
  delta = counterDelta(before, readCounters(db));
  return compareCounts(expected, delta);
}

// The walk of a visitor in trouble: home, the help button, the triage
// questions (always the first answer, so the walk is repeatable), a step
// plan, "ask the helpdesk", the form, the thank-you page; then, back on the
// step plan, "did this help? yes". Returns what it did, for the checks.
//
// Every page is checked as it loads: HTTP 200, the page the manifest says,
// and (JavaScript on) nothing stored. `expect` collects the counter events
// this walk must raise: one per page load (`outcome` on a step plan, `view`
// elsewhere), `help` on the page the help button leads to (the triage's
// first question), and `yes` for the answer.
//
// With `via` (a partner code) the walk starts at /nl/?via=CODE, as from a
// partner's link: the home page's events then count for that partner.
export async function walk(page, { base, manifest, words, js, token, via = '', maxQuestions = 12 }) {
  const expect = new Map();
  let partner = via;
  const add = (p, ev) => {
    const k = `${p} ${ev}${partner ? ` via=${partner}` : ''}`;
    expect.set(k, (expect.get(k) || 0) + 1);
  };
  const steps = [];
  const storage = [];
  const pathOf = () => new URL(page.url()).pathname;
  const kindOf = (p) => (manifest.byPath.get(p) || {}).kind;

  async function arrived(response, wantKind, event) {
    const p = pathOf();
    if (!response) throw new CheckError(`no response for ${p}`);
    if (response.status() !== 200) {
      const text = (await page.locator('body').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      throw new CheckError(`${p} answered HTTP ${response.status()}`, text ? [`the page says: ${text.slice(0, 300)}`] : []);
    }
    const kind = kindOf(p);
    if (wantKind && kind !== wantKind) throw new CheckError(`expected a ${wantKind} page, reached ${p} (${kind || 'not in the manifest'})`);
    add(p, event || (kind === 'outcome' ? 'outcome' : 'view'));
    steps.push(`${p} (${kind})`);
    if (js) {
      await page.waitForLoadState('load');
      for (const s of await storageProblems(page)) storage.push(`${p}: ${s}`);
    }
    return p;
  }

  // navigate by clicking `locator`; resolves with the main document's response
  async function follow(locator, what) {
    const n = await locator.count();
    if (n < 1) throw new CheckError(`${pathOf()}: no ${what}`);
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      locator.first().click(),
    ]);
    return response;
  }

  const lang = 'nl';
  const home = await arrived(await page.goto(`${base}/${lang}/${via ? `?via=${encodeURIComponent(via)}` : ''}`), 'home');

  // the big button in the page body (the header has the same one)
  const help = page.getByRole('main').getByRole('link', { name: words.help_button, exact: true });
  const helpResponse = await follow(help, `"${words.help_button}" link`);
  partner = ''; // the partner's code stays on the page it linked to
  // the page the help button leads to counts as a help press, with or
  // without JavaScript (its counter event is "help" instead of "view")
  let p = await arrived(helpResponse, 'question', 'help');

  let questions = 1;
  while (kindOf(p) === 'question') {
    if (questions++ > maxQuestions) throw new CheckError(`no step plan after ${maxQuestions} questions`);
    const answer = page.locator('ul.answers').getByRole('link');
    p = await arrived(await follow(answer, 'answer link'));
  }
  const outcome = manifest.byPath.get(p);
  if (!outcome || outcome.kind !== 'outcome') throw new CheckError(`the answers led to ${p}, not a step plan`);

  // "Ask the helpdesk"
  const ask = page.getByRole('link', { name: words.ask_button, exact: true });
  const askPath = await arrived(await follow(ask, `"${words.ask_button}" link`), 'contact');
  if (askPath !== `${outcome.path}${words.ask_slug}/`) {
    throw new CheckError(`"${words.ask_button}" led to ${askPath}, expected ${outcome.path}${words.ask_slug}/`);
  }
  const hidden = await page.locator('form.contact').evaluate((f) => ({
    incident: f.elements.incident && f.elements.incident.value,
    node: f.elements.node && f.elements.node.value,
    lang: f.elements.lang && f.elements.lang.value,
  }));
  if (hidden.incident !== outcome.tree || hidden.node !== outcome.node || hidden.lang !== lang) {
    throw new CheckError(`the form carries ${JSON.stringify(hidden)}, expected incident "${outcome.tree}", node "${outcome.node}", lang "${lang}"`);
  }

  // the form, filled in through its labels, as a visitor (or a screen reader) finds it
  const message = `Browser suite ${js ? 'JS' : 'no-JS'} walk ${token}: mijn bestanden zijn versleuteld.`;
  await page.getByLabel(words.form_message).fill(message);
  await page.getByLabel(words.form_name).fill('Test Ondernemer');
  await page.getByLabel(words.form_company).fill('Bakkerij Test');
  await page.getByLabel(words.form_email, { exact: true }).fill('test@example.invalid');
  await page.getByLabel(words.form_consent).check();
  const submit = page.getByRole('button', { name: words.form_submit, exact: true });
  const thanks = await arrived(await follow(submit, `"${words.form_submit}" button`), 'thanks');

  // "Did this help? Yes" on the step plan: without JavaScript the plain
  // form goes on to the feedback page; with it, a beacon and a thank-you in
  // the live region, and the page stays
  await arrived(await page.goto(`${base}${outcome.path}`), 'outcome');
  const yes = page.locator('form.feedback.help').getByRole('button', { name: words.yes, exact: true });
  let fb = null;
  if (js) {
    await yes.click();
    await saysThanks(page, words.fb_thanks_yes);
  } else {
    fb = await arrived(await follow(yes, `"${words.yes}" button`), 'feedback');
  }
  add(outcome.path, 'yes');

  return { expect, steps, storage, outcome, askPath, thanks, feedback: fb, message, lang };
}

// The live region's thank-you, within a few seconds (the page stays).
async function saysThanks(page, text) {
  const status = page.locator('.feedback-status[role="status"]');
  for (let i = 0; i < 40; i++) {
    if ((await status.textContent()) === text) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CheckError(`the live region says ${JSON.stringify(await status.textContent())}, expected ${JSON.stringify(text)}`);
}

// The step plan's other taps, as a visitor makes them: "Nee", then the
// reason `reason` (a key of the theme's words, e.g. no_complex); then "Ik
// ben" `who` (e.g. who_zzp). Without JavaScript each is a plain form: "Nee"
// comes back to the plan with the reasons shown (#hhd-why, a page load that
// counts the plan once more), a reason and "Ik ben" go on to the feedback
// page. With it nothing reloads: the reasons open with the focus on the
// first, and the live region thanks. Returns the counter events expected.
export async function taps(page, { base, outcome, manifest, words, js, reason, who }) {
  const expect = new Map();
  const add = (p, ev) => expect.set(`${p} ${ev}`, (expect.get(`${p} ${ev}`) || 0) + 1);
  const pathOf = () => new URL(page.url()).pathname;
  const feedbackOf = () => (manifest.byPath.get(pathOf()) || {}).kind === 'feedback';
  const click = async (locator, what) => {
    if ((await locator.count()) !== 1) throw new CheckError(`${pathOf()}: ${await locator.count()} ${what}`);
    if (js) return locator.click();
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
    if (!response || response.status() !== 200) throw new CheckError(`${what}: HTTP ${response && response.status()}`);
    return response;
  };
  const why = page.locator('#hhd-why');
  await page.goto(`${base}${outcome.path}`);
  add(outcome.path, 'outcome');
  if (await why.isVisible()) throw new CheckError('the reasons show before "Nee"');
  await click(page.locator('form.feedback.help').getByRole('button', { name: words.no, exact: true }), `"${words.no}" button`);
  add(outcome.path, 'no');
  if (js) {
    await saysThanks(page, words.fb_thanks_no);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest('#hhd-why') !== null);
    if (!focused) throw new CheckError('after "Nee" the focus is not on the reasons');
  } else {
    if (pathOf() !== outcome.path || new URL(page.url()).hash !== '#hhd-why') {
      throw new CheckError(`"Nee" led to ${page.url()}, expected ${outcome.path}#hhd-why`);
    }
    add(outcome.path, 'outcome');   /* the plan loaded again */
  }
  if (!(await why.isVisible())) throw new CheckError('the reasons do not show after "Nee"');
  await click(why.getByRole('button', { name: words[reason], exact: true }), `"${words[reason]}" button`);
  add(outcome.path, reason.replace('_', '-'));
  if (js) {
    await saysThanks(page, words.fb_thanks_reason);
  } else {
    if (!feedbackOf()) throw new CheckError(`the reason led to ${pathOf()}, not the feedback page`);
    add(pathOf(), 'view');
    await page.goto(`${base}${outcome.path}`);
    add(outcome.path, 'outcome');
  }
  await click(page.locator('form.feedback.who').getByRole('button', { name: words[who], exact: true }), `"${words[who]}" button`);
  add(outcome.path, who.replace('_', '-'));
  if (js) {
    await saysThanks(page, words.fb_thanks_who);
  } else {
    if (!feedbackOf()) throw new CheckError(`"Ik ben" led to ${pathOf()}, not the feedback page`);
    add(pathOf(), 'view');
  }
  return expect;
}
