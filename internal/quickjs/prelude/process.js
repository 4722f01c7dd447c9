  // ---------------------------------------------------------------- process
  let exitCode;
  const env = Object.assign({}, config.env);
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
    stdin: { fd: 0, isTTY: false, on() { return this; }, read() { return null; } },
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
