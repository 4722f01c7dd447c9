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
