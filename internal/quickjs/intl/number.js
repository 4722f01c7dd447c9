// The sandbox's Intl, loaded on first use (see prelude/intl.js and
// intl.go): one function expression, (function (host) { ... }), whose
// parts are number.js then date.js; it returns Intl and the methods the
// prelude installs on Number, BigInt and Date.
(function (host) {
  'use strict';
  // ---------------------------------------------------------------- Intl: locales, NumberFormat
  // The sandbox's Intl covers en-US, en-GB, de-DE and fr-FR, the Gregorian
  // calendar and Latin digits. A locale or an option it does not have is a
  // RangeError that says so, never output in some other locale. The locale
  // data (intl/data.json, recorded from Node 20 by testdata/intl_gen.js)
  // comes from the host on first use.
  let intlDataCache;
  const intlData = () => (intlDataCache ??= JSON.parse(host.intlData()));
  const intlDefaultLocale = 'en-US';
  const intlUnsupported = (what) =>
    new RangeError(`${what} is not supported by this sandbox's Intl (it has the locales ${Object.keys(intlData().locales).join(', ')}, the Gregorian calendar and Latin digits)`);
  // intlMatch returns the supported locale a language tag names, or
  // undefined: "en" and "en-US" are en-US, "de" de-DE, "fr" fr-FR;
  // Unicode extensions (-u-...) are ignored.
  function intlMatch(tag) {
    const parts = tag.split(/-u-|-x-/i)[0].split('-');
    const lang = parts[0].toLowerCase();
    const region = parts.slice(1).find((p) => /^[A-Za-z]{2}$/.test(p));
    const script = parts.slice(1).find((p) => /^[A-Za-z]{4}$/.test(p));
    if (script && script.toLowerCase() !== 'latn') return undefined;
    const want = { en: 'US', de: 'DE', fr: 'FR' }[lang];
    if (!want) return undefined;
    const r = region ? region.toUpperCase() : want;
    const name = `${lang}-${r}`;
    return intlData().locales[name] ? name : undefined;
  }
  function intlCanonical(locales) {
    if (locales === undefined) return [];
    const list = typeof locales === 'string' || (typeof locales === 'object' && locales !== null && !(Symbol.iterator in locales) && typeof locales.length !== 'number') ? [locales] : Array.from(locales);
    return list.map((l) => {
      if (typeof l !== 'string' && (typeof l !== 'object' || l === null)) throw new TypeError('Language ID should be string or object.');
      const s = String(l);
      if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(s)) throw new RangeError(`Incorrect locale information provided`);
      return s;
    });
  }
  // intlLocale returns the first supported locale of locales: its tag in
  // canonical case (what resolvedOptions says, "fr" or "en-GB") and the
  // key of its data.
  function intlLocale(locales) {
    const list = intlCanonical(locales);
    if (list.length === 0) return [intlDefaultLocale, intlDefaultLocale];
    for (const l of list) {
      const m = intlMatch(l);
      if (m) {
        const tag = l.split(/-u-|-x-/i)[0].split('-').map((p, i) => (i === 0 ? p.toLowerCase() : p.length === 2 ? p.toUpperCase() : p.length === 4 ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p.toLowerCase())).join('-');
        return [tag, m];
      }
    }
    throw intlUnsupported(`The locale ${JSON.stringify(list[0])}`);
  }
  function intlOption(o, name, values, fallback) {
    let v = o[name];
    if (v === undefined) return fallback;
    v = String(v);
    if (!values.includes(v)) throw new RangeError(`Value ${v} out of range for Intl.${this || 'NumberFormat'} options property ${name}`);
    return v;
  }
  function intlNumberOption(o, name, min, max, fallback) {
    let v = o[name];
    if (v === undefined) return fallback;
    v = Number(v);
    if (Number.isNaN(v) || v < min || v > max) throw new RangeError(`${name} value is out of range.`);
    return Math.floor(v);
  }
  const intlSupportedLocalesOf = (locales) => intlCanonical(locales).filter((l) => intlMatch(l) !== undefined);

  // decimalDigits returns the digits of a finite, non-negative number (its
  // shortest round-trip decimal form, as ICU rounds it) and the position
  // of the decimal point among them.
  function decimalDigits(x) {
    let s = typeof x === 'bigint' ? x.toString() : String(x);
    let exp = 0;
    const e = s.indexOf('e');
    if (e >= 0) { exp = Number(s.slice(e + 1)); s = s.slice(0, e); }
    const dot = s.indexOf('.');
    let digits = dot >= 0 ? s.slice(0, dot) + s.slice(dot + 1) : s;
    let point = (dot >= 0 ? dot : s.length) + exp;
    const lead = digits.match(/^0*/)[0].length;
    if (lead === digits.length) return { digits: '', point: 0 };
    digits = digits.slice(lead);
    point -= lead;
    return { digits: digits.replace(/0+$/, ''), point };
  }
  // roundDigits keeps n digits of d (half away from zero).
  function roundDigits(d, n) {
    if (d.digits.length <= n) return d;
    if (n < 0) return { digits: '', point: 0 };
    let kept = d.digits.slice(0, n);
    let point = d.point;
    if (d.digits.charCodeAt(n) >= 53) { // '5'
      let i = kept.length - 1;
      while (i >= 0 && kept[i] === '9') i--;
      if (i < 0) { kept = '1'; point++; } else kept = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1);
    }
    kept = kept.replace(/0+$/, '');
    return { digits: kept, point: kept ? point : 0 };
  }
  // fixedParts formats digits d as integer and fraction strings.
  function fixedParts(d, o) {
    let r;
    if (o.maximumSignificantDigits !== undefined) {
      r = roundDigits(d, o.maximumSignificantDigits);
    } else {
      r = roundDigits(d, d.point + o.maximumFractionDigits);
    }
    let int = r.point > 0 ? r.digits.slice(0, r.point).padEnd(r.point, '0') : '0';
    let frac = r.point >= 0 ? r.digits.slice(r.point) : '0'.repeat(-r.point) + r.digits;
    let minFrac = o.minimumFractionDigits;
    if (o.minimumSignificantDigits !== undefined) {
      const mnsd = o.minimumSignificantDigits;
      if (r.digits === '') minFrac = mnsd - 1;
      else if (int === '0') minFrac = frac.match(/^0*/)[0].length + mnsd;
      else minFrac = Math.max(mnsd - int.length, 0);
    }
    if (frac.length < minFrac) frac = frac.padEnd(minFrac, '0');
    int = int.padStart(o.minimumIntegerDigits, '0');
    return { int, frac };
  }
  function groupInt(int, sep) {
    let out = '';
    for (let i = int.length; i > 0; i -= 3) out = int.slice(Math.max(i - 3, 0), i) + (out ? sep + out : '');
    return out;
  }

  class NumberFormat {
    #o;
    #L;
    constructor(locales, options) {
      const [locale, data] = intlLocale(locales);
      const o = options === undefined ? {} : Object(options);
      const opt = intlOption.bind('NumberFormat');
      const r = { locale, numberingSystem: 'latn' };
      this.#L = intlData().locales[data];
      r.style = opt(o, 'style', ['decimal', 'percent', 'currency', 'unit'], 'decimal');
      if (r.style === 'unit') throw intlUnsupported('The style "unit"');
      let currency = o.currency;
      if (currency !== undefined) {
        currency = String(currency);
        if (!/^[A-Za-z]{3}$/.test(currency)) throw new RangeError(`Invalid currency code : ${currency}`);
        currency = currency.toUpperCase();
      }
      const display = opt(o, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
      const sign = opt(o, 'currencySign', ['standard', 'accounting'], 'standard');
      if (r.style === 'currency') {
        if (currency === undefined) throw new TypeError('Currency code is required with currency style.');
        if (display === 'name') throw intlUnsupported('currencyDisplay "name"');
        if (sign === 'accounting') throw intlUnsupported('currencySign "accounting"');
        Object.assign(r, { currency, currencyDisplay: display, currencySign: sign });
      }
      const notation = opt(o, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
      if (notation !== 'standard') throw intlUnsupported(`The notation "${notation}"`);
      const cDigits = r.style === 'currency' ? (intlData().currencyDigits[currency] ?? 2) : 0;
      r.minimumIntegerDigits = intlNumberOption(o, 'minimumIntegerDigits', 1, 21, 1);
      const mnsd = o.minimumSignificantDigits, mxsd = o.maximumSignificantDigits;
      if (mnsd !== undefined || mxsd !== undefined) {
        r.minimumSignificantDigits = intlNumberOption(o, 'minimumSignificantDigits', 1, 21, 1);
        r.maximumSignificantDigits = intlNumberOption(o, 'maximumSignificantDigits', r.minimumSignificantDigits, 21, 21);
      } else {
        const mnfdDefault = cDigits;
        const mxfdDefault = r.style === 'currency' ? cDigits : r.style === 'percent' ? 0 : 3;
        let mnfd = intlNumberOption(o, 'minimumFractionDigits', 0, 20, undefined);
        let mxfd = intlNumberOption(o, 'maximumFractionDigits', 0, 20, undefined);
        if (mnfd === undefined && mxfd === undefined) { mnfd = mnfdDefault; mxfd = Math.max(mxfdDefault, mnfd); }
        else if (mnfd === undefined) mnfd = Math.min(mnfdDefault, mxfd);
        else if (mxfd === undefined) mxfd = Math.max(mxfdDefault, mnfd);
        else if (mnfd > mxfd) throw new RangeError('maximumFractionDigits value is out of range.');
        r.minimumFractionDigits = mnfd;
        r.maximumFractionDigits = mxfd;
      }
      const g = o.useGrouping;
      if (g === 'min2') throw intlUnsupported('useGrouping "min2"');
      r.useGrouping = g === undefined || g === 'auto' || g === 'always' || g === true || (typeof g === 'string' && g !== 'false' && g !== '') ? (g === 'always' ? 'always' : 'auto') : false;
      r.notation = 'standard';
      r.signDisplay = opt(o, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
      r.roundingMode = 'halfExpand';
      r.roundingIncrement = 1;
      r.trailingZeroDisplay = 'auto';
      r.roundingPriority = 'auto';
      this.#o = r;
    }
    #parts(x) {
      const o = this.#o;
      const L = this.#L;
      x = typeof x === 'bigint' ? x : Number(x);
      const neg = typeof x === 'bigint' ? x < 0n : x < 0 || Object.is(x, -0);
      const num = [];
      if (typeof x === 'number' && Number.isNaN(x)) num.push({ type: 'nan', value: 'NaN' });
      else if (x === Infinity || x === -Infinity) num.push({ type: 'infinity', value: '∞' });
      else {
        const d = decimalDigits(neg ? -x : x);
        if (o.style === 'percent' && d.digits) d.point += 2;
        const { int, frac } = fixedParts(d, o);
        const ints = o.useGrouping ? groupInt(int, L.group).split(L.group) : [int];
        ints.forEach((v, i) => { if (i) num.push({ type: 'group', value: L.group }); num.push({ type: 'integer', value: v }); });
        if (frac) num.push({ type: 'decimal', value: L.decimal }, { type: 'fraction', value: frac });
      }
      const zero = num.every((p) => p.type !== 'integer' && p.type !== 'fraction' || /^0*$/.test(p.value)) && num[0].type !== 'nan' && num[0].type !== 'infinity';
      let sign = '';
      switch (o.signDisplay) {
        case 'auto': sign = neg ? L.minus : ''; break;
        case 'always': sign = neg ? L.minus : '+'; break;
        case 'exceptZero': sign = zero || num[0].type === 'nan' ? '' : neg ? L.minus : '+'; break;
        case 'negative': sign = neg && !zero ? L.minus : ''; break;
      }
      let pattern = '{n}', sym;
      if (o.style === 'percent') pattern = L.percent;
      else if (o.style === 'currency') {
        if (o.currencyDisplay === 'code' || !(o.currency in L.symbols)) { pattern = L.currency; sym = o.currency; }
        else {
          pattern = L.currencySymbol;
          sym = o.currencyDisplay === 'narrowSymbol' ? (L.narrow[o.currency] ?? L.symbols[o.currency]) : L.symbols[o.currency];
          // ICU's currency spacing: a symbol ending (or starting) with a
          // letter is kept apart from the digits.
          if (pattern === '{c}{n}' && /\p{L}$/u.test(sym)) pattern = '{c}\u00a0{n}';
        }
        // That space is there only next to digits.
        if (num[0].type === 'nan' || num[0].type === 'infinity') pattern = pattern.replace('{c}\u00a0{n}', '{c}{n}');
      }
      const out = [];
      if (sign) out.push({ type: sign === '+' ? 'plusSign' : 'minusSign', value: sign });
      for (const piece of pattern.split(/(\{[nc]\})/)) {
        if (piece === '{n}') out.push(...num);
        else if (piece === '{c}') out.push({ type: 'currency', value: sym });
        else if (piece) {
          const pct = piece.indexOf('%');
          if (pct >= 0) {
            if (piece.slice(0, pct)) out.push({ type: 'literal', value: piece.slice(0, pct) });
            out.push({ type: 'percentSign', value: '%' });
          } else out.push({ type: 'literal', value: piece });
        }
      }
      return out;
    }
    get format() {
      const f = (x) => this.#parts(x).map((p) => p.value).join('');
      Object.defineProperty(this, 'format', { value: f, configurable: true });
      return f;
    }
    formatToParts(x) { return this.#parts(x); }
    resolvedOptions() { return { ...this.#o }; }
    static supportedLocalesOf(locales) { return intlSupportedLocalesOf(locales); }
    get [Symbol.toStringTag]() { return 'Intl.NumberFormat'; }
  }
