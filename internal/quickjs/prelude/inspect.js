  // ---------------------------------------------------------------- inspect
  const kObjectType = 0, kArrayType = 1, kArrayExtrasType = 2;
  const identRe = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
  // A character strEscape must escape whatever the quote (the quote itself
  // is checked apart).
  const escapeRe = /[\x00-\x1f\x7f\\]/;
  // The engine's own size getters: a Set or Map whose prototype is not its
  // class's (null, say) still has its size.
  const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size').get;
  const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size').get;

  function strEscape(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
    }
    // Most strings need no escape: one scan in the engine, no copy.
    if (!escapeRe.test(str) && !str.includes(quote)) return quote + str + quote;
    let out = '';
    for (let i = 0; i < str.length; i++) {
      const c = str[i], code = str.charCodeAt(i);
      if (c === quote || c === '\\') out += '\\' + c;
      else if (c === '\n') out += '\\n';
      else if (c === '\t') out += '\\t';
      else if (c === '\r') out += '\\r';
      else if (c === '\b') out += '\\b';
      else if (c === '\f') out += '\\f';
      else if (c === '\v') out += '\\v';
      else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
      else out += c;
    }
    return quote + out + quote;
  }

  function formatNumber(n) { return Object.is(n, -0) ? '-0' : String(n); }

  function formatPrimitive(v) {
    switch (typeof v) {
      case 'string': return strEscape(v);
      case 'number': return formatNumber(v);
      case 'bigint': return String(v) + 'n';
      case 'boolean': return String(v);
      case 'undefined': return 'undefined';
      case 'symbol': return v.toString();
    }
    return String(v);
  }

  function getCtorName(obj) {
    let o = obj;
    for (let i = 0; o !== null && i < 1000; i++) {
      const d = Object.getOwnPropertyDescriptor(o, 'constructor');
      if (d !== undefined && typeof d.value === 'function' && d.value.name !== '') return d.value.name;
      o = Object.getPrototypeOf(o);
    }
    return null;
  }

  function getPrefix(ctor, tag, fallback, size) {
    if (ctor === null) {
      if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
      return `[${fallback}${size}: null prototype] `;
    }
    if (tag !== '' && ctor !== tag) return `${ctor}${size} [${tag}] `;
    return `${ctor}${size} `;
  }

  function fnBase(fn, ctor, tag) {
    const src = Function.prototype.toString.call(fn);
    if (src.startsWith('class') && /^class\s*[{\s\w$]/.test(src)) {
      let base = `[class ${fn.name || '(anonymous)'}`;
      const sup = Object.getPrototypeOf(fn);
      if (sup && sup.name) base += ` extends ${sup.name}`;
      return base + ']';
    }
    let type = 'Function';
    for (const t of [tag, ctor]) {
      if (t === 'AsyncFunction' || t === 'GeneratorFunction' || t === 'AsyncGeneratorFunction') type = t;
    }
    let base = `[${type}`;
    if (ctor === null) base += ' (null prototype)';
    base += fn.name ? `: ${fn.name}]` : ' (anonymous)]';
    return base;
  }

  function formatErrorBase(err, ctx) {
    let name, message, stack;
    try { name = err.name; } catch { name = 'Error'; }
    try { message = err.message; } catch { message = ''; }
    try { stack = err.stack; } catch { stack = undefined; }
    name = name === undefined ? 'Error' : String(name);
    message = message === undefined ? '' : String(message);
    let head = message === '' ? name : `${name}: ${message}`;
    const ctor = getCtorName(err);
    if (ctor !== null && ctor !== name && !head.startsWith(ctor) && ctor !== 'Error') head = `${ctor} [${head}]`;
    let s = head;
    if (typeof stack === 'string') {
      // Hide the frames of this prelude (the event loop, console, fs wrappers).
      const lines = stack.split('\n').filter((l) => !l.includes('<wasmsandbox>'));
      while (lines.length && /^\s*(at .*\(native\))?\s*$/.test(lines[lines.length - 1])) lines.pop();
      stack = lines.join('\n');
    }
    if (typeof stack === 'string' && stack.trim() !== '') {
      // QuickJS stacks hold only the frames; V8 puts the header first.
      s = stack.startsWith(head) ? stack.trimEnd() : head + '\n' + stack.trimEnd();
    }
    if (ctx && ctx.indentationLvl !== 0) s = s.split('\n').join('\n' + ' '.repeat(ctx.indentationLvl));
    return s;
  }

  function inspect(value, opts) {
    const ctx = {
      depth: 2, seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0,
      breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000, showHidden: false, sorted: false,
    };
    if (opts !== null && typeof opts === 'object') {
      for (const k of Object.keys(ctx)) if (opts[k] !== undefined && k !== 'seen' && k !== 'circular') ctx[k] = opts[k];
      if (opts.depth === null || opts.depth === Infinity) ctx.depth = Infinity;
    }
    return formatValue(ctx, value, 0, true);
  }
  inspect.custom = Symbol.for('nodejs.util.inspect.custom');

  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') {
      if (typeof value !== 'string') return formatPrimitive(value);
      let trailer = '';
      const rest = value.length - ctx.maxStringLength;
      if (rest > 0) { value = value.slice(0, ctx.maxStringLength); trailer = `... ${rest} more character${rest > 1 ? 's' : ''}`; }
      // Too long for the line: split after each newline, joined with +.
      if (ctx.compact !== true && value.length > 16 && value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        return value.split(/(?<=\n)/).map(strEscape).join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return strEscape(value) + trailer;
    }
    if (value === null) return 'null';
    // The engine's own checks (see formatRaw). A Proxy shows as its target,
    // as in Node (showProxy is off), without running its traps.
    const brand = host.brand(value);
    if (brand === 3) {
      const target = host.proxyTarget(value);
      return target === null ? '<Revoked Proxy>' : formatValue(ctx, target, recurseTimes, typedArray);
    }
    const custom = value[inspect.custom];
    if (typeof custom === 'function' && custom !== inspect) {
      const ret = custom.call(value, ctx.depth - recurseTimes, ctx, inspect);
      if (ret !== value) return typeof ret === 'string' ? ret : formatValue(ctx, ret, recurseTimes);
    }
    if (ctx.seen.includes(value)) {
      let index = ctx.circular.get(value);
      if (index === undefined) { index = ctx.circular.size + 1; ctx.circular.set(value, index); }
      return `[Circular *${index}]`;
    }
    return formatRaw(ctx, value, recurseTimes, typedArray, brand);
  }

  // brand is host.brand(value): 1 for a Set, 2 for a Map, else 0.
  function formatRaw(ctx, value, recurseTimes, typedArray, brand) {
    let keys;
    const ctor = getCtorName(value);
    let tag = '';
    try { tag = value[Symbol.toStringTag]; } catch { }
    if (typeof tag !== 'string' || (tag !== '' && tag === ctor)) tag = '';
    let base = '', formatter = formatObjectEntries, braces, noIterator = true, extrasType = kObjectType;
    let filter = (k) => true;

    const ownKeys = () => {
      const ks = ctx.showHidden ? Object.getOwnPropertyNames(value) : Object.keys(value);
      for (const s of Object.getOwnPropertySymbols(value)) {
        if (ctx.showHidden || Object.prototype.propertyIsEnumerable.call(value, s)) ks.push(s);
      }
      return ks;
    };

    if (Array.isArray(value)) {
      keys = nonIndexKeys(ownKeys());
      const prefix = (ctor !== 'Array' || tag !== '') ? getPrefix(ctor, tag, 'Array', `(${value.length})`) : '';
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (brand === 1) {
      keys = ownKeys();
      const size = setSize.call(value);
      const prefix = getPrefix(ctor, tag, 'Set', `(${size})`);
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
      formatter = formatSet;
    } else if (brand === 2) {
      keys = ownKeys();
      const size = mapSize.call(value);
      const prefix = getPrefix(ctor, tag, 'Map', `(${size})`);
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
      formatter = formatMap;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      keys = nonIndexKeys(ownKeys());
      const fallback = typedArrayTag.call(value);
      if (value instanceof Buffer) {
        const max = Math.min(50, value.length);
        let hex = '';
        for (let i = 0; i < max; i++) hex += ' ' + value[i].toString(16).padStart(2, '0');
        const more = value.length - max;
        return `<Buffer${hex}${more > 0 ? ` ... ${more} more byte${more > 1 ? 's' : ''}` : ''}>`;
      }
      const prefix = getPrefix(ctor, tag === fallback ? '' : tag, fallback, `(${value.length})`);
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray;
      extrasType = kArrayExtrasType;
    } else {
      keys = ownKeys();
      braces = ['{', '}'];
      if (ctor === 'Object' && tag === '' && !isArguments(value)) {
        if (keys.length === 0) return '{}';
      } else if (typeof value === 'function') {
        base = fnBase(value, ctor, tag);
        keys = keys.filter((k) => k !== 'prototype');
        if (keys.length === 0) return base;
      } else if (value instanceof RegExp || tag === 'RegExp') {
        base = RegExp.prototype.toString.call(value);
        if (keys.length === 0) return base;
      } else if (value instanceof Date) {
        base = Number.isNaN(Date.prototype.getTime.call(value)) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
        if (keys.length === 0) return base;
      } else if (value instanceof Error) {
        base = formatErrorBase(value, ctx);
        keys = keys.filter((k) => k !== 'stack' && k !== 'message' && k !== 'name');
        if (keys.length === 0) return base;
      } else if (value instanceof Promise) {
        const st = host.promiseState(value);
        braces[0] = `${getPrefix(ctor, tag, 'Promise', '')}{`;
        formatter = (ctx, v, rt) => {
          if (!st || st[0] === 0) return ['<pending>'];
          ctx.indentationLvl += 2;
          const r = formatValue(ctx, st[1], rt + 1);
          ctx.indentationLvl -= 2;
          return [st[0] === 2 ? `<rejected> ${r}` : r];
        };
      } else if (value instanceof WeakMap || value instanceof WeakSet) {
        return `${getPrefix(ctor, tag, value instanceof WeakMap ? 'WeakMap' : 'WeakSet', '')}{ <items unknown> }`;
      } else if (value instanceof ArrayBuffer) {
        const bytes = new Uint8Array(value);
        let hex = '';
        for (let i = 0; i < Math.min(50, bytes.length); i++) hex += (i ? ' ' : '') + bytes[i].toString(16).padStart(2, '0');
        if (bytes.length > 50) hex += ` ... ${bytes.length - 50} more byte${bytes.length - 50 > 1 ? 's' : ''}`;
        braces[0] = `${getPrefix(ctor, tag, 'ArrayBuffer', '')}{`;
        formatter = () => [`[Uint8Contents]: <${hex}>`, `byteLength: ${value.byteLength}`];
      } else if (value instanceof Number || value instanceof String || value instanceof Boolean ||
        (typeof BigInt === 'function' && value instanceof BigInt) || value instanceof Symbol) {
        let type, prim;
        if (value instanceof Number) { type = 'Number'; prim = formatNumber(Number.prototype.valueOf.call(value)); }
        else if (value instanceof String) {
          type = 'String'; prim = strEscape(String.prototype.valueOf.call(value));
          keys = nonIndexKeys(keys);
        }
        else if (value instanceof Boolean) { type = 'Boolean'; prim = String(Boolean.prototype.valueOf.call(value)); }
        else if (value instanceof Symbol) { type = 'Symbol'; prim = Symbol.prototype.toString.call(value); }
        else { type = 'BigInt'; prim = String(value.valueOf()) + 'n'; }
        base = `[${type}: ${prim}]`;
        if (keys.length === 0) return base;
      } else if (isArguments(value)) {
        braces[0] = '[Arguments] [';
        braces[1] = ']';
        formatter = formatArray;
        extrasType = kArrayExtrasType;
        keys = [];
      } else {
        if (keys.length === 0) return `${getPrefix(ctor, tag, 'Object', '')}{}`;
        braces[0] = `${getPrefix(ctor, tag, 'Object', '')}{`;
      }
    }

    if (recurseTimes > ctx.depth) {
      let name = (ctor || tag || 'Object');
      if (Array.isArray(value)) name = 'Array';
      return `[${name}]`;
    }
    recurseTimes += 1;
    ctx.seen.push(value);
    ctx.currentDepth = recurseTimes;
    let output;
    try {
      output = formatter(ctx, value, recurseTimes);
      for (const k of keys) output.push(formatProperty(ctx, value, recurseTimes, k, extrasType));
      if (ctx.sorted) {
        // As Node: the formatted entries are sorted, an array's own only
        // after its elements.
        const cmp = ctx.sorted === true ? undefined : ctx.sorted;
        if (extrasType === kObjectType) output.sort(cmp);
        else if (keys.length > 1) output.splice(output.length - keys.length, keys.length, ...output.slice(output.length - keys.length).sort(cmp));
      }
    } finally {
      ctx.seen.pop();
    }
    const index = ctx.circular.get(value);
    if (index !== undefined) {
      const reference = `<ref *${index}>`;
      base = base === '' ? reference : `${reference} ${base}`;
    }
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }

  const indexRe = /^(0|[1-9][0-9]*)$/;
  function isIndex(k) { return typeof k === 'string' && indexRe.test(k) && k.length <= 10 && +k < 4294967295; }

  // nonIndexKeys drops the array indices from an object's own keys. The
  // engine lists indices first, in order, then the other strings, then
  // the symbols: so they are all up to the last index, and a dense array
  // costs one test, not one per element.
  function nonIndexKeys(ks) {
    let i = ks.length;
    while (i > 0 && !isIndex(ks[i - 1])) i--;
    return i === 0 ? ks : ks.slice(i);
  }

  function isArguments(v) { return Object.prototype.toString.call(v) === '[object Arguments]'; }

  function formatObjectEntries() { return []; }

  function formatProperty(ctx, value, recurseTimes, key, type) {
    let name, str;
    const desc = Object.getOwnPropertyDescriptor(value, key) || { value: value[key], enumerable: true };
    if (desc.value !== undefined || !('get' in desc || 'set' in desc)) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (desc.get !== undefined) {
      str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
    } else {
      str = desc.set !== undefined ? '[Setter]' : 'undefined';
    }
    if (type === kArrayType) return str;
    if (typeof key === 'symbol') name = `[${key.toString()}]`;
    else if (desc.enumerable === false) name = `[${key}]`;
    else if (identRe.test(key)) name = key;
    else name = strEscape(key);
    return `${name}: ${str}`;
  }

  function formatArray(ctx, value, recurseTimes) {
    const len = value.length;
    const max = Math.min(ctx.maxArrayLength, len);
    const output = [];
    let holes = 0;
    let shown = 0;
    for (let i = 0; i < len && shown < max; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, i)) { holes++; continue; }
      if (holes > 0) { output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); shown++; holes = 0; if (shown >= max) break; }
      output.push(formatProperty(ctx, value, recurseTimes, i, kArrayType));
      shown++;
    }
    if (holes > 0 && shown < max) { output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); }
    const remaining = len - max;
    if (remaining > 0 && output.length >= max) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
    return output;
  }

  function formatTypedArray(ctx, value) {
    const max = Math.min(ctx.maxArrayLength, value.length);
    const output = [];
    for (let i = 0; i < max; i++) output.push(typeof value[i] === 'bigint' ? `${value[i]}n` : formatNumber(value[i]));
    if (value.length > max) output.push(`... ${value.length - max} more item${value.length - max > 1 ? 's' : ''}`);
    return output;
  }

  // formatSet and formatMap show at most maxArrayLength entries, then how
  // many more there are, as Node does.
  function formatEntries(ctx, entries, size, fmt) {
    const output = [];
    const max = Math.max(0, ctx.maxArrayLength);
    ctx.indentationLvl += 2;
    for (const e of entries) {
      if (output.length >= max) break;
      output.push(fmt(e));
    }
    ctx.indentationLvl -= 2;
    if (size > max) output.push(`... ${size - max} more item${size - max > 1 ? 's' : ''}`);
    return output;
  }
  const formatSet = (ctx, value, recurseTimes) =>
    formatEntries(ctx, Set.prototype.values.call(value), setSize.call(value), (v) => formatValue(ctx, v, recurseTimes));
  const formatMap = (ctx, value, recurseTimes) =>
    formatEntries(ctx, Map.prototype.entries.call(value), mapSize.call(value),
      ([k, v]) => `${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
