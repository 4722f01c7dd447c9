// readline and readline/promises: evaluated on first use (see lazyFiles in prelude.go).
(function (scope) {
  'use strict';
  const { define } = scope;
  const EventEmitter = scope.events();
  // An interface reads lines from its input (standard input is given whole
  // with the call, so there is no terminal): 'line' for each, then
  // 'close'; question() takes the next line as its answer.
  class Interface extends EventEmitter {
    constructor(input, output) {
      super();
      if (input !== null && typeof input === 'object' && !(typeof input.on === 'function') && input.input !== undefined) ({ input, output } = input);
      this.input = input;
      this.output = output;
      this.terminal = false;
      this.line = '';
      define(this, 'closed', false);
      define(this, '_buffer', '');
      define(this, '_questions', []);
      define(this, '_queue', []);
      define(this, '_waiting', []);
      define(this, '_prompt', '> ');
      if (input && typeof input.on === 'function') {
        input.on('data', (chunk) => {
          this._buffer += String(chunk);
          const parts = this._buffer.split(/\r?\n/);
          this._buffer = parts.pop();
          for (const l of parts) this._line(l);
        });
        input.on('end', () => {
          if (this._buffer !== '') this._line(this._buffer);
          this._buffer = '';
          this.close();
        });
      }
    }
    _line(l) {
      if (this.closed) return;
      const q = this._questions.shift();
      if (q !== undefined) { q(l); return; }
      if (this._waiting.length > 0) this._waiting.shift().resolve({ value: l, done: false });
      else if (this._iterating) this._queue.push(l);
      this.emit('line', l);
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      for (const w of this._waiting.splice(0)) w.resolve({ value: undefined, done: true });
      this.emit('close');
    }
    question(query, opts, cb) {
      if (typeof opts === 'function') cb = opts;
      if (this.closed) {
        const e = new Error('readline was closed');
        e.code = 'ERR_USE_AFTER_CLOSE';
        throw e;
      }
      if (this.output && typeof this.output.write === 'function') this.output.write(String(query));
      this._questions.push(typeof cb === 'function' ? cb : () => {});
    }
    setPrompt(p) { this._prompt = String(p); }
    getPrompt() { return this._prompt; }
    prompt() { if (this.output && typeof this.output.write === 'function') this.output.write(this._prompt); }
    write(data) { if (typeof data === 'string') for (const l of data.split(/\r?\n/).slice(0, -1)) this._line(l); }
    pause() { return this; }
    resume() { return this; }
    [Symbol.asyncIterator]() {
      define(this, '_iterating', true);
      return {
        next: () => {
          if (this._queue.length > 0) return Promise.resolve({ value: this._queue.shift(), done: false });
          if (this.closed) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => this._waiting.push({ resolve }));
        },
        return: () => { this.close(); return Promise.resolve({ value: undefined, done: true }); },
        [Symbol.asyncIterator]() { return this; },
      };
    }
  }
  const createInterface = (input, output) => new Interface(input, output);
  class PromisesInterface extends Interface {
    question(query, opts) {
      return new Promise((resolve) => super.question(query, opts, resolve));
    }
  }
  const readline = {
    Interface, createInterface,
    clearLine: (s, dir, cb) => { if (typeof cb === 'function') cb(); return true; },
    clearScreenDown: (s, cb) => { if (typeof cb === 'function') cb(); return true; },
    cursorTo: (s, x, y, cb) => { if (typeof cb === 'function') cb(); else if (typeof y === 'function') y(); return true; },
    moveCursor: (s, dx, dy, cb) => { if (typeof cb === 'function') cb(); return true; },
    emitKeypressEvents: () => {},
  };
  readline.promises = { Interface: PromisesInterface, createInterface: (input, output) => new PromisesInterface(input, output) };
  return readline;
})
