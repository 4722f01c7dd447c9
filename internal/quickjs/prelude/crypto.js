  // ---------------------------------------------------------------- crypto, structuredClone
  if (typeof G.crypto !== 'object') {
    const crypto = {
      getRandomValues(ta) {
        if (!ArrayBuffer.isView(ta) || ta instanceof Float32Array || ta instanceof Float64Array || ta instanceof DataView) {
          throw new TypeError('The data argument must be an integer-type TypedArray');
        }
        if (ta.byteLength > 65536) throw new RangeError(`The ArrayBufferView's byte length (${ta.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`);
        new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength).set(host.random(ta.byteLength));
        return ta;
      },
      randomUUID() {
        const b = host.random(16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = '';
        for (let i = 0; i < 16; i++) h += b[i].toString(16).padStart(2, '0');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      },
    };
    define(G, 'crypto', crypto);
  }
  function structuredClone(v, seen = new Map()) {
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'function' || typeof v === 'symbol') {
        throw new Error(`${typeof v === 'function' ? v.toString() : String(v)} could not be cloned.`);
      }
      return v;
    }
    if (seen.has(v)) return seen.get(v);
    let out;
    if (Array.isArray(v)) { out = []; seen.set(v, out); for (let i = 0; i < v.length; i++) out[i] = structuredClone(v[i], seen); return out; }
    if (v instanceof Date) return new Date(v.getTime());
    if (v instanceof RegExp) return new RegExp(v.source, v.flags);
    if (v instanceof Map) { out = new Map(); seen.set(v, out); for (const [k, x] of v) out.set(structuredClone(k, seen), structuredClone(x, seen)); return out; }
    if (v instanceof Set) { out = new Set(); seen.set(v, out); for (const x of v) out.add(structuredClone(x, seen)); return out; }
    if (v instanceof ArrayBuffer) return v.slice(0);
    if (ArrayBuffer.isView(v)) return new v.constructor(v);
    if (v instanceof Error) { out = new v.constructor(v.message); seen.set(v, out); if (v.stack) out.stack = v.stack; return out; }
    out = {};
    seen.set(v, out);
    for (const k of Object.keys(v)) out[k] = structuredClone(v[k], seen);
    return out;
  }
  if (typeof G.structuredClone !== 'function') define(G, 'structuredClone', (v) => structuredClone(v));
