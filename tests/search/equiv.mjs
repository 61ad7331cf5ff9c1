// equiv.mjs: the browser's terms (themes/default/assets/search.js) against
// the build's (generator/search.c, through search_tool): identical output
// for every line of
//   - the Debian word lists (wdutch for nl, wamerican for en; words with a
//     capital, a hyphen or an apostrophe included),
//   - every word and line of content/, through each of nl, en, tr, pl, ar,
//   - every code point of the BMP, alone, doubled and beside letters, an
//     apostrophe and a hyphen (as nl terms and as plain words),
// and identical Dutch compound splits for every content word, with the
// content's terms as vocabulary. 100% agreement is required.
//
//   node equiv.mjs --tool PATH/search_tool --src SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) =>
  (v.startsWith('--') ? a.concat([[v.slice(2), all[i + 1]]]) : a), []));
const src = resolve(args.src), tool = resolve(args.tool);
const S = createRequire(import.meta.url)(join(src, 'themes/default/assets/search.js'));

function run(argv, lines) {
  const r = spawnSync(tool, argv, { input: lines.join('\n') + '\n', maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`search_tool ${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const out = r.stdout.split('\n');
  out.pop();
  if (out.length !== lines.length) throw new Error(`search_tool gave ${out.length} lines for ${lines.length}`);
  return out;
}

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(md|ya?ml)$/.test(name)) out.push(p);
  }
  return out;
}

let failed = 0;
function compare(label, lang, lines, jsFn, cArgs) {
  const c = run(cArgs, lines);
  let bad = 0;
  for (let i = 0; i < lines.length; i++) {
    const js = jsFn(lines[i]);
    if (js !== c[i]) {
      if (bad < 15) console.log(`  MISMATCH ${label} ${lang}: ${JSON.stringify(lines[i])}: js [${js}] c [${c[i]}]`);
      bad++;
    }
  }
  failed += bad;
  console.log(`${label} ${lang}: ${lines.length - bad}/${lines.length} identical`);
}

const termsJS = (lang) => (line) => S.terms(line, lang).join(' ');
const lists = { nl: '/usr/share/dict/dutch', en: '/usr/share/dict/american-english' };
for (const [lang, path] of Object.entries(lists)) {
  if (!existsSync(path)) {
    console.log(`missing word list ${path} (scripts/deps test installs wdutch and wamerican)`);
    process.exit(1);
  }
  const words = readFileSync(path, 'utf8').split('\n').filter((w) => w && !/[\r]/.test(w));
  compare('wordlist', lang, words, termsJS(lang), ['terms', lang]);
}

// every word of content/, as normalised by the build, plus the raw lines
const files = walk(join(src, 'content'), []);
const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
const rawLines = text.split('\n').filter((l) => !/\r/.test(l));
const contentWords = [...new Set(run(['words'], rawLines).join(' ').split(' ').filter(Boolean))].sort();
for (const lang of ['nl', 'en', 'tr', 'pl', 'ar']) {
  compare('content-words', lang, contentWords, termsJS(lang), ['terms', lang]);
  compare('content-lines', lang, rawLines, termsJS(lang), ['terms', lang]);
}

// the BMP, one code point at a time, alone and inside a word
const cps = [];
for (let cp = 0; cp < 0x10000; cp++) {
  if (cp === 10 || cp === 13 || (cp >= 0xD800 && cp <= 0xDFFF)) continue;
  const ch = String.fromCodePoint(cp);
  cps.push(ch, 'ab' + ch + 'cd', ch + ch + 'x', "x'" + ch, 'x-' + ch);
}
cps.push('\u{1F600}ab', 'a\u{10000}b', 'x\u{1F600}-y', "it's", "'s-avonds", 'e--mail', '-a-', "a'-b", "a-'b");
for (let n = 1; n <= 20; n++) cps.push(Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i) + 'x').join('-'));
compare('codepoints', 'nl', cps, termsJS('nl'), ['terms', 'nl']);
compare('normalise', '-', cps, (l) => S.words(l).map((w) => w.w).join(' '), ['words']);

// Dutch compound splits against the content's vocabulary
const vocab = [...new Set(S.terms(contentWords.join(' '), 'nl'))].sort();
const dir = mkdtempSync(join(tmpdir(), 'hhd-equiv-'));
const vfile = join(dir, 'vocab');
writeFileSync(vfile, vocab.join('\n') + '\n');
const set = new Set(vocab);
const long = contentWords.filter((w) => w.length >= 8);
const dutchLong = readFileSync(lists.nl, 'utf8').split('\n').map((w) => S.normalise(w).trim())
  .filter((w) => /^[a-z]{8,}$/.test(w));
let splits = 0;
compare('split', 'nl', long.concat(dutchLong), (w) => {
  const r = S.split('nl', w, (t) => set.has(t));
  if (r) splits++;
  return r ? r.join(' ') : '-';
}, ['split', 'nl', vfile]);
console.log(`split nl: ${splits} words split`);
rmSync(dir, { recursive: true });

console.log(failed ? `FAIL: ${failed} differences` : 'all identical');
process.exit(failed ? 1 : 0);
