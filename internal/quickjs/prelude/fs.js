  // ---------------------------------------------------------------- fs
  const ERRNO = {
    EPERM: 1, ENOENT: 2, EIO: 5, EACCES: 13, EBUSY: 16, EEXIST: 17, EXDEV: 18, ENOTDIR: 20,
    EISDIR: 21, EINVAL: 22, EFBIG: 27, ENOSPC: 28, EROFS: 30, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40,
  };
  // The paths recently given to fs functions, by the absolute path the host
  // sees, so that errors name a path as the code gave it (as Node does).
  const given = new Map();
  function asGiven(e, key) {
    const g = given.get(e[key]);
    if (g === undefined || g === e[key]) return;
    e.message = e.message.replace(`'${e[key]}'`, `'${g}'`);
    e[key] = g;
  }
  function fsError() {
    const e = JSON.parse(host.fsError());
    if (e.path) asGiven(e, 'path');
    if (e.dest) asGiven(e, 'dest');
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
    const abs = path.resolve(p);
    if (given.size >= 8) given.clear();
    given.set(abs, p);
    return abs;
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
  // A Dirent keeps its type as Node's does: libuv's number (1 file, 2
  // directory, 3 link, 0 anything else) under a symbol.
  const kType = Symbol('type');
  const DIRENT_TYPES = { d: 2, f: 1, l: 3, o: 0 }, TYPE_CODES = { dir: 2, file: 1, symlink: 3, other: 0 };
  class Dirent {
    constructor(name, type, dir) { this.name = name; this.parentPath = dir; this.path = dir; this[kType] = type; }
    isFile() { return this[kType] === 1; }
    isDirectory() { return this[kType] === 2; }
    isSymbolicLink() { return this[kType] === 3; }
    isFIFO() { return false; }
    isSocket() { return false; }
    isBlockDevice() { return false; }
    isCharacterDevice() { return false; }
  }
  function fsErr(code, syscall, p, message) {
    if (given.has(p)) p = given.get(p);
    const err = new Error(`${code}: ${message}, ${syscall} '${p}'`);
    err.errno = -(ERRNO[code] || 5); err.code = code; err.syscall = syscall; err.path = p;
    return err;
  }
  const fs = {
    readFileSync(p, opts) {
      const enc = encodingOf(opts);
      if (p === 0 || p === '/dev/stdin') {
        const b = Buffer.from(config.stdin);
        return enc === null ? b : b.toString(enc);
      }
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
      // A plain string goes to the host as it is (the host resolves it
      // against the working directory): no JSON, no error object.
      if (typeof p !== 'string' || p.includes('\u0000')) {
        try { p = toPath(p); } catch { return false; }
      }
      return host.fsExists(p);
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
      // Entries name their directory as the code gave it, as in Node.
      const shown = typeof p === 'string' ? p : toPath(p);
      p = toPath(p);
      const withTypes = opts && typeof opts === 'object' && opts.withFileTypes;
      const recursive = opts && typeof opts === 'object' && opts.recursive;
      if (!recursive) {
        // Names and types only, in one string: no stat per entry, no JSON.
        const raw = check(host.fsReaddirT(p));
        if (raw === '') return [];
        const out = raw.split('\0');
        for (let i = 0; i < out.length; i++) {
          const e = out[i], name = e.slice(1);
          out[i] = withTypes ? new Dirent(name, DIRENT_TYPES[e[0]], shown) : name;
        }
        return out;
      }
      // Recursive: breadth first, as Node lists the entries.
      const out = [], queue = [['', shown, p]];
      for (let q = 0; q < queue.length; q++) {
        const [rel, dirShown, dirAbs] = queue[q];
        for (const s of JSON.parse(check(host.fsReaddir(dirAbs)))) {
          const name = rel === '' ? s.name : `${rel}/${s.name}`;
          out.push(withTypes ? new Dirent(s.name, TYPE_CODES[s.type], dirShown) : name);
          if (s.type === 'dir') queue.push([name, path.join(dirShown, s.name), path.join(dirAbs, s.name)]);
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
      const r = host.fsStat(p);
      if (r === undefined) { const e = fsError(); e.message = e.message.replace(/, stat '/, ", rmdir '"); e.syscall = 'rmdir'; throw e; }
      if (JSON.parse(r).type !== 'dir') throw fsErr('ENOTDIR', 'rmdir', p, 'not a directory');
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
