  // ---------------------------------------------------------------- Intl.Collator, localeCompare
  // Comparison by the CLDR collation of the locale, done by the host
  // (golang.org/x/text/collate, the data ICU uses in Node), with a fast
  // path in JavaScript for letters, digits and spaces under the default
  // options, which is what most sorts compare.
  function collatorOpt(o, name, values, fallback) {
    const v = o[name];
    if (v === undefined) return fallback;
    const s = String(v);
    if (!values.includes(s)) throw new RangeError(`Value ${s} out of range for Intl.Collator options property ${name}`);
    return s;
  }
  // Primary weights of the fast path: space, then digits, then letters
  // without regard to case; -1 for every other character.
  const simpleWeights = new Int8Array(128).fill(-1);
  simpleWeights[32] = 0;
  for (let c = 48; c <= 57; c++) simpleWeights[c] = c - 47;
  for (let c = 65; c <= 90; c++) simpleWeights[c] = simpleWeights[c + 32] = c - 54;
  // simpleCompare compares a and b as the root collation does when they
  // are made of letters, digits and spaces: by those without regard to
  // case first, then, at the first difference in case only, lower case
  // before upper case. It returns undefined when another character could
  // decide.
  function simpleCompare(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i), y = b.charCodeAt(i);
      const wx = x < 128 ? simpleWeights[x] : -1, wy = y < 128 ? simpleWeights[y] : -1;
      if (wx < 0 || wy < 0) return undefined;
      if (wx !== wy) return wx < wy ? -1 : 1;
    }
    const rest = a.length > n ? a : b;
    for (let i = n; i < rest.length; i++) {
      const x = rest.charCodeAt(i);
      if (x >= 128 || simpleWeights[x] < 0) return undefined;
    }
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) return x > y ? -1 : 1; // 'a' (97) sorts before 'A' (65)
    }
    return 0;
  }
  // Sort keys from the host, by collator and string: comparing two keys
  // as strings orders their strings. Each cache holds at most 20,000.
  const sortKeys = new Map();
  function sortKey(key, s) {
    let cache = sortKeys.get(key);
    if (cache === undefined) {
      if (sortKeys.size >= 16) sortKeys.clear();
      sortKeys.set(key, cache = new Map());
    }
    let k = cache.get(s);
    if (k === undefined) {
      if (cache.size >= 20000) cache.clear();
      k = host.collate(s, key);
      cache.set(s, k);
    }
    return k;
  }
  function collatorCompare(key, a, b) {
    if (a === b) return 0;
    if (key === defaultCollatorKey) {
      const r = simpleCompare(a, b);
      if (r !== undefined) return r;
    }
    if (key.includes('|case|')) return host.collate(a, key, b);
    const ka = sortKey(key, a), kb = sortKey(key, b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  // It needs nothing of the rest of Intl, which may be loaded on first use.
  const collatorDefaultLocale = 'en-US';
  const defaultCollatorKey = `${collatorDefaultLocale}|variant||`;
  function collatorLocales(locales) {
    if (locales === undefined) return [];
    const list = typeof locales === 'string' || (typeof locales === 'object' && locales !== null && !(Symbol.iterator in locales) && typeof locales.length !== 'number') ? [locales] : Array.from(locales);
    return list.map((l) => {
      if (typeof l !== 'string' && (typeof l !== 'object' || l === null)) throw new TypeError('Language ID should be string or object.');
      const s = String(l);
      if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(s)) throw new RangeError('Incorrect locale information provided');
      return s;
    });
  }
  class Collator {
    #key;
    #r;
    #bound;
    constructor(locales, options) {
      const list = collatorLocales(locales);
      const o = options === undefined ? {} : Object(options);
      const usage = collatorOpt(o, 'usage', ['sort', 'search'], 'sort');
      let numeric = o.numeric === undefined ? undefined : Boolean(o.numeric);
      const caseFirst = collatorOpt(o, 'caseFirst', ['upper', 'lower', 'false'], undefined);
      if (caseFirst === 'upper') throw new RangeError('The option caseFirst: "upper" is not supported by this sandbox\'s Intl.Collator');
      const sensitivity = collatorOpt(o, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
      const ignorePunctuation = o.ignorePunctuation === undefined ? false : Boolean(o.ignorePunctuation);
      const locale = list.length > 0 ? list[0] : collatorDefaultLocale;
      const kn = /-u(?:-[a-z0-9]{2,8})*?-kn(?:-(true|false))?(?:-|$)/i.exec(locale);
      if (numeric === undefined) numeric = kn !== null && kn[1] !== 'false';
      this.#r = { locale, usage, sensitivity, ignorePunctuation, collation: 'default', numeric, caseFirst: caseFirst || 'false' };
      this.#key = `${locale}|${sensitivity}|${numeric ? 1 : ''}|${ignorePunctuation ? 1 : ''}`;
      if (this.#key === `en|variant||`) this.#key = defaultCollatorKey;
    }
    get compare() {
      if (this.#bound === undefined) {
        const key = this.#key;
        this.#bound = (a, b) => collatorCompare(key, String(a), String(b));
      }
      return this.#bound;
    }
    resolvedOptions() { return Object.assign({}, this.#r); }
    static supportedLocalesOf(locales) { return collatorLocales(locales); }
    get [Symbol.toStringTag]() { return 'Intl.Collator'; }
  }
  {
    const CollatorFn = function Collator(locales, options) { return new CollatorClass(locales, options); };
    const CollatorClass = Collator;
    CollatorFn.prototype = Collator.prototype;
    CollatorFn.supportedLocalesOf = Collator.supportedLocalesOf;
    Object.defineProperty(Collator.prototype, 'constructor', { value: CollatorFn, writable: true, configurable: true });
    // Intl.Collator joins Intl now, or when Intl is made on first use.
    const install = (intl) => {
      if (intl !== null && typeof intl === 'object' && intl.Collator !== CollatorFn) define(intl, 'Collator', CollatorFn);
      return intl;
    };
    const d = Object.getOwnPropertyDescriptor(G, 'Intl');
    if (d !== undefined && typeof d.get === 'function') {
      Object.defineProperty(G, 'Intl', {
        get() { const v = install(d.get.call(G)); define(G, 'Intl', v); return v; },
        set(v) { define(G, 'Intl', v); },
        configurable: true, enumerable: false,
      });
    } else if (d !== undefined) {
      install(d.value);
    }
    define(String.prototype, 'localeCompare', {
      localeCompare(that, locales, options) {
        if (this === undefined || this === null) throw new TypeError('String.prototype.localeCompare called on null or undefined');
        const s = String(this), t = String(that);
        if (locales === undefined && options === undefined) return collatorCompare(defaultCollatorKey, s, t);
        return new Collator(locales, options).compare(s, t);
      },
    }.localeCompare);
  }
