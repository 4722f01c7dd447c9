# The bootstrap of every Python execution: it runs the user's code as
# __main__ with the workspace as the working directory and tracebacks that
# point at "main.py" lines, and in a session with auto_persist_globals
# restores and saves the globals around it (persist.py).
#
# A cold start runs this file with -c (sys.argv carries the code and the
# workspace); a snapshot's initialisation runs it into the module
# _wasmsandbox instead, so each execution only calls
# __wasmsandbox_run.


def __wasmsandbox_import_help(packages):
    # Makes a ModuleNotFoundError for a missing top-level module say that
    # the package is not available in this sandbox and list what is
    # installed (the package sets' top-level names). Returns the code of
    # the wrapper, whose frame the traceback leaves out.
    import builtins, os
    real = builtins.__import__
    compiled = {"numpy", "pandas", "scipy", "matplotlib", "sklearn", "torch", "tensorflow", "lxml",
                "PIL", "cv2", "numba", "pyarrow", "polars", "h5py", "statsmodels", "shapely",
                "pydantic_core", "orjson", "ujson", "cryptography", "grpc", "psycopg2", "regex",
                "jax", "xgboost", "lightgbm", "skimage", "tokenizers", "msgpack", "kiwisolver"}
    network = {"requests", "httpx", "urllib3", "aiohttp", "boto3", "botocore", "openai", "anthropic"}
    listed = []

    def installed():
        if not listed:
            names = set()
            for d in packages:
                try:
                    entries = os.listdir(d)
                except OSError:
                    continue
                for n in entries:
                    if n.endswith(".py") and n != "__init__.py":
                        names.add(n[:-3])
                    elif "." not in n and n != "__pycache__" and not n.startswith("_"):
                        names.add(n)
            listed.append(sorted(names))
        return listed[0]

    def wasmsandbox_import(name, globals=None, locals=None, fromlist=(), level=0):
        try:
            return real(name, globals, locals, fromlist, level)
        except ModuleNotFoundError as e:
            missing = e.name
            if not missing or "." in missing or getattr(e, "_wasmsandbox", False):
                raise
            e._wasmsandbox = True
            if missing in compiled:
                why = "%s is not available in this sandbox: it needs compiled C code, which cannot run in this WebAssembly sandbox (only pure-Python packages can be installed)" % missing
            elif missing in network:
                why = "%s is not available in this sandbox, which has no network access" % missing
            else:
                why = "the package is not available in this sandbox"
            have = installed()
            msg = "No module named %r: %s. Installed packages: %s; plus the Python standard library" % (
                missing, why, ", ".join(have) if have else "none")
            e.msg = msg
            e.args = (msg,)
            raise

    builtins.__import__ = wasmsandbox_import
    return wasmsandbox_import.__code__


def __wasmsandbox_run(src, workspace, persist_code=None, stage=None, limit=0, want_value=False, script=None,
                     packages=(), import_help=__wasmsandbox_import_help):
    # Returns, when want_value, the repr of the value of the code's last
    # statement if that is an expression whose value is not None (what a
    # REPL shows), else None.
    # Only modules the interpreter has already loaded are imported here:
    # linecache and traceback cost more than the rest of startup, so they
    # are imported only when there is a traceback to print.
    import sys, os
    persist = None
    if persist_code is not None:
        persist = {"STAGE": stage, "LIMIT": limit}
        exec(persist_code, persist)
    try:
        os.chdir(workspace)
    except OSError:
        pass
    # Like `python main.py`, whose directory comes first on sys.path: the
    # code can import modules it wrote to the workspace.
    sys.path.insert(0, workspace)
    # The package sets the policy names, read-only, after the standard
    # library; a missing module's error says what is installed.
    sys.path.extend(packages)
    help_code = import_help(packages)
    name = "main.py"
    main = sys.modules["__main__"].__dict__
    if script:
        # Like `python script.py` run in the workspace: __file__ and the
        # traceback name the script's absolute path, sys.argv[0] its name.
        name = main["__file__"] = workspace.rstrip("/") + "/" + script
        sys.argv[0] = script
    if persist:
        persist["restore"](main)
    value = None
    try:
        body, last = compile(src, name, "exec"), None
        if want_value:
            import ast
            tree = ast.parse(src, name)
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
                body = compile(tree, name, "exec")
                last = compile(last, name, "eval")
        exec(body, main)
        if last is not None:
            result = eval(last, main)
            if result is not None:
                value = repr(result)
    except SystemExit:
        if persist:
            persist["save"](main)
        raise
    except BaseException as e:
        if persist:
            persist["save"](main)
        import linecache, traceback
        text = src.decode("utf-8", "replace")
        linecache.cache[name] = (len(text), None, text.splitlines(True), name)
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != name:
            tb = tb.tb_next
        # Leave the import helper's own frame out of the traceback.
        prev, t = None, tb
        while t is not None:
            if t.tb_frame.f_code is help_code:
                if prev is None:
                    tb = t.tb_next
                else:
                    prev.tb_next = t.tb_next
            else:
                prev = t
            t = t.tb_next
        traceback.print_exception(type(e), e, tb)
        sys.stderr.flush()
        raise SystemExit(1)
    if persist:
        persist["save"](main)
    return value


def __wasmsandbox_main():
    import sys, binascii
    main = sys.modules["__main__"].__dict__
    run = main.pop("__wasmsandbox_run")
    del main["__wasmsandbox_main"]
    main.pop("__wasmsandbox_import_help", None)
    # The code arrives base64-encoded: argv strings cannot hold NUL bytes,
    # and compiling the raw bytes honours a PEP 263 coding line like a file.
    src = binascii.a2b_base64(sys.argv.pop(1))
    workspace = sys.argv.pop(1)
    # A program run as a named file appends the flag and the name; a
    # policy's package sets, the flag and their directories.
    script, packages = None, ()
    if len(sys.argv) >= 3 and sys.argv[1] == "--wasmsandbox-script":
        script = sys.argv[2]
        del sys.argv[1:3]
    if len(sys.argv) >= 3 and sys.argv[1] == "--wasmsandbox-packages":
        packages = tuple(sys.argv[2].split(":"))
        del sys.argv[1:3]
    # A session with auto_persist_globals appends: the flag, the source of
    # persist.py, the state directory and the state size limit.
    if len(sys.argv) >= 5 and sys.argv[1] == "--wasmsandbox-persist":
        code = compile(sys.argv[2], "<wasmsandbox-persist>", "exec")
        stage, limit = sys.argv[3], int(sys.argv[4])
        del sys.argv[1:5]
        run(src, workspace, code, stage, limit, script=script, packages=packages)
    else:
        run(src, workspace, script=script, packages=packages)


if __name__ == "__main__":
    __wasmsandbox_main()
