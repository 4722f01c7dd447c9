// events: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process } = scope;
  // EventEmitter as Node keeps it (one listener as a function, more as an
  // array, in _events), so that instances inspect as in Node.
  const kShapeMode = Symbol('shapeMode'), kCapture = Symbol('kCapture');
  const errorMonitor = Symbol('events.errorMonitor');
  function checkListener(fn) {
    if (typeof fn !== 'function') {
      const e = new TypeError(`The "listener" argument must be of type function. Received ${inspect(fn)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  function EventEmitter(opts) { EventEmitter.init.call(this, opts); }
  EventEmitter.init = function init() {
    if (this._events === undefined || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
      this._eventsCount = 0;
    }
    this._maxListeners = this._maxListeners || undefined;
    if (!Object.prototype.hasOwnProperty.call(this, kShapeMode)) this[kShapeMode] = false;
    if (!Object.prototype.hasOwnProperty.call(this, kCapture)) this[kCapture] = false;
  };
  EventEmitter.defaultMaxListeners = 10;
  EventEmitter.errorMonitor = errorMonitor;
  const EP = EventEmitter.prototype;
  EP._events = undefined;
  EP._eventsCount = 0;
  EP._maxListeners = undefined;
  function events(em) {
    if (em._events === undefined) { em._events = Object.create(null); em._eventsCount = 0; }
    return em._events;
  }
  function addListener(em, type, fn, prepend) {
    checkListener(fn);
    let evs = events(em);
    if (evs.newListener !== undefined) {
      em.emit('newListener', type, fn.listener ? fn.listener : fn);
      evs = events(em);
    }
    const cur = evs[type];
    if (cur === undefined) { evs[type] = fn; em._eventsCount++; }
    else if (typeof cur === 'function') evs[type] = prepend ? [fn, cur] : [cur, fn];
    else if (prepend) cur.unshift(fn);
    else cur.push(fn);
    return em;
  }
  function onceWrapper(...args) {
    if (!this.fired) {
      this.target.removeListener(this.type, this.wrapFn);
      this.fired = true;
      return this.listener.apply(this.target, args);
    }
  }
  function onceWrap(target, type, listener) {
    const state = { fired: false, wrapFn: undefined, target, type, listener };
    const wrapped = onceWrapper.bind(state);
    wrapped.listener = listener;
    state.wrapFn = wrapped;
    return wrapped;
  }
  Object.assign(EP, {
    setMaxListeners(n) { this._maxListeners = n; return this; },
    getMaxListeners() { return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners; },
    emit(type, ...args) {
      const evs = events(this);
      if (type === 'error' && evs[errorMonitor] !== undefined) this.emit(errorMonitor, ...args);
      const handler = evs[type];
      if (handler === undefined) {
        if (type !== 'error') return false;
        const er = args[0];
        if (er instanceof Error) throw er;
        const e = new Error(`Unhandled error. (${inspect(er)})`);
        e.code = 'ERR_UNHANDLED_ERROR';
        e.context = er;
        throw e;
      }
      if (typeof handler === 'function') handler.apply(this, args);
      else for (const fn of handler.slice()) fn.apply(this, args);
      return true;
    },
    addListener(type, fn) { return addListener(this, type, fn, false); },
    prependListener(type, fn) { return addListener(this, type, fn, true); },
    once(type, fn) { checkListener(fn); return addListener(this, type, onceWrap(this, type, fn), false); },
    prependOnceListener(type, fn) { checkListener(fn); return addListener(this, type, onceWrap(this, type, fn), true); },
    removeListener(type, fn) {
      checkListener(fn);
      const evs = events(this), list = evs[type];
      if (list === undefined) return this;
      if (list === fn || list.listener === fn) {
        if (--this._eventsCount === 0) this._events = Object.create(null);
        else delete evs[type];
        if (evs.removeListener) this.emit('removeListener', type, list.listener || fn);
      } else if (typeof list !== 'function') {
        for (let i = list.length - 1; i >= 0; i--) {
          if (list[i] === fn || list[i].listener === fn) {
            list.splice(i, 1);
            if (list.length === 1) evs[type] = list[0];
            if (evs.removeListener !== undefined) this.emit('removeListener', type, fn);
            break;
          }
        }
      }
      return this;
    },
    removeAllListeners(type) {
      const evs = events(this);
      if (type === undefined) { this._events = Object.create(null); this._eventsCount = 0; }
      else if (evs[type] !== undefined) {
        if (--this._eventsCount === 0) this._events = Object.create(null);
        else delete evs[type];
      }
      return this;
    },
    listeners(type) {
      const l = events(this)[type];
      return l === undefined ? [] : typeof l === 'function' ? [l.listener || l] : l.map((f) => f.listener || f);
    },
    rawListeners(type) {
      const l = events(this)[type];
      return l === undefined ? [] : typeof l === 'function' ? [l] : l.slice();
    },
    listenerCount(type) {
      const l = events(this)[type];
      return l === undefined ? 0 : typeof l === 'function' ? 1 : l.length;
    },
    eventNames() { return this._eventsCount > 0 ? Reflect.ownKeys(this._events) : []; },
  });
  EP.on = EP.addListener;
  EP.off = EP.removeListener;
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.listenerCount = (em, type) => em.listenerCount(type);
  EventEmitter.getEventListeners = (em, type) => em.listeners(type);
  EventEmitter.setMaxListeners = (n, ...targets) => {
    if (targets.length === 0) EventEmitter.defaultMaxListeners = n;
    for (const t of targets) t.setMaxListeners(n);
  };
  // events.once(emitter, name) resolves with the arguments of the next
  // such event, or rejects with the next 'error'.
  // (An async function returning the promise, as Node's, so that it
  // settles after as many jobs.)
  EventEmitter.once = async (em, name) => new Promise((resolve, reject) => {
    const onError = (err) => { em.removeListener(name, onEvent); reject(err); };
    const onEvent = (...args) => { if (name !== 'error') em.removeListener('error', onError); resolve(args); };
    em.once(name, onEvent);
    if (name !== 'error') em.once('error', onError);
  });
  return EventEmitter;
})
