  // ---------------------------------------------------------------- require
  // crypto: hashes and HMACs computed by the host, randomness from it.
  class Hash {
    constructor(alg, key) {
      this.alg = String(alg);
      this.key = key;
      this.parts = [];
      if (host.hash(this.alg, '') === undefined) throw new Error('Digest method not supported');
    }
    update(data, enc) {
      this.parts.push(typeof data === 'string' ? Buffer.from(data, enc) : Buffer.from(data));
      return this;
    }
    digest(enc) {
      const data = Buffer.concat(this.parts);
      const d = Buffer.from(this.key === undefined ? host.hash(this.alg, data) : host.hash(this.alg, data, this.key));
      return enc === undefined || enc === 'buffer' ? d : d.toString(enc);
    }
    copy() { const h = new Hash(this.alg, this.key); h.parts = this.parts.slice(); return h; }
  }
  function randomBytes(n, cb) {
    n = Number(n);
    if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new RangeError(`The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ${n}`);
    const out = Buffer.alloc(n);
    for (let off = 0; off < n; off += 65536) out.set(host.random(Math.min(65536, n - off)), off);
    if (typeof cb === 'function') { setTimeout(() => cb(null, out), 0); return undefined; }
    return out;
  }
  const cryptoModule = {
    createHash: (alg) => new Hash(alg),
    createHmac: (alg, key) => new Hash(alg, typeof key === 'string' ? Buffer.from(key) : Buffer.from(key)),
    getHashes: () => ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
    randomBytes,
    randomFillSync(buf, offset = 0, size) {
      const u8 = new Uint8Array(buf.buffer || buf, buf.byteOffset || 0, buf.byteLength);
      if (size === undefined) size = u8.length - offset;
      for (let off = 0; off < size; off += 65536) u8.set(host.random(Math.min(65536, size - off)), offset + off);
      return buf;
    },
    randomFill(buf, offset, size, cb) {
      if (typeof offset === 'function') { cb = offset; offset = 0; size = undefined; }
      else if (typeof size === 'function') { cb = size; size = undefined; }
      cryptoModule.randomFillSync(buf, offset, size);
      setTimeout(() => cb(null, buf), 0);
    },
    randomUUID: () => G.crypto.randomUUID(),
    getRandomValues: (ta) => G.crypto.getRandomValues(ta),
    randomInt(min, max, cb) {
      if (max === undefined || typeof max === 'function') { cb = max; max = min; min = 0; }
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) throw new RangeError(`The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
      const range = max - min, b = host.random(6);
      const v = min + Math.floor(((b[0] * 2 ** 40 + b[1] * 2 ** 32 + ((b[2] << 24) >>> 0) + (b[3] << 16) + (b[4] << 8) + b[5]) / 2 ** 48) * range);
      if (typeof cb === 'function') { setTimeout(() => cb(null, v), 0); return undefined; }
      return v;
    },
    timingSafeEqual(a, b) {
      if (a.byteLength !== b.byteLength) throw new RangeError('Input buffers must have the same byte length');
      const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      let d = 0;
      for (let i = 0; i < x.length; i++) d |= x[i] ^ y[i];
      return d === 0;
    },
    webcrypto: G.crypto,
  };
  const builtins = {
    fs, 'fs/promises': promises, path, process, util, timers: timersModule, console: consoleObj,
    buffer: { Buffer }, crypto: cryptoModule,
    get events() { return eventsModule(); },
    get assert() { return assertModule(); },
    get 'assert/strict'() { return assertModule().strict; },
    get url() { return urlParts().urlModule; },
    get querystring() { return urlParts().querystring; },
    get os() { return osNet().os; },
    get string_decoder() { return abortParts().stringDecoder; },
    get readline() { return readlineModule(); },
    get 'readline/promises'() { return readlineModule().promises; },
    'timers/promises': {
      setTimeout: (ms, v) => new Promise((resolve) => setTimeout(() => resolve(v), ms)),
      setImmediate: (v) => new Promise((resolve) => setImmediate(() => resolve(v))),
    },
  };
  for (const name of networkNames) Object.defineProperty(builtins, name, { get: () => osNet().networkModules[name], enumerable: true });
  const nodeModules = ['assert', 'async_hooks', 'child_process', 'cluster', 'crypto', 'dgram', 'diagnostics_channel',
    'dns', 'domain', 'events', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'perf_hooks',
    'punycode', 'querystring', 'readline', 'repl', 'stream', 'string_decoder', 'sys', 'tls', 'trace_events', 'tty',
    'url', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib', 'sqlite', 'test'];
  const available = Object.keys(builtins).filter((k) => !networkNames.includes(k) && !/^(assert|readline|timers)\//.test(k)).join(', ');
  function notFound(name) {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    const e = nodeModules.includes(bare.split('/')[0])
      ? new Error(`Cannot find module '${name}': the Node.js module '${bare}' is not available in this sandbox (available: ${available}; no processes or native addons, and network access is disabled)`)
      : new Error(`Cannot find module '${name}' (available built-in modules: ${available}; workspace files can be required by relative path)`);
    e.code = 'MODULE_NOT_FOUND';
    return e;
  }
  function builtin(name) {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    if (Object.prototype.hasOwnProperty.call(builtins, bare)) return builtins[bare];
    throw notFound(name);
  }
  define(G, Symbol.for('wasmsandbox.builtin'), builtin);
  const moduleCache = new Map();
  function makeRequire(dir) {
    const req = (name) => {
      if (typeof name !== 'string') checkPath(name, 'id');
      const bare = name.startsWith('node:') ? name.slice(5) : name;
      if (name.startsWith('node:') || Object.prototype.hasOwnProperty.call(builtins, bare)) return builtin(name);
      // Files and packages (node_modules above dir, then the package
      // sets) are found by the host, as Node's resolution does.
      const file = host.resolve(dir, name, 0);
      if (file[0] === '\0') {
        const e = new Error(file.slice(1));
        e.code = 'MODULE_NOT_FOUND';
        throw e;
      }
      if (moduleCache.has(file)) return moduleCache.get(file).exports;
      if (file.endsWith('.node')) throw new Error(`Cannot load '${file}': it is a native addon (compiled C++ for Node.js), which cannot run in this WebAssembly sandbox; use a pure-JavaScript package instead`);
      const src = fs.readFileSync(file, 'utf8');
      const module = { id: file, filename: file, loaded: false, exports: {}, children: [], paths: [] };
      moduleCache.set(file, module);
      if (file.endsWith('.json')) {
        module.exports = JSON.parse(src);
      } else {
        if (file.endsWith('.mjs')) throw new Error(`require() of ES Module ${file} not supported; use import`);
        const wrapper = (0, eval)(`(function (exports, require, module, __filename, __dirname) {${src.startsWith('#!') ? '//' : ''}${src}\n})`);
        wrapper.call(module.exports, module.exports, makeRequire(path.dirname(file)), module, file, path.dirname(file));
      }
      module.loaded = true;
      return module.exports;
    };
    req.resolve = (name) => {
      const bare = name.startsWith('node:') ? name.slice(5) : name;
      if (name.startsWith('node:') || Object.prototype.hasOwnProperty.call(builtins, bare)) return name;
      const file = host.resolve(dir, name, 0);
      if (file[0] === '\0') { const e = new Error(file.slice(1)); e.code = 'MODULE_NOT_FOUND'; throw e; }
      return file;
    };
    req.cache = {};
    return req;
  }
  const mainModule = { id: '.', filename: config.filename, loaded: false, exports: {}, children: [], paths: [] };
  const mainRequire = makeRequire(path.dirname(config.filename));
  mainRequire.main = mainModule;
  define(G, 'require', mainRequire);
  define(G, 'module', mainModule);
  define(G, 'exports', mainModule.exports);
  define(G, '__filename', config.filename);
  define(G, '__dirname', path.dirname(config.filename));
