// Guest API for wasmsandbox's QuickJS runtime: console, timers, process,
// Buffer, TextEncoder/TextDecoder, require() and the fs, path and util
// modules. Evaluated in every fresh context before the user's code; called
// with the host object (functions implemented in Go) and a JSON config.
// Returns [next, fire, report, exitCode] for the Go event loop and
// [persistBegin, persistSave] for auto_persist_globals.
(function (host, configJSON) {
  'use strict';
  const config = JSON.parse(configJSON);
  const G = globalThis;
  const define = (obj, name, value) =>
    Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
