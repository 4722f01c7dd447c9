package quickjs

import (
	"encoding/binary"
	"encoding/json"
	"path"

	"github.com/wasmsandbox/sandbox/internal/wasmcall"
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
		"brand":        hostBrand,
		"proxyTarget":  hostProxyTarget,
		"random":       hostRandom,
		"hash":         hostHash,
		"tzOffset":     hostTZOffset,
		"intlData":     hostIntlData,
		"intlLoad":     hostIntlLoad,
		"fsRead":       hostFSRead,
		"fsWrite":      hostFSWrite,
		"fsStat":       hostFSStat,
		"fsExists":     hostFSExists,
		"fsReaddirT":   hostFSReaddirTypes,
		"fsReaddir":    hostFSReaddir,
		"fsMkdir":      hostFSMkdir,
		"fsRm":         hostFSRm,
		"fsRename":     hostFSRename,
		"fsError":      hostFSError,
		"saveState":    hostSaveState,
		"resolve":      hostResolve,
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

func (r *run) maxRead() int64 {
	n := int64(maxReadBytes)
	if r.h.MemoryLimit > 0 && r.h.MemoryLimit < n {
		n = r.h.MemoryLimit
	}
	return n
}

// ---- env.* imports ----

// Bounds on a host_call from the guest: our host functions take a few
// arguments and have short names.
const (
	maxHostArgs    = 16
	maxHostNameLen = 64
)

func (r *run) hostCall(a wasmcall.Args) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	namePtr, nameLen := uint64(uint32(a.I32(0))), uint64(uint32(a.I32(1)))
	argc, argv := a.I32(3), uint64(uint32(a.I32(4)))
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
		f = moreHostFuncs[name]
	}
	if f == nil {
		return 0, r.throw("Error", "unknown host function "+name)
	}
	return f(r, boxes)
}

func (r *run) hostInterrupt(wasmcall.Args) (int32, error) {
	if r.h.Interrupted != nil && r.h.Interrupted() {
		r.stopErr = ErrInterrupted
		return 0, ErrInterrupted
	}
	return 0, nil
}

func (r *run) hostPromiseRejection(a wasmcall.Args) (int32, error) {
	r.depth++
	defer func() { r.depth-- }()
	promise, reason, handled := a.I32(0), a.I32(1), a.I32(2) != 0
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
