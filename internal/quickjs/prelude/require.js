  // ---------------------------------------------------------------- require
  const builtins = {
    fs, 'fs/promises': promises, path, process, util, timers: timersModule, console: consoleObj,
    buffer: { Buffer },
  };
  const nodeModules = ['assert', 'async_hooks', 'child_process', 'cluster', 'crypto', 'dgram', 'diagnostics_channel',
    'dns', 'domain', 'events', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'perf_hooks',
    'punycode', 'querystring', 'readline', 'repl', 'stream', 'string_decoder', 'sys', 'tls', 'trace_events', 'tty',
    'url', 'v8', 'vm', 'wasi', 'worker_threads', 'zlib', 'sqlite', 'test'];
  const available = Object.keys(builtins).join(', ');
  function notFound(name) {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    const e = nodeModules.includes(bare.split('/')[0])
      ? new Error(`Cannot find module '${name}': the Node.js module '${bare}' is not available in this sandbox (available: ${available}; no processes, network or native addons)`)
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
      if (!(name.startsWith('./') || name.startsWith('../') || name.startsWith('/') || name === '.' || name === '..')) return builtin(name);
      const base = path.resolve(dir, name);
      let file = null;
      for (const cand of [base, base + '.js', base + '.cjs', base + '.json', base + '/index.js', base + '/index.json']) {
        const st = host.fsStat(cand);
        if (st === undefined) { host.fsError(); continue; }
        if (JSON.parse(st).type !== 'dir') { file = cand; break; }
      }
      if (file === null) throw notFound(name);
      if (moduleCache.has(file)) return moduleCache.get(file).exports;
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
    req.resolve = (name) => (name.startsWith('.') || name.startsWith('/') ? path.resolve(dir, name) : name);
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
