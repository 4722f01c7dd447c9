def __wasmsandbox_main():
    import sys, os, linecache, traceback
    src = sys.argv.pop(1)
    workspace = sys.argv.pop(1)
    try:
        os.chdir(workspace)
    except OSError:
        pass
    name = "main.py"
    linecache.cache[name] = (len(src), None, src.splitlines(True), name)
    main = sys.modules["__main__"].__dict__
    del main["__wasmsandbox_main"]
    try:
        code = compile(src, name, "exec")
        exec(code, main)
    except SystemExit:
        raise
    except BaseException as e:
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != name:
            tb = tb.tb_next
        traceback.print_exception(type(e), e, tb)
        sys.stderr.flush()
        raise SystemExit(1)
__wasmsandbox_main()
