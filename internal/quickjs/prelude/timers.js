  // ---------------------------------------------------------------- timers
  const timers = new Map();
  let timerSeq = 0;
  class Timeout {
    constructor(fn, ms, args, repeat) {
      this._id = ++timerSeq;
      this._seq = timerSeq;
      this._fn = fn;
      this._ms = ms;
      this._args = args;
      this._repeat = repeat;
      this._ref = true;
      this._when = host.now() + ms;
    }
    ref() { this._ref = true; return this; }
    unref() { this._ref = false; return this; }
    hasRef() { return this._ref; }
    refresh() { this._when = host.now() + this._ms; this._seq = ++timerSeq; return this; }
    close() { timers.delete(this._id); return this; }
    [Symbol.toPrimitive]() { return this._id; }
  }
  function checkCallback(fn) {
    if (typeof fn !== 'function') {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(fn)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  function timerDelay(ms) {
    ms = Number(ms);
    return ms >= 1 && ms <= 2147483647 ? ms : 1;
  }
  function setTimeout(fn, ms, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, timerDelay(ms), args, false);
    timers.set(t._id, t);
    return t;
  }
  function setInterval(fn, ms, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, timerDelay(ms), args, true);
    timers.set(t._id, t);
    return t;
  }
  function setImmediate(fn, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, 0, args, false);
    timers.set(t._id, t);
    return t;
  }
  function clearTimer(t) {
    if (t === null || t === undefined) return;
    if (typeof t === 'object') timers.delete(t._id);
    else timers.delete(Number(t));
  }
  function queueMicrotask(fn) {
    checkCallback(fn);
    Promise.resolve().then(() => fn());
  }
  const timersModule = {
    setTimeout, setInterval, setImmediate,
    clearTimeout: clearTimer, clearInterval: clearTimer, clearImmediate: clearTimer,
  };
  for (const k of Object.keys(timersModule)) define(G, k, timersModule[k]);
  define(G, 'queueMicrotask', queueMicrotask);

  // Next due timer: the earliest (when, seq); -1 when no referenced timer remains.
  function nextTimer() {
    let best = null;
    let anyRef = false;
    for (const t of timers.values()) {
      if (t._ref) anyRef = true;
      if (best === null || t._when < best._when || (t._when === best._when && t._seq < best._seq)) best = t;
    }
    return anyRef ? best : null;
  }
  function loopNext() {
    const t = nextTimer();
    if (t === null) return -1;
    return Math.max(0, t._when - host.now());
  }
  function loopFire() {
    const t = nextTimer();
    if (t === null || t._when > host.now()) return;
    if (t._repeat) {
      t._when = Math.max(host.now(), t._when) + t._ms;
      t._seq = ++timerSeq;
    } else {
      timers.delete(t._id);
    }
    t._fn.apply(t, t._args);
  }
