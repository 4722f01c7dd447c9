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
