// Classes, generators, async code and errors.
class Account {
  #balance = 0;
  constructor(owner) { this.owner = owner; this.history = []; }
  deposit(n) {
    if (n <= 0) throw new RangeError(`invalid amount: ${n}`);
    this.#balance += n; this.history.push(['deposit', n]); return this;
  }
  get balance() { return this.#balance; }
  toString() { return `Account(${this.owner}, ${this.#balance})`; }
}
const a = new Account('ada').deposit(50).deposit(25);
console.log(String(a), a.balance, a.history);
try { a.deposit(-1); } catch (e) { console.log(e.name, e.message, e instanceof RangeError); }
function* fib() { let [x, y] = [0n, 1n]; for (;;) { yield x; [x, y] = [y, x + y]; } }
const out = [];
for (const f of fib()) { if (out.length === 12) break; out.push(f); }
console.log(out.join(','), 2n ** 70n);
const sleep = (ms, v) => new Promise((r) => setTimeout(() => r(v), ms));
(async () => {
  const r = await Promise.all([sleep(20, 'a'), sleep(5, 'b'), 'c']);
  console.log(r, await Promise.race([sleep(30, 'slow'), sleep(1, 'fast')]));
  const settled = await Promise.allSettled([Promise.reject(new Error('no')), sleep(1, 'yes')]);
  console.log(settled.map((s) => s.status));
})();
console.log([..."héllo"].reverse().join(''), 'abc'.at(-1), Object.fromEntries([['k', 1]]));
