# Makes code written for a regular CPython run unchanged in the sandbox,
# where there are no threads, no sockets and no OpenSSL. Run once per
# interpreter before any user code (at snapshot build time, or by the
# bootstrap of a cold start). Each fix is applied when its module is first
# imported (an import hook), so a program pays only for what it uses; the
# snapshot imports them all at build time. Everything is defined in a
# function and leaves no names behind.


def __wasmsandbox_compat(fix_loaded=False):
    import sys, types

    def fix_threading(threading):
        # Threads: there are none; starting one says why it cannot.
        def start(self):
            raise RuntimeError(
                "threads are not available in this sandbox (WebAssembly has one "
                "thread); call the function directly, or use a ThreadPoolExecutor, "
                "which runs the work in the calling thread")
        threading.Thread.start = start

    def fix_futures(futures):
        # Executors run the work in the calling thread, in order, so
        # "parallel map" code gives the same results.
        from concurrent.futures import _base

        class InlineExecutor(_base.Executor):
            """Runs every submitted call at once, in the calling thread."""

            def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=(), **kwargs):
                if max_workers is not None and max_workers <= 0:
                    raise ValueError("max_workers must be greater than 0")
                self._max_workers = max_workers or 1
                self._shutdown = False
                if initializer is not None:
                    initializer(*initargs)

            def submit(self, fn, /, *args, **kwargs):
                if self._shutdown:
                    raise RuntimeError("cannot schedule new futures after shutdown")
                f = _base.Future()
                try:
                    result = fn(*args, **kwargs)
                except BaseException as exc:
                    f.set_exception(exc)
                else:
                    f.set_result(result)
                return f

            def shutdown(self, wait=True, *, cancel_futures=False):
                self._shutdown = True

        for name, cls in (("thread", "ThreadPoolExecutor"), ("process", "ProcessPoolExecutor")):
            mod = types.ModuleType("concurrent.futures." + name)
            executor = type(cls, (InlineExecutor,), {"__module__": mod.__name__, "__doc__": InlineExecutor.__doc__})
            setattr(mod, cls, executor)
            sys.modules[mod.__name__] = mod
            setattr(futures, cls, executor)

    def fix_socket(socket):
        # Network: there is none. Every way to open a connection raises an
        # OSError that says so.
        class NetworkDisabledError(PermissionError):
            """Raised by every attempt to use the network in this sandbox."""

        NetworkDisabledError.__module__ = "socket"
        NetworkDisabledError.__qualname__ = "NetworkDisabledError"

        def no_network(*args, **kwargs):
            raise NetworkDisabledError("network access is disabled in this sandbox")

        socket.NetworkDisabledError = NetworkDisabledError
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                     "create_connection", "create_server", "socketpair"):
            setattr(socket, name, no_network)
        socket.socket.__init__ = socket.socket.connect = socket.socket.connect_ex = socket.socket.bind = no_network

    def fix_asyncio(asyncio):
        # A single-threaded event loop that needs no self-pipe (it would
        # need a socket pair); waits go through the host's clock, so the
        # deadline still cuts sleeps short.
        from asyncio import unix_events, events

        class Loop(unix_events.SelectorEventLoop):
            def _make_self_pipe(self):
                self._ssock = self._csock = None

            def _close_self_pipe(self):
                pass

            def _write_to_self(self):
                pass

            def add_signal_handler(self, sig, callback, *args):
                raise NotImplementedError("signals are not available in this sandbox")

            async def shutdown_default_executor(self, timeout=None):
                # asyncio.run calls this on the way out; the default
                # executor runs its work inline, so there is no thread to
                # wait for.
                self._executor_shutdown_called = True
                if self._default_executor is not None:
                    self._default_executor.shutdown(wait=True)

        class Policy(unix_events.DefaultEventLoopPolicy):
            _loop_factory = Loop

        asyncio.SelectorEventLoop = Loop
        asyncio.DefaultEventLoopPolicy = Policy
        events._event_loop_policy = None
        asyncio.set_event_loop_policy(Policy())

    def fix_http_client(client):
        # Without OpenSSL there is no HTTPSConnection; this one exists so
        # that https code fails where http code does, on connecting,
        # with the network error.
        if hasattr(client, "HTTPSConnection"):
            return

        class HTTPSConnection(client.HTTPConnection):
            default_port = client.HTTPS_PORT

            def __init__(self, host, port=None, *, context=None, **kwargs):
                super().__init__(host, port, **kwargs)

        HTTPSConnection.__module__ = client.__name__
        HTTPSConnection.__qualname__ = "HTTPSConnection"
        client.HTTPSConnection = HTTPSConnection
        client._create_https_context = lambda http_version: None

    def fix_urllib_request(request):
        # urllib.request defines its HTTPS handler only when http.client
        # has HTTPSConnection at import time.
        import http.client
        if hasattr(request, "HTTPSHandler"):
            return

        class HTTPSHandler(request.AbstractHTTPHandler):
            def __init__(self, debuglevel=None, context=None, check_hostname=None):
                super().__init__(debuglevel)

            def https_open(self, req):
                return self.do_open(http.client.HTTPSConnection, req)

            https_request = request.AbstractHTTPHandler.do_request_

        HTTPSHandler.__module__ = request.__name__
        HTTPSHandler.__qualname__ = "HTTPSHandler"
        request.HTTPSHandler = HTTPSHandler
        build_opener = request.build_opener

        def build_opener_with_https(*handlers):
            opener = build_opener(*handlers)
            if not any(isinstance(h, HTTPSHandler) for h in opener.handlers):
                opener.add_handler(HTTPSHandler())
            return opener

        request.build_opener = build_opener_with_https

    def fix_exists(posixpath):
        # os.path.exists of a path asks os.access, which on WASI is the
        # same one call without building a stat result or raising (and
        # catching) FileNotFoundError for a missing path: several times
        # cheaper, with the same answers. A plain str, the common case,
        # takes the shortest way; descriptors go the usual way.
        import os, genericpath
        exists = genericpath.exists
        access, fspath, F_OK = os.access, os.fspath, os.F_OK

        def fast_exists(path):
            if type(path) is not str:
                if isinstance(path, int):
                    return exists(path)
                path = fspath(path)
            if not path:
                return False  # stat("") fails; WASI's access("") would not
            try:
                return access(path, F_OK)
            except ValueError:
                return False

        fast_exists.__doc__ = exists.__doc__
        fast_exists.__name__ = fast_exists.__qualname__ = "exists"
        fast_exists.__module__ = exists.__module__
        genericpath.exists = posixpath.exists = fast_exists

    def fix_hashlib(hashlib):
        # The build has no OpenSSL, so pbkdf2_hmac is missing; this is the
        # RFC 8018 algorithm on top of hmac.
        if hasattr(hashlib, "pbkdf2_hmac"):
            return

        def pbkdf2_hmac(hash_name, password, salt, iterations, dklen=None):
            import hmac
            if not isinstance(hash_name, str):
                raise TypeError(hash_name)
            password, salt = bytes(memoryview(password)), bytes(memoryview(salt))
            if iterations < 1:
                raise ValueError("iteration value must be greater than 0.")
            size = hashlib.new(hash_name).digest_size
            if dklen is None:
                dklen = size
            if dklen < 1:
                raise ValueError("key length must be greater than 0.")
            key = hmac.new(password, digestmod=hash_name)
            out = b""
            block = 1
            while len(out) < dklen:
                u = key.copy()
                u.update(salt + block.to_bytes(4, "big"))
                u = u.digest()
                acc = int.from_bytes(u, "big")
                for _ in range(iterations - 1):
                    h = key.copy()
                    h.update(u)
                    u = h.digest()
                    acc ^= int.from_bytes(u, "big")
                out += acc.to_bytes(size, "big")
                block += 1
            return out[:dklen]

        hashlib.pbkdf2_hmac = pbkdf2_hmac
        hashlib.__all__ = tuple(hashlib.__all__) + ("pbkdf2_hmac",)

    # Tracebacks: the standard library's code carries the build machine's
    # paths; show the path each module has here, inside the zip. (The zip
    # holds compiled modules only, so no source line can be shown.)
    import gc, zipimport

    build = "/wlr/build-staging/python/v3.12.0-aio/checkout/Lib/"
    here = sys.prefix + "/lib/python%d%d.zip/" % sys.version_info[:2]

    def fix_code(code):
        consts = tuple(fix_code(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
        name = code.co_filename
        if name.startswith(build):
            name = here + name[len(build):] + ("c" if name.endswith(".py") else "")
        return code.replace(co_filename=name, co_consts=consts)

    get_module_code = zipimport._get_module_code

    def _get_module_code(self, fullname):
        code, ispackage, modpath = get_module_code(self, fullname)
        return fix_code(code), ispackage, modpath

    zipimport._get_module_code = _get_module_code
    # The modules loaded before this ran: worth the walk only at snapshot
    # build time (a cold start would pay for it on every run).
    if fix_loaded:
        for f in gc.get_objects():
            if isinstance(f, types.FunctionType) and f.__code__.co_filename.startswith(build):
                f.__code__ = fix_code(f.__code__)

    fixes = {"threading": fix_threading, "concurrent.futures": fix_futures, "socket": fix_socket,
             "asyncio": fix_asyncio, "hashlib": fix_hashlib, "http.client": fix_http_client,
             "urllib.request": fix_urllib_request, "posixpath": fix_exists}

    class Loader:
        # Runs a module's own loader, then its fix.
        def __init__(self, loader, fix):
            self.loader, self.fix = loader, fix

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            self.fix(module)

        def __getattr__(self, name):
            return getattr(self.loader, name)

    class Finder:
        @classmethod
        def find_spec(cls, name, path=None, target=None):
            fix = fixes.get(name)
            if fix is None:
                return None
            for finder in sys.meta_path:
                if finder is cls or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None:
                        spec.loader = Loader(spec.loader, fix)
                    return spec
            return None

    for name, fix in fixes.items():
        if name in sys.modules:
            fix(sys.modules[name])
    sys.meta_path.insert(0, Finder)


__wasmsandbox_compat(globals().get("WASMSANDBOX_SNAPSHOT", False))
del __wasmsandbox_compat
