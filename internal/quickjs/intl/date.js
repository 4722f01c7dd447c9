  // ---------------------------------------------------------------- Intl: DateTimeFormat, toLocale*String
  // Patterns come from intl/data.json: a date pattern and a time pattern per
  // combination of options (keys: the index + 1 of each option's value, 0
  // when absent), joined by the locale's glue unless ICU has a pattern of
  // its own for the combination (both). Time zones are the host's IANA
  // database (host.tzOffset); the default zone is UTC, the sandbox's.
  const dtDateFields = [
    ['weekday', ['long', 'short', 'narrow']],
    ['year', ['numeric', '2-digit']],
    ['month', ['numeric', '2-digit', 'long', 'short', 'narrow']],
    ['day', ['numeric', '2-digit']],
  ];
  const dtTimeFields = [
    ['hour', ['numeric', '2-digit']],
    ['minute', ['numeric', '2-digit']],
    ['second', ['numeric', '2-digit']],
  ];
  const dtKey = (r, fields) => fields.map(([k, vals]) => (r[k] ? vals.indexOf(r[k]) + 1 : 0)).join('');
  const dtStyles = ['full', 'long', 'medium', 'short'];
  const dtOffset = (tz, t) => (tz === 'UTC' ? 0 : host.tzOffset(tz, t));
  function dtTimeZone(tz) {
    if (tz === undefined) return 'UTC';
    tz = String(tz);
    const up = tz.toUpperCase();
    if (up === 'UTC' || up === 'ETC/UTC' || up === 'GMT' || up === 'ETC/GMT') return 'UTC';
    if (intlData().zones[tz] === null || host.tzOffset(tz, 0) === undefined) throw new RangeError(`Invalid time zone specified: ${tz}`);
    return tz;
  }
  // dtFill turns a pattern into parts for the fields f.
  function dtParts(pattern, f, names) {
    const pad = (n) => String(n).padStart(2, '0');
    const out = [];
    const push = (type, value) => {
      const last = out[out.length - 1];
      if (type === 'literal' && last && last.type === 'literal') last.value += value;
      else out.push({ type, value });
    };
    for (const piece of pattern.split(/(\{[^}]*\})/)) {
      if (!piece) continue;
      if (piece[0] !== '{') { push('literal', piece); continue; }
      const t = piece.slice(1, -1);
      const h12 = f.hour % 12 || 12;
      switch (t[0]) {
        case 'l': push('literal', t === 'lb' ? '{' : '}'); break;
        case 'r': push('literal', '}'); break;
        case 'y': push('year', t === 'yy' ? pad(f.year % 100) : String(f.year)); break;
        case 'M': case 'L':
          if (t === 'M') push('month', String(f.month + 1));
          else if (t === 'MM') push('month', pad(f.month + 1));
          else push('month', (t[0] === 'M' ? names.month : names.monthAlone)[t.slice(1)][f.month]);
          break;
        case 'd': push('day', t === 'dd' ? pad(f.day) : String(f.day)); break;
        case 'E': push('weekday', names.weekday[t.slice(1)][f.weekday]); break;
        case 'c': push('weekday', names.weekdayAlone[t.slice(1)][f.weekday]); break;
        case 'h': push('hour', t === 'h2' ? pad(h12) : String(h12)); break;
        case 'K': push('hour', t === 'K2' ? pad(f.hour % 12) : String(f.hour % 12)); break;
        case 'H': push('hour', t === 'H2' ? pad(f.hour) : String(f.hour)); break;
        case 'k': push('hour', t === 'k2' ? pad(f.hour || 24) : String(f.hour || 24)); break;
        case 'm': push('minute', t === 'mm' ? pad(f.minute) : String(f.minute)); break;
        case 's': push('second', t === 'ss' ? pad(f.second) : String(f.second)); break;
        case 'a': push('dayPeriod', names.dayPeriod[f.hour < 12 ? 0 : 1]); break;
        default: push('literal', piece);
      }
    }
    return out;
  }

  class DateTimeFormat {
    #r;
    #pattern;
    #L;
    #zone;
    constructor(locales, options, required = 'any', defaults = 'date') {
      const [locale, data] = intlLocale(locales);
      const o = options === undefined ? {} : Object(options);
      const opt = intlOption.bind('DateTimeFormat');
      const r = { locale, calendar: 'gregory', numberingSystem: 'latn' };
      for (const k of ['calendar', 'numberingSystem']) {
        if (o[k] !== undefined && String(o[k]) !== r[k]) throw intlUnsupported(`The ${k} ${JSON.stringify(String(o[k]))}`);
      }
      const hour12 = o.hour12 === undefined ? undefined : Boolean(o.hour12);
      const hourCycle = opt(o, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undefined);
      this.#zone = dtTimeZone(o.timeZone);
      // resolvedOptions names a zone as ICU does (Asia/Kolkata is
      // Asia/Calcutta); offsets come from the IANA name.
      r.timeZone = intlData().zones[this.#zone] ?? this.#zone;
      const fields = {};
      for (const [k, vals] of [...dtDateFields, ['era', ['long', 'short', 'narrow']], ['dayPeriod', ['narrow', 'short', 'long']], ...dtTimeFields]) {
        fields[k] = opt(o, k, vals, undefined);
      }
      const fsd = o.fractionalSecondDigits;
      const tzName = opt(o, 'timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric'], undefined);
      const dateStyle = opt(o, 'dateStyle', dtStyles, undefined);
      const timeStyle = opt(o, 'timeStyle', dtStyles, undefined);
      const any = Object.values(fields).some((v) => v !== undefined) || fsd !== undefined || tzName !== undefined;
      if (dateStyle || timeStyle) {
        if (any) throw new TypeError(`Can't set option ${Object.keys(fields).find((k) => fields[k] !== undefined) || 'timeZoneName'} when ${dateStyle ? 'dateStyle' : 'timeStyle'} is used`);
        if (required === 'date' && timeStyle) throw new TypeError('Invalid option : timeStyle');
        if (required === 'time' && dateStyle) throw new TypeError('Invalid option : dateStyle');
      }
      if (fields.era) throw intlUnsupported('The option era');
      if (fields.dayPeriod) throw intlUnsupported('The option dayPeriod');
      if (fsd !== undefined) throw intlUnsupported('The option fractionalSecondDigits');
      if (tzName) throw intlUnsupported('The option timeZoneName');
      if (timeStyle === 'full' || timeStyle === 'long') throw intlUnsupported(`timeStyle "${timeStyle}" (it names the time zone)`);
      const L = this.#L = intlData().locales[data];
      // hour12 picks ICU's pattern for it (en-GB's 12-hour clock counts
      // 0-11, en-US's 24-hour clock 1-24, as in Node); hourCycle, when
      // hour12 is not given, takes that pattern with its own hour field.
      const hc = hour12 !== undefined ? (hour12 ? '12' : '24') : hourCycle ? (hourCycle === 'h11' || hourCycle === 'h12' ? '12' : '24') : '';
      const cycle = hour12 === undefined && hourCycle ? { h11: 'K', h12: 'h', h23: 'H', h24: 'k' }[hourCycle] : undefined;
      let pattern;
      if (dateStyle || timeStyle) {
        const dp = dateStyle && L.dateStyle[dateStyle];
        const tp = timeStyle && L.timeStyle[timeStyle + hc];
        pattern = dp && tp ? L.glue[dateStyle].replace('{0}', () => dp).replace('{1}', () => tp) : dp || tp;
        if (dateStyle) r.dateStyle = dateStyle;
        if (timeStyle) r.timeStyle = timeStyle;
      } else {
        // ECMA-402's ToDateTimeOptions: the default fields come in when
        // none of those required was given.
        const hasDate = ['weekday', 'year', 'month', 'day'].some((k) => fields[k]);
        const hasTime = ['hour', 'minute', 'second'].some((k) => fields[k]);
        if (!((required !== 'time' && hasDate) || (required !== 'date' && hasTime))) {
          if (defaults !== 'time') Object.assign(fields, { year: 'numeric', month: 'numeric', day: 'numeric' });
          if (defaults !== 'date') Object.assign(fields, { hour: 'numeric', minute: 'numeric', second: 'numeric' });
        }
        const dk = dtKey(fields, dtDateFields), tk = dtKey(fields, dtTimeFields);
        const dp = dk !== '0000' ? intlData().patterns[L.date[dk]] : undefined;
        const tp = tk !== '000' ? intlData().patterns[L.time[tk + hc]] : undefined;
        if (dp !== undefined && tp !== undefined) {
          const both = L.both[dk + tk + hc];
          const glue = L.glue[fields.month === 'long' ? (fields.weekday ? 'full' : 'long') : fields.month === 'short' ? 'medium' : 'short'];
          pattern = both !== undefined ? intlData().patterns[both] : glue.replace('{0}', () => dp).replace('{1}', () => tp);
        } else pattern = dp ?? tp;
      }
      if (cycle) pattern = pattern.replace(/\{[hHkK](2?)\}/g, (_, two) => `{${cycle}${two}}`);
      // What the pattern shows, as resolvedOptions reports it.
      const tokens = pattern.match(/\{[^}]*\}/g) || [];
      const has = (re) => tokens.find((t) => re.test(t));
      const hourTok = has(/^\{[hHkK]/);
      if (hourTok) {
        r.hourCycle = { h: 'h12', K: 'h11', H: 'h23', k: 'h24' }[hourTok[1]];
        r.hour12 = hourTok[1] === 'h' || hourTok[1] === 'K';
      }
      if (!r.dateStyle && !r.timeStyle) {
        const w = has(/^\{[Ec]/), y = has(/^\{yy?\}/), mo = has(/^\{[ML]/), d = has(/^\{dd?\}/);
        if (w) r.weekday = w.slice(2, -1);
        if (y) r.year = y === '{yy}' ? '2-digit' : 'numeric';
        if (mo) r.month = mo === '{M}' ? 'numeric' : mo === '{MM}' ? '2-digit' : mo.slice(2, -1);
        if (d) r.day = d === '{dd}' ? '2-digit' : 'numeric';
        if (hourTok) r.hour = hourTok.length === 4 ? '2-digit' : 'numeric';
        const mi = has(/^\{mm?\}/), s = has(/^\{ss?\}/);
        if (mi) r.minute = mi === '{mm}' ? '2-digit' : 'numeric';
        if (s) r.second = s === '{ss}' ? '2-digit' : 'numeric';
      }
      this.#r = r;
      this.#pattern = pattern;
    }
    formatToParts(date) {
      const t = date === undefined ? Date.now() : Number(date);
      if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) throw new RangeError('Invalid time value');
      const local = new Date(t + dtOffset(this.#zone, t) * 60000);
      const f = {
        year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate(), weekday: local.getUTCDay(),
        hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(),
      };
      return dtParts(this.#pattern, f, this.#L.names);
    }
    get format() {
      // As V8 does (for compatibility with older ICU), format, unlike
      // formatToParts, spaces with U+0020 where ICU has U+202F.
      const f = (date) => this.formatToParts(date).map((p) => p.value).join('').replace(/\u202f/g, ' ');
      Object.defineProperty(this, 'format', { value: f, configurable: true });
      return f;
    }
    formatRange() { throw intlUnsupported('formatRange'); }
    resolvedOptions() {
      const r = this.#r;
      const out = {};
      for (const k of ['locale', 'calendar', 'numberingSystem', 'timeZone', 'hourCycle', 'hour12', 'weekday', 'year', 'month', 'day', 'hour', 'minute', 'second', 'dateStyle', 'timeStyle']) {
        if (r[k] !== undefined) out[k] = r[k];
      }
      return out;
    }
    static supportedLocalesOf(locales) { return intlSupportedLocalesOf(locales); }
    get [Symbol.toStringTag]() { return 'Intl.DateTimeFormat'; }
  }

  // Intl.NumberFormat and Intl.DateTimeFormat work with and without new;
  // Intl's members are not enumerable, as in V8.
  const NF = NumberFormat, DTF = DateTimeFormat;
  const Intl = {};
  const hidden = (obj, props) => {
    for (const [k, v] of Object.entries(props)) Object.defineProperty(obj, k, { value: v, writable: true, configurable: true, enumerable: false });
  };
  hidden(Intl, {
    NumberFormat: function NumberFormat() { return new NF(arguments[0], arguments[1]); },
    DateTimeFormat: function DateTimeFormat() { return new DTF(arguments[0], arguments[1]); },
    getCanonicalLocales: function getCanonicalLocales(l) { return intlCanonical(l); },
    supportedValuesOf: function supportedValuesOf(k) {
      switch (k) {
        case 'calendar': return ['gregory'];
        case 'numberingSystem': return ['latn'];
        case 'currency': return Object.keys(intlData().locales[intlDefaultLocale].symbols).sort();
      }
      throw intlUnsupported(`supportedValuesOf(${JSON.stringify(String(k))})`);
    },
  });
  for (const [F, C] of [[Intl.NumberFormat, NF], [Intl.DateTimeFormat, DTF]]) {
    F.prototype = C.prototype;
    hidden(C.prototype, { constructor: F });
    hidden(F, { supportedLocalesOf: C.supportedLocalesOf });
  }
  Object.defineProperty(Intl, Symbol.toStringTag, { value: 'Intl', configurable: true });
  const dateMethod = (required, defaults) => function (locales, options) {
    const t = Date.prototype.getTime.call(this);
    if (Number.isNaN(t)) return 'Invalid Date';
    return new DTF(locales, options, required, defaults).format(t);
  };
  // What the prelude installs (see prelude/intl.js).
  return {
    Intl,
    numberToLocaleString(locales, options) { return new NF(locales, options).format(Number.prototype.valueOf.call(this)); },
    bigintToLocaleString(locales, options) { return new NF(locales, options).format(BigInt.prototype.valueOf.call(this)); },
    toLocaleString: dateMethod('any', 'all'),
    toLocaleDateString: dateMethod('date', 'date'),
    toLocaleTimeString: dateMethod('time', 'time'),
  };
})
