def __wasmsandbox_main():
    # Only modules the interpreter has already loaded are imported here:
    # linecache and traceback cost more than the rest of startup, so they
    # are imported only when there is a traceback to print.
    import sys, os, binascii
    # The code arrives base64-encoded: argv strings cannot hold NUL bytes,
    # and compiling the raw bytes honours a PEP 263 coding line like a file.
    src = binascii.a2b_base64(sys.argv.pop(1))
    workspace = sys.argv.pop(1)
    # A session with auto_persist_globals appends: the flag, the source of
    # persist.py, the state directory and the state size limit.
    persist = None
    if len(sys.argv) >= 5 and sys.argv[1] == "--wasmsandbox-persist":
        persist = {"STAGE": sys.argv[3], "LIMIT": int(sys.argv[4])}
        exec(compile(sys.argv[2], "<wasmsandbox-persist>", "exec"), persist)
        del sys.argv[1:5]
    try:
        os.chdir(workspace)
    except OSError:
        pass
    name = "main.py"
    main = sys.modules["__main__"].__dict__
    del main["__wasmsandbox_main"]
    if persist:
        persist["restore"](main)
    try:
        exec(compile(src, name, "exec"), main)
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
        traceback.print_exception(type(e), e, tb)
        sys.stderr.flush()
        raise SystemExit(1)
    if persist:
        persist["save"](main)
__wasmsandbox_main()
