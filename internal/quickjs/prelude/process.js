  // ---------------------------------------------------------------- process
  let exitCode;
  const env = Object.assign({}, config.env);
  const processListeners = Object.create(null);
  // Standard input is given whole with the call: 'data' (once, when there
  // is any) and then 'end' are emitted after the script's synchronous code.
  function stdinStream() {
    const listeners = { data: [], end: [] };
    let scheduled = false, encoding = null;
    const s = {
      fd: 0,
      setEncoding(enc) { encoding = enc; return s; },
      resume() { return s; }, pause() { return s; },
      read() { return null; },
      on(ev, cb) {
        if (listeners[ev]) listeners[ev].push(cb);
        if (!scheduled) {
          scheduled = true;
          setTimeout(() => {
            if (config.stdin !== '') {
              const chunk = encoding ? config.stdin : Buffer.from(config.stdin);
              for (const f of listeners.data) f(chunk);
            }
            for (const f of listeners.end) f();
          }, 0);
        }
        return s;
      },
    };
    s.once = s.addListener = s.on;
    return s;
  }
  // process.nextTick callbacks run before the promise jobs already queued,
  // as in Node: the event loop calls runTicks before it runs those jobs.
  const tickQueue = [];
  function runTicks() {
    while (tickQueue.length > 0) {
      const [fn, args] = tickQueue.shift();
      fn(...args);
    }
  }
  const startNs = host.now();
  const stream = (fd) => ({
    fd,
    writable: true,
    write(chunk, enc, cb) {
      if (typeof enc === 'function') cb = enc;
      host.write(fd, typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? chunk : String(chunk));
      if (typeof cb === 'function') queueMicrotask(cb);
      return true;
    },
    end(chunk) { if (chunk !== undefined) this.write(chunk); },
    on() { return this; }, once() { return this; }, off() { return this; }, emit() { return false; },
  });
  const process = {
    argv: config.argv.slice(),
    argv0: config.argv[0],
    execArgv: [],
    env,
    platform: 'linux',
    arch: 'wasm32',
    pid: 1,
    ppid: 0,
    title: 'node',
    version: 'v22.0.0',
    versions: { node: '22.0.0' },
    release: { name: 'node' },
    execPath: '/usr/local/bin/node',
    stdout: stream(1),
    stderr: stream(2),
    stdin: stdinStream(),
    cwd: () => cwd,
    chdir(d) {
      const p = toPath(d, 'directory');
      const st = fs.statSync(p);
      if (!st.isDirectory()) throw fsErr('ENOTDIR', 'chdir', p, 'not a directory');
      cwd = p;
    },
    exit(code) {
      if (code !== undefined) exitCode = code;
      runExitHandlers();
      try {
        persist.save();
      } catch {}
      host.exit(exitCode === undefined ? 0 : Number(exitCode) | 0);
    },
    nextTick(fn, ...args) { checkCallback(fn); tickQueue.push([fn, args]); },
    hrtime: Object.assign((prev) => {
      const ns = Math.round((host.now() - startNs) * 1e6);
      let s = Math.floor(ns / 1e9), n = ns % 1e9;
      if (prev) { s -= prev[0]; n -= prev[1]; if (n < 0) { s--; n += 1e9; } }
      return [s, n];
    }, { bigint: () => BigInt(Math.round((host.now() - startNs) * 1e6)) }),
    uptime: () => (host.now() - startNs) / 1000,
    memoryUsage: Object.assign(() => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }), { rss: () => 0 }),
    cpuUsage: () => ({ user: 0, system: 0 }),
    umask: () => 0o22,
    emitWarning: (w) => { host.write(2, `Warning: ${w instanceof Error ? w.message : w}\n`); },
    on(ev, fn) { (processListeners[ev] ||= []).push({ fn, once: false }); return process; },
    once(ev, fn) { (processListeners[ev] ||= []).push({ fn, once: true }); return process; },
    off(ev, fn) { processListeners[ev] = (processListeners[ev] || []).filter((l) => l.fn !== fn); return process; },
    removeAllListeners(ev) { if (ev === undefined) for (const k in processListeners) delete processListeners[k]; else delete processListeners[ev]; return process; },
    emit(ev, ...args) {
      const ls = processListeners[ev] || [];
      processListeners[ev] = ls.filter((l) => !l.once);
      for (const l of ls) l.fn.apply(process, args);
      return ls.length > 0;
    },
    listeners(ev) { return (processListeners[ev] || []).map((l) => l.fn); },
    listenerCount(ev) { return (processListeners[ev] || []).length; },
  };
  process.addListener = process.on;
  process.removeListener = process.off;
  // 'exit' listeners run once, with the exit code, when the script ends by
  // itself or calls process.exit, as in Node.
  let exited = false;
  function runExitHandlers() {
    if (exited) return;
    exited = true;
    const c = exitCode === undefined ? 0 : Number(exitCode) | 0;
    process.emit('exit', c);
  }
  Object.defineProperty(process, 'exitCode', {
    get: () => exitCode,
    set: (v) => { exitCode = v; },
    enumerable: true,
  });
  define(G, 'process', process);
  define(G, 'global', G);
