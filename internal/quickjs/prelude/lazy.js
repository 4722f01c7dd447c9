  // ---------------------------------------------------------------- modules evaluated on first use
  // events, assert, url and querystring, os and the network modules,
  // EventTarget and AbortController, string_decoder: prelude/lazy/, each
  // compiled once per process and evaluated on its first use, so a run
  // that does not use them does not pay for them.
  const lazyScope = () => ({ inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process, events: eventsModule });
  const loadLazy = (name) => host.lazy(name)(lazyScope());
  const eventsModule = lazy(() => loadLazy('events.js'));
  const assertModule = lazy(() => loadLazy('assert.js'));
  const urlParts = lazy(() => loadLazy('url.js'));
  defineLazy(G, 'URL', () => urlParts().URL);
  defineLazy(G, 'URLSearchParams', () => urlParts().URLSearchParams);
  const osNet = lazy(() => loadLazy('os_net.js'));
  const networkNames = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'dns/promises'];
  // fetch fails as Node's does when it cannot connect: a TypeError "fetch
  // failed" whose cause says why.
  define(G, 'fetch', function fetch(input) {
    const url = input !== null && typeof input === 'object' ? String(typeof input.href === 'string' ? input.href : input.url) : String(input);
    const e = new TypeError(`fetch failed: network access is disabled in this sandbox (${url})`);
    e.cause = osNet().networkDisabled('fetch()');
    return Promise.reject(e);
  });
  const abortParts = lazy(() => loadLazy('abort.js'));
  for (const k of ['Event', 'EventTarget', 'AbortController', 'AbortSignal']) if (typeof G[k] !== 'function') defineLazy(G, k, () => abortParts()[k]);
  const readlineModule = lazy(() => loadLazy('readline.js'));
