// assert: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { inspect, define, path, env, config, host, isDeepStrictEqual, checkCallback, normEnc, Buffer, process } = scope;
  // Node's assert, with its messages for the common cases (the diff of a
  // failed deep comparison is a line diff of the two inspected values).
  class AssertionError extends Error {
    constructor(options) {
      const o = options || {};
      super(o.message);
      define(this, 'name', 'AssertionError');
      this.generatedMessage = !o.userMessage;
      this.code = 'ERR_ASSERTION';
      this.actual = o.actual;
      this.expected = o.expected;
      this.operator = o.operator;
      if (typeof this.stack === 'string') {
        define(this, 'stack', this.stack.replace(/^AssertionError(?=:)/, 'AssertionError [ERR_ASSERTION]'));
      }
    }
  }
  const assertInspect = (v) => inspect(v, { compact: false, sorted: true, depth: 1000, maxArrayLength: Infinity, breakLength: Infinity });
  // lineDiff is Node's "+ actual - expected" listing of two inspected values.
  function lineDiff(a, b) {
    const x = a.split('\n'), y = b.split('\n');
    const out = [];
    if (x.length * y.length > 250000) {
      for (const l of x) out.push('+ ' + l);
      for (const l of y) out.push('- ' + l);
      return out.join('\n');
    }
    // Longest common subsequence, then the walk that lists + before -.
    const n = x.length, m = y.length, L = new Int32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        L[i * (m + 1) + j] = x[i] === y[j] ? L[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
      }
    }
    let i = 0, j = 0;
    const plus = [], minus = [];
    const flush = () => { out.push(...plus.map((l) => '+ ' + l), ...minus.map((l) => '- ' + l)); plus.length = minus.length = 0; };
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { flush(); out.push('  ' + x[i]); i++; j++; }
      else if (j >= m || (i < n && L[(i + 1) * (m + 1) + j] >= L[i * (m + 1) + j + 1])) plus.push(x[i++]);
      else minus.push(y[j++]);
    }
    flush();
    return out.join('\n');
  }
  function comparisonMessage(head, actual, expected, op) {
    const a = assertInspect(actual), b = assertInspect(expected);
    const simple = (typeof actual !== 'object' || actual === null) && (typeof expected !== 'object' || expected === null) &&
      typeof actual !== 'function' && typeof expected !== 'function';
    if (simple && a.length + b.length <= 12 && !a.includes('\n') && !b.includes('\n') && (actual !== 0 || expected !== 0)) {
      return `${head}\n\n${a} ${op} ${b}\n`;
    }
    return `${head}\n+ actual - expected\n\n${lineDiff(a, b)}`;
  }
  function fail(actual, expected, message, operator, generated) {
    if (message instanceof Error) throw message;
    const userMessage = message !== undefined;
    throw new AssertionError({ message: userMessage ? String(message) : generated(), actual, expected, operator, userMessage });
  }
  function isDeepEqual(a, b, seen = new Map()) {
    if (a == b && (typeof a !== 'object' || typeof b !== 'object')) return true;
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
    if (seen.get(a) === b) return true;
    seen.set(a, b);
    if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (a instanceof Map && b instanceof Map) return a.size === b.size && [...a].every(([k, v]) => b.has(k) && isDeepEqual(v, b.get(k), seen));
    if (a instanceof Set && b instanceof Set) return a.size === b.size && [...a].every((v) => b.has(v));
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepEqual(a[k], b[k], seen));
  }
  function checkError(actual, expected, message, fnName) {
    if (expected === undefined) return;
    if (expected instanceof RegExp) {
      const s = String(actual);
      if (!expected.test(s)) fail(actual, expected, message, fnName, () => `The input did not match the regular expression ${inspect(expected)}. Input:\n\n${inspect(s)}\n`);
    } else if (typeof expected === 'function' && expected.prototype !== undefined && actual instanceof expected) {
      return;
    } else if (typeof expected === 'function' && (expected === Error || Error.isPrototypeOf(expected))) {
      const got = actual && actual.constructor ? actual.constructor.name : inspect(actual);
      fail(actual, expected, message, fnName, () => `The error is expected to be an instance of "${expected.name}". Received "${got}"\n\nError message:\n\n${actual && actual.message}`);
    } else if (typeof expected === 'function') {
      if (expected.call({}, actual) !== true) fail(actual, expected, message, fnName, () => `The ${expected.name ? `"${expected.name}" ` : ''}validation function is expected to return "true". Received ${inspect(expected.call({}, actual))}`);
    } else if (typeof expected === 'object' && expected !== null) {
      for (const k of Object.keys(expected)) {
        const want = expected[k], got = actual == null ? undefined : actual[k];
        const ok = want instanceof RegExp && typeof got === 'string' ? want.test(got) : isDeepStrictEqual(got, want);
        if (!ok) {
          const pick = (o) => Object.fromEntries(Object.keys(expected).map((key) => [key, o == null ? undefined : o[key]]));
          fail(actual, expected, message, fnName, () => comparisonMessage('Expected values to be strictly deep-equal:', pick(actual), pick(expected), '!=='));
        }
      }
    }
  }
  const NO_ERROR = Symbol('no error');
  // waitForActual settles after as many jobs as Node's.
  async function waitForActual(p) {
    const pending = typeof p === 'function' ? p() : p;
    if (pending === null || typeof pending !== 'object' || typeof pending.then !== 'function') {
      const e = new TypeError(`The "promiseFn" argument must be of type function or an instance of Promise. Received ${inspect(pending)}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
    try { await pending; } catch (e) { return e; }
    return NO_ERROR;
  }
  function assertOk(value, message) {
    if (!value) fail(value, true, message, '==', () => (arguments.length === 0 ? 'No value argument passed to `assert.ok()`' : `${inspect(value)} == true`));
  }
  function assert(...args) { assertOk(...args); }
  Object.assign(assert, {
    AssertionError,
    ok: (...args) => assertOk(...args),
    fail(message = 'Failed') {
      if (message instanceof Error) throw message;
      throw new AssertionError({ message: String(message), operator: 'fail', userMessage: true });
    },
    equal(a, b, message) { if (!(a == b || (Number.isNaN(a) && Number.isNaN(b)))) fail(a, b, message, '==', () => `${inspect(a)} == ${inspect(b)}`); },
    notEqual(a, b, message) { if (a == b || (Number.isNaN(a) && Number.isNaN(b))) fail(a, b, message, '!=', () => `${inspect(a)} != ${inspect(b)}`); },
    strictEqual(a, b, message) {
      if (Object.is(a, b)) return;
      if (message !== undefined && !(message instanceof Error)) {
        throw new AssertionError({ message: `${message}\n\n${inspect(a)} !== ${inspect(b)}\n`, actual: a, expected: b, operator: 'strictEqual', userMessage: true });
      }
      fail(a, b, message, 'strictEqual', () => (typeof a === 'object' && a !== null && isDeepStrictEqual(a, b)
        ? `Values have same structure but are not reference-equal:\n\n${assertInspect(a)}\n`
        : comparisonMessage('Expected values to be strictly equal:', a, b, '!==')));
    },
    notStrictEqual(a, b, message) {
      if (Object.is(a, b)) fail(a, b, message, 'notStrictEqual', () => `Expected "actual" to be strictly unequal to: ${assertInspect(b)}`);
    },
    deepStrictEqual(a, b, message) {
      if (!isDeepStrictEqual(a, b)) fail(a, b, message, 'deepStrictEqual', () => comparisonMessage('Expected values to be strictly deep-equal:', a, b, '!=='));
    },
    notDeepStrictEqual(a, b, message) {
      if (isDeepStrictEqual(a, b)) fail(a, b, message, 'notDeepStrictEqual', () => `Expected "actual" not to be strictly deep-equal to:\n\n${assertInspect(b)}\n`);
    },
    deepEqual(a, b, message) {
      if (!isDeepEqual(a, b)) fail(a, b, message, 'deepEqual', () => comparisonMessage('Expected values to be loosely deep-equal:', a, b, '!='));
    },
    notDeepEqual(a, b, message) {
      if (isDeepEqual(a, b)) fail(a, b, message, 'notDeepEqual', () => `Expected "actual" not to be loosely deep-equal to:\n\n${assertInspect(b)}\n`);
    },
    throws(fn, expected, message) {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      let err = NO_ERROR;
      try { fn(); } catch (e) { err = e; }
      if (err === NO_ERROR) {
        const what = expected && expected.name ? ` (${expected.name})` : '';
        throw new AssertionError({ message: `Missing expected exception${what}${message ? `: ${message}` : '.'}`, actual: undefined, expected, operator: 'throws', userMessage: true });
      }
      checkError(err, expected, message, 'throws');
    },
    doesNotThrow(fn, message) {
      try { fn(); } catch (e) {
        throw new AssertionError({ message: `Got unwanted exception${typeof message === 'string' ? `: ${message}` : '.'}\nActual message: "${e && e.message}"`, actual: e, operator: 'doesNotThrow', userMessage: true });
      }
    },
    async rejects(p, expected, message) {
      if (typeof expected === 'string') { message = expected; expected = undefined; }
      const err = await waitForActual(p);
      if (err === NO_ERROR) {
        const what = expected && expected.name ? ` (${expected.name})` : '';
        throw new AssertionError({ message: `Missing expected rejection${what}${message ? `: ${message}` : '.'}`, actual: undefined, expected, operator: 'rejects', userMessage: true });
      }
      checkError(err, expected, message, 'rejects');
    },
    async doesNotReject(p, message) {
      const e = await waitForActual(p);
      if (e !== NO_ERROR) {
        throw new AssertionError({ message: `Got unwanted rejection${typeof message === 'string' ? `: ${message}` : '.'}\nActual message: "${e && e.message}"`, actual: e, operator: 'doesNotReject', userMessage: true });
      }
    },
    match(s, re, message) {
      if (!(typeof s === 'string' && re.test(s))) fail(s, re, message, 'match', () => `The input did not match the regular expression ${inspect(re)}. Input:\n\n${inspect(s)}\n`);
    },
    doesNotMatch(s, re, message) {
      if (typeof s !== 'string' || re.test(s)) fail(s, re, message, 'doesNotMatch', () => `The input was expected to not match the regular expression ${inspect(re)}. Input:\n\n${inspect(s)}\n`);
    },
  });
  const strictAssert = (...args) => assertOk(...args);
  Object.assign(strictAssert, assert, { equal: assert.strictEqual, notEqual: assert.notStrictEqual, deepEqual: assert.deepStrictEqual, notDeepEqual: assert.notDeepStrictEqual });
  assert.strict = strictAssert;
  strictAssert.strict = strictAssert;
  return assert;
})
