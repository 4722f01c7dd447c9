// EventTarget, AbortController, string_decoder: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process } = scope;
  class Event {
    constructor(type, init) {
      define(this, '_type', String(type));
      define(this, '_cancelable', Boolean(init && init.cancelable));
      define(this, '_prevented', false);
      define(this, '_target', null);
    }
    get type() { return this._type; }
    get target() { return this._target; }
    get currentTarget() { return this._target; }
    get cancelable() { return this._cancelable; }
    get defaultPrevented() { return this._cancelable && this._prevented; }
    preventDefault() { this._prevented = true; }
    stopPropagation() {}
    stopImmediatePropagation() {}
  }
  class EventTarget {
    constructor() { define(this, '_listeners', new Map()); }
    addEventListener(type, fn, opts) {
      if (fn === null || fn === undefined) return;
      const list = this._listeners.get(type) || [];
      if (list.some((l) => l.fn === fn)) return;
      list.push({ fn, once: Boolean(opts && typeof opts === 'object' && opts.once) });
      this._listeners.set(type, list);
      if (opts && typeof opts === 'object' && opts.signal) opts.signal.addEventListener('abort', () => this.removeEventListener(type, fn));
    }
    removeEventListener(type, fn) {
      const list = this._listeners.get(type);
      if (list) this._listeners.set(type, list.filter((l) => l.fn !== fn));
    }
    dispatchEvent(ev) {
      define(ev, '_target', this);
      const handler = this['on' + ev.type];
      if (typeof handler === 'function') handler.call(this, ev);
      for (const l of (this._listeners.get(ev.type) || []).slice()) {
        if (l.once) this.removeEventListener(ev.type, l.fn);
        if (typeof l.fn === 'function') l.fn.call(this, ev);
        else if (l.fn && typeof l.fn.handleEvent === 'function') l.fn.handleEvent(ev);
      }
      return !ev.defaultPrevented;
    }
  }
  function abortError(message = 'This operation was aborted', name = 'AbortError') {
    const e = new Error(message);
    define(e, 'name', name);
    e.code = name === 'AbortError' ? 20 : 23;
    return e;
  }
  class AbortSignal extends EventTarget {
    constructor() {
      super();
      define(this, '_aborted', false);
      define(this, '_reason', undefined);
      define(this, 'onabort', null);
    }
    [inspect.custom](depth, opts) { return `AbortSignal { aborted: ${this._aborted} }`; }
    get aborted() { return this._aborted; }
    get reason() { return this._reason; }
    throwIfAborted() { if (this._aborted) throw this._reason; }
    _abort(reason) {
      if (this._aborted) return;
      this._aborted = true;
      this._reason = reason === undefined ? abortError() : reason;
      this.dispatchEvent(new Event('abort'));
    }
    static abort(reason) { const s = new AbortSignal(); s._abort(reason); return s; }
    static timeout(ms) {
      const s = new AbortSignal();
      setTimeout(() => s._abort(abortError('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
      return s;
    }
    static any(signals) {
      const s = new AbortSignal();
      for (const x of signals) {
        if (x.aborted) { s._abort(x.reason); break; }
        x.addEventListener('abort', () => s._abort(x.reason));
      }
      return s;
    }
    get [Symbol.toStringTag]() { return 'AbortSignal'; }
  }
  class AbortController {
    constructor() { define(this, '_signal', new AbortSignal()); }
    get signal() { return this._signal; }
    [inspect.custom]() { return `AbortController { signal: AbortSignal { aborted: ${this._signal._aborted} } }`; }
    abort(reason) { this._signal._abort(reason); }
    get [Symbol.toStringTag]() { return 'AbortController'; }
  }
  // StringDecoder keeps the bytes of a character split between writes.
  class StringDecoder {
    constructor(encoding) {
      this.encoding = normEnc(encoding);
      define(this, '_pending', Buffer.alloc(0));
    }
    _complete(b) {
      if (this.encoding === 'utf16le') return b.length - (b.length % 2);
      if (this.encoding === 'base64' || this.encoding === 'base64url') return b.length - (b.length % 3);
      if (this.encoding !== 'utf8') return b.length;
      // Back up over an incomplete UTF-8 sequence at the end.
      for (let i = b.length - 1, n = 1; i >= 0 && n <= 4; i--, n++) {
        const c = b[i];
        if ((c & 0xc0) === 0x80) continue;
        const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        return need > n ? i : b.length;
      }
      return b.length;
    }
    write(buf) {
      if (typeof buf === 'string') return buf;
      const b = Buffer.concat([this._pending, Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)]);
      const n = this._complete(b);
      this._pending = b.subarray(n);
      return b.subarray(0, n).toString(this.encoding);
    }
    end(buf) {
      let s = buf === undefined ? '' : this.write(buf);
      if (this._pending.length > 0) s += this._pending.toString(this.encoding);
      this._pending = Buffer.alloc(0);
      return s;
    }
  }
  return { Event, EventTarget, AbortController, AbortSignal, stringDecoder: { StringDecoder } };
})
