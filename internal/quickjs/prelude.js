// Guest API for wasmsandbox's QuickJS runtime: console, timers, process,
// Buffer, TextEncoder/TextDecoder, require() and the fs, path and util
// modules. Evaluated in every fresh context before the user's code; called
// with the host object (functions implemented in Go) and a JSON config.
// Returns [next, fire, report, exitCode] for the Go event loop and
// [persistBegin, persistSave] for auto_persist_globals.
(function (host, configJSON) {
  'use strict';
  const config = JSON.parse(configJSON);
  const G = globalThis;
  const define = (obj, name, value) =>
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });

  // ---------------------------------------------------------------- inspect
  const kObjectType = 0, kArrayType = 1, kArrayExtrasType = 2;
  const identRe = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get;
  const errorToString = Error.prototype.toString;

  function strEscape(str) {
    let quote = "'";
    if (str.includes("'")) {
      if (!str.includes('"')) quote = '"';
      else if (!str.includes('`') && !str.includes('${')) quote = '`';
    }
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
      breakLength: 80, compact: 3, maxArrayLength: 100, maxStringLength: 10000, showHidden: false,
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
      if (typeof value === 'string' && value.length > ctx.maxStringLength) {
        const rest = value.length - ctx.maxStringLength;
        return strEscape(value.slice(0, ctx.maxStringLength)) + `... ${rest} more character${rest > 1 ? 's' : ''}`;
      }
      return formatPrimitive(value);
    }
    if (value === null) return 'null';
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
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  function formatRaw(ctx, value, recurseTimes, typedArray) {
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
      keys = ownKeys().filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k));
      const prefix = (ctor !== 'Array' || tag !== '') ? getPrefix(ctor, tag, 'Array', `(${value.length})`) : '';
      braces = [`${prefix}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = kArrayExtrasType;
      formatter = formatArray;
    } else if (value instanceof Set || isSet(value)) {
      keys = ownKeys();
      const size = Set.prototype.has.call(value, undefined) ? value.size : value.size;
      const prefix = getPrefix(ctor, tag, 'Set', `(${size})`);
      if (size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
      formatter = formatSet;
    } else if (value instanceof Map || isMap(value)) {
      keys = ownKeys();
      const prefix = getPrefix(ctor, tag, 'Map', `(${value.size})`);
      if (value.size === 0 && keys.length === 0) return `${prefix}{}`;
      braces = [`${prefix}{`, '}'];
      formatter = formatMap;
    } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      keys = ownKeys().filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k));
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
          keys = keys.filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k));
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

  function isSet(v) { try { Set.prototype.has.call(v, 0); return true; } catch { return false; } }
  function isMap(v) { try { Map.prototype.has.call(v, 0); return true; } catch { return false; } }
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

  function formatSet(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const v of Set.prototype.values.call(value)) output.push(formatValue(ctx, v, recurseTimes));
    ctx.indentationLvl -= 2;
    return output;
  }

  function formatMap(ctx, value, recurseTimes) {
    const output = [];
    ctx.indentationLvl += 2;
    for (const [k, v] of Map.prototype.entries.call(value)) {
      output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
    }
    ctx.indentationLvl -= 2;
    return output;
  }

  function groupArrayElements(ctx, output, value) {
    let totalLength = 0, maxLength = 0, i = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = new Array(outputLength);
    for (; i < outputLength; i++) {
      const len = output[i].length;
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
      (totalLength / actualMax > 5 || maxLength <= 6)) {
      const averageBias = Math.sqrt(actualMax - totalLength / output.length);
      const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
      const columns = Math.min(
        Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
        Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15);
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let i = 0; i < columns; i++) {
        let lineLength = 0;
        for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
        maxLineLength.push(lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let i = 0; i < output.length; i++) {
          if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') { padStart = false; break; }
        }
      }
      for (let i = 0; i < outputLength; i += columns) {
        const max = Math.min(i + columns, outputLength);
        let str = '';
        let j = i;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - i];
          str += padStart ? `${output[j]}, `.padStart(padding, ' ') : `${output[j]}, `.padEnd(padding, ' ');
        }
        if (padStart) str += output[j].padStart(maxLineLength[j - i] - separatorSpace, ' ');
        else str += output[j];
        tmp.push(str);
      }
      if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
      output = tmp;
    }
    return output;
  }

  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !base.includes('\n');
  }

  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    const entries = output.length;
    if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
    if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
      const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
      if (isBelowBreakLength(ctx, output, start, base)) {
        const joined = output.join(', ');
        if (!joined.includes('\n')) {
          return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
        }
      }
    }
    const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }

  function format(...args) { return formatWithOptions(undefined, ...args); }

  function formatWithOptions(opts, ...args) {
    const first = args[0];
    let a = 0, str = '', join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr, lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first.charCodeAt(i) === 37) { // '%'
          const c = first[i + 1];
          if (a + 1 !== args.length) {
            switch (c) {
              case 's': {
                const arg = args[++a];
                if (typeof arg === 'number') tempStr = formatNumber(arg);
                else if (typeof arg === 'bigint') tempStr = `${arg}n`;
                else if (typeof arg !== 'object' || arg === null) tempStr = String(arg);
                else tempStr = inspect(arg, { ...opts, depth: 0 });
                break;
              }
              case 'j': try { tempStr = JSON.stringify(args[++a]); } catch { tempStr = '[Circular]'; } break;
              case 'd': {
                const n = args[++a];
                tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(Number(n));
                break;
              }
              case 'O': tempStr = inspect(args[++a], opts); break;
              case 'o': tempStr = inspect(args[++a], { ...opts, showHidden: true, depth: 4 }); break;
              case 'i': {
                const n = args[++a];
                tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(parseInt(n));
                break;
              }
              case 'f': { const n = args[++a]; tempStr = typeof n === 'symbol' ? 'NaN' : formatNumber(parseFloat(n)); break; }
              case 'c': a++; tempStr = ''; break;
              case '%': str += first.slice(lastPos, i + 1); lastPos = i + 2; i++; continue;
              default: continue;
            }
            if (lastPos !== i) str += first.slice(lastPos, i);
            str += tempStr;
            lastPos = i + 2;
            i++;
          } else if (c === '%') {
            str += first.slice(lastPos, i + 1);
            lastPos = i + 2;
            i++;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += first.slice(lastPos);
      }
    }
    while (a < args.length) {
      const v = args[a];
      str += join;
      str += typeof v !== 'string' ? inspect(v, opts) : v;
      join = ' ';
      a++;
    }
    return str;
  }

  // ---------------------------------------------------------------- console
  let groupIndent = '';
  const counts = new Map(), timersByLabel = new Map();
  function out(fd, args) {
    let s = format(...args);
    if (groupIndent !== '') s = groupIndent + s.split('\n').join('\n' + groupIndent);
    host.write(fd, s + '\n');
  }
  const consoleObj = {
    log: (...a) => out(1, a),
    info: (...a) => out(1, a),
    debug: (...a) => out(1, a),
    warn: (...a) => out(2, a),
    error: (...a) => out(2, a),
    trace: (...a) => {
      const e = new Error();
      out(2, [`Trace${a.length ? ': ' + format(...a) : ''}\n${(e.stack || '').split('\n').slice(1).join('\n').trimEnd()}`]);
    },
    dir: (v, opts) => out(1, [inspect(v, opts)]),
    dirxml: (...a) => out(1, a),
    assert: (cond, ...a) => {
      if (!cond) out(2, a.length ? [`Assertion failed: ${format(...a)}`] : ['Assertion failed']);
    },
    count: (label = 'default') => {
      label = String(label);
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      out(1, [`${label}: ${n}`]);
    },
    countReset: (label = 'default') => { counts.delete(String(label)); },
    group: (...a) => { if (a.length) out(1, a); groupIndent += '  '; },
    groupCollapsed: (...a) => { if (a.length) out(1, a); groupIndent += '  '; },
    groupEnd: () => { groupIndent = groupIndent.slice(0, -2); },
    time: (label = 'default') => { timersByLabel.set(String(label), host.now()); },
    timeLog: (label = 'default', ...a) => {
      const t = timersByLabel.get(String(label));
      if (t !== undefined) out(1, [`${label}: ${fmtMs(host.now() - t)}`, ...a]);
    },
    timeEnd: (label = 'default') => {
      const t = timersByLabel.get(String(label));
      if (t !== undefined) { timersByLabel.delete(String(label)); out(1, [`${label}: ${fmtMs(host.now() - t)}`]); }
    },
    table: (data, props) => out(1, [table(data, props)]),
  };
  function fmtMs(ms) { return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`; }
  function table(data, props) {
    if (data === null || typeof data !== 'object') return format(data);
    const rows = [];
    const cols = [];
    const indexKey = '(index)', valuesKey = 'Values';
    let hasValues = false;
    const entries = data instanceof Map ? [...data.entries()] : Object.entries(data);
    for (const [k, v] of entries) {
      const row = { [indexKey]: String(k) };
      if (v !== null && typeof v === 'object') {
        for (const c of props || Object.keys(v)) {
          if (!cols.includes(c)) cols.push(c);
          if (c in v) row[c] = formatValue({ depth: 0, seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0, breakLength: Infinity, compact: 3, maxArrayLength: 3, maxStringLength: 100 }, v[c], 1);
        }
      } else { hasValues = true; row[valuesKey] = formatPrimitive(v); }
      rows.push(row);
    }
    const header = [indexKey, ...cols, ...(hasValues ? [valuesKey] : [])];
    const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => (r[h] || '').length)) + 2);
    const line = (l, m, r) => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
    const cell = (s, w) => { s = s || ''; const left = Math.floor((w - s.length) / 2); return ' '.repeat(left) + s + ' '.repeat(w - s.length - left); };
    const lines = [line('┌', '┬', '┐'), '│' + header.map((h, i) => cell(h, widths[i])).join('│') + '│', line('├', '┼', '┤')];
    for (const r of rows) lines.push('│' + header.map((h, i) => cell(r[h], widths[i])).join('│') + '│');
    lines.push(line('└', '┴', '┘'));
    return lines.join('\n');
  }
  define(G, 'console', consoleObj);

  // ---------------------------------------------------------------- timers
  const timers = new Map();
  let timerSeq = 0;
  class Timeout {
    constructor(fn, ms, args, repeat) {
      this._id = ++timerSeq;
      this._seq = timerSeq;
      this._fn = fn;
      this._ms = ms;
      this._args = args;
      this._repeat = repeat;
      this._ref = true;
      this._when = host.now() + ms;
    }
    ref() { this._ref = true; return this; }
    unref() { this._ref = false; return this; }
    hasRef() { return this._ref; }
    refresh() { this._when = host.now() + this._ms; this._seq = ++timerSeq; return this; }
    close() { timers.delete(this._id); return this; }
    [Symbol.toPrimitive]() { return this._id; }
  }
  function checkCallback(fn) {
    if (typeof fn !== 'function') {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${inspect(fn)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  function timerDelay(ms) {
    ms = Number(ms);
    return ms >= 1 && ms <= 2147483647 ? ms : 1;
  }
  function setTimeout(fn, ms, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, timerDelay(ms), args, false);
    timers.set(t._id, t);
    return t;
  }
  function setInterval(fn, ms, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, timerDelay(ms), args, true);
    timers.set(t._id, t);
    return t;
  }
  function setImmediate(fn, ...args) {
    checkCallback(fn);
    const t = new Timeout(fn, 0, args, false);
    timers.set(t._id, t);
    return t;
  }
  function clearTimer(t) {
    if (t === null || t === undefined) return;
    if (typeof t === 'object') timers.delete(t._id);
    else timers.delete(Number(t));
  }
  function queueMicrotask(fn) {
    checkCallback(fn);
    Promise.resolve().then(() => fn());
  }
  const timersModule = {
    setTimeout, setInterval, setImmediate,
    clearTimeout: clearTimer, clearInterval: clearTimer, clearImmediate: clearTimer,
  };
  for (const k of Object.keys(timersModule)) define(G, k, timersModule[k]);
  define(G, 'queueMicrotask', queueMicrotask);

  // Next due timer: the earliest (when, seq); -1 when no referenced timer remains.
  function nextTimer() {
    let best = null;
    let anyRef = false;
    for (const t of timers.values()) {
      if (t._ref) anyRef = true;
      if (best === null || t._when < best._when || (t._when === best._when && t._seq < best._seq)) best = t;
    }
    return anyRef ? best : null;
  }
  function loopNext() {
    const t = nextTimer();
    if (t === null) return -1;
    return Math.max(0, t._when - host.now());
  }
  function loopFire() {
    const t = nextTimer();
    if (t === null || t._when > host.now()) return;
    if (t._repeat) {
      t._when = Math.max(host.now(), t._when) + t._ms;
      t._seq = ++timerSeq;
    } else {
      timers.delete(t._id);
    }
    t._fn.apply(t, t._args);
  }

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
    readUInt8(o = 0) { return this[o]; }
  }
  define(G, 'Buffer', Buffer);

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

  // ---------------------------------------------------------------- path (POSIX)
  function normalizeString(p, allowAboveRoot) {
    let res = '', lastSegmentLength = 0, lastSlash = -1, dots = 0, code;
    for (let i = 0; i <= p.length; ++i) {
      if (i < p.length) code = p[i];
      else if (code === '/') break;
      else code = '/';
      if (code === '/') {
        if (lastSlash === i - 1 || dots === 1) {
          // skip
        } else if (dots === 2) {
          if (res.length < 2 || lastSegmentLength !== 2 || !res.endsWith('..')) {
            if (res.length > 2) {
              const idx = res.lastIndexOf('/');
              if (idx === -1) { res = ''; lastSegmentLength = 0; }
              else { res = res.slice(0, idx); lastSegmentLength = res.length - 1 - res.lastIndexOf('/'); }
              lastSlash = i; dots = 0; continue;
            } else if (res.length !== 0) {
              res = ''; lastSegmentLength = 0; lastSlash = i; dots = 0; continue;
            }
          }
          if (allowAboveRoot) { res += res.length > 0 ? '/..' : '..'; lastSegmentLength = 2; }
        } else {
          if (res.length > 0) res += '/' + p.slice(lastSlash + 1, i);
          else res = p.slice(lastSlash + 1, i);
          lastSegmentLength = i - lastSlash - 1;
        }
        lastSlash = i; dots = 0;
      } else if (code === '.' && dots !== -1) {
        ++dots;
      } else {
        dots = -1;
      }
    }
    return res;
  }
  function checkPath(p, name = 'path') {
    if (typeof p !== 'string') {
      const e = new TypeError(`The "${name}" argument must be of type string. Received ${inspect(p)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  let cwd = config.cwd;
  const path = {
    sep: '/',
    delimiter: ':',
    resolve(...args) {
      let resolved = '', abs = false;
      for (let i = args.length - 1; i >= -1 && !abs; i--) {
        const p = i >= 0 ? args[i] : cwd;
        checkPath(p, `paths[${i}]`);
        if (p.length === 0) continue;
        resolved = `${p}/${resolved}`;
        abs = p[0] === '/';
      }
      resolved = normalizeString(resolved, !abs);
      if (abs) return `/${resolved}`;
      return resolved.length > 0 ? resolved : '.';
    },
    normalize(p) {
      checkPath(p);
      if (p.length === 0) return '.';
      const abs = p[0] === '/';
      const trailing = p[p.length - 1] === '/';
      p = normalizeString(p, !abs);
      if (p.length === 0) { if (abs) return '/'; return trailing ? './' : '.'; }
      if (trailing) p += '/';
      return abs ? `/${p}` : p;
    },
    isAbsolute(p) { checkPath(p); return p.length > 0 && p[0] === '/'; },
    join(...args) {
      if (args.length === 0) return '.';
      let joined;
      for (const a of args) {
        checkPath(a);
        if (a.length > 0) joined = joined === undefined ? a : `${joined}/${a}`;
      }
      return joined === undefined ? '.' : path.normalize(joined);
    },
    relative(from, to) {
      checkPath(from, 'from'); checkPath(to, 'to');
      if (from === to) return '';
      from = path.resolve(from); to = path.resolve(to);
      if (from === to) return '';
      const f = from === '/' ? [] : from.slice(1).split('/');
      const t = to === '/' ? [] : to.slice(1).split('/');
      let i = 0;
      while (i < f.length && i < t.length && f[i] === t[i]) i++;
      return [...f.slice(i).map(() => '..'), ...t.slice(i)].join('/');
    },
    dirname(p) {
      checkPath(p);
      if (p.length === 0) return '.';
      const hasRoot = p[0] === '/';
      let end = -1, matchedSlash = true;
      for (let i = p.length - 1; i >= 1; --i) {
        if (p[i] === '/') { if (!matchedSlash) { end = i; break; } }
        else matchedSlash = false;
      }
      if (end === -1) return hasRoot ? '/' : '.';
      if (hasRoot && end === 1) return '//';
      return p.slice(0, end);
    },
    basename(p, ext) {
      checkPath(p);
      let end = p.length;
      while (end > 1 && p[end - 1] === '/') end--;
      let s = p.slice(0, end);
      s = s.slice(s.lastIndexOf('/') + 1);
      if (ext !== undefined && ext !== s && s.endsWith(ext)) s = s.slice(0, s.length - ext.length);
      return s;
    },
    extname(p) {
      checkPath(p);
      const b = path.basename(p);
      const i = b.lastIndexOf('.');
      if (i <= 0 || b === '..') return '';
      return b.slice(i);
    },
    parse(p) {
      checkPath(p);
      const root = p[0] === '/' ? '/' : '';
      const base = path.basename(p);
      const ext = path.extname(p);
      let dir = path.dirname(p);
      if (dir === '.' && !p.includes('/')) dir = '';
      return { root, dir, base, ext, name: ext ? base.slice(0, base.length - ext.length) : base };
    },
    format(o) {
      const dir = o.dir || o.root;
      const base = o.base || `${o.name || ''}${o.ext ? (o.ext[0] === '.' ? '' : '.') + o.ext : ''}`;
      if (!dir) return base;
      return dir === o.root ? `${dir}${base}` : `${dir}/${base}`;
    },
    toNamespacedPath(p) { return p; },
  };
  path.posix = path;

  // ---------------------------------------------------------------- fs
  const ERRNO = {
    EPERM: 1, ENOENT: 2, EIO: 5, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENOTDIR: 20,
    EISDIR: 21, EINVAL: 22, EFBIG: 27, ENOSPC: 28, EROFS: 30, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40,
  };
  function fsError() {
    const e = JSON.parse(host.fsError());
    const err = new Error(e.message);
    err.errno = -(ERRNO[e.code] || 5);
    err.code = e.code;
    err.syscall = e.syscall;
    if (e.path) err.path = e.path;
    if (e.dest) err.dest = e.dest;
    return err;
  }
  function check(r) {
    if (r === undefined) throw fsError();
    return r;
  }
  function toPath(p, name = 'path') {
    if (p instanceof Uint8Array) p = host.utf8Decode(p);
    else if (p !== null && typeof p === 'object' && typeof p.href === 'string' && p.protocol === 'file:') p = p.pathname;
    if (typeof p !== 'string') {
      const e = new TypeError(`The "${name}" argument must be of type string or an instance of Buffer or URL. Received ${inspect(p)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    if (p.includes('\u0000')) return p; // the host reports EINVAL
    return path.resolve(p);
  }
  function encodingOf(opts) {
    if (typeof opts === 'string') return opts;
    if (opts && typeof opts === 'object' && opts.encoding) return opts.encoding;
    return null;
  }
  function toBytes(data, enc) {
    if (typeof data === 'string') return enc && normEnc(enc) !== 'utf8' ? Buffer.from(data, enc) : data;
    if (data instanceof Uint8Array) return data;
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    const e = new TypeError(`The "data" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${inspect(data)}`);
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  }
  class Stats {
    constructor(s) {
      this.dev = 0; this.mode = (s.type === 'dir' ? 0o040000 : s.type === 'symlink' ? 0o120000 : 0o100000) | s.mode;
      this.nlink = 1; this.uid = 0; this.gid = 0; this.rdev = 0; this.blksize = 4096; this.ino = 0;
      this.size = s.size; this.blocks = Math.ceil(s.size / 512);
      this.atimeMs = this.mtimeMs = this.ctimeMs = this.birthtimeMs = s.mtimeMs;
      this.atime = new Date(s.mtimeMs); this.mtime = new Date(s.mtimeMs);
      this.ctime = new Date(s.mtimeMs); this.birthtime = new Date(s.mtimeMs);
      define(this, '_type', s.type);
    }
    isFile() { return this._type === 'file'; }
    isDirectory() { return this._type === 'dir'; }
    isSymbolicLink() { return this._type === 'symlink'; }
    isFIFO() { return false; }
    isSocket() { return false; }
    isBlockDevice() { return false; }
    isCharacterDevice() { return false; }
  }
  class Dirent {
    constructor(s, dir) { this.name = s.name; this.parentPath = dir; this.path = dir; define(this, '_type', s.type); }
    isFile() { return this._type === 'file'; }
    isDirectory() { return this._type === 'dir'; }
    isSymbolicLink() { return this._type === 'symlink'; }
    isFIFO() { return false; }
    isSocket() { return false; }
    isBlockDevice() { return false; }
    isCharacterDevice() { return false; }
  }
  function fsErr(code, syscall, p, message) {
    const err = new Error(`${code}: ${message}, ${syscall} '${p}'`);
    err.errno = -(ERRNO[code] || 5); err.code = code; err.syscall = syscall; err.path = p;
    return err;
  }
  const fs = {
    readFileSync(p, opts) {
      const enc = encodingOf(opts);
      if (typeof p === 'number') throw fsErr('EBADF', 'read', String(p), 'bad file descriptor');
      p = toPath(p);
      if (enc !== null && normEnc(enc) === 'utf8') return check(host.fsRead(p, 1));
      const u = check(host.fsRead(p, 0));
      const b = new Buffer(u.buffer, u.byteOffset, u.length);
      return enc === null ? b : b.toString(enc);
    },
    writeFileSync(p, data, opts) {
      const flag = opts && typeof opts === 'object' ? opts.flag : undefined;
      check(host.fsWrite(toPath(p), toBytes(data, encodingOf(opts)), flag && String(flag)[0] === 'a' ? 1 : 0));
    },
    appendFileSync(p, data, opts) {
      check(host.fsWrite(toPath(p), toBytes(data, encodingOf(opts)), 1));
    },
    existsSync(p) {
      try { p = toPath(p); } catch { return false; }
      return host.fsStat(p) !== undefined || (host.fsError(), false);
    },
    accessSync(p) { check(host.fsStat(toPath(p))); },
    statSync(p, opts) {
      const r = host.fsStat(toPath(p));
      if (r === undefined) {
        const e = fsError();
        if (opts && opts.throwIfNoEntry === false && e.code === 'ENOENT') return undefined;
        throw e;
      }
      return new Stats(JSON.parse(r));
    },
    readdirSync(p, opts) {
      p = toPath(p);
      const list = JSON.parse(check(host.fsReaddir(p)));
      const withTypes = opts && typeof opts === 'object' && opts.withFileTypes;
      const recursive = opts && typeof opts === 'object' && opts.recursive;
      const out = [];
      for (const s of list) {
        out.push(withTypes ? new Dirent(s, p) : s.name);
        if (recursive && s.type === 'dir') {
          for (const sub of fs.readdirSync(path.join(p, s.name), opts)) {
            out.push(withTypes ? sub : `${s.name}/${sub}`);
          }
        }
      }
      return out;
    },
    mkdirSync(p, opts) {
      p = toPath(p);
      const recursive = typeof opts === 'object' && opts !== null && !!opts.recursive;
      let first;
      if (recursive) {
        for (let d = p; d !== '/' && !fs.existsSync(d); d = path.dirname(d)) first = d;
      }
      check(host.fsMkdir(p, recursive ? 1 : 0));
      return recursive ? first : undefined;
    },
    rmSync(p, opts) {
      p = toPath(p);
      const recursive = !!(opts && opts.recursive), force = !!(opts && opts.force);
      const st = host.fsStat(p);
      if (st === undefined) {
        const e = fsError();
        if (force && e.code === 'ENOENT') return;
        e.message = e.message.replace(/, stat '/, ", rm '");
        e.syscall = 'rm';
        throw e;
      }
      if (JSON.parse(st).type === 'dir' && !recursive) {
        const e = new Error(`Path is a directory: rm returned EISDIR (is a directory) ${p}`);
        e.code = 'ERR_FS_EISDIR'; e.errno = 21; e.syscall = 'rm'; e.path = p;
        throw e;
      }
      check(host.fsRm(p, recursive ? 1 : 0));
    },
    rmdirSync(p, opts) {
      p = toPath(p);
      const st = JSON.parse(check(host.fsStat(p)));
      if (st.type !== 'dir') throw fsErr('ENOTDIR', 'rmdir', p, 'not a directory');
      check(host.fsRm(p, opts && opts.recursive ? 1 : 0));
    },
    unlinkSync(p) {
      p = toPath(p);
      const st = host.fsStat(p);
      if (st !== undefined && JSON.parse(st).type === 'dir') throw fsErr('EISDIR', 'unlink', p, 'illegal operation on a directory');
      if (st === undefined) { const e = fsError(); if (e.code !== 'EACCES') { e.message = e.message.replace(/, stat '/, ", unlink '"); e.syscall = 'unlink'; throw e; } }
      check(host.fsRm(p, 0));
    },
    renameSync(a, b) { check(host.fsRename(toPath(a, 'oldPath'), toPath(b, 'newPath'))); },
    copyFileSync(a, b) { fs.writeFileSync(b, fs.readFileSync(a)); },
    constants: { F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1, COPYFILE_EXCL: 1 },
    Stats,
    Dirent,
  };
  fs.lstatSync = fs.statSync;
  fs.realpathSync = (p) => { fs.statSync(p); return toPath(p); };
  // Callback and promise flavours run the synchronous operation in a microtask.
  const promises = {};
  for (const [name, sync] of [['readFile', 'readFileSync'], ['writeFile', 'writeFileSync'], ['appendFile', 'appendFileSync'],
    ['readdir', 'readdirSync'], ['mkdir', 'mkdirSync'], ['rm', 'rmSync'], ['rmdir', 'rmdirSync'], ['stat', 'statSync'],
    ['lstat', 'lstatSync'], ['rename', 'renameSync'], ['unlink', 'unlinkSync'], ['copyFile', 'copyFileSync'],
    ['access', 'accessSync'], ['realpath', 'realpathSync']]) {
    const f = fs[sync];
    promises[name] = async (...args) => f(...args);
    fs[name] = (...args) => {
      const cb = args.pop();
      checkCallback(cb);
      Promise.resolve().then(() => {
        let res;
        try { res = f(...args); } catch (e) { cb(e); return; }
        cb(null, res);
      });
    };
  }
  fs.exists = (p, cb) => { Promise.resolve().then(() => cb(fs.existsSync(p))); };
  fs.promises = promises;
  promises.constants = fs.constants;

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

  // ---------------------------------------------------------------- util
  function isDeepStrictEqual(a, b, seen = new Map()) {
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (seen.get(a) === b) return true;
    seen.set(a, b);
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [k, v] of a) if (!b.has(k) || !isDeepStrictEqual(v, b.get(k), seen)) return false;
      return true;
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false;
      for (const v of a) if (!b.has(v)) return false;
      return true;
    }
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !isDeepStrictEqual(a[k], b[k], seen)) return false;
    return true;
  }
  const util = {
    inspect,
    format,
    formatWithOptions,
    isDeepStrictEqual: (a, b) => isDeepStrictEqual(a, b),
    promisify(fn) {
      return (...args) => new Promise((resolve, reject) => fn(...args, (err, v) => (err ? reject(err) : resolve(v))));
    },
    inherits(ctor, superCtor) { Object.setPrototypeOf(ctor.prototype, superCtor.prototype); Object.setPrototypeOf(ctor, superCtor); },
    deprecate: (fn) => fn,
    TextEncoder, TextDecoder,
    types: {
      isPromise: (v) => v instanceof Promise,
      isDate: (v) => v instanceof Date,
      isRegExp: (v) => v instanceof RegExp,
      isMap: (v) => v instanceof Map,
      isSet: (v) => v instanceof Set,
      isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
      isNativeError: (v) => v instanceof Error,
    },
    isArray: Array.isArray,
  };

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

  // ---------------------------------------------------------------- persist
  // auto_persist_globals (Host.PersistGlobals): keeps the globals the code
  // created from one execution to the next, as JSON.
  //
  // begin runs before the user's code. It notes the names globalThis has
  // (the built-ins, never saved) and restores the saved globals as
  // writable, configurable properties of globalThis, which the code can
  // read, reassign or redeclare (with let or const too).
  //
  // save runs once the code and the event loop are done, after an uncaught
  // error too, or in process.exit. It collects the top-level declarations
  // of a script (the host scans the source for their names; let, const and
  // class make no properties of globalThis, so they are read through a
  // global-scope eval) and the properties the code added to globalThis
  // (all that an ES module can leave behind: its bindings are private).
  // A value is kept when JSON can hold it: strings, finite numbers,
  // booleans, null, and arrays and plain objects of those. The
  // payload and a report go to host.saveState, which enforces the size
  // limit and writes the notes. Save uses only what is captured here, so
  // code that replaces JSON, Object methods or prototype methods cannot
  // change what is saved.
  const persist = (() => {
    const geval = G.eval, apply = Reflect.apply, create = Object.create;
    const jsonParse = JSON.parse, jsonStringify = JSON.stringify;
    const ownNames = Object.getOwnPropertyNames;
    const ownDesc = Object.getOwnPropertyDescriptor, hasOwn = Object.hasOwn;
    const protoOf = Object.getPrototypeOf, setProto = Object.setPrototypeOf, defineProp = Object.defineProperty;
    const isArray = Array.isArray, keys = Object.keys;
    const ObjectProto = Object.prototype, ArrayProto = Array.prototype;
    const objToString = ObjectProto.toString, fnToString = Function.prototype.toString;
    const strSlice = String.prototype.slice, join = ArrayProto.join;
    const RangeErr = RangeError, InternalErr = G.InternalError;
    const identRe = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
    const maxDepth = 200; // nesting kept; deeper values are not
    const maxListed = 1000; // names listed in the report
    const overCap = {}; // thrown when a value's JSON passes the limit
    const tooDeep = 'too deeply nested';
    let on = false, done = false, limit = Infinity;
    let base = null; // names globalThis has before the code runs
    const lexical = [], readers = []; // declared names, sources reading them
    let readAll = ''; // source reading them all at once
    const unrestored = []; // saved names that could not be restored

    const note = (msg) => host.write(2, `wasmsandbox: ${msg}\n`);
    function errText(e) {
      try {
        if (typeof e === 'object' && e !== null) return `${String(e.name)}: ${String(e.message)}`;
        return String(e);
      } catch {
        return 'unknown error';
      }
    }
    const identChar = (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
      c === '_' || c === '$' || c > '\x7f';
    function plainKey(k) {
      if (k.length === 0 || (k[0] >= '0' && k[0] <= '9')) return false;
      for (let i = 0; i < k.length; i++) if (!identChar(k[i]) || k[i] > '\x7f') return false;
      return true;
    }
    const push = (a, v) => { a[a.length] = v; };

    function begin(state, namesJSON, max) {
      on = true;
      if (max > 0) limit = max;
      base = create(null);
      for (const k of ownNames(G)) base[k] = true;
      for (const n of jsonParse(namesJSON)) {
        if (typeof n !== 'string' || !identRe.test(n)) continue;
        lexical.push(n);
        readers.push(`() => ${n}`);
      }
      readAll = `[${readers.join(',')}]`;
      if (state === undefined) return;
      let saved;
      try {
        saved = jsonParse(state);
        if (typeof saved !== 'object' || saved === null || isArray(saved)) throw new TypeError('not an object of globals');
      } catch (e) {
        note(`saved globals could not be read (${errText(e)}); starting without them`);
        return;
      }
      const failed = [];
      for (const k of ownNames(saved)) {
        if (base[k] === true) {
          unrestored.push(k);
          failed.push(`${k} (a built-in global has that name)`);
          continue;
        }
        defineProp(G, k, { value: saved[k], writable: true, enumerable: true, configurable: true });
      }
      if (failed.length) note(`not restored: ${failed.join(', ')}`);
    }

    function save() {
      if (!on || done) return;
      done = true;
      let res;
      try {
        res = collect();
      } catch (e) {
        res = [undefined, `{"error":${jsonStringify(errText(e))}}`];
      }
      host.saveState(res[0], res[1]);
    }

    // kind names what v is, for a value that JSON would not give back.
    function kind(v) {
      switch (typeof v) {
        case 'undefined': return 'undefined';
        case 'bigint': return 'BigInt';
        case 'symbol': return 'symbol';
        case 'number': return v !== v ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
        case 'function': {
          const src = apply(fnToString, v, []);
          return apply(strSlice, src, [0, 5]) === 'class' && !identChar(src[5]) ? 'class' : 'function';
        }
      }
      for (let o = v, i = 0; o !== null && i < 100; i++, o = protoOf(o)) {
        const d = ownDesc(o, 'constructor');
        if (d !== undefined && hasOwn(d, 'value') && typeof d.value === 'function') {
          const name = ownDesc(d.value, 'name');
          if (name !== undefined && typeof name.value === 'string' && name.value !== '') return name.value;
        }
      }
      return apply(strSlice, apply(objToString, v, []), [8, -1]);
    }

    // A global is kept by copying it, checking each value on the way, and
    // turning the copy into JSON natively (which is much faster than
    // building the text in JavaScript). The copy reads each property once,
    // so the JSON is what was checked; its objects have a null prototype
    // and its arrays are made prototype-less when the code gave Array or
    // Object a toJSON, so nothing of the code's runs while it is encoded.
    // An accessor property is kept as the value it returned; -0 becomes 0;
    // non-enumerable and symbol-keyed properties are left out (JSON has no
    // place for them).
    const fail = {}; // returned by copy when a value cannot be kept
    let budget; // how much more JSON text (at least) the copy may make
    let stack; // the objects being copied, to find cycles
    let reason, where, nakedArrays;

    // copy returns a copy of v to encode, or fail with reason set (and the
    // path to the culprit in where); it throws overCap when the JSON would
    // pass the limit.
    function copy(v, depth) {
      switch (typeof v) {
        case 'string':
          if ((budget -= v.length + 2) < 0) throw overCap;
          return v;
        case 'number':
          if (v !== v || v === Infinity || v === -Infinity) break;
          if ((budget -= 1) < 0) throw overCap;
          return v;
        case 'boolean':
          if ((budget -= 4) < 0) throw overCap;
          return v;
        case 'object':
          if (v !== null) return copyObject(v, depth);
          if ((budget -= 4) < 0) throw overCap;
          return v;
      }
      reason = kind(v);
      return fail;
    }

    function copyObject(v, depth) {
      if (budget < 0) throw overCap;
      if (depth >= maxDepth) {
        reason = tooDeep;
        return fail;
      }
      for (let i = 0; i < stack.length; i++) {
        if (stack[i] === v) {
          reason = 'cycle';
          return fail;
        }
      }
      const proto = protoOf(v);
      let c;
      if (isArray(v)) {
        if (proto !== ArrayProto) {
          reason = kind(v);
          return fail;
        }
        const n = v.length;
        budget -= 1 + n;
        c = [];
        push(stack, v);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          const y = x === undefined && !(i in v) ? ((reason = 'array with holes'), fail) : copy(x, depth + 1);
          if (y === fail) {
            where = `[${i}]${where}`;
            return fail;
          }
          c[i] = y;
        }
        if (nakedArrays) setProto(c, null);
      } else {
        if ((proto !== ObjectProto && proto !== null) || apply(objToString, v, []) !== '[object Object]') {
          reason = kind(v);
          return fail;
        }
        const ks = keys(v);
        budget -= 1 + 4 * ks.length;
        c = create(null);
        push(stack, v);
        for (let i = 0; i < ks.length; i++) {
          const k = ks[i];
          budget -= k.length;
          const y = copy(v[k], depth + 1);
          if (y === fail) {
            where = (plainKey(k) ? `.${k}` : `[${jsonStringify(k)}]`) + where;
            return fail;
          }
          c[k] = y;
        }
      }
      stack.length--;
      return c;
    }

    // encode returns [reason, text, capped] for v: reason is '' when v is
    // kept, and then text is its JSON unless capped, which says that the
    // JSON would pass the limit (text is then '').
    function encode(v) {
      budget = limit;
      stack = [];
      reason = where = '';
      try {
        const c = copy(v, 0);
        if (c === fail) return [reason, '', false];
        const text = jsonStringify(c);
        return text.length > limit ? ['', '', true] : ['', text, false];
      } catch (e) {
        if (e === overCap) return ['', '', true];
        if (InternalErr !== undefined && e instanceof InternalErr) throw e; // out of memory
        if (e instanceof RangeErr) return [tooDeep, '', false];
        return [`unreadable: ${errText(e)}`, '', false];
      } finally {
        stack = null;
      }
    }

    function collect() {
      const names = [], values = [], notKept = [];
      const seen = create(null);
      // The script's top-level declarations; one that was not reached (in
      // its temporal dead zone) throws and is skipped.
      if (lexical.length > 0) {
        let read = null;
        try {
          read = geval(readAll);
        } catch {}
        for (let i = 0; i < lexical.length; i++) {
          const n = lexical[i];
          let v;
          try {
            v = read !== null ? read[i]() : geval(readers[i])();
          } catch {
            continue;
          }
          seen[n] = true;
          if (base[n] === true) {
            const d = ownDesc(G, n);
            if (d === undefined || !hasOwn(d, 'value') || d.value !== v) push(notKept, [n, 'shadows a built-in global']);
            continue;
          }
          push(names, n);
          push(values, v);
        }
      }
      // What the code added to globalThis.
      const own = ownNames(G);
      for (let i = 0; i < own.length; i++) {
        const n = own[i];
        if (base[n] === true || seen[n] === true) continue;
        const d = ownDesc(G, n);
        if (d === undefined) continue;
        if (!hasOwn(d, 'value')) {
          push(notKept, [n, 'getter']);
          continue;
        }
        push(names, n);
        push(values, d.value);
      }

      // Encode, and once over the limit keep measuring (to name the largest).
      const t = ArrayProto.toJSON, o = ObjectProto.toJSON;
      nakedArrays = t !== undefined || o !== undefined;
      let pairs = [], total = 2, over = false, capped = false;
      const sized = [], largest = [];
      for (let i = 0; i < names.length; i++) {
        const n = names[i];
        const res = encode(values[i]);
        if (res[0] !== '') {
          push(notKept, [n, where === '' || res[0] === tooDeep ? res[0] : `${res[0]} at ${n}${where}`]);
          continue;
        }
        const key = jsonStringify(n), len = res[2] ? limit + 1 : res[1].length;
        total += (sized.length > 0 ? 1 : 0) + key.length + 1 + len;
        push(sized, n);
        push(largest, [n, len, res[2]]);
        for (let j = largest.length - 1; j > 0 && largest[j][1] > largest[j - 1][1]; j--) {
          const x = largest[j];
          largest[j] = largest[j - 1];
          largest[j - 1] = x;
        }
        if (largest.length > 3) largest.length = 3;
        if (res[2]) capped = true;
        if (!over && (res[2] || total > limit)) {
          over = true;
          pairs = null;
        }
        if (!over) push(pairs, `${key}:${res[1]}`);
      }
      const list = (a, f) => {
        const parts = [];
        for (let i = 0; i < a.length && i < maxListed; i++) push(parts, f(a[i]));
        return `[${apply(join, parts, [','])}]`;
      };
      const name = (s) => jsonStringify(apply(strSlice, s, [0, 200]));
      const report = `{"notKept":${list(notKept, (e) => `[${name(e[0])},${jsonStringify(e[1])}]`)}` +
        `,"moreNotKept":${notKept.length > maxListed ? notKept.length - maxListed : 0}` +
        `,"unrestored":${list(unrestored, name)}` +
        `,"over":${over},"total":${total},"capped":${capped}` +
        `,"largest":${list(largest, (e) => `[${name(e[0])},${e[1]},${e[2]}]`)}` +
        `,"sized":${over ? list(sized, name) : '[]'}}`;
      return [over ? undefined : `{${apply(join, pairs, [','])}}`, report];
    }

    return { begin, save };
  })();

  // ---------------------------------------------------------------- loop hooks
  function report(e) {
    let s;
    if (e instanceof Error) s = inspect(e);
    else s = inspect(e);
    host.write(2, `Uncaught ${s}\n`);
  }
  function finalExitCode() {
    const c = exitCode === undefined ? 0 : Number(exitCode);
    return Number.isFinite(c) ? (c | 0) & 0xff : 0;
  }
  return [loopNext, loopFire, report, finalExitCode, persist.begin, persist.save];
})
