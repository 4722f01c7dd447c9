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
  const readable = {
    deepStrictEqual: 'Expected values to be strictly deep-equal:',
    strictEqual: 'Expected values to be strictly equal:',
    strictEqualObject: 'Expected "actual" to be reference-equal to "expected":',
    notIdentical: 'Values identical but not reference-equal:',
  };
  // errDiff is Node 20's message for a failed strictEqual or
  // deepStrictEqual: the two values inspected, compared line by line at the
  // same positions, with runs of identical lines collapsed.
  function errDiff(actual, expected, operator) {
    let other = '', res = '', end = '', skipped = false, i = 0, indicator = '';
    const actualInspected = assertInspect(actual);
    const actualLines = actualInspected.split('\n'), expectedLines = assertInspect(expected).split('\n');
    if (operator === 'strictEqual' && ((typeof actual === 'object' && actual !== null && typeof expected === 'object' && expected !== null) ||
        (typeof actual === 'function' && typeof expected === 'function'))) operator = 'strictEqualObject';
    if (actualLines.length === 1 && expectedLines.length === 1 && actualLines[0] !== expectedLines[0]) {
      const inputLength = actualLines[0].length + expectedLines[0].length;
      if (inputLength <= 12) {
        if ((typeof actual !== 'object' || actual === null) && (typeof expected !== 'object' || expected === null) && (actual !== 0 || expected !== 0)) {
          return `${readable[operator]}\n\n${actualLines[0]} !== ${expectedLines[0]}\n`;
        }
      } else if (operator !== 'strictEqualObject' && inputLength < 80) {
        while (actualLines[0][i] === expectedLines[0][i]) i++;
        if (i > 2) { indicator = `\n  ${' '.repeat(i)}^`; i = 0; }
      }
    }
    let a = actualLines[actualLines.length - 1], b = expectedLines[expectedLines.length - 1];
    while (a === b) {
      if (i++ < 3) end = `\n  ${a}${end}`;
      else other = a;
      actualLines.pop(); expectedLines.pop();
      if (actualLines.length === 0 || expectedLines.length === 0) break;
      a = actualLines[actualLines.length - 1]; b = expectedLines[expectedLines.length - 1];
    }
    const maxLines = Math.max(actualLines.length, expectedLines.length);
    if (maxLines === 0) {
      const lines = actualInspected.split('\n');
      if (lines.length > 50) { lines[46] = '...'; lines.length = 47; }
      return `${readable.notIdentical}\n\n${lines.join('\n')}\n`;
    }
    if (i >= 5) { end = `\n...${end}`; skipped = true; }
    if (other !== '') { end = `\n  ${other}${end}`; other = ''; }
    let printedLines = 0, identical = 0;
    const msg = readable[operator] + '\n+ actual - expected';
    let lines = actualLines, plusMinus = '+', maxLength = expectedLines.length;
    if (actualLines.length < maxLines) { lines = expectedLines; plusMinus = '-'; maxLength = actualLines.length; }
    const collapse = () => {
      if (identical > 2) {
        if (identical > 3) {
          if (identical > 4) {
            if (identical === 5) { res += `\n  ${lines[i - 3]}`; printedLines++; } else { res += '\n...'; skipped = true; }
          }
          res += `\n  ${lines[i - 2]}`; printedLines++;
        }
        res += `\n  ${lines[i - 1]}`; printedLines++;
      }
      identical = 0;
    };
    for (i = 0; i < maxLines; i++) {
      if (maxLength < i + 1) {
        collapse();
        if (lines === actualLines) res += `\n${plusMinus} ${lines[i]}`;
        else other += `\n${plusMinus} ${lines[i]}`;
        printedLines++;
      } else {
        const expectedLine = expectedLines[i];
        let actualLine = actualLines[i];
        let diverging = actualLine !== expectedLine && (!actualLine.endsWith(',') || actualLine.slice(0, -1) !== expectedLine);
        if (diverging && expectedLine.endsWith(',') && expectedLine.slice(0, -1) === actualLine) { diverging = false; actualLine += ','; }
        if (diverging) {
          collapse();
          res += `\n+ ${actualLine}`;
          other += `\n- ${expectedLine}`;
          printedLines += 2;
        } else {
          res += other; other = ''; identical++;
          if (identical <= 2) { res += `\n  ${actualLine}`; printedLines++; }
        }
      }
      if (printedLines > 50 && i < maxLines - 2) {
        return `${msg} ... Lines skipped\n${res}\n...${other}\n...`;
      }
    }
    return `${msg}${skipped ? ' ... Lines skipped' : ''}\n${res}${other}${end}${indicator}`;
  }
  function comparisonMessage(head, actual, expected, op) {
    if (op === '!=') return `${head}\n\n${assertInspect(actual)}\n\nshould loosely deep-equal\n\n${assertInspect(expected)}`;
    return errDiff(actual, expected, head.includes('deep') ? 'deepStrictEqual' : 'strictEqual');
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
