  // ---------------------------------------------------------------- console
  let groupIndent = '';
  const counts = new Map(), timersByLabel = new Map();
  function out(fd, args) {
    // One string or number, the commonest call, skips the format machinery
    // (the result is the same: Node prints them as they are, -0 as "-0").
    let s;
    const v = args[0];
    if (args.length === 1 && typeof v === 'string') s = v;
    else if (args.length === 1 && typeof v === 'number') s = Object.is(v, -0) ? '-0' : '' + v;
    else s = format(...args);
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
    // Node 20 aligns every cell left, after one space.
    const cell = (s, w) => { s = s || ''; return ' ' + s + ' '.repeat(w - s.length - 1); };
    const lines = [line('┌', '┬', '┐'), '│' + header.map((h, i) => cell(h, widths[i])).join('│') + '│', line('├', '┼', '┤')];
    for (const r of rows) lines.push('│' + header.map((h, i) => cell(r[h], widths[i])).join('│') + '│');
    lines.push(line('└', '┴', '┘'));
    return lines.join('\n');
  }
  define(G, 'console', consoleObj);
