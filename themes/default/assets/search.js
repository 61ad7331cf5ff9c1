/* search.js: the site search in the browser. No dependencies, no network:
 * the index is one JSON file per language that `hhd build` writes beside
 * the search page (#search-results data-index names it), fetched once when
 * the page loads; the query comes from ?q= and from the page's search field
 * as the visitor types; the results replace the content of #search-results
 * with an ordered list of links (li.search-KIND); with no result the
 * content (the triage link and the A-Z of step plans) stays and
 * #search-results gets data-empty.
 *
 * Words become terms exactly as in generator/search.c (the build side):
 * the same fold table, tokeniser, stop words and limits, and hand-written
 * ports of the Snowball Dutch (Porter) and English (Porter2) stemmers of
 * libstemmer 2.2, after the algorithm descriptions on snowballstem.org.
 * tests/search/equiv.mjs checks that both sides give identical terms.
 *
 * HHDSearch.query(index, q, lang) -> [{url, title, kind, plan, score}] is
 * pure, for tests. Ranking: step plans first (per plan, its start page or
 * its best outcome), then tips, then pages and organisations; within each,
 * BM25 over the field-weighted scores; one typo forgiven in words of five
 * letters or more; the last word also matches as a prefix while typing. */
(function (root) {
  'use strict';

  var WORD_MIN = 2, WORD_MAX = 40, SPLIT_MIN = 8, PART_MIN = 4, GROUP_MAX = 16;
  var QUERY_MAX = 200, QUERY_WORDS_MAX = 12, TYPO_MIN = 5, PREFIX_MIN = 3, EXPAND_MAX = 20;

  // Step 1 (see search.h): the same tables as search.c.
  var LATIN1 = 'aaaaaaAceeeeiiiidnooooo.ouuuuyTSaaaaaaAceeeeiiiidnooooo.ouuuuyTy';
  var LATINA = 'aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJjjkkkllllllllll' +
    'nnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs';
  var MULTI = { A: 'ae', T: 'th', S: 'ss', O: 'oe', J: 'ij' };
  var SEP = -1, DROP = -2, APOS = -3, HYPHEN = -4;

  function letter(c) {
    if (c === '.') return SEP;
    return MULTI[c] || c;
  }

  // A class (negative number) or the normalised text of one code point.
  function fold(cp) {
    if (cp < 0x80) {
      if (cp >= 65 && cp <= 90) return String.fromCharCode(cp + 32);
      if ((cp >= 97 && cp <= 122) || (cp >= 48 && cp <= 57)) return String.fromCharCode(cp);
      return cp === 39 ? APOS : cp === 45 ? HYPHEN : SEP;
    }
    if (cp < 0xC0) return cp === 0xAD ? DROP : SEP;
    if (cp < 0x100) return letter(LATIN1.charAt(cp - 0xC0));
    if (cp < 0x180) return letter(LATINA.charAt(cp - 0x100));
    if (cp >= 0x218 && cp <= 0x21B) return cp < 0x21A ? 's' : 't';
    if (cp < 0x2B0) return String.fromCharCode(cp);
    if (cp < 0x300) return cp === 0x2BC ? APOS : DROP;
    if (cp < 0x370) return DROP;
    if (cp < 0x600) return String.fromCharCode(cp);
    if (cp < 0x700) {
      if (cp < 0x610 || cp === 0x61B || (cp >= 0x61D && cp <= 0x61F) || (cp >= 0x66A && cp <= 0x66D) ||
          cp === 0x6D4 || cp === 0x6DD || cp === 0x6DE || cp === 0x6E9) return SEP;
      if (cp <= 0x61C || (cp >= 0x64B && cp <= 0x65F) || cp === 0x640 || cp === 0x670 ||
          (cp >= 0x6D6 && cp <= 0x6ED)) return DROP;
      if (cp === 0x622 || cp === 0x623 || cp === 0x625 || cp === 0x671) cp = 0x627;
      else if (cp === 0x629) cp = 0x647;
      else if (cp === 0x649 || cp === 0x6CC) cp = 0x64A;
      else if (cp === 0x6A9) cp = 0x643;
      else if (cp >= 0x660 && cp <= 0x669) cp = 48 + cp - 0x660;
      else if (cp >= 0x6F0 && cp <= 0x6F9) cp = 48 + cp - 0x6F0;
      return String.fromCharCode(cp);
    }
    if (cp < 0x2000) return String.fromCharCode(cp);
    if (cp < 0x2070) {
      if ((cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064)) return DROP;
      if (cp === 0x2010 || cp === 0x2011) return HYPHEN;
      if (cp === 0x2018 || cp === 0x2019) return APOS;
      return SEP;
    }
    if (cp < 0x3040 || (cp >= 0xD800 && cp < 0xF900)) return SEP;
    if (cp < 0xFE00) return String.fromCharCode(cp);
    if (cp < 0xFE10 || cp === 0xFEFF) return DROP;
    if (cp >= 0xFE70 && cp < 0xFEFF) return String.fromCharCode(cp);
    return SEP;
  }

  function codepoints(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) {
          out.push((c - 0xD800) * 0x400 + d - 0xDC00 + 0x10000);
          i++;
          continue;
        }
      }
      out.push(c);
    }
    return out;
  }

  function normalise(s) {
    var cps = codepoints(s), out = '';
    for (var i = 0; i < cps.length; i++) {
      var f = fold(cps[i]);
      if (typeof f === 'string') out += f;
      else if (f !== DROP) out += ' ';
    }
    return out;
  }

  // Step 2: [{w, part}] in text order, as search_words().
  function words(s) {
    var cps = codepoints(s), out = [], w = '', ends = [];
    function flush() {
      if (w.length > 0 && (ends.length === 0 || ends[ends.length - 1] !== w.length)) ends.push(w.length);
      if (ends.length === 1) {
        out.push({ w: w, part: 0 });
      } else if (ends.length > 1) {
        var start = 0;
        for (var k = 0; k < ends.length; k++) {
          out.push({ w: w.slice(start, ends[k]), part: 1 });
          start = ends[k];
        }
        out.push({ w: w, part: 0 });
      }
      w = '';
      ends = [];
    }
    for (var i = 0; i < cps.length; i++) {
      var c = fold(cps[i]);
      if (typeof c === 'string') { w += c; continue; }
      if (c === DROP) continue;
      var next = i + 1 < cps.length ? fold(cps[i + 1]) : SEP;
      var word = typeof next === 'string';
      if (c === APOS && w.length > 0 && word) continue;
      if (c === HYPHEN && w.length > 0 && word && ends.length < GROUP_MAX - 1) {
        if (ends.length === 0 || ends[ends.length - 1] !== w.length) ends.push(w.length);
        continue;
      }
      flush();
    }
    flush();
    return out;
  }

  var STOPS = {
    nl: ' aan al als ben bij dan dat de deze die dit doe doen door een en er ga gaat ' +
      'geen had heb hebben heeft het hij hoe ik in is je jij kan kun kunnen maar me meer mijn ' +
      'moet moeten na naar nog nu of om ons onze ook op over te tot u uit uw van veel voor ' +
      'waar was wat we wel werd wie wij wil word wordt ze zich zij zijn zo zou ',
    en: ' about all also am an and any are as at be been being but by can could did do ' +
      'does for from get got had has have he help her here his how if in into is it its just ' +
      'me more most my no not of on or our out please she should so some such than that the ' +
      'their them then there these they this those to too very was we were what when where ' +
      'which who why will with would you your ',
    tr: ' ama ben beni benim bir biz bu da daha de gibi icin ile ki mi mu ne neden ' +
      'nasil sen siz ve veya ya ',
    pl: ' ale co czy dla do jak jest mam mnie moj moja na nie od po sa sie ta ten to ' +
      'we za ze ',
    ar: ' \u0641\u064a \u0645\u0646 \u0639\u0644\u064a \u0627\u0644\u064a \u0639\u0646 \u0627\u0646 ' +
      '\u0645\u0627 \u0647\u0630\u0627 \u0647\u0630\u0647 \u0647\u0644 \u0644\u0627 \u0645\u0639 ' +
      '\u0643\u0627\u0646 \u062b\u0645 \u0627\u0648 \u0644\u064a \u0644\u0645 '
  };

  function isStop(lang, w) {
    var list = STOPS[lang];
    return !!list && w.length > 0 && list.indexOf(' ' + w + ' ') >= 0;
  }

  // --- Snowball Dutch (Porter), as in libstemmer 2.2 -------------------
  function nlV(c) { return 'aeiouy\u00e8'.indexOf(c) >= 0 && c !== ''; }

  function stemDutch(word) {
    var w = word.split('');
    var n, i;
    if (w[0] === 'y') w[0] = 'Y';
    for (i = 0; i < w.length; i++) {
      if (!nlV(w[i]) || i + 1 >= w.length) continue;
      if (w[i + 1] === 'i' && i + 2 < w.length && nlV(w[i + 2])) w[i + 1] = 'I';
      else if (w[i + 1] === 'y') w[i + 1] = 'Y';
    }
    w = w.join('');
    n = w.length;
    var p1 = n, p2 = n;
    // mark_regions: p1 after the first non-vowel that follows a vowel, at least 3
    var j = 0;
    while (j < n && !nlV(w[j])) j++;
    if (j < n) {
      j++;
      while (j < n && nlV(w[j])) j++;
      if (j < n) {
        j++;
        p1 = j;
        if (p1 < 3) p1 = 3;
        var k = j; // p2's search starts where p1 was found, before "at least 3"
        while (k < n && !nlV(w[k])) k++;
        if (k < n) {
          k++;
          while (k < n && nlV(w[k])) k++;
          if (k < n) p2 = k + 1;
        }
      }
    }
    function ends(s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
    function undouble() {
      if (ends('kk') || ends('dd') || ends('tt')) w = w.slice(0, -1);
    }
    // en_ending with the suffix starting at c
    function enEnding(c) {
      if (c < p1 || c < 1 || nlV(w[c - 1])) return false;
      if (c >= 3 && w.slice(c - 3, c) === 'gem') return false;
      w = w.slice(0, c);
      undouble();
      return true;
    }
    var eFound = false;
    function eEnding() {
      eFound = false;
      var c = w.length - 1;
      if (!ends('e') || c < p1 || c < 1 || nlV(w[c - 1])) return false;
      w = w.slice(0, c);
      eFound = true;
      undouble();
      return true;
    }
    // step 1
    if (ends('heden')) {
      if (w.length - 5 >= p1) w = w.slice(0, -5) + 'heid';
    } else if (ends('ene')) {
      enEnding(w.length - 3);
    } else if (ends('en')) {
      enEnding(w.length - 2);
    } else if (ends('se') || ends('s')) {
      var c1 = w.length - (ends('se') ? 2 : 1);
      if (c1 >= p1 && c1 >= 1 && !nlV(w[c1 - 1]) && w[c1 - 1] !== 'j') w = w.slice(0, c1);
    }
    // step 2
    eEnding();
    // step 3a
    if (ends('heid') && w.length - 4 >= p2 && !(w.length >= 5 && w[w.length - 5] === 'c')) {
      w = w.slice(0, -4);
      if (ends('en')) enEnding(w.length - 2);
    }
    // step 3b: the longest of end ing ig lijk baar bar
    var c3;
    if (ends('end') || ends('ing')) {
      c3 = w.length - 3;
      if (c3 >= p2) {
        w = w.slice(0, c3);
        var c4 = w.length - 2;
        if (ends('ig') && c4 >= p2 && !(c4 >= 1 && w[c4 - 1] === 'e')) w = w.slice(0, c4);
        else undouble();
      }
    } else if (ends('ig')) {
      c3 = w.length - 2;
      if (c3 >= p2 && !(c3 >= 1 && w[c3 - 1] === 'e')) w = w.slice(0, c3);
    } else if (ends('lijk')) {
      c3 = w.length - 4;
      if (c3 >= p2) {
        w = w.slice(0, c3);
        eEnding();
      }
    } else if (ends('baar')) {
      c3 = w.length - 4;
      if (c3 >= p2) w = w.slice(0, c3);
    } else if (ends('bar')) {
      c3 = w.length - 3;
      if (c3 >= p2 && eFound) w = w.slice(0, c3);
    }
    // step 4: undouble a vowel in CVD
    n = w.length;
    if (n >= 4) {
      var d = w[n - 1];
      var vv = w.slice(n - 3, n - 1);
      if (!nlV(d) && d !== 'I' && (vv === 'aa' || vv === 'ee' || vv === 'oo' || vv === 'uu') && !nlV(w[n - 4]))
        w = w.slice(0, n - 2) + d;
    }
    return w.replace(/Y/g, 'y').replace(/I/g, 'i');
  }

  // --- Snowball English (Porter2), as in libstemmer 2.2 ----------------
  var EN_EXC1 = {
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl', gently: 'gentl',
    ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl', sky: 'sky', news: 'news', howe: 'howe',
    atlas: 'atlas', cosmos: 'cosmos', bias: 'bias', andes: 'andes'
  };
  var EN_EXC2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
  function enV(c) { return c !== undefined && c !== '' && 'aeiouy'.indexOf(c) >= 0; }

  // Longest of the suffixes that w ends with, or ''.
  function longest(w, list) {
    var best = '';
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if (s.length > best.length && w.length >= s.length && w.slice(w.length - s.length) === s) best = s;
    }
    return best;
  }

  var EN_1A = ['sses', 'ied', 'ies', 's', 'us', 'ss'];
  var EN_1B = ['eed', 'eedly', 'ed', 'edly', 'ing', 'ingly'];
  var EN_1B2 = ['at', 'bl', 'iz', 'bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'];
  var EN_2 = {
    tional: 'tion', enci: 'ence', anci: 'ance', abli: 'able', entli: 'ent', izer: 'ize', ization: 'ize',
    ational: 'ate', ation: 'ate', ator: 'ate', alism: 'al', aliti: 'al', alli: 'al', fulness: 'ful',
    ousli: 'ous', ousness: 'ous', iveness: 'ive', iviti: 'ive', biliti: 'ble', bli: 'ble', ogi: 'og',
    fulli: 'ful', lessli: 'less', li: ''
  };
  var EN_2K = Object.keys(EN_2);
  var EN_3 = { tional: 'tion', ational: 'ate', alize: 'al', icate: 'ic', iciti: 'ic', ical: 'ic', ful: '', ness: '', ative: '' };
  var EN_3K = Object.keys(EN_3);
  var EN_4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ism', 'ate',
    'iti', 'ous', 'ive', 'ize', 'ion'];

  function stemEnglish(word) {
    if (Object.prototype.hasOwnProperty.call(EN_EXC1, word)) return EN_EXC1[word];
    if (word.length < 3) return word;
    var w = word.split(''), i, yFound = false;
    if (w[0] === 'y') { w[0] = 'Y'; yFound = true; }
    for (i = 0; i + 1 < w.length; i++)
      if (enV(w[i]) && w[i + 1] === 'y') { w[i + 1] = 'Y'; yFound = true; }
    w = w.join('');
    var n = w.length, p1 = n, p2 = n, j = -1;
    if (w.slice(0, 5) === 'gener' || w.slice(0, 5) === 'arsen') j = 5;
    else if (w.slice(0, 6) === 'commun') j = 6;
    else {
      var a = 0;
      while (a < n && !enV(w[a])) a++;
      if (a < n) {
        a++;
        while (a < n && enV(w[a])) a++;
        if (a < n) j = a + 1;
      }
    }
    if (j >= 0) {
      p1 = j;
      var b = j;
      while (b < n && !enV(w[b])) b++;
      if (b < n) {
        b++;
        while (b < n && enV(w[b])) b++;
        if (b < n) p2 = b + 1;
      }
    }
    function hasV(s) { for (var k = 0; k < s.length; k++) if (enV(s[k])) return true; return false; }
    // shortv ending at position e (exclusive)
    function shortv(e) {
      var x = w[e - 1], y = w[e - 2], z = w[e - 3];
      if (e >= 3 && !enV(x) && 'wxY'.indexOf(x) < 0 && enV(y) && !enV(z)) return true;
      return e === 2 && !enV(x) && enV(y);
    }
    // Step 1a
    var s = longest(w, EN_1A), c;
    if (s === 'sses') w = w.slice(0, -4) + 'ss';
    else if (s === 'ied' || s === 'ies') w = w.slice(0, -3) + (w.length - 3 >= 2 ? 'i' : 'ie');
    else if (s === 's') {
      c = w.length - 1;
      if (c >= 1 && hasV(w.slice(0, c - 1))) w = w.slice(0, c);
    }
    if (Object.prototype.hasOwnProperty.call(EN_EXC2, w)) return postlude(w);
    // Step 1b
    s = longest(w, EN_1B);
    if (s === 'eed' || s === 'eedly') {
      if (w.length - s.length >= p1) w = w.slice(0, w.length - s.length) + 'ee';
    } else if (s) {
      c = w.length - s.length;
      if (hasV(w.slice(0, c))) {
        w = w.slice(0, c);
        var t = longest(w, EN_1B2);
        if (t === 'at' || t === 'bl' || t === 'iz') w += 'e';
        else if (t) w = w.slice(0, -1);
        else if (w.length === p1 && shortv(w.length)) w += 'e';
      }
    }
    // Step 1c
    n = w.length;
    if (n >= 3 && (w[n - 1] === 'y' || w[n - 1] === 'Y') && !enV(w[n - 2])) w = w.slice(0, -1) + 'i';
    // Step 2
    s = longest(w, EN_2K);
    if (s && w.length - s.length >= p1) {
      c = w.length - s.length;
      if (s === 'ogi') { if (w[c - 1] === 'l') w = w.slice(0, c) + 'og'; }
      else if (s === 'li') { if (c >= 1 && 'cdeghkmnrt'.indexOf(w[c - 1]) >= 0) w = w.slice(0, c); }
      else w = w.slice(0, c) + EN_2[s];
    }
    // Step 3
    s = longest(w, EN_3K);
    if (s && w.length - s.length >= p1) {
      c = w.length - s.length;
      if (s === 'ative') { if (c >= p2) w = w.slice(0, c); }
      else w = w.slice(0, c) + EN_3[s];
    }
    // Step 4
    s = longest(w, EN_4);
    if (s && w.length - s.length >= p2) {
      c = w.length - s.length;
      if (s === 'ion') { if (c >= 1 && (w[c - 1] === 's' || w[c - 1] === 't')) w = w.slice(0, c); }
      else w = w.slice(0, c);
    }
    // Step 5
    n = w.length;
    if (w[n - 1] === 'e') {
      if (n - 1 >= p2 || (n - 1 >= p1 && !shortv(n - 1))) w = w.slice(0, -1);
    } else if (w[n - 1] === 'l') {
      if (n - 1 >= p2 && w[n - 2] === 'l') w = w.slice(0, -1);
    }
    return postlude(w);
    function postlude(x) { return yFound ? x.replace(/Y/g, 'y') : x; }
  }

  // By Snowball name, as the index header's "stem" names them; a name not
  // here means folding only (the build then indexed a stemmer this script
  // lacks: no stemming beats a different one). LANG_STEM: the stemmer of a
  // rule set when no header says (HHDSearch.terms for the tests).
  var STEMMERS = { dutch: stemDutch, english: stemEnglish };
  var LANG_STEM = { nl: 'dutch', en: 'english' };
  function stemmer(lang, stem) {
    var name = stem === undefined || stem === null ? LANG_STEM[lang] : stem;
    return Object.prototype.hasOwnProperty.call(STEMMERS, name) ? STEMMERS[name] : null;
  }

  // Steps 3 and 4: the term for a normalised word, or null. stem: the
  // Snowball name from the index header ('' for none; omitted: lang's own).
  // Remembered per rule set and stemmer: typing repeats the same words on
  // every key, and a compound's split tries many cuts.
  var MEMO = {}, memoSize = 0, MEMO_MAX = 20000;
  function term(lang, w, stem) {
    var key = lang + '\u0001' + (stem === undefined || stem === null ? '*' : stem) + '\u0001' + w;
    if (Object.prototype.hasOwnProperty.call(MEMO, key)) return MEMO[key];
    var n = codepoints(w).length, r;
    if (n < WORD_MIN || n > WORD_MAX || isStop(lang, w)) r = null;
    else {
      var fn = stemmer(lang, stem);
      r = fn && /^[a-z]+$/.test(w) ? fn(w) : w;
    }
    if (++memoSize > MEMO_MAX) { MEMO = {}; memoSize = 1; }
    MEMO[key] = r;
    return r;
  }

  // Dutch compounds, as search_split(): [head term, tail term] or null.
  function split(lang, w, known, stem) {
    if (lang !== 'nl' || w.length < SPLIT_MIN || w.length > WORD_MAX || !/^[a-z]+$/.test(w)) return null;
    for (var i = w.length - PART_MIN; i >= PART_MIN; i--) {
      var b = term(lang, w.slice(i), stem);
      if (b === null || !known(b)) continue;
      var heads = [i];
      if (w[i - 1] === 's') heads.push(i - 1);
      if (i >= 2 && w[i - 2] === 'e' && w[i - 1] === 'n') heads.push(i - 2);
      if (w[i - 1] === 'e') heads.push(i - 1);
      for (var k = 0; k < heads.length; k++) {
        if (heads[k] < PART_MIN) continue;
        var a = term(lang, w.slice(0, heads[k]), stem);
        if (a !== null && known(a)) return [a, b];
      }
    }
    return null;
  }

  // All terms of a text, in order (what the build indexes, before splitting).
  function terms(text, lang) {
    var out = [], ws = words(text);
    for (var i = 0; i < ws.length; i++) {
      var t = term(lang, ws[i].w);
      if (t !== null) out.push(t);
    }
    return out;
  }

  // --- ranking ---------------------------------------------------------
  function within1(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0, j = 0, edits = 0;
    while (i < la && j < lb) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (la > lb) i++;
      else if (lb > la) j++;
      else if (i + 1 < la && a[i] === b[j + 1] && a[i + 1] === b[j]) { i += 2; j += 2; }
      else { i++; j++; }
    }
    return edits + (la - i) + (lb - j) <= 1;
  }

  // Lookup tables kept on the index (not enumerable): the vocabulary in
  // order (the build sorts terms by code point), by length for typos, and
  // score arrays reused from query to query.
  function prepare(index) {
    if (index._vocab) return index;
    var keys = Object.keys(index.terms), byLen = [];
    keys.sort(function (x, y) { return x < y ? -1 : x > y ? 1 : 0; });
    for (var i = 0; i < keys.length; i++) (byLen[keys[i].length] = byLen[keys[i].length] || []).push(keys[i]);
    var n = index.docs.length;
    var hidden = { _vocab: keys, _byLen: byLen, _total: new Float64Array(n), _matched: new Uint8Array(n),
      _best: new Float64Array(n) };
    for (var k in hidden) Object.defineProperty(index, k, { value: hidden[k], enumerable: false });
    return index;
  }

  // The vocabulary terms that start with p, at most EXPAND_MAX.
  function withPrefix(vocab, p) {
    var lo = 0, hi = vocab.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (vocab[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    var out = [];
    for (; lo < vocab.length && out.length < EXPAND_MAX && vocab[lo].lastIndexOf(p, 0) === 0; lo++) out.push(vocab[lo]);
    return out;
  }

  // The query's word groups: each a list of [term, factor] alternatives;
  // the parts of a hyphenated word and the whole make one group.
  function groups(index, q, lang) {
    var stem = typeof index.stem === 'string' ? index.stem : undefined;
    var has = function (t) { return Object.prototype.hasOwnProperty.call(index.terms, t); };
    q = String(q || '').slice(0, QUERY_MAX);
    var typing = q.length > 0 && !/[\s.,!?;:]$/.test(q);
    var ws = words(q), out = [], seen = {}, alts = [], any = false;
    function add(t, f) {
      for (var x = 0; x < alts.length; x++) {
        if (alts[x][0] === t) { if (f > alts[x][1]) alts[x][1] = f; return; }
      }
      alts.push([t, f]);
    }
    for (var i = 0; i < ws.length && out.length < QUERY_WORDS_MAX; i++) {
      var w = ws[i].w, last = typing && i === ws.length - 1;
      var t = term(lang, w, stem), found = false;
      if (t !== null) {
        any = true;
        if (has(t)) { add(t, 1); found = true; }
        else {
          var sp = split(lang, w, has, stem);
          if (sp) { add(sp[0], 0.8); add(sp[1], 0.8); found = true; }
        }
        if (!found && w.length >= TYPO_MIN) {
          var got = 0;
          for (var len = t.length - 1; len <= Math.max(t.length, w.length) + 1; len++) {
            var bucket = index._byLen[len] || [];
            for (var k = 0; k < bucket.length && got < EXPAND_MAX; k++) {
              var v = bucket[k];
              if (v.length >= 4 && (within1(t, v) || within1(w, v))) { add(v, 0.7); got++; }
            }
          }
        }
      }
      if (last && w.length >= PREFIX_MIN && !isStop(lang, w)) {
        any = true;
        var pre = withPrefix(index._vocab, w);
        if (t && t.length >= PREFIX_MIN && t !== w) pre = pre.concat(withPrefix(index._vocab, t));
        for (var m = 0; m < pre.length; m++) if (pre[m] !== t) add(pre[m], 0.6);
      }
      if (ws[i].part) continue; // the whole word follows its parts
      if (any) {
        var key = alts.map(function (x) { return x[0]; }).sort().join(' ');
        if (!seen[key] || !alts.length) out.push(alts);
        seen[key] = 1;
      }
      alts = [];
      any = false;
    }
    return out;
  }

  var K1 = 3, B = 0.6, AGG = 1;
  var CLASS = [0, 0, 1, 2, 2]; // plan, outcome | tip | page, org

  function query(index, q, lang) {
    if (!index || !index.terms || !index.docs) return [];
    prepare(index);
    if (lang === undefined || lang === null) lang = index.lang;
    var gs = groups(index, q, lang);
    if (gs.length === 0) return [];
    var N = index.docs.length, avg = index.avgdl || 1;
    var total = index._total, matched = index._matched, best = index._best, hit = [];
    total.fill(0);
    matched.fill(0);
    for (var g = 0; g < gs.length; g++) {
      best.fill(0);
      var docs = [];
      for (var a = 0; a < gs[g].length; a++) {
        var t = gs[g][a][0], f = gs[g][a][1], post = index.terms[t];
        if (!post) continue;
        var df = post.length / 2, idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
        for (var p = 0; p < post.length; p += 2) {
          var d = post[p], tf = post[p + 1] / 2, dl = index.docs[d][4] / 2;
          var s = f * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / (avg / 2)));
          if (best[d] === 0) docs.push(d);
          if (s > best[d]) best[d] = s;
        }
      }
      for (var x = 0; x < docs.length; x++) {
        var dd = docs[x];
        if (matched[dd] === 0) hit.push(dd);
        total[dd] += best[dd];
        matched[dd]++;
      }
    }
    var res = [];
    for (var h = 0; h < hit.length; h++) {
      var id = hit[h];
      var doc = index.docs[id], cover = matched[id] / gs.length;
      res.push({ url: doc[1], title: doc[2], kind: index.kinds[doc[0]], plan: doc[3],
        cls: CLASS[doc[0]], start: doc[0] === 0, score: total[id] * (0.25 + 0.75 * cover * cover) });
    }
    // one entry per plan: its best page, ranked by that page's score plus
    // a share of the plan's second best (a plan that fits in more places)
    var best = {}, second = {};
    for (var r = 0; r < res.length; r++) {
      var it = res[r];
      if (it.cls !== 0) continue;
      var cur = best[it.plan];
      if (!cur || it.score > cur.score || (it.score === cur.score && it.start)) {
        if (cur) second[it.plan] = Math.max(second[it.plan] || 0, cur.score);
        best[it.plan] = it;
      } else {
        second[it.plan] = Math.max(second[it.plan] || 0, it.score);
      }
    }
    var list = [];
    for (var q2 = 0; q2 < res.length; q2++) {
      var e = res[q2];
      if (e.cls === 0 && best[e.plan] !== e) continue;
      e.rank = e.cls === 0 ? e.score + AGG * (second[e.plan] || 0) : e.score;
      list.push(e);
    }
    list.sort(function (x, y) {
      return x.cls - y.cls || y.rank - x.rank || (x.url < y.url ? -1 : x.url > y.url ? 1 : 0);
    });
    return list.map(function (x) {
      return { url: x.url, title: x.title, kind: x.kind, plan: x.plan, score: x.rank };
    });
  }

  var api = {
    normalise: normalise, words: words, term: term, terms: terms, split: split, isStop: isStop,
    stem: function (lang, w) { var s = stemmer(lang); return s ? s(w) : w; },
    query: query, within1: within1,
    limits: { WORD_MIN: WORD_MIN, WORD_MAX: WORD_MAX, SPLIT_MIN: SPLIT_MIN, PART_MIN: PART_MIN,
      QUERY_MAX: QUERY_MAX, QUERY_WORDS_MAX: QUERY_WORDS_MAX }
  };
  root.HHDSearch = api;
  if (typeof module === 'object' && module.exports) module.exports = api;

  // --- the page --------------------------------------------------------
  // The search page's #search-results names the index (data-index); it is
  // fetched once, when the page loads, and every answer after that comes
  // from memory: typing makes no request. Counters (site.js's endpoint):
  // e=search once per page load when results are first shown (p = this
  // page), e=pick when a result is followed (p = the result's path). The
  // words typed are never sent.
  if (typeof document === 'undefined') return;
  function beacon(path, event) {
    if (typeof navigator === 'undefined' || !navigator.sendBeacon || !path) return;
    var data = new URLSearchParams();
    data.set('p', path);
    data.set('e', event);
    navigator.sendBeacon('/api/hit', data);
  }
  // Once, when the index arrives: a query through every path (stemmer,
  // compound split, typo, prefix), so the browser has compiled them before
  // the visitor's first word and that word is answered as fast as the rest.
  function warm(index) {
    prepare(index);
    var v = index._vocab, some = [];
    for (var i = 0; i < v.length && some.length < 8; i += Math.max(1, Math.floor(v.length / 8))) {
      if (/^[a-z]{5,}$/.test(v[i])) some.push(v[i]);
    }
    if (!some.length) return;
    var typo = some.map(function (w) { return w.slice(0, 2) + 'x' + w.slice(3); });
    var qs = [some.join(' ') + ' ', typo.slice(0, 4).join(' ') + ' ', some[0] + some[some.length - 1] + ' ',
      some.slice(0, 3).join(' ') + ' ' + some[0].slice(0, 3), 'qqqqqqqqqqqq qqqqq '];
    for (var r = 0; r < 3; r++) for (var k = 0; k < qs.length; k++) query(index, qs[k]);
  }
  function run() {
    var box = document.getElementById('search-results');
    if (!box) return;
    var form = document.querySelector('form[role="search"]');
    var input = form && form.querySelector('input[name="q"]');
    var fallback = Array.prototype.slice.call(box.childNodes);
    var index = null, counted = false, shown = '';
    var q = new URLSearchParams(location.search).get('q') || '';
    if (input && !input.value) input.value = q;
    var status = document.getElementById('search-status');

    function show(text) {
      if (!index || text === shown) return;
      shown = text;
      var results = text.trim() ? query(index, text) : [];
      while (box.firstChild) box.removeChild(box.firstChild);
      if (!results.length) {
        // nothing (or nothing asked): the page's own content stays
        for (var f = 0; f < fallback.length; f++) box.appendChild(fallback[f]);
        if (text.trim()) box.setAttribute('data-empty', ''); else box.removeAttribute('data-empty');
        if (status) status.textContent = text.trim() ? (status.getAttribute('data-none') || '') : '';
        return;
      }
      box.removeAttribute('data-empty');
      var ol = document.createElement('ol');
      for (var i = 0; i < results.length; i++) {
        var li = document.createElement('li'), a = document.createElement('a');
        a.href = results[i].url;
        a.textContent = results[i].title;
        li.className = 'search-' + results[i].kind;
        li.appendChild(a);
        ol.appendChild(li);
      }
      box.appendChild(ol);
      if (status) status.textContent = (status.getAttribute('data-found') || '').replace('{n}', String(results.length));
      if (!counted) {
        counted = true;
        beacon(document.body.getAttribute('data-hit-path'), 'search');
      }
    }
    box.addEventListener('click', function (ev) {
      var a = ev.target && ev.target.closest ? ev.target.closest('a') : null;
      // the path only (an organisation's result is /nl/organisaties/#id)
      if (a && box.contains(a) && a.closest('ol')) beacon(a.pathname, 'pick');
    });
    if (input) {
      input.addEventListener('input', function () { show(input.value); });
    }
    var url = box.getAttribute('data-index');
    var inline = root.HHD_SEARCH_INDEX;
    if (inline) { index = inline; show(input ? input.value : q); return; }
    if (!url || typeof fetch !== 'function') return;
    fetch(url, { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(function (ix) {
      index = ix;
      warm(index);
      box.setAttribute('data-ready', '');
      show(input ? input.value : q);
    }).catch(function () { box.setAttribute('data-failed', ''); });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})(typeof window !== 'undefined' ? window : this);
