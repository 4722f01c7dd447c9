# Initialises the interpreter that a Python snapshot captures. It runs once,
# at build time, with -c and two arguments: the source of bootstrap.py and
# of persist.py. It leaves behind the module _wasmsandbox, whose start()
# each execution calls, the standard library modules typical code uses
# already imported, and a __main__ as clean as a fresh interpreter's.
#
# Nothing here may make two executions alike that must differ: modules that
# seed themselves when imported (random, and what imports it: tempfile,
# secrets, statistics, uuid, ...) are left out, and the host checks that
# they were not imported.


def __wasmsandbox_init():
    import sys, types
    boot, persist_src = sys.argv[1], sys.argv[2]
    del sys.argv[1:]
    m = types.ModuleType("_wasmsandbox")
    exec(compile(boot, "<wasmsandbox-bootstrap>", "exec"), m.__dict__)
    m.persist_code = compile(persist_src, "<wasmsandbox-persist>", "exec")

    def start(src, workspace, env, stage=None, limit=0):
        # One execution: src is the code (bytes), env the environment
        # variables, stage and limit those of a session's saved globals.
        import os
        os.environ.clear()
        os.environ.update(env)
        sys.argv[:] = ["-c"]
        code = m.persist_code if stage is not None else None
        m.__wasmsandbox_run(src, workspace, code, stage, limit)
        raise SystemExit(0)

    m.start = start
    sys.modules["_wasmsandbox"] = m

    # The modules typical code imports, and what printing a traceback needs.
    import abc, argparse, ast, base64, bisect, calendar, collections
    import collections.abc, contextlib, copy, csv, dataclasses, datetime
    import decimal, difflib, enum, fnmatch, fractions, functools, glob
    import hashlib, heapq, html, io, itertools, json, keyword, linecache
    import math, numbers, operator, os, pathlib, pickle, pprint, re, shlex
    import string, struct, textwrap, time, tokenize, traceback, types
    import typing, unicodedata, warnings, zlib

    del sys.modules["__main__"].__dict__["__wasmsandbox_init"]


__wasmsandbox_init()
