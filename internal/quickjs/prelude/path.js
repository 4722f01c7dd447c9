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
  // A path of plain segments (none empty, none starting with a dot) is
  // already normal: resolving one such path needs no normalising loop,
  // which costs far more than the file call it usually precedes.
  const plain = /^\/?[^/.][^/]*(?:\/[^/.][^/]*)*$/;
  // cwdBase is what a plain relative path is appended to ('' for '/'),
  // or null when the working directory itself is not plain; it is worked
  // out again when the working directory changes.
  let cwdBase = null, cwdBaseOf;
  const path = {
    sep: '/',
    delimiter: ':',
    resolve(...args) {
      if (args.length === 1 && typeof args[0] === 'string' && plain.test(args[0])) {
        const p = args[0];
        if (p[0] === '/') return p;
        if (cwd !== cwdBaseOf) {
          cwdBaseOf = cwd;
          cwdBase = cwd === '/' ? '' : cwd[0] === '/' && plain.test(cwd) ? cwd : null;
        }
        if (cwdBase !== null) return cwdBase + '/' + p;
      }
      let resolved = '', abs = false;
      for (let i = args.length - 1; i >= -1 && !abs; i--) {
        const p = i >= 0 ? args[i] : cwd;
        if (typeof p !== 'string') checkPath(p, `paths[${i}]`);
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
