package quickjs

import "sync"

// Parts of the prelude evaluated on first use (prelude/lazy.js): modules
// most programs never use, so that a run that does not use them does not
// pay for reading and running them.

// lazyFiles are the files of prelude/lazy/: each is a function expression,
// (function (scope) { ... }), which host.lazy evaluates on the guest's
// first use of what it defines (lazy.js), and which returns it.
var lazyFiles = map[string]bool{
	"events.js":   true, // events: EventEmitter
	"assert.js":   true, // assert
	"url.js":      true, // URL, URLSearchParams, url, querystring
	"os_net.js":   true, // os; the network modules, which fail
	"abort.js":    true, // EventTarget, AbortController, string_decoder
	"readline.js": true, // readline
}

// moreHostFuncs are host functions of the prelude besides hostFuncs (for
// collation, os and the lazily evaluated files), named in moreHostNames.
var (
	moreHostFuncs = map[string]hostFunc{"collate": hostCollate, "memSize": hostMemSize, "lazy": hostLazy}
	moreHostNames = []string{"collate", "memSize", "lazy"}
)

// lazyCaches hold each file of lazyFiles compiled, keyed by the engine's
// version.
var lazyCaches = func() map[string]*sync.Map {
	m := map[string]*sync.Map{}
	for name := range lazyFiles {
		m[name] = new(sync.Map)
	}
	return m
}()

// hostLazy(name) returns the function that the file name of lazyFiles
// evaluates to.
func hostLazy(r *run, args []int32) (int32, error) {
	name, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	if !lazyFiles[name] {
		return 0, r.throw("Error", "no such part of the prelude: "+name)
	}
	src, err := preludeFS.ReadFile("prelude/lazy/" + name)
	if err != nil {
		return 0, r.throw("Error", err.Error())
	}
	fn, err := r.loadCompiled(lazyCaches[name], string(src), "<wasmsandbox>/"+name)
	if err != nil {
		return 0, r.throw("Error", err.Error())
	}
	return fn, nil
}
