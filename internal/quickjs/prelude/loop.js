  // ---------------------------------------------------------------- loop hooks
  // report prints the uncaught e as Node does and returns its one-line
  // form ("TypeError: message", or the inspected value when it is not an
  // error), which the host keeps as the reason the guest failed.
  function report(e) {
    host.write(2, `Uncaught ${inspect(e)}\n`);
    let line;
    try {
      line = e instanceof Error ? String(e) : inspect(e, { breakLength: Infinity });
    } catch {
      line = 'Uncaught exception';
    }
    return line.replace(/\s*\n\s*/g, ' ').trim();
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
  return [loopNext, loopFire, report, finalExitCode, persist.begin, persist.save, completion, runTicks];
})
