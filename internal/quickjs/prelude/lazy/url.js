// url, querystring: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process } = scope;
  // URL and URLSearchParams after the WHATWG URL standard for the common
  // cases: special schemes (http, https, ws, wss, ftp, file) with their
  // default ports, relative references against a base, dot segments, and
  // percent-encoding of paths, queries and fragments (no IDNA: a host that
  // is not ASCII is refused).
  const specialPorts = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443', 'ftp:': '21', 'file:': '' };
  function invalidURL(input) {
    const e = new TypeError('Invalid URL');
    e.code = 'ERR_INVALID_URL';
    e.input = input;
    return e;
  }
  function pctEncode(s, keep) {
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0);
      if (c > 0x20 && c < 0x7f && !keep.includes(ch)) out += ch;
      else if (c > 0x7f) for (const b of Buffer.from(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
      else out += '%' + c.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  }
  const pathSet = ' "#<>?`{}', querySet = ' "#<>', specialQuerySet = ' "#<>\'', fragmentSet = ' "<>`', userSet = ' "#<>?`{}/:;=@[\\]^|';
  function parseURL(input, base) {
    const s = String(input).replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
    let u;
    if (m) {
      u = { protocol: m[1].toLowerCase() + ':', username: '', password: '', hostname: '', port: '', pathname: '', search: '', hash: '', opaque: false };
      let rest = s.slice(m[0].length);
      const special = u.protocol in specialPorts;
      if (special && base && base.protocol === u.protocol && !/^[\/\\]/.test(rest)) return relative(rest, base);
      if (u.protocol === 'file:') {
        if (/^[\/\\]{2}/.test(rest)) {
          rest = rest.slice(2);
          const end = rest.search(/[\/\\?#]/);
          authority(u, end < 0 ? rest : rest.slice(0, end), input);
          if (u.hostname === 'localhost') u.hostname = '';
          rest = end < 0 ? '' : rest.slice(end);
        }
        if (!/^[\/\\]/.test(rest)) rest = '/' + rest;
      } else if (special || rest.startsWith('//')) {
        rest = special ? rest.replace(/^[\/\\]*/, '') : rest.slice(2);
        const end = rest.search(special ? /[\/\\?#]/ : /[\/?#]/);
        const auth = end < 0 ? rest : rest.slice(0, end);
        rest = end < 0 ? '' : rest.slice(end);
        authority(u, auth, input);
        if (special && u.hostname === '' && u.protocol !== 'file:') throw invalidURL(input);
      } else if (!rest.startsWith('/')) {
        u.opaque = true;
      }
      pathQueryHash(u, rest);
    } else {
      if (!base) throw invalidURL(input);
      u = relative(s, base);
    }
    return u;
  }
  function authority(u, auth, input) {
    const at = auth.lastIndexOf('@');
    if (at >= 0) {
      const info = auth.slice(0, at), colon = info.indexOf(':');
      u.username = pctEncode(colon < 0 ? info : info.slice(0, colon), userSet);
      u.password = colon < 0 ? '' : pctEncode(info.slice(colon + 1), userSet);
      auth = auth.slice(at + 1);
    }
    const pm = /:(\d*)$/.exec(auth);
    let host = pm ? auth.slice(0, pm.index) : auth;
    if (pm && pm[1] !== '') {
      const port = Number(pm[1]);
      if (port > 65535) throw invalidURL(input);
      u.port = specialPorts[u.protocol] === String(port) ? '' : String(port);
    }
    if (!host.startsWith('[')) {
      try { host = decodeURIComponent(host); } catch { throw invalidURL(input); }
      host = host.toLowerCase();
      if (/[\u0000-\u0020#%\/:<>?@[\\\]^|\u007f-\uffff]/.test(host)) throw invalidURL(input);
    }
    u.hostname = host;
  }
  function pathQueryHash(u, rest) {
    const special = u.protocol in specialPorts;
    const h = rest.indexOf('#');
    u.q = u.f = false;
    if (h >= 0) { u.f = true; u.hash = rest.length > h + 1 ? '#' + pctEncode(rest.slice(h + 1), fragmentSet) : ''; rest = rest.slice(0, h); }
    const q = rest.indexOf('?');
    if (q >= 0) { u.q = true; u.search = rest.length > q + 1 ? '?' + pctEncode(rest.slice(q + 1), special ? specialQuerySet : querySet) : ''; rest = rest.slice(0, q); }
    if (u.opaque) { u.pathname = pctEncode(rest, ''); return; }
    u.pathname = normalizePath(special ? rest.replace(/\\/g, '/') : rest, special);
  }
  function normalizePath(p, special) {
    if (p === '' && !special) return '';
    const out = [];
    const segs = p.split('/').slice(1);
    if (p === '') segs.push('');
    segs.forEach((seg, i) => {
      const last = i === segs.length - 1;
      const lower = seg.toLowerCase();
      if (seg === '..' || lower === '.%2e' || lower === '%2e.' || lower === '%2e%2e') { out.pop(); if (last) out.push(''); }
      else if (seg === '.' || lower === '%2e') { if (last) out.push(''); }
      else out.push(pctEncode(seg, pathSet));
    });
    return '/' + out.join('/');
  }
  function relative(s, base) {
    if (base.opaque && !s.startsWith('#')) throw invalidURL(s);
    const u = Object.assign({}, base, { hash: '', f: false });
    const special = u.protocol in specialPorts;
    if (special ? /^[\/\\]{2}/.test(s) : s.startsWith('//')) {
      const r = parseURL(u.protocol + s);
      return r;
    }
    if (s.startsWith('/') || (special && s.startsWith('\\'))) { u.search = ''; pathQueryHash(u, s); return u; }
    if (s.startsWith('?')) { pathQueryHash(u, u.pathname.replace(/[?#]/g, encodeURIComponent) + s); return u; }
    if (s.startsWith('#')) { u.hash = s.length > 1 ? '#' + pctEncode(s.slice(1), fragmentSet) : ''; u.f = true; return u; }
    if (s === '') { return u; }
    u.search = '';
    const dir = base.pathname.slice(0, base.pathname.lastIndexOf('/') + 1) || '/';
    pathQueryHash(u, dir + s);
    return u;
  }
  const urlState = new WeakMap();
  class URL {
    constructor(input, base) {
      let b;
      if (base !== undefined) b = base instanceof URL ? urlState.get(base) : parseURL(String(base));
      const u = parseURL(input instanceof URL ? input.href : String(input), b);
      urlState.set(this, u);
      define(this, '_params', new URLSearchParams(u.search));
      urlState.set(this._params, this);
    }
    static canParse(input, base) { try { new URL(input, base); return true; } catch { return false; } }
    get protocol() { return urlState.get(this).protocol; }
    set protocol(v) { const p = String(v).replace(/:.*$/, '').toLowerCase() + ':'; if ((p in specialPorts) === (this.protocol in specialPorts)) urlState.get(this).protocol = p; }
    get username() { return urlState.get(this).username; }
    set username(v) { urlState.get(this).username = pctEncode(String(v), userSet); }
    get password() { return urlState.get(this).password; }
    set password(v) { urlState.get(this).password = pctEncode(String(v), userSet); }
    get hostname() { return urlState.get(this).hostname; }
    set hostname(v) { urlState.get(this).hostname = String(v).toLowerCase(); }
    get port() { return urlState.get(this).port; }
    set port(v) { const u = urlState.get(this); const p = String(v) === '' ? '' : String(parseInt(v, 10)); if (p === '' || (Number(p) >= 0 && Number(p) <= 65535)) u.port = specialPorts[u.protocol] === p ? '' : p; }
    get host() { const u = urlState.get(this); return u.port ? `${u.hostname}:${u.port}` : u.hostname; }
    set host(v) { const [h, p] = String(v).split(':'); this.hostname = h; if (p !== undefined) this.port = p; }
    get origin() { const u = urlState.get(this); return u.protocol in specialPorts && u.protocol !== 'file:' ? `${u.protocol}//${this.host}` : 'null'; }
    get pathname() { return urlState.get(this).pathname; }
    set pathname(v) { const u = urlState.get(this); if (!u.opaque) u.pathname = normalizePath((String(v).startsWith('/') ? '' : '/') + String(v), u.protocol in specialPorts); }
    get search() { return urlState.get(this).search; }
    set search(v) {
      const u = urlState.get(this), s = String(v).replace(/^\?/, '');
      u.search = s === '' ? '' : '?' + pctEncode(s, u.protocol in specialPorts ? specialQuerySet : querySet);
      u.q = false;
      this._params._list = new URLSearchParams(u.search)._list;
    }
    get searchParams() { return this._params; }
    get hash() { return urlState.get(this).hash; }
    set hash(v) { const u = urlState.get(this), s = String(v).replace(/^#/, ''); u.hash = s === '' ? '' : '#' + pctEncode(s, fragmentSet); u.f = false; }
    get href() {
      const u = urlState.get(this);
      let auth = '';
      if (u.username || u.password) auth = u.username + (u.password ? ':' + u.password : '') + '@';
      const hasAuthority = !u.opaque && (u.protocol in specialPorts || u.hostname !== '' || auth !== '');
      return u.protocol + (hasAuthority ? '//' + auth + this.host : '') + u.pathname + (u.search || (u.q ? '?' : '')) + (u.hash || (u.f ? '#' : ''));
    }
    set href(v) { const u = parseURL(String(v)); urlState.set(this, u); this._params._list = new URLSearchParams(u.search)._list; }
    toString() { return this.href; }
    toJSON() { return this.href; }
    get [Symbol.toStringTag]() { return 'URL'; }
    [inspect.custom](depth, opts) {
      const o = {};
      for (const k of ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'searchParams', 'hash']) o[k] = this[k];
      return 'URL ' + inspect(o, opts);
    }
  }
  function formEncode(s) {
    let out = '';
    for (const b of Buffer.from(String(s))) {
      if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2a || b === 0x2d || b === 0x2e || b === 0x5f) out += String.fromCharCode(b);
      else if (b === 0x20) out += '+';
      else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  }
  function pctDecode(s) {
    if (!s.includes('%')) return s;
    const bytes = [];
    const raw = Buffer.from(s);
    for (let i = 0; i < raw.length; i++) {
      const h = raw[i] === 0x25 && i + 2 < raw.length + 0 ? String.fromCharCode(raw[i + 1], raw[i + 2]) : '';
      if (h.length === 2 && /^[0-9a-fA-F]{2}$/.test(h)) { bytes.push(parseInt(h, 16)); i += 2; } else bytes.push(raw[i]);
    }
    return Buffer.from(bytes).toString();
  }
  const formDecode = (s) => pctDecode(s.replace(/\+/g, ' '));
  class URLSearchParams {
    constructor(init) {
      define(this, '_list', []);
      if (init === undefined || init === null) return;
      if (typeof init === 'object' || typeof init === 'function') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const p = [...pair];
            if (p.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
            this._list.push([String(p[0]), String(p[1])]);
          }
        } else for (const k of Object.keys(init)) this._list.push([k, String(init[k])]);
        return;
      }
      for (const part of String(init).replace(/^\?/, '').split('&')) {
        if (part === '') continue;
        const eq = part.indexOf('=');
        this._list.push(eq < 0 ? [formDecode(part), ''] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))]);
      }
    }
    _update() {
      const url = urlState.get(this);
      if (url === undefined) return;
      const s = this.toString();
      const u = urlState.get(url);
      u.search = s === '' ? '' : '?' + s;
      u.q = false;
    }
    get size() { return this._list.length; }
    append(k, v) { this._list.push([String(k), String(v)]); this._update(); }
    delete(k, v) { k = String(k); this._list = this._list.filter(([a, b]) => a !== k || (v !== undefined && b !== String(v))); this._update(); }
    get(k) { k = String(k); const e = this._list.find(([a]) => a === k); return e ? e[1] : null; }
    getAll(k) { k = String(k); return this._list.filter(([a]) => a === k).map(([, b]) => b); }
    has(k, v) { k = String(k); return this._list.some(([a, b]) => a === k && (v === undefined || b === String(v))); }
    set(k, v) {
      k = String(k); v = String(v);
      const i = this._list.findIndex(([a]) => a === k);
      if (i < 0) this._list.push([k, v]);
      else { this._list[i][1] = v; this._list = this._list.filter(([a], j) => a !== k || j === i); }
      this._update();
    }
    sort() { this._list = this._list.map((e, i) => [e, i]).sort((x, y) => (x[0][0] < y[0][0] ? -1 : x[0][0] > y[0][0] ? 1 : x[1] - y[1])).map((x) => x[0]); this._update(); }
    forEach(fn, thisArg) { for (const [k, v] of this._list) fn.call(thisArg, v, k, this); }
    keys() { return this._list.map(([k]) => k)[Symbol.iterator](); }
    values() { return this._list.map(([, v]) => v)[Symbol.iterator](); }
    entries() { return this._list.map(([k, v]) => [k, v])[Symbol.iterator](); }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return this._list.map(([k, v]) => formEncode(k) + '=' + formEncode(v)).join('&'); }
    get [Symbol.toStringTag]() { return 'URLSearchParams'; }
    [inspect.custom]() {
      if (this._list.length === 0) return 'URLSearchParams {}';
      return `URLSearchParams { ${this._list.map(([k, v]) => `${inspect(k)} => ${inspect(v)}`).join(', ')} }`;
    }
  }
  function fileURLToPath(u) {
    const url = typeof u === 'string' ? new URL(u) : u;
    if (!(url instanceof URL) || url.protocol !== 'file:') {
      const e = new TypeError('The URL must be of scheme file');
      e.code = 'ERR_INVALID_URL_SCHEME';
      throw e;
    }
    if (/%2f/i.test(url.pathname)) {
      const e = new TypeError('File URL path must not include encoded / characters');
      e.code = 'ERR_INVALID_FILE_URL_PATH';
      throw e;
    }
    return pctDecode(url.pathname);
  }
  function pathToFileURL(p) {
    let abs = path.resolve(String(p));
    if (String(p).endsWith('/') && !abs.endsWith('/')) abs += '/';
    return new URL('file://' + abs.replace(/%/g, '%25').replace(/\\/g, '%5C').replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/\t/g, '%09').replace(/#/g, '%23').replace(/\?/g, '%3F'));
  }
  const urlModule = {
    URL, URLSearchParams, fileURLToPath, pathToFileURL,
    domainToASCII: (d) => String(d).toLowerCase(),
    domainToUnicode: (d) => String(d),
    format: (u) => (u instanceof URL ? u.href : String(u && u.href !== undefined ? u.href : u)),
  };
  const qsUnreserved = /[A-Za-z0-9\-._~!'()*]/;
  function qsEscape(s) {
    let out = '';
    for (const ch of String(s)) out += qsUnreserved.test(ch) ? ch : [...Buffer.from(ch)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
    return out;
  }
  function qsValue(v) {
    return typeof v === 'string' ? v : (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '';
  }
  const querystring = {
    escape: qsEscape,
    unescape: (s) => { try { return decodeURIComponent(s); } catch { return pctDecode(s); } },
    parse(str, sep = '&', eq = '=', opts) {
      const out = Object.create(null);
      if (typeof str !== 'string' || str === '') return out;
      const max = opts && typeof opts.maxKeys === 'number' ? opts.maxKeys : 1000;
      let parts = str.split(sep);
      if (max > 0) parts = parts.slice(0, max);
      for (const part of parts) {
        if (part === '') continue;
        const i = part.indexOf(eq);
        const k = querystring.unescape((i < 0 ? part : part.slice(0, i)).replace(/\+/g, ' '));
        const v = i < 0 ? '' : querystring.unescape(part.slice(i + eq.length).replace(/\+/g, ' '));
        if (!(k in out)) out[k] = v;
        else if (Array.isArray(out[k])) out[k].push(v);
        else out[k] = [out[k], v];
      }
      return out;
    },
    stringify(obj, sep = '&', eq = '=') {
      if (obj === null || typeof obj !== 'object') return '';
      const parts = [];
      for (const k of Object.keys(obj)) {
        const v = obj[k], ek = qsEscape(k) + eq;
        if (Array.isArray(v)) for (const x of v) parts.push(ek + qsEscape(qsValue(x)));
        else parts.push(ek + qsEscape(qsValue(v)));
      }
      return parts.join(sep);
    },
  };
  querystring.decode = querystring.parse;
  querystring.encode = querystring.stringify;
  return { URL, URLSearchParams, urlModule, querystring };
})
