  // ---------------------------------------------------------------- Intl (loaded on first use)
  // Intl's code and locale data (intl/ and intl/data.json) are large and
  // most runs never use them, so they are compiled apart and evaluated the
  // first time a program reads Intl or calls toLocaleString and friends.
  {
    let loaded;
    const intl = () => (loaded ??= host.intlLoad()(host));
    Object.defineProperty(G, 'Intl', {
      get() { const v = intl().Intl; define(G, 'Intl', v); return v; },
      set(v) { define(G, 'Intl', v); },
      configurable: true,
      enumerable: false,
    });
    const method = (proto, name, impl) => define(proto, name, {
      [name](locales, options) { return intl()[impl].call(this, locales, options); },
    }[name]);
    method(Number.prototype, 'toLocaleString', 'numberToLocaleString');
    method(BigInt.prototype, 'toLocaleString', 'bigintToLocaleString');
    method(Date.prototype, 'toLocaleString', 'toLocaleString');
    method(Date.prototype, 'toLocaleDateString', 'toLocaleDateString');
    method(Date.prototype, 'toLocaleTimeString', 'toLocaleTimeString');
  }
