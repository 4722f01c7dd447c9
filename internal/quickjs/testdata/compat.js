// Node compatibility of agent-style programs, recorded from Node 20 in an
// empty directory (see TestNodeCompatParity).
const fs = require('fs');
const util = require('util');
// process.nextTick callbacks run before promise jobs already queued.
{
  const order = [];
  Promise.resolve().then(() => { order.push('p1'); process.nextTick(() => order.push('tick-in-p1')); Promise.resolve().then(() => order.push('p1b')); });
  process.nextTick(() => { order.push('t1'); process.nextTick(() => order.push('t1-nested')); Promise.resolve().then(() => order.push('p-from-t1')); });
  queueMicrotask(() => order.push('qm'));
  (async () => { order.push('async-start'); await null; order.push('after-await'); })();
  order.push('sync');
  setTimeout(() => {
    console.log('order:', order.join(','));
    fs.promises.readFile('p.txt').catch((e) => console.log('promises:', e.message, e.path))
      .then(() => fs.readFile('cb.txt', (e) => console.log('callback:', e.message, e.path)));
  }, 5);
}
// fs errors name the path as given.
for (const f of [() => fs.readFileSync('missing.txt'), () => fs.readFileSync('./sub/../nope.json', 'utf8'),
  () => fs.renameSync('a.txt', 'b.txt'), () => fs.readdirSync('nodir'), () => fs.unlinkSync('gone'), () => fs.rmdirSync('gone-dir')]) {
  try { f(); } catch (e) { console.log(e.message, '|', e.code, e.syscall, e.path, e.dest); }
}
// Dates print their zone's name; the guest's zone is UTC.
const d = new Date(Date.UTC(2024, 0, 15, 10, 30));
console.log(String(d), '|', d.toString(), '|', d.toTimeString(), '|', `${d}`, '|', String(new Date(NaN)));
// Output is not a terminal.
console.log(process.stdout.isTTY, process.stderr.isTTY, process.stdin.isTTY, 'isTTY' in process.stdout, process.stdout.columns);
// Lone surrogates are one U+FFFD each.
process.stdout.write('a\ud800b\udc00c\ud83d\n');
console.log('x\udfff\ud800y', Buffer.from('\ud800').toString('hex'));
// Long strings with newlines inside objects are split as util.inspect does.
const long = 'line one of the text\nline two of the text\nline three of the text\nline four\n';
console.log({ text: long });
console.log([long, 'x']);
console.log({ a: { b: long } });
console.log(util.inspect(long));
console.log({ s: 'short\nstr' }, [long]);
console.log(new Map([['k', long]]));
console.log({ t: 'no newlines but a long string that goes past the width of the line for sure yes' });
console.log({ q: "it's a\n\"quoted\" `line` that is long enough to need splitting here\nok" });
console.log(util.inspect({ a: long }, { breakLength: Infinity }));
// localeCompare and Intl.Collator order as ICU does for en (and the default locale).
{
  console.log(['b','a','C'].sort((x,y)=>x.localeCompare(y)), 'a'.localeCompare('B'), 'résumé'.localeCompare('resume','en',{sensitivity:'base'}));
  console.log(new Intl.Collator(undefined,{numeric:true}).compare('a10','a9'), Intl.Collator().compare('a10', 'a9'));
  const words = ['apple', 'Apple', 'APPLE', 'äpple', 'banana', 'Banana', 'b', 'B', 'a b', 'ab', 'a-b', 'a_b', 'a.b', 'a1', 'a10', 'a2', '10', '9', '', ' ', 'zebra', 'Zürich', 'zurich', 'école', 'ecole', 'Eclair', 'éclair', 'ß', 'ss', 'straße', 'strasse', 'Ω', 'ω', 'я', 'Я', '日本', '中文', '😀', '#tag', '@at', '$x', '(p)', 'x!', 'x?', 'co-op', 'coop', 'O\'Neil', 'oneil', 'naïve', 'naive', 'A', 'a', 'Z', 'z', '0', '_'];
  console.log(JSON.stringify(words.slice().sort((x, y) => x.localeCompare(y))));
  console.log(JSON.stringify(words.slice().sort(new Intl.Collator('en', { sensitivity: 'base' }).compare)));
  console.log(JSON.stringify(words.slice().sort(new Intl.Collator('en', { numeric: true }).compare)));
  console.log(JSON.stringify(words.slice().sort(new Intl.Collator('de').compare)));
  for (const s of ['base', 'accent', 'case', 'variant']) {
    const c = new Intl.Collator('en', { sensitivity: s });
    console.log(s, c.compare('a', 'A'), c.compare('a', 'á'), c.compare('a', 'b'), c.compare('A', 'á'), JSON.stringify(c.resolvedOptions()));
  }
  console.log(JSON.stringify(new Intl.Collator().resolvedOptions()), Object.prototype.toString.call(new Intl.Collator()));
  console.log(new Intl.Collator('en', { ignorePunctuation: true }).compare('a-b', 'ab'), 'a'.localeCompare('a'), 'a'.localeCompare('b', 'sv'), 'ä'.localeCompare('z', 'sv'), 'ä'.localeCompare('z', 'de'));
  // random alnum strings against the fast path
  let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alpha = 'aAbBzZ09 mM';
  const rs = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => alpha[Math.floor(rnd() * alpha.length)]).join(''));
  let sig = 0; for (let i = 0; i < rs.length - 1; i++) sig = (sig * 31 + rs[i].localeCompare(rs[i + 1]) + 2) % 1000003;
  console.log('sig', sig, JSON.stringify(rs.slice().sort((a, b) => a.localeCompare(b)).slice(0, 40)));
}
