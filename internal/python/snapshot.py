# Initialises the interpreter that a Python snapshot captures. It runs once,
# at build time, with -c and three arguments: the source of bootstrap.py,
# of persist.py and of compat.py. It leaves behind the module _wasmsandbox, whose start()
# each execution calls, the standard library modules typical code uses
# already imported, and a __main__ as clean as a fresh interpreter's.
#
# Nothing here may make two executions alike that must differ: modules that
# seed themselves when imported (random, and what imports it: tempfile,
# secrets, statistics, uuid, ...) are left out, and the host checks that
# they were not imported.


def __wasmsandbox_init():
    import sys, types
    boot, persist_src, compat_src = sys.argv[1], sys.argv[2], sys.argv[3]
    del sys.argv[1:]
    exec(compile(compat_src, "<wasmsandbox-compat>", "exec"), {"__name__": "_wasmsandbox_compat", "WASMSANDBOX_SNAPSHOT": True})
    m = types.ModuleType("_wasmsandbox")
    exec(compile(boot, "<wasmsandbox-bootstrap>", "exec"), m.__dict__)
    m.persist_code = compile(persist_src, "<wasmsandbox-persist>", "exec")

    def start(blob):
        # One execution. blob is base64 of a JSON object: the code (base64),
        # the workspace, the environment, and for a session that keeps its
        # globals the stage directory and the state size limit.
        import binascii, json, os, time
        a = json.loads(binascii.a2b_base64(blob))
        os.environ.clear()
        os.environ.update(a["env"])
        if "TZ" in a["env"]:
            time.tzset()
        sys.argv[:] = ["-c"] + a.get("args", [])
        # stdout: the buffered writer made below, whose unflushed bytes
        # the host recovers when a limit stops the code; line-buffered
        # while the host shows the output live.
        out.reconfigure(line_buffering=bool(a.get("line")))
        sys.stdout = sys.__stdout__ = out
        stage = a.get("stage")
        code = m.persist_code if stage is not None else None
        src = binascii.a2b_base64(a["code"])
        try:
            value = m.__wasmsandbox_run(src, a["workspace"], code, stage, a.get("limit", 0), True, a.get("script"),
                                        a.get("packages", ()))
            if value is not None:
                # One write, which the host keeps as the result's value.
                magic = b"\x00\x1bwasmsandbox-value\x00"
                os.write(2, magic + value.encode("utf-8", "backslashreplace")[:1 << 20])
            status = 0
        except SystemExit as e:
            status = _exit_status(e.code)
        _leave(status)

    def _exit_status(code):
        # What CPython makes of SystemExit(code) at the top level.
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        try:
            sys.stderr.write(str(code) + "\n")
        except Exception:
            pass
        return 1

    def _leave(status):
        # What finalising the interpreter does that a program can observe,
        # without tearing down the whole snapshot (which costs more than
        # most programs): atexit hooks run, the program's own objects are
        # released (so files it left open are flushed and closed, and
        # __del__ methods run), and the standard streams are flushed.
        import atexit, gc, os
        atexit._run_exitfuncs()
        sys.modules["__main__"].__dict__.clear()
        gc.collect()
        for f in (sys.stdout, out, sys.stderr):
            try:
                f.flush()
            except Exception:
                pass
        os._exit(status & 0xFFFFFFFF if status >= 0 else status)

    m.start = start
    sys.modules["_wasmsandbox"] = m
    import io
    out = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False), 1 << 16),
                           encoding=sys.stdout.encoding, errors=sys.stdout.errors, write_through=True)

    # The modules typical code imports, and what printing a traceback needs.
    import abc, argparse, ast, base64, bisect, calendar, collections
    import collections.abc, contextlib, copy, csv, dataclasses, datetime
    import decimal, difflib, enum, fnmatch, fractions, functools, glob
    import hashlib, heapq, html, io, itertools, json, keyword, linecache
    import math, numbers, operator, os, pathlib, pickle, pprint, re, shlex
    import string, struct, textwrap, time, tokenize, traceback, types
    import typing, unicodedata, warnings, zlib
    import asyncio, concurrent.futures, hashlib, hmac, socket, threading

    seeded = {"random", "tempfile", "secrets", "statistics", "uuid"} & set(sys.modules)
    if seeded:
        raise SystemExit("wasmsandbox: the snapshot would freeze seeded modules: %s" % sorted(seeded))
    del sys.modules["__main__"].__dict__["__wasmsandbox_init"]
    # Everything alive now belongs to the snapshot: keep the collector
    # from walking it in every execution.
    import gc
    gc.collect()
    gc.freeze()
    sys.stdout.write("wasmsandbox: snapshot ready, stdout writer at %d\n" % id(out.buffer))


__wasmsandbox_init()
