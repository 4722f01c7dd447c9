  // ---------------------------------------------------------------- Buffer, TextEncoder/TextDecoder
  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(s = '') { return host.utf8Encode(String(s)); }
    encodeInto(s, dest) {
      const b = host.utf8Encode(String(s));
      const n = Math.min(b.length, dest.length);
      dest.set(b.subarray(0, n));
      return { read: s.length, written: n };
    }
  }
  class TextDecoder {
    constructor(label = 'utf-8') {
      label = String(label).toLowerCase();
      if (label !== 'utf-8' && label !== 'utf8') throw new RangeError(`The "${label}" encoding is not supported`);
    }
    get encoding() { return 'utf-8'; }
    decode(b) {
      if (b === undefined) return '';
      if (b instanceof ArrayBuffer) b = new Uint8Array(b);
      else if (ArrayBuffer.isView(b) && !(b instanceof Uint8Array)) b = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      let s = host.utf8Decode(b);
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      return s;
    }
  }
  if (typeof G.TextEncoder !== 'function') define(G, 'TextEncoder', TextEncoder);
  if (typeof G.TextDecoder !== 'function') define(G, 'TextDecoder', TextDecoder);

  function normEnc(enc) {
    const e = String(enc === undefined || enc === null ? 'utf8' : enc).toLowerCase();
    switch (e) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'latin1': case 'binary': return 'latin1';
      case 'ascii': return 'ascii';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
    }
    const err = new TypeError(`Unknown encoding: ${enc}`);
    err.code = 'ERR_UNKNOWN_ENCODING';
    throw err;
  }
  function latin1(bytes) {
    let s = '';
    for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    return s;
  }
  class Buffer extends Uint8Array {
    static from(v, encOrOffset, length) {
      if (typeof v === 'string') return Buffer._fromString(v, encOrOffset);
      if (v instanceof ArrayBuffer) return new Buffer(v, encOrOffset || 0, length === undefined ? v.byteLength - (encOrOffset || 0) : length);
      if (ArrayBuffer.isView(v)) {
        const b = new Buffer(v.byteLength);
        b.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        return b;
      }
      if (v && typeof v === 'object') {
        if (v.type === 'Buffer' && Array.isArray(v.data)) v = v.data;
        const b = new Buffer(v.length >>> 0);
        for (let i = 0; i < b.length; i++) b[i] = v[i];
        return b;
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
    }
    static _fromString(s, enc) {
      switch (normEnc(enc)) {
        case 'utf8': { const u = host.utf8Encode(s); return new Buffer(u.buffer, u.byteOffset, u.length); }
        case 'hex': {
          const n = s.length >>> 1, b = new Buffer(n);
          let i = 0;
          for (; i < n; i++) { const x = parseInt(s.substr(2 * i, 2), 16); if (Number.isNaN(x)) break; b[i] = x; }
          return i === n ? b : b.subarray(0, i);
        }
        case 'base64': case 'base64url': {
          let t = s.replace(/[^A-Za-z0-9+/\-_]/g, '').replace(/-/g, '+').replace(/_/g, '/');
          while (t.length % 4) t += '=';
          const bin = atob(t), b = new Buffer(bin.length);
          for (let i = 0; i < bin.length; i++) b[i] = bin.charCodeAt(i);
          return b;
        }
        case 'latin1': case 'ascii': {
          const b = new Buffer(s.length);
          for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
          return b;
        }
        case 'utf16le': {
          const b = new Buffer(s.length * 2);
          for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); b[2 * i] = c & 0xff; b[2 * i + 1] = c >> 8; }
          return b;
        }
      }
    }
    static alloc(n, fill, enc) {
      const b = new Buffer(n);
      if (fill !== undefined && fill !== 0) {
        if (typeof fill === 'string') {
          const f = Buffer.from(fill, enc);
          for (let i = 0; i < n && f.length; i++) b[i] = f[i % f.length];
        } else b.fill(fill);
      }
      return b;
    }
    static allocUnsafe(n) { return new Buffer(n); }
    static allocUnsafeSlow(n) { return new Buffer(n); }
    static isBuffer(b) { return b instanceof Buffer; }
    static isEncoding(e) { try { normEnc(e); return true; } catch { return false; } }
    static byteLength(s, enc) {
      if (typeof s !== 'string') return s.byteLength;
      return Buffer.from(s, enc).length;
    }
    static concat(list, total) {
      if (total === undefined) total = list.reduce((n, b) => n + b.length, 0);
      const out = Buffer.alloc(total);
      let off = 0;
      for (const b of list) {
        if (off >= total) break;
        const part = b.length > total - off ? b.subarray(0, total - off) : b;
        out.set(part, off);
        off += part.length;
      }
      return out;
    }
    static compare(a, b) { return a.compare(b); }
    toString(enc, start = 0, end = this.length) {
      const b = (start !== 0 || end !== this.length) ? this.subarray(start, end) : this;
      switch (normEnc(enc)) {
        case 'utf8': return host.utf8Decode(b);
        case 'hex': { let s = ''; for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, '0'); return s; }
        case 'base64': return btoa(latin1(b));
        case 'base64url': return btoa(latin1(b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        case 'latin1': return latin1(b);
        case 'ascii': { let s = ''; for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] & 0x7f); return s; }
        case 'utf16le': { let s = ''; for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8)); return s; }
      }
    }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
    equals(o) { return this.compare(o) === 0; }
    compare(o) {
      const n = Math.min(this.length, o.length);
      for (let i = 0; i < n; i++) if (this[i] !== o[i]) return this[i] < o[i] ? -1 : 1;
      return this.length === o.length ? 0 : this.length < o.length ? -1 : 1;
    }
    write(s, offset = 0, length, enc) {
      if (typeof offset === 'string') { enc = offset; offset = 0; }
      const b = Buffer.from(s, enc);
      const n = Math.min(b.length, this.length - offset, length === undefined ? Infinity : length);
      this.set(b.subarray(0, n), offset);
      return n;
    }
    slice(start, end) { return this.subarray(start, end); }
    copy(target, targetStart = 0, sourceStart = 0, sourceEnd = this.length) {
      const src = this.subarray(sourceStart, sourceEnd);
      const n = Math.max(0, Math.min(src.length, target.length - targetStart));
      target.set(src.subarray(0, n), targetStart);
      return n;
    }
    indexOf(v, byteOffset = 0, enc) {
      if (typeof byteOffset === 'string') { enc = byteOffset; byteOffset = 0; }
      if (byteOffset < 0) byteOffset = Math.max(0, this.length + byteOffset);
      if (typeof v === 'number') return Uint8Array.prototype.indexOf.call(this, v & 0xff, byteOffset);
      const needle = typeof v === 'string' ? Buffer.from(v, enc) : v;
      if (needle.length === 0) return Math.min(byteOffset, this.length);
      outer: for (let i = byteOffset; i + needle.length <= this.length; i++) {
        for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
        return i;
      }
      return -1;
    }
    includes(v, byteOffset, enc) { return this.indexOf(v, byteOffset, enc) !== -1; }
  }
  // readUInt16LE, writeDoubleBE and the rest of the numeric family, over a
  // DataView (out-of-range offsets throw RangeError, as in Node).
  for (const [name, size, view] of [['UInt8', 1, 'Uint8'], ['Int8', 1, 'Int8'], ['UInt16', 2, 'Uint16'], ['Int16', 2, 'Int16'],
    ['UInt32', 4, 'Uint32'], ['Int32', 4, 'Int32'], ['Float', 4, 'Float32'], ['Double', 8, 'Float64'],
    ['BigUInt64', 8, 'BigUint64'], ['BigInt64', 8, 'BigInt64']]) {
    const dv = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (const end of size === 1 ? [''] : ['LE', 'BE']) {
      const little = end === 'LE';
      const read = function (offset = 0) { return dv(this)['get' + view](offset, little); };
      const write = function (value, offset = 0) { dv(this)['set' + view](offset, value, little); return offset + size; };
      for (const n of new Set([name, name.replace('UInt', 'Uint')])) {
        define(Buffer.prototype, 'read' + n + end, read);
        define(Buffer.prototype, 'write' + n + end, write);
      }
    }
  }
  define(G, 'Buffer', Buffer);
