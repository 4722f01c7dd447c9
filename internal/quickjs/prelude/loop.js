  // ---------------------------------------------------------------- loop hooks
  function report(e) {
    let s;
    if (e instanceof Error) s = inspect(e);
    else s = inspect(e);
    host.write(2, `Uncaught ${s}\n`);
  }
  function finalExitCode() {
    const c = exitCode === undefined ? 0 : Number(exitCode);
    return Number.isFinite(c) ? (c | 0) & 0xff : 0;
  }
  return [loopNext, loopFire, report, finalExitCode, persist.begin, persist.save];
})
