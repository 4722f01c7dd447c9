  // ---------------------------------------------------------------- loop hooks
  function report(e) {
    let s;
    if (e instanceof Error) s = inspect(e);
    else s = inspect(e);
    host.write(2, `Uncaught ${s}\n`);
  }
  function finalExitCode() {
    runExitHandlers();
    const c = exitCode === undefined ? 0 : Number(exitCode);
    return Number.isFinite(c) ? (c | 0) & 0xff : 0;
  }
  function completion(r) {
    // An async script's promise resolves to { value }: the script's
    // completion value, which a REPL would show (nothing for undefined).
    const v = r !== null && typeof r === 'object' && 'value' in r ? r.value : undefined;
    return v === undefined ? '' : inspect(v);
  }
  return [loopNext, loopFire, report, finalExitCode, persist.begin, persist.save, completion];
})
