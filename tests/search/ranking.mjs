// ranking.mjs: HHDSearch.query (themes/default/assets/search.js) over small
// fixture indexes that the C side builds (search_tool build): order by kind,
// one entry per plan, BM25 by field weight, typos, prefixes, compounds,
// folding, and the query limits at and past their edges.
//
//   node ranking.mjs --tool PATH/search_tool --src SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) : a), []));
const src = resolve(args.src), tool = resolve(args.tool);
const S = createRequire(import.meta.url)(join(src, 'themes/default/assets/search.js'));

function build(lang, docs) {
  const lines = [];
  for (const d of docs) {
    lines.push(['D', d.kind, d.url, d.title, d.plan || ''].join('\t'));
    for (const [f, text] of Object.entries(d.fields)) lines.push(['F', f, text].join('\t'));
  }
  const r = spawnSync(tool, ['build', lang], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

let pass = 0, fail = 0;
function check(name, cond, detail) {
  if (cond) pass++;
  else { fail++; console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`); }
}
const urls = (rs) => rs.map((r) => r.url);
const first = (ix, q, lang) => (S.query(ix, q, lang)[0] || {}).url;

const nl = build('nl', [
  { kind: 'plan', url: '/nl/hulp/ransomware/', title: 'Ransomware', plan: 'ransomware',
    fields: { title: 'Ransomware', summary: 'Uw bestanden zijn versleuteld en u moet losgeld betalen.', keywords: 'gegijzeld' } },
  { kind: 'outcome', url: '/nl/hulp/ransomware/backup/', title: 'Terugzetten vanaf een back-up', plan: 'ransomware',
    fields: { title: 'Terugzetten vanaf een back-up', step: 'Haal de computer van het netwerk' } },
  { kind: 'plan', url: '/nl/hulp/account-email/', title: 'E-mail gehackt', plan: 'account-email',
    fields: { title: 'E-mail gehackt', summary: 'Iemand anders zit in uw mail.', answer: 'Ik kan niet meer inloggen' } },
  { kind: 'outcome', url: '/nl/hulp/account-email/locked/', title: 'U kunt niet meer in uw e-mail', plan: 'account-email',
    fields: { title: 'U kunt niet meer in uw e-mail', step: 'Wijzig uw wachtwoord', body: 'Kies een nieuw wachtwoord' } },
  { kind: 'tip', url: '/nl/tips/wachtwoorden/', title: 'Sterke wachtwoorden', fields: {
    title: 'Sterke wachtwoorden en een wachtwoordmanager', summary: 'Een wachtwoord per account, in een kluis.',
    heading: 'Wachtwoord vergeten', body: 'wachtwoord wachtwoord wachtwoord' } },
  { kind: 'page', url: '/nl/over/', title: 'Over ons', fields: { title: 'Over Hackhelpdesk', body: 'Wij helpen bij ransomware en wachtwoorden. Onze manager ook.' } },
  { kind: 'org', url: '/nl/organisaties/politie/', title: 'Politie', fields: { title: 'Politie', summary: 'Doe aangifte van ransomware.' } },
  { kind: 'tip', url: '/nl/tips/kluis/', title: 'Een kluis', fields: { title: 'Een digitale kluis', body: 'kluis' } },
  { kind: 'tip', url: '/nl/tips/bank/', title: 'Bank', fields: { title: 'Uw bank', body: 'bank' } },
]);

// kinds: the plan first, then tips, then pages and organisations
let r = S.query(nl, 'ransomware', 'nl');
check('plan first', r[0] && r[0].plan === 'ransomware' && r[0].kind === 'plan', JSON.stringify(urls(r)));
check('one entry per plan', r.filter((x) => x.plan === 'ransomware').length === 1, JSON.stringify(urls(r)));
check('pages and orgs after', r.length === 3 && ['page', 'org'].includes(r[1].kind) && ['page', 'org'].includes(r[2].kind),
  JSON.stringify(r.map((x) => x.kind)));
// a weak plan match still comes before a strong tip
r = S.query(nl, 'wachtwoord', 'nl');
check('plan before tip', r[0].plan === 'account-email' && r[1].url === '/nl/tips/wachtwoorden/', JSON.stringify(urls(r)));
check('the plan is represented by its outcome that fits', r[0].url === '/nl/hulp/account-email/locked/', r[0].url);
// the start page when it fits best
check('start page', first(nl, 'niet meer inloggen', 'nl') === '/nl/hulp/account-email/', first(nl, 'niet meer inloggen', 'nl'));
// keywords count
check('keyword', first(nl, 'computer gegijzeld', 'nl') === '/nl/hulp/ransomware/');
// folding and word forms
check('case and diacritics', JSON.stringify(S.query(nl, 'WÀCHTWOORDEN', 'nl')) === JSON.stringify(S.query(nl, 'wachtwoord', 'nl')));
check('word forms', first(nl, 'versleutelde bestand', 'nl') === '/nl/hulp/ransomware/');
// typos: one edit in words of five letters or more, not in shorter ones, not two edits
check('typo forgiven', first(nl, 'ransomwere', 'nl') === '/nl/hulp/ransomware/');
check('transposition forgiven', first(nl, 'ransmoware', 'nl') === '/nl/hulp/ransomware/');
check('two typos not forgiven', S.query(nl, 'rensomwere ', 'nl').length === 0);
check('typo in a 4-letter word not forgiven', S.query(nl, 'bnak ', 'nl').length === 0);
check('4-letter word itself found', first(nl, 'bank ', 'nl') === '/nl/tips/bank/');
check('typo in a 5-letter word forgiven', first(nl, 'klius ', 'nl') === '/nl/tips/kluis/');
// prefix for the last word while typing, not once a space follows it
check('prefix while typing', first(nl, 'losge', 'nl') === '/nl/hulp/ransomware/');
check('no prefix after a space', S.query(nl, 'losge ', 'nl').length === 0);
check('prefix of 3 letters', first(nl, 'los', 'nl') === '/nl/hulp/ransomware/');
check('no prefix of 2 letters', S.query(nl, 'lo', 'nl').length === 0);
check('prefix only for the last word', S.query(nl, 'losge kluis', 'nl').every((x) => x.plan !== 'ransomware'));
// Dutch compounds split against the index's vocabulary
r = S.query(nl, 'bankkluis ', 'nl');
check('compound split', urls(r).includes('/nl/tips/kluis/') && urls(r).includes('/nl/tips/bank/'), JSON.stringify(urls(r)));
check('compound not split against words the site lacks', S.query(nl, 'bankpasje ', 'nl').length === 0);
check('compound in the index', first(nl, 'manager ', 'nl') === '/nl/tips/wachtwoorden/', JSON.stringify(urls(S.query(nl, 'manager ', 'nl'))));
// nothing to look for
check('empty query', S.query(nl, '', 'nl').length === 0);
check('stop words only', S.query(nl, 'de het een ', 'nl').length === 0);
check('no index', S.query(null, 'x', 'nl').length === 0);
check('deterministic', JSON.stringify(S.query(nl, 'wachtwoord bank', 'nl')) === JSON.stringify(S.query(nl, 'wachtwoord bank', 'nl')));
// QUERY_MAX characters: a word ending at the limit counts, one past it not
const L = S.limits.QUERY_MAX;
const pad = 'x'.repeat(L - 'kluis'.length - 1) + ' ';
check('query at its length limit', (pad + 'kluis').length === L && urls(S.query(nl, pad + 'kluis', 'nl')).includes('/nl/tips/kluis/'));
check('query past its length limit', !urls(S.query(nl, 'x'.repeat(L - 1) + ' kluis', 'nl')).includes('/nl/tips/kluis/'));
// QUERY_WORDS_MAX words: the last one counts at the limit, not past it
const W = S.limits.QUERY_WORDS_MAX;
const fill = (n) => Array.from({ length: n }, (_, i) => 'qq' + String.fromCharCode(97 + i)).join(' ');
check('words at the limit', urls(S.query(nl, fill(W - 1) + ' kluis ', 'nl')).includes('/nl/tips/kluis/'));
check('words past the limit', !urls(S.query(nl, fill(W) + ' kluis ', 'nl')).includes('/nl/tips/kluis/'));
// more words that match rank a document higher (coverage)
r = S.query(nl, 'digitale kluis bank ', 'nl');
check('coverage', r[0].url === '/nl/tips/kluis/', JSON.stringify(urls(r)));

const en = build('en', [
  { kind: 'plan', url: '/en/help/account-email/', title: 'Email hacked', plan: 'account-email',
    fields: { title: 'Email account hacked', summary: 'Someone is using your email.' } },
  { kind: 'plan', url: '/en/help/payment-fraud/', title: 'Invoice fraud', plan: 'payment-fraud',
    fields: { title: 'CEO fraud and invoice fraud', summary: 'You paid a fake invoice.' } },
  { kind: 'tip', url: '/en/tips/invoices/', title: 'Check invoices', fields: { title: 'Checking invoices', body: 'invoices' } },
]);
check('en stems', first(en, 'hacking', 'en') === '/en/help/account-email/');
check('en hyphen', first(en, 'e-mail', 'en') === '/en/help/account-email/');
check('en plan before tip', first(en, 'invoices ', 'en') === '/en/help/payment-fraud/');
check('en two words', first(en, 'paid fake invoices', 'en') === '/en/help/payment-fraud/');

const ar = build('ar', [
  { kind: 'plan', url: '/ar/help/ransomware/', title: 'x', plan: 'ransomware', fields: { title: '\u0628\u0631\u0646\u0627\u0645\u062c \u0627\u0644\u0641\u062f\u064a\u0629' } },
]);
// taa marbuta, tashkeel and tatweel fold the same on both sides
check('ar folding', first(ar, '\u0628\u0631\u064e\u0646\u0640\u0627\u0645\u062c \u0627\u0644\u0641\u062f\u064a\u0647', 'ar') === '/ar/help/ransomware/');

// the page: ?q= in, an ordered list of links in #search-results out, no
// request made (the fake window has no fetch, XMLHttpRequest or sendBeacon)
function el(tag) {
  return { tag, children: [], attrs: {}, textContent: '', get firstChild() { return this.children[0] || null; },
    get childNodes() { return this.children; },
    appendChild(c) { this.children.push(c); return c; }, removeChild(c) { this.children.splice(this.children.indexOf(c), 1); },
    setAttribute(k, v) { this.attrs[k] = v; }, removeAttribute(k) { delete this.attrs[k]; },
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; }, hasAttribute(k) { return k in this.attrs; },
    addEventListener() {} };
}
function page(q, index) {
  const box = el('div'), input = el('input'), kept = el('p');
  box.appendChild(kept);
  input.value = '';
  const form = el('form');
  form.querySelector = (sel) => (sel === 'input[name="q"]' ? input : null);
  const document = { readyState: 'complete', documentElement: { lang: 'nl' }, createElement: el, body: el('body'),
    getElementById: (id) => (id === 'search-results' ? box : null),
    querySelector: (sel) => (sel === 'form[role="search"]' ? form : null) };
  const window = { HHD_SEARCH_INDEX: index };
  vm.runInNewContext(readFileSync(join(src, 'themes/default/assets/search.js'), 'utf8'),
    { window, document, location: { search: '?q=' + encodeURIComponent(q) }, URLSearchParams });
  return { box, input, kept };
}
let p = page('wachtwoord kluis', nl);
const ol = p.box.children[0];
check('page: one ordered list', p.box.children.length === 1 && ol.tag === 'ol');
check('page: links in query order', ol.children.map((li) => li.children[0].href).join(' ') ===
  urls(S.query(nl, 'wachtwoord kluis', 'nl')).join(' '));
check('page: link text is the title', ol.children[0].children[0].textContent === S.query(nl, 'wachtwoord kluis', 'nl')[0].title);
check('page: kind as class', ol.children[0].className === 'search-outcome', ol.children[0].className);
check('page: the field shows the query', p.input.value === 'wachtwoord kluis');
p = page('zzzzqqq', nl);
check('page: no result keeps the content', p.box.children.length === 1 && p.box.children[0] === p.kept && 'data-empty' in p.box.attrs);
p = page('', nl);
check('page: no query keeps the content', p.box.children[0] === p.kept && !('data-empty' in p.box.attrs));

console.log(`${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);
