// Generates intl/data.json, the locale data of the sandbox's Intl, from
// Node's own Intl (full ICU):
//   node testdata/intl_gen.js > intl/data.json
// Patterns: {y} year, {M...} month, {d} day, {E...} weekday, {h}/{H} hour,
// {m} minute, {s} second, {a} day period; date and time keys are the
// indices of the option values (see intl/date.js).
'use strict';
const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'CNY', 'INR', 'KRW', 'BRL', 'MXN', 'SEK', 'NOK', 'DKK', 'PLN', 'RUB', 'HKD', 'SGD', 'NZD', 'ZAR', 'TRY'];
// Three instants (UTC) of Friday 2024-01-05: one-digit fields (padding
// shows), an afternoon hour (12 or 24 hours show) and midnight (which of
// 0-11, 1-12, 0-23 or 1-24 shows).
const A = Date.UTC(2024, 0, 5, 9, 4, 3, 7);
const B = Date.UTC(2024, 0, 5, 15, 4, 3, 7);
const C = Date.UTC(2024, 0, 5, 0, 4, 3, 7);
const W = ['weekday', ['long', 'short', 'narrow']];
const Y = ['year', ['numeric', '2-digit']];
const M = ['month', ['numeric', '2-digit', 'long', 'short', 'narrow']];
const D = ['day', ['numeric', '2-digit']];
const H = ['hour', ['numeric', '2-digit']];
const MI = ['minute', ['numeric', '2-digit']];
const S = ['second', ['numeric', '2-digit']];

function names(loc) {
  const out = { month: {}, monthAlone: {}, weekday: {}, weekdayAlone: {} };
  for (const w of ['long', 'short', 'narrow']) {
    const f = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', month: w, day: 'numeric' });
    const fa = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', month: w });
    out.month[w] = [];
    out.monthAlone[w] = [];
    for (let m = 0; m < 12; m++) {
      const d = Date.UTC(2024, m, 5);
      out.month[w].push(f.formatToParts(d).find((p) => p.type === 'month').value);
      out.monthAlone[w].push(fa.format(d));
    }
    const g = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', weekday: w, day: 'numeric' });
    const ga = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', weekday: w });
    out.weekday[w] = [];
    out.weekdayAlone[w] = [];
    for (let i = 0; i < 7; i++) { // Sunday first
      const d = Date.UTC(2024, 0, 7 + i);
      out.weekday[w].push(g.formatToParts(d).find((p) => p.type === 'weekday').value);
      out.weekdayAlone[w].push(ga.format(d));
    }
  }
  const pm = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', hour: 'numeric', hour12: true });
  out.dayPeriod = [A, B].map((t) => pm.formatToParts(t).find((p) => p.type === 'dayPeriod').value);
  return out;
}

// token turns one part of the formatted A (and of B and C) into a
// pattern token.
function token(n, p, q, r) {
  const v = p.value;
  switch (p.type) {
    case 'literal': return v.replace(/[{}]/g, (c) => `{${c === '{' ? 'lb' : 'rb'}}`);
    case 'year': return v.length === 2 ? '{yy}' : '{y}';
    case 'day': return v.length === 2 ? '{dd}' : '{d}';
    case 'minute': return v.length === 2 ? '{mm}' : '{m}';
    case 'second': return v.length === 2 ? '{ss}' : '{s}';
    case 'fractionalSecond': return `{S${v.length}}`;
    case 'dayPeriod': return '{a}';
    case 'hour': {
      // h: 1-12, K: 0-11, H: 0-23, k: 1-24.
      const c = q.value === '15' ? (r.value === '24' ? 'k' : 'H') : r.value === '12' ? 'h' : 'K';
      return `{${c}${v.length === 2 ? '2' : ''}}`;
    }
    case 'month': {
      if (/^\d+$/.test(v)) return v.length === 2 ? '{MM}' : '{M}';
      for (const w of ['long', 'short', 'narrow']) {
        if (n.month[w][0] === v) return `{M${w}}`;
        if (n.monthAlone[w][0] === v) return `{L${w}}`;
      }
      throw new Error('month ' + v);
    }
    case 'weekday': {
      for (const w of ['long', 'short', 'narrow']) {
        if (n.weekday[w][5] === v) return `{E${w}}`;
        if (n.weekdayAlone[w][5] === v) return `{c${w}}`;
      }
      throw new Error('weekday ' + v);
    }
  }
  throw new Error('part ' + p.type);
}

function pattern(loc, n, opts) {
  const f = new Intl.DateTimeFormat(loc, { timeZone: 'UTC', ...opts });
  const a = f.formatToParts(A), b = f.formatToParts(B), c = f.formatToParts(C);
  if (a.length !== b.length || a.length !== c.length) throw new Error('parts differ ' + JSON.stringify(opts));
  return a.map((p, i) => token(n, p, b[i], c[i])).join('');
}

function combos(fields) {
  let out = [{}];
  for (const [k, vals] of fields) {
    const next = [];
    for (const o of out) {
      next.push(o);
      for (const v of vals) next.push({ ...o, [k]: v });
    }
    out = next;
  }
  return out;
}

const key = (o, fields) => fields.map(([k, vals]) => (o[k] ? vals.indexOf(o[k]) + 1 : 0)).join('');

const data = {};
for (const loc of LOCALES) {
  const n = names(loc);
  const L = { names: n, date: {}, time: {}, glue: {}, dateStyle: {}, timeStyle: {} };
  const dfields = [W, Y, M, D];
  for (const o of combos(dfields)) {
    if (Object.keys(o).length) L.date[key(o, dfields)] = pattern(loc, n, o);
  }
  const tfields = [H, MI, S];
  for (const o of combos(tfields)) {
    if (!Object.keys(o).length) continue;
    for (const [hc, extra] of [['', {}], ['12', { hour12: true }], ['24', { hour12: false }]]) {
      L.time[key(o, tfields) + hc] = pattern(loc, n, { ...o, ...extra });
    }
  }
  for (const s of ['medium', 'short']) {
    for (const [hc, extra] of [['', {}], ['12', { hour12: true }], ['24', { hour12: false }]]) {
      L.timeStyle[s + hc] = pattern(loc, n, { timeStyle: s, ...extra });
    }
  }
  for (const s of ['full', 'long', 'medium', 'short']) {
    L.dateStyle[s] = pattern(loc, n, { dateStyle: s });
    const both = pattern(loc, n, { dateStyle: s, timeStyle: 'short' });
    const glue = both.replace(L.dateStyle[s], '{0}').replace(L.timeStyle.short, '{1}');
    if (!glue.includes('{0}') || !glue.includes('{1}')) throw new Error('glue ' + s + ' ' + both);
    L.glue[s] = glue;
  }
  // Date and time together: the date's pattern and the time's joined by
  // a glue chosen by the month's width (as ICU does for most option
  // bags); the combinations where ICU has a pattern of its own are kept.
  L.both = {};
  for (const d of combos(dfields)) {
    if (!Object.keys(d).length) continue;
    const dk = key(d, dfields);
    const glue = L.glue[d.month === 'long' ? (d.weekday ? 'full' : 'long') : d.month === 'short' ? 'medium' : 'short'];
    for (const t of combos(tfields)) {
      if (!Object.keys(t).length) continue;
      for (const [hc, extra] of [['', {}], ['12', { hour12: true }], ['24', { hour12: false }]]) {
        const tk = key(t, tfields) + hc;
        const actual = pattern(loc, n, { ...d, ...t, ...extra });
        const predicted = glue.replace('{0}', () => L.date[dk]).replace('{1}', () => L.time[tk]);
        if (actual !== predicted) L.both[dk + tk] = actual;
      }
    }
  }
  // Numbers.
  const nf = (o, x) => new Intl.NumberFormat(loc, o).format(x);
  const parts = new Intl.NumberFormat(loc).formatToParts(1234567.5);
  L.group = parts.find((p) => p.type === 'group').value;
  L.decimal = parts.find((p) => p.type === 'decimal').value;
  L.minus = new Intl.NumberFormat(loc).formatToParts(-1).find((p) => p.type === 'minusSign').value;
  L.percent = nf({ style: 'percent' }, 0.42).replace('42', '{n}');
  L.currency = nf({ style: 'currency', currency: 'XYZ' }, 42).replace('42.00', '{n}').replace('42,00', '{n}').replace('XYZ', '{c}');
  L.symbols = {};
  L.narrow = {};
  for (const c of CURRENCIES) {
    const sym = new Intl.NumberFormat(loc, { style: 'currency', currency: c }).formatToParts(1).find((p) => p.type === 'currency').value;
    const nar = new Intl.NumberFormat(loc, { style: 'currency', currency: c, currencyDisplay: 'narrowSymbol' }).formatToParts(1).find((p) => p.type === 'currency').value;
    L.symbols[c] = sym;
    if (nar !== sym) L.narrow[c] = nar;
  }
  L.currencySymbol = nf({ style: 'currency', currency: 'EUR' }, 42).replace('42.00', '{n}').replace('42,00', '{n}').replace(L.symbols.EUR, '{c}');
  data[loc] = L;
}
const digits = {};
for (const c of CURRENCIES) {
  const d = new Intl.NumberFormat('en-US', { style: 'currency', currency: c }).resolvedOptions().maximumFractionDigits;
  if (d !== 2) digits[c] = d;
}
// Patterns shared by several locales are stored once.
const pats = [];
const index = new Map();
const ref = (p) => { if (!index.has(p)) { index.set(p, pats.length); pats.push(p); } return index.get(p); };
for (const L of Object.values(data)) {
  for (const t of ['date', 'time', 'both']) for (const k in L[t]) L[t][k] = ref(L[t][k]);
}
// The names ICU reports for IANA zones it knows by an older name
// (Asia/Kolkata is Asia/Calcutta), or null for those it rejects, from
// the host's tzdata.zi.
const zones = {};
for (const line of require('fs').readFileSync('/usr/share/zoneinfo/tzdata.zi', 'utf8').split('\n')) {
  const f = line.split(' ');
  const name = f[0] === 'Z' ? f[1] : f[0] === 'L' ? f[2] : undefined;
  if (!name) continue;
  let r = null; // a name ICU does not take (Factory)
  try { r = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone; } catch {}
  if (r !== name) zones[name] = r;
}
process.stdout.write(JSON.stringify({ patterns: pats, currencyDigits: digits, zones, locales: data }) + '\n');
