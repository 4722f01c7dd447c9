package quickjs

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The prelude: the JavaScript that every fresh context evaluates before the
// user's code, where its source comes from, how it is compiled and cached,
// and how it is handed the host object and the config.

//go:embed prelude/*.js prelude/lazy/*.js
var preludeFS embed.FS

// preludeFiles are the parts of the prelude, files of prelude/, in the
// order they are joined. Together they are one function expression,
// (function (host, configJSON) { ... }): head.js opens it and defines what
// every part uses (config, G, define), each part may use what the parts
// before it declare, and loop.js returns the event loop's hooks and closes
// it. They are joined with one blank line between them, so the source
// QuickJS compiles, and the line numbers in its stack traces (file name
// <wasmsandbox>), are those of a single file.
var preludeFiles = []string{
	"head.js",     // the function's head: 'use strict', config, G, define
	"inspect.js",  // util.inspect: formatting each kind of value
	"format.js",   // util.inspect's line layout, util.format
	"console.js",  // console
	"timers.js",   // setTimeout and the rest; the event loop's next and fire
	"buffer.js",   // Buffer, TextEncoder, TextDecoder
	"crypto.js",   // crypto.getRandomValues and randomUUID, structuredClone
	"intl.js",     // Intl and toLocale*String, loaded on first use (intl.go)
	"collator.js", // Intl.Collator, String.prototype.localeCompare
	"path.js",     // path (POSIX)
	"fs.js",       // fs and fs/promises, over the host's fs* functions
	"process.js",  // process
	"util.js",     // util
	"lazy.js",     // the modules of lazyFiles, fetch
	"require.js",  // require(), module and the builtin modules
	"persist.js",  // auto_persist_globals: persist.begin and persist.save
	"loop.js",     // report and the exit code; returns the hooks to Go
}

// preludeSource is the prelude's source: preludeFiles joined.
var preludeSource = joinPrelude()

// joinPrelude reads preludeFiles and joins them. It panics when one is
// missing, or when prelude/ holds a file preludeFiles does not list (it
// would be left out).
func joinPrelude() string {
	entries, err := preludeFS.ReadDir("prelude")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		if !e.IsDir() && !slices.Contains(preludeFiles, e.Name()) {
			panic(fmt.Sprintf("quickjs: prelude/%s is not in preludeFiles", e.Name()))
		}
	}
	lazy, err := preludeFS.ReadDir("prelude/lazy")
	if err != nil {
		panic(err)
	}
	for _, e := range lazy {
		if !lazyFiles[e.Name()] {
			panic(fmt.Sprintf("quickjs: prelude/lazy/%s is not in lazyFiles", e.Name()))
		}
	}
	parts := make([]string, len(preludeFiles))
	for i, name := range preludeFiles {
		b, err := preludeFS.ReadFile("prelude/" + name)
		if err != nil {
			panic(err)
		}
		parts[i] = string(b)
	}
	return strings.Join(parts, "\n")
}

// hostNames are the host functions installed on the prelude's host object.
var hostNames = []string{
	"write", "now", "exit", "utf8Encode", "utf8Decode", "promiseState", "brand", "proxyTarget", "random",
	"fsRead", "fsWrite", "fsStat", "fsExists", "fsReaddirT", "fsReaddir", "fsMkdir", "fsRm", "fsRename", "fsError",
	"saveState", "hash", "tzOffset", "intlData", "intlLoad", "resolve",
}

// preludeCache holds the prelude compiled to QuickJS bytecode, keyed by the
// engine's version string; compiling the source costs ~10 ms per run.
var preludeCache sync.Map // string -> []byte

func (r *run) installPrelude() error {
	fn, err := r.loadPrelude()
	if err != nil {
		return err
	}
	host, err := r.i32("qjs_new_object")
	if err != nil {
		return err
	}
	for _, name := range append(hostNames[:len(hostNames):len(hostNames)], moreHostNames...) {
		p, err := r.alloc([]byte(name))
		if err != nil {
			return err
		}
		f, err := r.i32("qjs_new_host_function", p, int32(len(name)), int32(0))
		if err != nil {
			return err
		}
		if _, err := r.i32("qjs_set_prop_string", host, p, f); err != nil {
			return err
		}
		if err := r.freeValue(f); err != nil {
			return err
		}
		if err := r.free(p); err != nil {
			return err
		}
	}
	cfg, err := r.newString(r.config())
	if err != nil {
		return err
	}
	loop, err := r.callFn(fn, host, cfg)
	if err != nil {
		return err
	}
	if exc, err := r.isException(loop); err != nil {
		return err
	} else if exc {
		return fmt.Errorf("quickjs: prelude failed: %s", r.exceptionText())
	}
	for _, b := range []int32{fn, host, cfg} {
		if err := r.freeValue(b); err != nil {
			return err
		}
	}
	r.loop = loop
	for i := 0; i < loopCount; i++ {
		f, err := r.i32("qjs_get_prop_uint32", loop, int32(i))
		if err != nil {
			return err
		}
		r.loopFns = append(r.loopFns, f)
	}
	return nil
}

// loadPrelude evaluates the prelude, from cached bytecode when possible,
// and returns the function it evaluates to.
func (r *run) loadPrelude() (int32, error) {
	return r.loadCompiled(&preludeCache, preludeSource, "<wasmsandbox>")
}

// loadCompiled evaluates source (named name in stack traces), from the
// bytecode cached in cache when possible (keyed by the engine's version),
// and returns what it evaluates to.
func (r *run) loadCompiled(cache *sync.Map, source, name string) (int32, error) {
	vp, err := r.i32("qjs_get_quickjs_version")
	if err != nil {
		return 0, err
	}
	version := r.cstr(vp)
	if bc, ok := cache.Load(version); ok {
		b := bc.([]byte)
		p, err := r.alloc(b)
		if err != nil {
			return 0, err
		}
		res, err := r.i32("qjs_eval_bytecode", p, int32(len(b)))
		if err != nil {
			return 0, err
		}
		if err := r.free(p); err != nil {
			return 0, err
		}
		if exc, err := r.isException(res); err != nil {
			return 0, err
		} else if !exc {
			return res, nil
		}
		r.dropException()
		cache.Delete(version)
	}
	// Compile, remember the bytecode, then evaluate it.
	src, err := r.alloc([]byte(source))
	if err != nil {
		return 0, err
	}
	np, err := r.alloc([]byte(name))
	if err != nil {
		return 0, err
	}
	buf, err := r.i32("qjs_compile", src, int32(len(source)), np, int32(evalGlobal), int32(0), r.scratch)
	if err != nil {
		return 0, err
	}
	if buf != 0 {
		n := r.u32(r.scratch)
		cache.Store(version, append([]byte(nil), r.data()[uint32(buf):uint32(buf)+n]...))
		if err := r.free(buf); err != nil {
			return 0, err
		}
	} else {
		r.dropException()
	}
	r.free(src)
	r.free(np)
	return r.eval(source, name, evalGlobal)
}

// config is the JSON the prelude receives: argv, env, cwd, filename.
func (r *run) config() string {
	argv := r.h.Argv
	if len(argv) == 0 {
		argv = []string{"node", r.resolve(r.filename)}
	}
	env := r.h.Env
	if env == nil {
		env = map[string]string{}
	}
	return mustJSON(map[string]any{
		"argv":     argv,
		"env":      env,
		"cwd":      r.h.Cwd,
		"filename": r.resolve(r.filename),
		"stdin":    string(r.h.Stdin),
		// os.totalmem()
		"memoryLimit": r.h.MemoryLimit,
	})
}
