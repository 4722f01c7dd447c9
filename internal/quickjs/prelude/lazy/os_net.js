// os, and the network modules: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process } = scope;
  // os describes the sandbox: one CPU, the memory limit as total memory,
  // no network interfaces, and Linux's names (as process.platform says).
  const osTotal = config.memoryLimit > 0 ? config.memoryLimit : 2 ** 31;
  const os = {
    EOL: '\n',
    devNull: '/dev/null',
    platform: () => process.platform,
    type: () => 'Linux',
    arch: () => process.arch,
    machine: () => process.arch,
    release: () => '6.0.0',
    version: () => '#1 SMP wasmsandbox',
    hostname: () => 'sandbox',
    homedir: () => env.HOME || '/',
    tmpdir: () => { const t = env.TMPDIR || env.TMP || env.TEMP || '/tmp'; return t.length > 1 && t.endsWith('/') ? t.slice(0, -1) : t; },
    endianness: () => 'LE',
    uptime: () => Math.floor(process.uptime()),
    loadavg: () => [0, 0, 0],
    totalmem: () => osTotal,
    freemem: () => Math.max(0, osTotal - host.memSize()),
    availableParallelism: () => 1,
    cpus: () => [{ model: 'WebAssembly', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }],
    networkInterfaces: () => ({}),
    userInfo: () => ({ uid: 0, gid: 0, username: env.USER || 'sandbox', homedir: env.HOME || '/', shell: null }),
    getPriority: () => 0,
    setPriority: () => {},
    constants: { signals: { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }, errno: {}, priority: {} },
  };
  // The guest has no network: these modules load, so that code which only
  // may use them runs, and every function of theirs fails saying why (a
  // callback, when given, receives the error instead).
  function networkDisabled(what) {
    const e = new Error(`network access is disabled in this sandbox (${what} cannot be used)`);
    e.code = 'ERR_NETWORK_DISABLED';
    return e;
  }
  function networkModule(name, fns, extra) {
    const m = {};
    for (const f of fns) {
      m[f] = {
        [f](...args) {
          const e = networkDisabled(`${name}.${f}()`);
          const cb = args[args.length - 1];
          if (typeof cb === 'function' && /^(lookup|resolve|reverse|lookupService)/.test(f)) { setTimeout(() => cb(e), 0); return undefined; }
          throw e;
        },
      }[f];
    }
    return Object.assign(m, extra);
  }
  const httpFns = ['request', 'get', 'createServer', 'Agent', 'Server', 'ClientRequest', 'IncomingMessage', 'ServerResponse', 'OutgoingMessage'];
  const dnsFns = ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveTxt', 'resolveSrv', 'reverse', 'Resolver'];
  const httpData = { METHODS: ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'], STATUS_CODES: { 200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' } };
  const networkModules = {
    http: networkModule('http', httpFns, httpData),
    https: networkModule('https', httpFns, {}),
    http2: networkModule('http2', ['connect', 'createServer', 'createSecureServer'], {}),
    net: networkModule('net', ['connect', 'createConnection', 'createServer', 'Socket', 'Server'], { isIP: (s) => (/^(\d{1,3}\.){3}\d{1,3}$/.test(s) ? 4 : /^[0-9a-f:]+$/i.test(s) && s.includes(':') ? 6 : 0) }),
    tls: networkModule('tls', ['connect', 'createServer', 'createSecureContext', 'TLSSocket', 'Server'], {}),
    dgram: networkModule('dgram', ['createSocket', 'Socket'], {}),
    dns: networkModule('dns', dnsFns, {}),
    'dns/promises': {},
  };
  networkModules.net.isIPv4 = (s) => networkModules.net.isIP(s) === 4;
  networkModules.net.isIPv6 = (s) => networkModules.net.isIP(s) === 6;
  for (const f of dnsFns) networkModules['dns/promises'][f] = async () => { throw networkDisabled(`dns.promises.${f}()`); };
  networkModules.dns.promises = networkModules['dns/promises'];
  return { os, networkModules, networkDisabled };
})
