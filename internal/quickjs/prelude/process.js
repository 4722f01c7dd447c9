  // ---------------------------------------------------------------- process
  let exitCode;
  const env = Object.assign({}, config.env);
  // Standard input is given whole with the call: 'data' (once, when there
  // is any) and then 'end' are emitted after the script's synchronous code.
  function stdinStream() {
    const listeners = { data: [], end: [] };
    let scheduled = false, encoding = null;
    const s = {
      fd: 0, isTTY: false,
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
  const startNs = host.now();
  const stream = (fd) => ({
    fd,
    isTTY: false,
    columns: 80,
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
      try {
        persist.save();
      } catch {}
      host.exit(exitCode === undefined ? 0 : Number(exitCode) | 0);
    },
    nextTick(fn, ...args) { checkCallback(fn); Promise.resolve().then(() => fn(...args)); },
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
    on() { return process; }, once() { return process; }, off() { return process; },
    addListener() { return process; }, removeListener() { return process; }, removeAllListeners() { return process; },
    emit() { return false; }, listeners() { return []; },
  };
  Object.defineProperty(process, 'exitCode', {
    get: () => exitCode,
    set: (v) => { exitCode = v; },
    enumerable: true,
  });
  define(G, 'process', process);
  define(G, 'global', G);
