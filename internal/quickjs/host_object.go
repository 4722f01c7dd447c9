package quickjs

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"math"
	"strings"
	"unicode/utf8"
)

// The functions of the prelude's host object (see hostFuncs) other than the
// file system ones (host_fs.go) and saveState (persist.go), and the helpers
// that read their arguments.

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

// hashes are the digests crypto.createHash and createHmac offer.
var hashes = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

// hostHash returns the digest of args[1] (a string or bytes) with the
// algorithm named by args[0], keyed as an HMAC by args[2] when given;
// undefined for an algorithm it does not know.
func hostHash(r *run, args []int32) (int32, error) {
	alg, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	h, ok := hashes[strings.ToLower(alg)]
	if !ok {
		return r.undefined()
	}
	data, err := r.text(args, 1)
	if err != nil {
		return 0, err
	}
	d := h()
	if len(args) > 2 {
		key, err := r.text(args, 2)
		if err != nil {
			return 0, err
		}
		d = hmac.New(h, key)
	}
	d.Write(data)
	return r.newBytes(d.Sum(nil))
}

// hostMemSize() returns the size of the guest's linear memory in bytes
// (for os.freemem).
func hostMemSize(r *run, _ []int32) (int32, error) {
	return r.number(float64(r.mem.DataSize(r.st)))
}

// hostBrand(v) -> 1 when v is a Set, 2 when it is a Map, 3 when it is a
// Proxy, else 0: the engine's own checks, whatever v's prototype, without
// the exception (tens of thousands of instructions) that probing with
// Set.prototype.has.call costs for every other object util.inspect prints.
func hostBrand(r *run, args []int32) (int32, error) {
	v := arg(args, 0)
	if v == 0 {
		return r.number(0)
	}
	for i, check := range []string{"qjs_is_set", "qjs_is_map", "qjs_is_proxy"} {
		is, err := r.i32(check, v)
		if err != nil {
			return 0, err
		}
		if is != 0 {
			return r.number(float64(i + 1))
		}
	}
	return r.number(0)
}

// hostProxyTarget(p) -> the target of the Proxy p (null once revoked), for
// util.inspect, which shows a Proxy as its target as Node does.
func hostProxyTarget(r *run, args []int32) (int32, error) {
	p := arg(args, 0)
	if p == 0 {
		return r.undefined()
	}
	if is, err := r.i32("qjs_is_proxy", p); err != nil || is == 0 {
		if err != nil {
			return 0, err
		}
		return r.undefined()
	}
	t, err := r.i32("qjs_get_proxy_target", p)
	if err != nil {
		return 0, err
	}
	// A revoked Proxy has no target: the engine throws. Take the
	// exception back and answer null.
	if exc, err := r.i32("qjs_is_exception", t); err != nil || exc == 0 {
		return t, err
	}
	if err := r.freeValue(t); err != nil {
		return 0, err
	}
	e, err := r.i32("qjs_get_exception")
	if err != nil {
		return 0, err
	}
	if err := r.freeValue(e); err != nil {
		return 0, err
	}
	return r.i32("qjs_get_null")
}
