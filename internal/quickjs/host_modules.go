package quickjs

import (
	"encoding/binary"
	"errors"
	"path"
	"strings"

	"github.com/wasmsandbox/sandbox/internal/vfs"
	"github.com/wasmsandbox/sandbox/internal/wasmcall"
)

// ES module resolution and loading (the host_module_normalize and
// host_module_load imports): the builtin node: modules, and files of the
// guest file system, with CommonJS and JSON wrapped as modules.

// builtinModules maps a module specifier to its canonical name and the
// names it exports besides default.
var builtinModules = map[string]string{
	"fs": "node:fs", "node:fs": "node:fs",
	"fs/promises": "node:fs/promises", "node:fs/promises": "node:fs/promises",
	"path": "node:path", "node:path": "node:path",
	"process": "node:process", "node:process": "node:process",
	"util": "node:util", "node:util": "node:util",
	"timers": "node:timers", "node:timers": "node:timers",
	"console": "node:console", "node:console": "node:console",
	"buffer": "node:buffer", "node:buffer": "node:buffer",
	"crypto": "node:crypto", "node:crypto": "node:crypto",
}

// builtinExports lists the named exports of each builtin module; the
// prelude's builtin objects must have these properties.
var builtinExports = map[string][]string{
	"node:fs": {"readFileSync", "writeFileSync", "appendFileSync", "existsSync", "readdirSync",
		"mkdirSync", "rmSync", "rmdirSync", "statSync", "lstatSync", "renameSync", "unlinkSync",
		"copyFileSync", "accessSync", "readFile", "writeFile", "appendFile", "readdir", "mkdir",
		"rm", "stat", "rename", "unlink", "exists", "promises", "constants"},
	"node:fs/promises": {"readFile", "writeFile", "appendFile", "readdir", "mkdir", "rm",
		"rmdir", "stat", "lstat", "rename", "unlink", "copyFile", "access"},
	"node:path": {"join", "resolve", "dirname", "basename", "extname", "sep", "delimiter",
		"normalize", "relative", "isAbsolute", "parse", "format", "posix"},
	"node:process": {"argv", "env", "exit", "cwd", "stdout", "stderr", "platform", "version",
		"versions", "hrtime", "nextTick", "memoryUsage", "uptime"},
	"node:util": {"inspect", "format", "isDeepStrictEqual", "promisify", "types"},
	"node:timers": {"setTimeout", "setInterval", "setImmediate", "clearTimeout",
		"clearInterval", "clearImmediate"},
	"node:console": {"log", "info", "warn", "error", "debug"},
	"node:buffer":  {"Buffer"},
	"node:events": {"EventEmitter", "once", "errorMonitor", "defaultMaxListeners", "listenerCount",
		"getEventListeners", "setMaxListeners"},
	"node:assert": {"ok", "equal", "notEqual", "strictEqual", "notStrictEqual", "deepEqual",
		"notDeepEqual", "deepStrictEqual", "notDeepStrictEqual", "throws", "doesNotThrow", "rejects",
		"doesNotReject", "match", "doesNotMatch", "fail", "AssertionError", "strict"},
	"node:assert/strict": {"ok", "equal", "notEqual", "strictEqual", "notStrictEqual", "deepEqual",
		"notDeepEqual", "deepStrictEqual", "notDeepStrictEqual", "throws", "doesNotThrow", "rejects",
		"doesNotReject", "match", "doesNotMatch", "fail", "AssertionError", "strict"},
	"node:url": {"URL", "URLSearchParams", "fileURLToPath", "pathToFileURL", "domainToASCII",
		"domainToUnicode", "format"},
	"node:querystring":       {"parse", "stringify", "escape", "unescape", "decode", "encode"},
	"node:string_decoder":    {"StringDecoder"},
	"node:readline":          {"createInterface", "Interface", "clearLine", "cursorTo", "moveCursor", "promises"},
	"node:readline/promises": {"createInterface", "Interface"},
	"node:timers/promises":   {"setTimeout", "setImmediate"},
	"node:os": {"EOL", "devNull", "platform", "type", "arch", "machine", "release", "version",
		"hostname", "homedir", "tmpdir", "endianness", "uptime", "loadavg", "totalmem", "freemem",
		"availableParallelism", "cpus", "networkInterfaces", "userInfo", "constants"},
	"node:http":         {"request", "get", "createServer", "Agent", "METHODS", "STATUS_CODES"},
	"node:https":        {"request", "get", "createServer", "Agent"},
	"node:http2":        {"connect", "createServer", "createSecureServer"},
	"node:net":          {"connect", "createConnection", "createServer", "Socket", "isIP", "isIPv4", "isIPv6"},
	"node:tls":          {"connect", "createServer", "createSecureContext"},
	"node:dgram":        {"createSocket"},
	"node:dns":          {"lookup", "resolve", "resolve4", "resolve6", "reverse", "promises"},
	"node:dns/promises": {"lookup", "resolve", "resolve4", "resolve6", "reverse"},
	"node:crypto": {"createHash", "createHmac", "getHashes", "randomBytes", "randomUUID",
		"getRandomValues", "randomInt", "timingSafeEqual", "webcrypto", "randomFillSync", "randomFill"},
}

func init() {
	for name := range builtinExports {
		builtinModules[name] = name
		builtinModules[strings.TrimPrefix(name, "node:")] = name
	}
}

// availableModules is the list shown when a module cannot be found.
const availableModules = "fs, fs/promises, path, process, util, timers, timers/promises, console, buffer, " +
	"crypto, events, assert, url, querystring, string_decoder, os, readline"

func moduleNotFound(spec string) string {
	return "Cannot find module '" + spec + "': only these Node.js modules are available in the sandbox: " +
		availableModules + " (and files in the workspace)"
}

func (r *run) hostModuleNormalize(a wasmcall.Args) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	base, spec := r.cstr(a.I32(0)), r.cstr(a.I32(1))
	var out string
	switch {
	case builtinModules[spec] != "":
		out = builtinModules[spec]
	case strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || spec == "." || spec == "..":
		dir := r.h.Cwd
		if path.IsAbs(base) {
			dir = path.Dir(base)
		}
		out = path.Join(dir, spec)
	case path.IsAbs(spec):
		out = path.Clean(spec)
	case strings.HasPrefix(spec, "file://"):
		out = path.Clean(strings.TrimPrefix(spec, "file://"))
	default:
		dir := r.h.Cwd
		if path.IsAbs(base) {
			dir = path.Dir(base)
		}
		f, msg := r.resolveSpec(dir, spec, true)
		if f == "" {
			return 0, r.throw("Error", msg)
		}
		out = f
	}
	p, err := r.alloc([]byte(out))
	return p, err
}

func (r *run) hostModuleLoad(a wasmcall.Args) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	name, outLen := r.cstr(a.I32(0)), uint32(a.I32(1))
	var src string
	if names, ok := builtinExports[name]; ok {
		var b strings.Builder
		b.WriteString("const m = globalThis[Symbol.for('wasmsandbox.builtin')](" + mustJSON(name) + ");\nexport default m;\n")
		for _, n := range names {
			b.WriteString("export const " + n + " = m." + n + ";\n")
		}
		src = b.String()
	} else {
		if r.h.FS == nil {
			return 0, r.throw("Error", "Cannot find module '"+name+"'")
		}
		data, err := r.h.FS.ReadFile(name, r.maxRead())
		if err != nil {
			var ve *vfs.Error
			if errors.As(err, &ve) && ve.Code == "ENOENT" {
				return 0, r.throw("Error", "Cannot find module '"+name+"'")
			}
			return 0, r.throw("Error", "Cannot load module '"+name+"': "+err.Error())
		}
		src = string(data)
		switch {
		case strings.HasSuffix(name, ".json"):
			src = "export default JSON.parse(" + mustJSON(src) + ");"
		case strings.HasSuffix(name, ".node"):
			return 0, r.throw("Error", nativeAddon(name))
		case strings.HasSuffix(name, ".cjs"):
			src = commonJSWrapper(name, src)
		case strings.HasSuffix(name, ".js"):
			// As in Node, the nearest package.json's "type" decides; a
			// file under node_modules without one is CommonJS. Elsewhere a
			// .js file without import/export is CommonJS.
			switch t := r.packageType(name); {
			case t == "module":
			case t == "commonjs" || strings.Contains(name, "/node_modules/") || !isModuleSource(src):
				src = commonJSWrapper(name, src)
			}
		}
	}
	p, err := r.alloc([]byte(src))
	if err != nil {
		return 0, err
	}
	binary.LittleEndian.PutUint32(r.data()[outLen:], uint32(len(src)))
	return p, nil
}

// commonJSWrapper is the ES module source that imports the CommonJS file
// name through require().
// Its named exports are those cjsExportNames finds in src.
func commonJSWrapper(name, src string) string {
	var b strings.Builder
	b.WriteString("const __wasmsandbox_cjs = globalThis.require(" + mustJSON(name) + ");\nexport default __wasmsandbox_cjs;\n")
	for _, n := range cjsExportNames(src) {
		if n != "__wasmsandbox_cjs" {
			b.WriteString("export const " + n + " = __wasmsandbox_cjs." + n + ";\n")
		}
	}
	return b.String()
}

// nativeAddon is the error for loading a compiled Node addon.
func nativeAddon(file string) string {
	return "Cannot load '" + file + "': it is a native addon (compiled C++ for Node.js), which cannot run in this WebAssembly sandbox; use a pure-JavaScript package instead"
}
