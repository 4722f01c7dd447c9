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
// events, assert, url, querystring, string_decoder, AbortController and os, as in Node.
{
  const EventEmitter = require('events');
  const e = new EventEmitter(); console.log(e); e.on('x', () => {}); e.once('y', function named() {}); e.on('x', () => {}); console.log(e);
  class My extends EventEmitter { constructor() { super(); this.n = 1; } } console.log(new My());
  try { e.emit('error', new Error('boom')) } catch (err) { console.log(err.message) }
  try { e.emit('error', 'str') } catch (err) { console.log(err.message, err.code) }
  console.log(EventEmitter.defaultMaxListeners, typeof EventEmitter.once, EventEmitter === EventEmitter.EventEmitter);
  const log = [];
  e.prependListener('x', () => log.push('first')); e.emit('x'); e.emit('y'); e.emit('y');
  console.log(e.listenerCount('x'), e.listenerCount('y'), e.eventNames(), log);
  const f = () => log.push('f'); e.on('z', f); e.off('z', f); console.log(e.emit('z'), e.listenerCount('z'));
  EventEmitter.once(e, 'ready').then((args) => console.log('once resolved', args));
  e.emit('ready', 1, 2);
  const assert = require('assert');
  const t = (f) => { try { f(); console.log('no throw') } catch (e) { console.log(JSON.stringify([e.name, e.code, e.message, e.operator, e.generatedMessage])) } };
  t(() => assert.strictEqual(1, 2));
  t(() => assert.strictEqual(1, '1'));
  t(() => assert.strictEqual('hello', 'world'));
  t(() => assert.strictEqual({a:1}, {a:1}));
  t(() => assert.equal(1, 2));
  t(() => assert.notStrictEqual(1, 1));
  t(() => assert.deepStrictEqual({a:1, b:[1,2]}, {a:1, b:[1,3]}));
  t(() => assert.deepStrictEqual([1,2,3], [1,2,4]));
  t(() => assert.deepStrictEqual(1, 2));
  t(() => assert(0, 'custom msg'));
  t(() => assert.strictEqual(1, 2, 'mine'));
  t(() => assert.throws(() => {}));
  t(() => assert.throws(() => { throw new Error('x') }, /y/));
  t(() => assert.throws(() => { throw new TypeError('x') }, TypeError));
  t(() => assert.throws(() => { throw new Error('x') }, { message: 'x' }));
  t(() => assert.fail('boom'));
  t(() => assert.notDeepStrictEqual({a:1},{a:1}));
  t(() => assert.deepEqual({a:1},{a:'1'}));
  t(() => assert.deepStrictEqual(new Map([[1, 2]]), new Map([[1, 2]])));
  t(() => assert.ok(true));
  t(() => assert.match('abc', /b/));
  assert.rejects(Promise.resolve(1)).catch(e => console.log('rejects:', JSON.stringify(e.message)));
  assert.rejects(Promise.reject(new Error('r')), /r/).then(() => console.log('rejects ok'));
  const os = require('node:os');
  const { URL: U2, URLSearchParams: P2, fileURLToPath, pathToFileURL } = require('url');
  console.log(U2 === URL, P2 === URLSearchParams);
  for (const [u, b] of [['https://Example.COM:443/a/./b/../c?x=1 2&y=é#frag ment'], ['../d?q', 'http://h.com/a/b/c'], ['//other.org/p', 'https://h.com/'], ['?only', 'http://h.com/a/b?old#h'], ['#f', 'http://h.com/a'], ['file:///tmp/a%20b.txt'], ['mailto:someone@example.com'], ['http://user:pa ss@h.com:8080/'], ['HTTP://h.com'], ['http://h.com/ä/ü?ö=ß'], ['data:text/plain,hello'], ['https://h.com/a?'], ['https://h.com/a#']]) {
    try { const x = new URL(u, b); console.log(x.href, '|', x.origin, x.protocol, x.host, x.hostname, x.port, x.pathname, x.search, x.hash, x.username, x.password); } catch (e) { console.log('error', e.name, e.message, e.code); }
  }
  try { new URL('not a url') } catch (e) { console.log(e.name, e.message, e.code, e.input) }
  try { new URL('/path') } catch (e) { console.log(e.name, e.message, e.code) }
  const url = new URL('https://example.com/search?q=hello+world&lang=en');
  console.log(url.searchParams.get('q'), url.searchParams.get('lang'), url.searchParams.has('x'), [...url.searchParams]);
  url.searchParams.append('page', '2'); url.searchParams.set('q', 'a&b c'); console.log(url.href, url.search);
  url.search = '?z=1'; console.log(url.searchParams.get('z'), url.href);
  url.pathname = '/new path'; url.hash = 'top'; console.log(url.href, String(url), JSON.stringify({ url }));
  console.log(url);
  console.log(new URLSearchParams({ a: 1, b: 'x y', c: 'é&=' }).toString(), new URLSearchParams([['k', 'v'], ['k', 'w']]).getAll('k'), new URLSearchParams('?a=1&b=2&a=3').toString());
  const sp = new URLSearchParams('b=2&a=1&c=3&a=0'); sp.sort(); console.log(sp.toString(), sp.size, sp);
  console.log(fileURLToPath('file:///app/a%20b.txt'), pathToFileURL('/app/x y#.txt').href, fileURLToPath(new URL('file:///etc/hosts')));
  const qs = require('querystring');
  console.log(qs.parse('a=1&b=x%20y&a=2&c=&d'), qs.stringify({ a: [1, 2], b: 'x y', c: true, d: null, e: 'é!' }), qs.escape('a b&c'), qs.unescape('a%20b'));
  const { StringDecoder } = require('string_decoder');
  const dec = new StringDecoder('utf8'); const eur = Buffer.from('€');
  console.log(JSON.stringify(dec.write(eur.subarray(0, 1))), JSON.stringify(dec.write(eur.subarray(1))), JSON.stringify(dec.end()));
  const ac = new AbortController(); ac.signal.addEventListener('abort', () => console.log('aborted!', ac.signal.reason.name, ac.signal.reason.message)); ac.abort(); console.log(ac.signal.aborted);
  const ac2 = new AbortController(); ac2.abort('why'); console.log(ac2.signal.reason, AbortSignal.abort().aborted);
  console.log(JSON.stringify(os.EOL), typeof os.totalmem(), typeof os.freemem(), os.type(), os.endianness(), os.platform(), os.homedir(), require('node:os') === os);
}
// util additions.
{
  const cb = util.callbackify(async (x) => x * 2);
  cb(21, (err, v) => console.log('callbackify', err, v));
  const cbe = util.callbackify(async () => { throw new Error('bad') });
  cbe((err) => console.log('callbackify err', err.message));
  console.log(util.stripVTControlCharacters('\u001b[31mred\u001b[39m'), util.types.isAsyncFunction(async () => {}), util.types.isGeneratorFunction(function* () {}), util.types.isArrayBuffer(new ArrayBuffer(1)), util.types.isUint8Array(Buffer.alloc(1)), util.types.isBoxedPrimitive(new String('x')));
  console.log(typeof util.debuglog('x'), util.isDeepStrictEqual([1], [1]), util.toUSVString('a\ud800b'));
  const p = util.promisify((a, cb) => cb(null, a + 1)); p(1).then((v) => console.log('promisify', v));
}
// assert's diffs, and how URL, AbortController and AbortSignal inspect.
{
  console.log({ u: new URL('https://a.com/x?y=1') });
  console.log([new URLSearchParams('a=1')]);
  console.log(new AbortController());
  console.log(AbortSignal.abort().aborted, new AbortController().signal);
  const assert = require('assert');
  try { assert.deepStrictEqual({ name: 'x', items: [1, 2, 3], nested: { a: 1 } }, { name: 'x', items: [1, 2, 4], nested: { a: 1 } }) } catch (e) { console.log(e.message) }
  try { assert.strictEqual([1, 2].length, 3) } catch (e) { console.log(e.message) }
  try { assert.equal('a', 'b', 'should match') } catch (e) { console.log(e.message) }
  console.log(String(new URL('http://x.com:80/a b')), new URL('http://x.com/').port);
}
{
  const assert = require('assert');
  const msg = (f) => { try { f(); return 'no throw'; } catch (e) { return e.message; } };
  console.log(msg(() => assert.strictEqual('hello world', 'hello there')));
  console.log(msg(() => assert.deepStrictEqual({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 }, { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 9 })));
  console.log(msg(() => assert.deepStrictEqual([1, 2, 3], [1, 2, 3, 4])));
  console.log(msg(() => assert.deepStrictEqual([1, 2, 3, 4], [1, 2])));
  console.log(msg(() => assert.deepStrictEqual({ x: 1 }, { x: 1, y: 2 })));
  console.log(msg(() => assert.deepStrictEqual(Array.from({ length: 20 }, (_, i) => i), Array.from({ length: 20 }, (_, i) => (i === 10 ? -1 : i)))));
  console.log(msg(() => assert.strictEqual({ a: 1 }, { a: 2 })));
  console.log(msg(() => assert.deepEqual([1, 2], [1, 3])));
  console.log(msg(() => assert.deepStrictEqual('abc', 'abd')));
  console.log(msg(() => assert.deepStrictEqual(new Map([[1, 'a']]), new Map([[1, 'b']]))));
  console.log(msg(() => assert.deepStrictEqual({ s: 'x' }, { s: 1 })));
  console.log(msg(() => assert.strictEqual(null, undefined)));
  console.log(msg(() => assert.strictEqual(0, -0)));
  console.log(msg(() => assert.notStrictEqual('a', 'a')));
}
