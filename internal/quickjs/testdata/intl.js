// Intl cases whose expected output is recorded from Node 20 (full ICU) in
// intl.node.txt: node testdata/intl.js > testdata/intl.node.txt
const locales = ['en-US', 'en-GB', 'de-DE', 'fr-FR'];
const show = (s) => JSON.stringify(s);
// Numbers.
const numbers = [0, -0, 1, -1, 0.5, 1.005, 1234.5, -1234.5, 1234567.891, 0.000123, 1e21, 123456789012345680000, NaN, Infinity, -Infinity, 2.5, 0.125, 99.995];
const numberOptions = [
  undefined,
  { maximumFractionDigits: 2 },
  { minimumFractionDigits: 2 },
  { minimumFractionDigits: 2, maximumFractionDigits: 2 },
  { maximumFractionDigits: 0 },
  { minimumFractionDigits: 1, maximumFractionDigits: 4 },
  { useGrouping: false },
  { minimumIntegerDigits: 3 },
  { maximumSignificantDigits: 3 },
  { minimumSignificantDigits: 5 },
  { style: 'percent' },
  { style: 'percent', minimumFractionDigits: 1 },
  { style: 'currency', currency: 'USD' },
  { style: 'currency', currency: 'EUR' },
  { style: 'currency', currency: 'GBP' },
  { style: 'currency', currency: 'JPY' },
  { style: 'currency', currency: 'CHF' },
  { style: 'currency', currency: 'INR' },
  { style: 'currency', currency: 'USD', currencyDisplay: 'code' },
  { style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol' },
  { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 },
  { style: 'currency', currency: 'xyz' },
  { signDisplay: 'always' },
  { signDisplay: 'exceptZero' },
];
for (const loc of locales) {
  for (const o of numberOptions) {
    const nf = new Intl.NumberFormat(loc, o);
    console.log(loc, show(o), numbers.map((x) => show(nf.format(x))).join(' '));
  }
  console.log(loc, 'toLocaleString', show((1234.5678).toLocaleString(loc)), show((42).toLocaleString(loc, { style: 'currency', currency: 'USD' })), show(12345678901234567890n.toLocaleString(loc)));
  console.log(loc, 'parts', show(new Intl.NumberFormat(loc, { style: 'currency', currency: 'EUR' }).formatToParts(-1234.5)));
}
console.log((1234.5).toLocaleString(), (1234.5).toLocaleString(undefined, { maximumFractionDigits: 0 }), [1, 2.5, 1000].map(new Intl.NumberFormat('de-DE').format));
console.log(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).resolvedOptions());
console.log(new Intl.NumberFormat('fr', { maximumSignificantDigits: 3 }).resolvedOptions());
console.log(Intl.NumberFormat('de').format(1e6), Intl.NumberFormat.supportedLocalesOf(['de-DE', 'en']), typeof Intl, Object.prototype.toString.call(Intl));
// Dates, in time zones with and without daylight saving.
const instants = [
  Date.UTC(2024, 0, 5, 9, 4, 3), Date.UTC(2024, 6, 14, 21, 45, 30), Date.UTC(2024, 2, 10, 6, 59, 59), Date.UTC(2024, 2, 10, 7, 0, 0),
  Date.UTC(2024, 2, 31, 0, 59, 59), Date.UTC(2024, 2, 31, 1, 0, 0), Date.UTC(2024, 10, 3, 5, 30, 0), Date.UTC(2024, 10, 3, 6, 30, 0),
  Date.UTC(2024, 9, 27, 0, 30, 0), Date.UTC(2024, 9, 27, 1, 30, 0), Date.UTC(1999, 11, 31, 23, 59, 59), Date.UTC(2000, 1, 29, 12, 0, 0), 0,
];
const zones = ['UTC', 'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'Europe/London', 'Europe/Paris', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney'];
const dateOptions = [
  undefined,
  { year: 'numeric', month: 'long', day: 'numeric' },
  { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
  { weekday: 'short', month: 'short', day: 'numeric' },
  { year: 'numeric', month: '2-digit', day: '2-digit' },
  { month: 'long', year: 'numeric' },
  { month: 'short', day: 'numeric' },
  { weekday: 'long' },
  { month: 'long' },
  { year: '2-digit', month: 'narrow', day: '2-digit' },
  { hour: 'numeric', minute: '2-digit' },
  { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  { hour: 'numeric', minute: '2-digit', hour12: false },
  { hour: 'numeric', minute: '2-digit', hour12: true },
  { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: 'numeric' },
  { weekday: 'short', hour: 'numeric' },
  { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  { dateStyle: 'full' }, { dateStyle: 'long' }, { dateStyle: 'medium' }, { dateStyle: 'short' },
  { timeStyle: 'medium' }, { timeStyle: 'short' },
  { dateStyle: 'full', timeStyle: 'short' }, { dateStyle: 'long', timeStyle: 'medium' },
  { dateStyle: 'medium', timeStyle: 'short' }, { dateStyle: 'short', timeStyle: 'short', hour12: true },
];
for (const loc of locales) {
  for (const o of dateOptions) {
    for (const timeZone of ['UTC', 'America/New_York']) {
      const f = new Intl.DateTimeFormat(loc, { ...o, timeZone });
      console.log(loc, timeZone, show(o), instants.slice(0, 3).map((t) => show(f.format(t))).join(' '));
    }
  }
  for (const timeZone of zones) {
    const d = new Date(instants[1]);
    console.log(loc, timeZone, instants.map((t) => show(new Date(t).toLocaleString(loc, { timeZone }))).join(' '));
    console.log(loc, timeZone, show(d.toLocaleDateString(loc, { timeZone })), show(d.toLocaleTimeString(loc, { timeZone })),
      show(d.toLocaleDateString(loc, { timeZone, dateStyle: 'medium' })), show(d.toLocaleTimeString(loc, { timeZone, hour: '2-digit', minute: '2-digit' })));
  }
  console.log(loc, show(new Intl.DateTimeFormat(loc, { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Berlin' }).formatToParts(instants[1])));
  console.log(loc, show(new Intl.DateTimeFormat(loc, { timeZone: 'Asia/Tokyo', hour: 'numeric', minute: '2-digit' }).formatToParts(instants[0])));
}
// Midnight and noon under each hour option (Node's en-GB 12-hour clock
// counts 0-11, its en-US 24-hour clock 1-24), and zone names as ICU gives them.
for (const loc of locales) {
  for (const o of [{ hour12: true }, { hour12: false }, { hourCycle: 'h11' }, { hourCycle: 'h12' }, { hourCycle: 'h23' }, { hourCycle: 'h24' }, { timeStyle: 'short', hour12: false }, { timeStyle: 'short', hourCycle: 'h11' }]) {
    const f = new Intl.DateTimeFormat(loc, { hour: o.timeStyle ? undefined : 'numeric', minute: o.timeStyle ? undefined : '2-digit', timeZone: 'UTC', ...o });
    console.log(loc, show(o), show(f.format(Date.UTC(2024, 0, 1, 0, 5))), show(f.format(Date.UTC(2024, 0, 1, 12, 5))), f.resolvedOptions().hourCycle);
  }
}
console.log(['Asia/Kolkata', 'Asia/Kathmandu', 'Europe/Kyiv', 'Etc/UTC', 'GMT', 'US/Eastern'].map((z) => new Intl.DateTimeFormat('en', { timeZone: z }).resolvedOptions().timeZone));
console.log(new Date(0).toLocaleString(), new Date(0).toLocaleDateString(), new Date(0).toLocaleTimeString(), new Date(NaN).toLocaleString());
console.log(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit' }).resolvedOptions());
console.log(new Intl.DateTimeFormat('de', { dateStyle: 'long' }).resolvedOptions(), new Intl.DateTimeFormat().resolvedOptions().timeZone);
console.log(new Intl.DateTimeFormat('en-GB', { weekday: 'long', hour: 'numeric' }).resolvedOptions());
console.log([instants[0], instants[1]].map(new Intl.DateTimeFormat('fr-FR', { month: 'long', day: 'numeric', timeZone: 'Europe/Paris' }).format));
for (const [what, f] of [
  ['bad zone', () => new Intl.DateTimeFormat('en-US', { timeZone: 'Mars/Olympus' })],
  ['bad date', () => new Intl.DateTimeFormat('en-US').format(NaN)],
  ['bad option', () => new Intl.DateTimeFormat('en-US', { month: 'longest' })],
  ['style and field', () => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', hour: 'numeric' })],
  ['bad digits', () => new Intl.NumberFormat('en-US', { maximumFractionDigits: 101 })],
  ['no currency', () => new Intl.NumberFormat('en-US', { style: 'currency' })],
  ['bad currency', () => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'US' })],
  ['bad locale', () => new Intl.NumberFormat('en_US')],
]) {
  try { f(); console.log(what, 'no error') } catch (e) { console.log(what, e.name, e.message) }
}
console.log(new Intl.NumberFormat('en-US'));
console.log(new Intl.DateTimeFormat('en-US'));
console.log(Intl);
console.log(typeof Intl.NumberFormat, Intl.NumberFormat.name, Intl.NumberFormat.length, Object.keys(Intl));
const nf = new Intl.NumberFormat('en-US'); console.log([1234, 5678].map(nf.format));
console.log(String(new Intl.NumberFormat()), Object.prototype.toString.call(new Intl.DateTimeFormat()));
console.log((12.5).toLocaleString('en-US', { style: 'currency', currency: 'USD' }), (1e6).toLocaleString('de'));
console.log([1234.5, new Date(0)].toLocaleString());
