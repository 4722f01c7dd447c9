// Guest API for wasmsandbox's QuickJS runtime: console, timers, process,
// Buffer, TextEncoder/TextDecoder, require() and the fs, path and util
// modules. Evaluated in every fresh context before the user's code; called
// with the host object (functions implemented in Go) and a JSON config.
// Returns [next, fire, report, exitCode] for the Go event loop and
// [persistBegin, persistSave] for auto_persist_globals.
(function (host, configJSON) {
  'use strict';
  const config = JSON.parse(configJSON);
  const G = globalThis;
  const define = (obj, name, value) =>
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
  // lazy(f) returns a function that calls f once, on first use, and then
  // returns what it returned: modules most code never uses cost nothing at
  // start. defineLazy makes obj[name] such a value.
  const lazy = (f) => {
    let v, made = false;
    return () => {
      if (!made) { v = f(); made = true; }
      return v;
    };
  };
  const defineLazy = (obj, name, get) => Object.defineProperty(obj, name, {
    get() { const v = get(); define(obj, name, v); return v; },
    set(v) { define(obj, name, v); },
    configurable: true, enumerable: false,
  });
  // Node's (V8's) words for an invalid Date, where QuickJS says
  // "Date value is NaN".
  {
    const toISOString = Date.prototype.toISOString;
    define(Date.prototype, 'toISOString', {
      toISOString() {
        if (Number.isNaN(this.getTime())) throw new RangeError('Invalid time value');
        return toISOString.call(this);
      },
    }.toISOString);
  }
  // The guest's local time is UTC; V8 names the zone after the offset.
  for (const name of ['toString', 'toTimeString']) {
    const f = Date.prototype[name];
    define(Date.prototype, name, {
      [name]() {
        const s = f.call(this);
        return Number.isNaN(this.getTime()) || this.getTimezoneOffset() !== 0 ? s : s + ' (Coordinated Universal Time)';
      },
    }[name]);
  }
  // err.stack starts with the "Name: message" line, then the frames, as in
  // V8 (QuickJS's own stack holds only the frames).
  Error.prepareStackTrace = (err, frames) => {
    let head;
    try { head = String(err); } catch { head = 'Error'; }
    const lines = [head];
    for (const f of frames) {
      if (f.getFileName() == null) continue; // a native frame: no place to show
      const loc = `${f.getFileName()}:${f.getLineNumber()}:${f.getColumnNumber()}`;
      const fn = f.getFunctionName();
      lines.push(fn && fn !== '<eval>' ? `    at ${fn} (${loc})` : `    at ${loc}`);
    }
    return lines.join('\n');
  };
