package quickjs

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmsandbox/sandbox/internal/vfs"
)

// hostFunc implements a function of the prelude's host object. args are
// borrowed boxes. It returns an owned result box, or 0 after r.throw.
type hostFunc func(r *run, args []int32) (int32, error)

var hostFuncs map[string]hostFunc

func init() {
	hostFuncs = map[string]hostFunc{
		"write":        hostWrite,
		"now":          hostNow,
		"exit":         hostExit,
		"utf8Encode":   hostUTF8Encode,
		"utf8Decode":   hostUTF8Decode,
		"promiseState": hostPromiseState,
		"random":       hostRandom,
		"fsRead":       hostFSRead,
		"fsWrite":      hostFSWrite,
		"fsStat":       hostFSStat,
		"fsReaddir":    hostFSReaddir,
		"fsMkdir":      hostFSMkdir,
		"fsRm":         hostFSRm,
		"fsRename":     hostFSRename,
		"fsError":      hostFSError,
		"saveState":    hostSaveState,
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// resolve makes a guest path absolute against the working directory.
func (r *run) resolve(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(r.h.Cwd, p)
}

// ---- env.* imports ----

// Bounds on a host_call from the guest: our host functions take a few
// arguments and have short names.
const (
	maxHostArgs    = 16
	maxHostNameLen = 64
)

func (r *run) hostCall(args []wasmtime.Val) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	namePtr, nameLen := uint64(uint32(args[0].I32())), uint64(uint32(args[1].I32()))
	argc, argv := args[3].I32(), uint64(uint32(args[4].I32()))
	d := r.data()
	// The guest controls these numbers: check them in 64-bit arithmetic
	// before they index memory or size an allocation.
	if nameLen > maxHostNameLen || namePtr+nameLen > uint64(len(d)) ||
		argc < 0 || argc > maxHostArgs || argv+4*uint64(argc) > uint64(len(d)) {
		return 0, r.throw("Error", "malformed host call")
	}
	name := string(d[namePtr : namePtr+nameLen])
	boxes := make([]int32, argc)
	for i := range boxes {
		boxes[i] = int32(binary.LittleEndian.Uint32(d[argv+4*uint64(i):]))
	}
	f := hostFuncs[name]
	if f == nil {
		return 0, r.throw("Error", "unknown host function "+name)
	}
	return f(r, boxes)
}

func (r *run) hostInterrupt([]wasmtime.Val) (int32, error) {
	if r.h.Interrupted != nil && r.h.Interrupted() {
		r.stopErr = ErrInterrupted
		return 0, ErrInterrupted
	}
	return 0, nil
}

func (r *run) hostPromiseRejection(args []wasmtime.Val) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	promise, reason, handled := args[0].I32(), args[1].I32(), args[2].I32() != 0
	obj, err := r.i32("qjs_get_value_ptr", promise)
	if err != nil {
		return 0, err
	}
	if err := r.freeValue(promise); err != nil {
		return 0, err
	}
	if !handled && obj != r.mainObj {
		r.rejected = append(r.rejected, rejection{obj: obj, reason: reason})
		return 0, nil
	}
	for i, rej := range r.rejected {
		if rej.obj == obj {
			r.rejected = append(r.rejected[:i], r.rejected[i+1:]...)
			if err := r.freeValue(rej.reason); err != nil {
				return 0, err
			}
			break
		}
	}
	return 0, r.freeValue(reason)
}

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
}

// availableModules is the list shown when a module cannot be found.
const availableModules = "fs, fs/promises, path, process, util, timers, console, buffer"

func moduleNotFound(spec string) string {
	return "Cannot find module '" + spec + "': only these Node.js modules are available in the sandbox: " +
		availableModules + " (and files in the workspace)"
}

func (r *run) hostModuleNormalize(args []wasmtime.Val) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	base, spec := r.cstr(args[0].I32()), r.cstr(args[1].I32())
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
		return 0, r.throw("Error", moduleNotFound(spec))
	}
	p, err := r.alloc([]byte(out))
	return p, err
}

func (r *run) hostModuleLoad(args []wasmtime.Val) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	name, outLen := r.cstr(args[0].I32()), uint32(args[1].I32())
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
		case strings.HasSuffix(name, ".cjs"):
			src = commonJSWrapper(name)
		case strings.HasSuffix(name, ".js"):
			// Like Node without "type": "module": a .js file without
			// import/export is CommonJS.
			if !isModuleSource(src) {
				src = commonJSWrapper(name)
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
func commonJSWrapper(name string) string {
	return "const m = globalThis.require(" + mustJSON(name) + ");\nexport default m;\n"
}

func (r *run) maxRead() int64 {
	n := int64(maxReadBytes)
	if r.h.MemoryLimit > 0 && r.h.MemoryLimit < n {
		n = r.h.MemoryLimit
	}
	return n
}

// ---- host object functions ----

func arg(args []int32, i int) int32 {
	if i < len(args) {
		return args[i]
	}
	return 0
}

// text returns args[i] as a string, or the bytes of a typed array.
func (r *run) text(args []int32, i int) ([]byte, error) {
	box := arg(args, i)
	if box == 0 {
		return nil, nil
	}
	isStr, err := r.i32("qjs_is_string", box)
	if err != nil {
		return nil, err
	}
	if isStr == 0 {
		if b, ok, err := r.bytes(box); err != nil || ok {
			return b, err
		}
	}
	s, err := r.str(box)
	return []byte(s), err
}

func (r *run) argString(args []int32, i int) (string, error) {
	if arg(args, i) == 0 {
		return "", nil
	}
	return r.str(args[i])
}

func (r *run) argNum(args []int32, i int) (float64, error) {
	if arg(args, i) == 0 {
		return 0, nil
	}
	return r.num(args[i])
}

func hostWrite(r *run, args []int32) (int32, error) {
	fd, err := r.argNum(args, 0)
	if err != nil {
		return 0, err
	}
	b, err := r.text(args, 1)
	if err != nil {
		return 0, err
	}
	w := r.h.Stdout
	if fd == 2 {
		w = r.h.Stderr
	}
	if w != nil && len(b) > 0 {
		w.Write(b)
	}
	return r.undefined()
}

func hostNow(r *run, _ []int32) (int32, error) {
	return r.number(float64(r.now().Sub(r.start).Nanoseconds()) / 1e6)
}

func hostExit(r *run, args []int32) (int32, error) {
	f, err := r.argNum(args, 0)
	if err != nil {
		return 0, err
	}
	code := 0
	if !math.IsNaN(f) && !math.IsInf(f, 0) {
		code = int(int32(f)) & 0xff
	}
	r.exited, r.exitCode = true, code
	return 0, errExit
}

func hostUTF8Encode(r *run, args []int32) (int32, error) {
	s, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	return r.newBytes([]byte(strings.ToValidUTF8(s, "\uFFFD")))
}

func hostUTF8Decode(r *run, args []int32) (int32, error) {
	b, err := r.text(args, 0)
	if err != nil {
		return 0, err
	}
	if !utf8.Valid(b) {
		b = []byte(strings.ToValidUTF8(string(b), "\uFFFD"))
	}
	return r.newString(string(b))
}

// hostRandom(n) returns n (at most 65536) cryptographically random bytes.
func hostRandom(r *run, args []int32) (int32, error) {
	n, err := r.argNum(args, 0)
	if err != nil {
		return 0, err
	}
	if !(n >= 0) || n > 65536 {
		n = 0
	}
	b := make([]byte, int(n))
	rand.Read(b)
	return r.newBytes(b)
}

// hostPromiseState returns [state, result] for a promise (0 pending,
// 1 fulfilled, 2 rejected), or undefined for a non-promise.
func hostPromiseState(r *run, args []int32) (int32, error) {
	p := arg(args, 0)
	if p == 0 {
		return r.undefined()
	}
	if ok, err := r.i32("qjs_is_promise", p); err != nil || ok == 0 {
		if err != nil {
			return 0, err
		}
		return r.undefined()
	}
	state, err := r.i32("qjs_promise_state", p)
	if err != nil {
		return 0, err
	}
	arr, err := r.i32("qjs_new_array")
	if err != nil {
		return 0, err
	}
	s, err := r.number(float64(state))
	if err != nil {
		return 0, err
	}
	if _, err := r.i32("qjs_set_prop_uint32", arr, int32(0), s); err != nil {
		return 0, err
	}
	if err := r.freeValue(s); err != nil {
		return 0, err
	}
	if state != 0 {
		v, err := r.i32("qjs_promise_result", p)
		if err != nil {
			return 0, err
		}
		if _, err := r.i32("qjs_set_prop_uint32", arr, int32(1), v); err != nil {
			return 0, err
		}
		if err := r.freeValue(v); err != nil {
			return 0, err
		}
	}
	return arr, nil
}

// fsFail records err for fsError and returns undefined (the prelude then
// calls fsError and throws).
func (r *run) fsFail(err error) (int32, error) {
	r.lastFSErr = err
	return r.undefined()
}

func (r *run) fsys() (*vfs.FS, error) {
	if r.h.FS == nil {
		return nil, &vfs.Error{Code: "ENOENT", Op: "open", Path: "/"}
	}
	return r.h.FS, nil
}

// fsDo runs op on the guest file system, or fails as fsys does when there
// is none. Its error is a file system error, for fsFail.
func fsDo[T any](r *run, op func(*vfs.FS) (T, error)) (T, error) {
	fsys, err := r.fsys()
	if err != nil {
		var zero T
		return zero, err
	}
	return op(fsys)
}

// fsUpdate runs op, which changes the guest file system, and returns true,
// or fails through fsFail.
func (r *run) fsUpdate(op func(*vfs.FS) error) (int32, error) {
	fsys, err := r.fsys()
	if err == nil {
		err = op(fsys)
	}
	if err != nil {
		return r.fsFail(err)
	}
	return r.boolean(true)
}

// fsPath reads args[i] and resolves it against Cwd.
func (r *run) fsPath(args []int32, i int) (string, error) {
	s, err := r.argString(args, i)
	if err != nil {
		return "", err
	}
	if s == "" || strings.IndexByte(s, 0) >= 0 {
		return s, nil // vfs reports these
	}
	return r.resolve(s), nil
}

// fsPathFlag reads the (path, flag) arguments of fsRead, fsMkdir and fsRm;
// the flag is set when args[1] is a non-zero number.
func (r *run) fsPathFlag(args []int32) (string, bool, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return "", false, err
	}
	f, err := r.argNum(args, 1)
	if err != nil {
		return "", false, err
	}
	return p, f != 0, nil
}

// hostFSRead(path, asText) -> string | Uint8Array
func hostFSRead(r *run, args []int32) (int32, error) {
	p, asText, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	data, err := fsDo(r, func(fsys *vfs.FS) ([]byte, error) { return fsys.ReadFile(p, r.maxRead()) })
	if err != nil {
		return r.fsFail(err)
	}
	if asText {
		return r.newString(strings.ToValidUTF8(string(data), "\uFFFD"))
	}
	return r.newBytes(data)
}

// hostFSWrite(path, data, append) -> true
func hostFSWrite(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	data, err := r.text(args, 1)
	if err != nil {
		return 0, err
	}
	appendFlag, err := r.argNum(args, 2)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.WriteFile(p, data, appendFlag != 0) })
}

func statJSON(fi vfs.Info) map[string]any {
	kind := "file"
	switch {
	case fi.IsDir():
		kind = "dir"
	case fi.IsSymlink():
		kind = "symlink"
	case !fi.IsRegular():
		kind = "other"
	}
	return map[string]any{
		"name":    fi.Name,
		"type":    kind,
		"size":    fi.Size,
		"mode":    uint32(fi.Mode.Perm()),
		"mtimeMs": float64(fi.ModTime.UnixNano()) / 1e6,
	}
}

// hostFSStat(path) -> JSON
func hostFSStat(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	fi, err := fsDo(r, func(fsys *vfs.FS) (vfs.Info, error) { return fsys.Stat(p) })
	if err != nil {
		return r.fsFail(err)
	}
	return r.newString(mustJSON(statJSON(fi)))
}

// hostFSReaddir(path) -> JSON array of stat objects
func hostFSReaddir(r *run, args []int32) (int32, error) {
	p, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	list, err := fsDo(r, func(fsys *vfs.FS) ([]vfs.Info, error) { return fsys.ReadDir(p) })
	if err != nil {
		return r.fsFail(err)
	}
	out := make([]map[string]any, len(list))
	for i, fi := range list {
		out[i] = statJSON(fi)
	}
	return r.newString(mustJSON(out))
}

// hostFSMkdir(path, recursive) -> true
func hostFSMkdir(r *run, args []int32) (int32, error) {
	p, rec, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Mkdir(p, rec) })
}

// hostFSRm(path, recursive) -> true
func hostFSRm(r *run, args []int32) (int32, error) {
	p, rec, err := r.fsPathFlag(args)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Remove(p, rec) })
}

// hostFSRename(from, to) -> true
func hostFSRename(r *run, args []int32) (int32, error) {
	from, err := r.fsPath(args, 0)
	if err != nil {
		return 0, err
	}
	to, err := r.fsPath(args, 1)
	if err != nil {
		return 0, err
	}
	return r.fsUpdate(func(fsys *vfs.FS) error { return fsys.Rename(from, to) })
}

// hostFSError() -> JSON {code, syscall, path, dest, message} of the last failure.
func hostFSError(r *run, _ []int32) (int32, error) {
	e := map[string]string{"code": "EIO", "syscall": "open", "message": "i/o error"}
	var ve *vfs.Error
	if errors.As(r.lastFSErr, &ve) {
		e = map[string]string{"code": ve.Code, "syscall": ve.Op, "path": ve.Path, "dest": ve.Dest, "message": ve.Error()}
	}
	r.lastFSErr = nil
	return r.newString(mustJSON(e))
}
