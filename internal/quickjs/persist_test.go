package quickjs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// turn runs code with the state saved by the previous turn.
func turn(t *testing.T, state *[]byte, code string) (result, *Host) {
	t.Helper()
	h := &Host{PersistGlobals: true, StateIn: *state, StateMax: 1 << 20}
	r := exec(t, h, code)
	if h.StateSaved {
		*state = h.StateOut
	}
	return r, h
}

func TestPersistGlobals(t *testing.T) {
	var state []byte
	r, h := turn(t, &state, `const a = 1; let b = {x: [1, 'two']}; var c = 'c'; d = 4; function f() {}; const m = new Map(); class K {}`)
	expect(t, r, 0, "")
	if !h.StateSaved || string(h.StateOut) != `{"a":1,"b":{"x":[1,"two"]},"c":"c","d":4}` {
		t.Fatalf("saved %v %s", h.StateSaved, h.StateOut)
	}
	if got := slices.Sorted(slices.Values(h.NotKept)); !slices.Equal(got, []string{"K", "f", "m"}) {
		t.Errorf("NotKept = %q", h.NotKept)
	}
	if !strings.Contains(r.stderr, "wasmsandbox: not persisted: ") || !strings.Contains(r.stderr, "f (function)") ||
		!strings.Contains(r.stderr, "m (Map)") || !strings.Contains(r.stderr, "K (class)") {
		t.Errorf("stderr %q", r.stderr)
	}

	r, h = turn(t, &state, `console.log(a, JSON.stringify(b), c, d, typeof f, typeof m, typeof K)`)
	expect(t, r, 0, "1 {\"x\":[1,\"two\"]} c 4 undefined undefined undefined\n")
	if r.stderr != "" || len(h.NotKept) != 0 {
		t.Errorf("stderr %q not kept %q", r.stderr, h.NotKept)
	}

	// Restored globals can be redeclared, reassigned and deleted.
	r, _ = turn(t, &state, "let a = 5; const b = 'b'; c = [c]; delete globalThis.d; console.log(a, b, c)")
	expect(t, r, 0, "5 b [ 'c' ]\n")
	r, _ = turn(t, &state, "var a; function b() {}; console.log(a, typeof b, c, typeof d)")
	expect(t, r, 0, "5 function [ 'c' ] undefined\n")
}

func TestPersistValues(t *testing.T) {
	var state []byte
	r, h := turn(t, &state, `
const ok = {s: 'é\u2028"\\', n: -0, big: 1e300, t: true, z: null, nested: [[[]], {}], nul: Object.create(null)};
const undef = undefined, nan = NaN, inf = -Infinity, bi = 1n, sym = Symbol('s');
const date = new Date(0), re = /x/, u8 = new Uint8Array(2), set = new Set(), err = new Error('x');
class P { constructor() { this.x = 1 } }
const inst = new P();
const cyc = {}; cyc.self = {back: cyc};
const deep = {a: [{b: new Map()}]};
const holes = [1, , 3], extra = Object.assign([1], {k: 2});
const getter = {get g() { return 1 }};
const withUndef = {u: undefined};
let deepest = []; for (let i = 0; i < 500; i++) deepest = [deepest];
const shared = [1]; const dag = [shared, shared];
const arrow = () => 1, asyncFn = async function () {};
let tdz = 1;
`)
	expect(t, r, 0, "")
	reasons := map[string]string{}
	for _, l := range strings.Split(strings.TrimPrefix(strings.TrimSpace(r.stderr), "wasmsandbox: not persisted: "), "), ") {
		name, reason, _ := strings.Cut(strings.TrimSuffix(l, ")"), " (")
		reasons[name] = reason
	}
	for name, want := range map[string]string{
		"undef": "undefined", "nan": "NaN", "inf": "-Infinity", "bi": "BigInt", "sym": "symbol",
		"date": "Date", "re": "RegExp", "u8": "Uint8Array", "set": "Set", "err": "Error", "P": "class",
		"inst": "P", "cyc": "cycle at cyc.self.back", "deep": "Map at deep.a[0].b",
		"holes": "array with holes at holes[1]", "withUndef": "undefined at withUndef.u", "deepest": "too deeply nested",
		"arrow": "function", "asyncFn": "function",
	} {
		if reasons[name] != want {
			t.Errorf("%s: reason %q, want %q", name, reasons[name], want)
		}
		if !slices.Contains(h.NotKept, name) {
			t.Errorf("%s not in NotKept %q", name, h.NotKept)
		}
	}
	if len(h.NotKept) != 19 {
		t.Errorf("NotKept = %q", h.NotKept)
	}
	// An accessor is kept as its value, an array's extra properties and
	// the sign of -0 are lost (JSON has no place for them).
	r, _ = turn(t, &state, `console.log(JSON.stringify(ok), Object.is(ok.n, 0), Object.getPrototypeOf(ok.nul) === Object.prototype, JSON.stringify(dag), tdz, JSON.stringify(getter), JSON.stringify(extra), extra.k)`)
	expect(t, r, 0, `{"s":"é`+"\u2028"+`\"\\","n":0,"big":1e+300,"t":true,"z":null,"nested":[[[]],{}],"nul":{}} true true [[1],[1]] 1 {"g":1} [1] undefined`+"\n")
}

func TestPersistReachedAndUnreached(t *testing.T) {
	var state []byte
	// An uncaught error saves what was declared before it; names in their
	// temporal dead zone and names never reached are skipped silently.
	r, h := turn(t, &state, "let before = 1; throw new Error('boom'); let after = 2")
	if r.code != 1 || !strings.Contains(r.stderr, "boom") || !h.StateSaved || len(h.NotKept) != 0 {
		t.Fatalf("%+v saved %v not kept %q", r, h.StateSaved, h.NotKept)
	}
	r, _ = turn(t, &state, "console.log(before, typeof after)")
	expect(t, r, 0, "1 undefined\n")
	// process.exit saves, from inside a timer too; a rejected promise too.
	r, h = turn(t, &state, "let x = 1; setTimeout(() => { globalThis.y = 2; process.exit(3) }, 1)")
	if r.code != 3 || !h.StateSaved {
		t.Fatalf("%+v saved %v", r, h.StateSaved)
	}
	r, _ = turn(t, &state, "console.log(before, x, y); let z = 3; await Promise.reject(new Error('no'))")
	if r.code != 1 || r.stdout != "1 1 2\n" {
		t.Fatalf("%+v", r)
	}
	r, _ = turn(t, &state, "console.log(before, x, y, z)")
	expect(t, r, 0, "1 1 2 3\n")
}

func TestPersistModule(t *testing.T) {
	var state []byte
	r, h := turn(t, &state, "import path from 'path'; const priv = 1; globalThis.pub = path.join('a', 'b'); export const e = 2")
	expect(t, r, 0, "")
	if !h.StateSaved || string(h.StateOut) != `{"pub":"a/b"}` {
		t.Fatalf("saved %v %s", h.StateSaved, h.StateOut)
	}
	r, _ = turn(t, &state, "console.log(pub, typeof priv)")
	expect(t, r, 0, "a/b undefined\n")
}

func TestPersistLimit(t *testing.T) {
	var state []byte
	turn(t, &state, "small = 1")
	h := &Host{PersistGlobals: true, StateIn: state, StateMax: 100}
	r := exec(t, h, "let big = 'x'.repeat(1000), mid = 'y'.repeat(60), small = 2, huge = ['z'.repeat(1e6)]")
	expect(t, r, 0, "")
	if h.StateSaved || !strings.Contains(r.stderr, "wasmsandbox: globals not persisted: they take more than 100 bytes, over the session's limit of 100 bytes; the previous ones are kept (largest: big (more than 100 bytes), huge (more than 100 bytes), mid (62 bytes))") {
		t.Fatalf("saved %v stderr %q", h.StateSaved, r.stderr)
	}
	if got := slices.Sorted(slices.Values(h.NotKept)); !slices.Equal(got, []string{"big", "huge", "mid", "small"}) {
		t.Errorf("NotKept = %q", h.NotKept)
	}
	// Under the limit in UTF-16 units, over it in UTF-8 bytes.
	h = &Host{PersistGlobals: true, StateIn: state, StateMax: 100}
	r = exec(t, h, "let wide = 'é'.repeat(60)")
	if h.StateSaved || !strings.Contains(r.stderr, "they take 141 bytes, over the session's limit of 100 bytes; the previous ones are kept (largest: wide (122 bytes), small (1 bytes))") {
		t.Fatalf("saved %v stderr %q", h.StateSaved, r.stderr)
	}
	r, _ = turn(t, &state, "console.log(small)")
	expect(t, r, 0, "1\n")
}

func TestPersistBadState(t *testing.T) {
	for _, in := range []string{"not json", "[1]", "null", `{"console": 1, "ok": 2}`} {
		state := []byte(in)
		r, h := turn(t, &state, "console.log(typeof ok, typeof console.log); n = 1")
		if r.code != 0 || !h.StateSaved {
			t.Fatalf("%s: %+v", in, r)
		}
		if in == `{"console": 1, "ok": 2}` {
			if r.stdout != "number function\n" || !strings.Contains(r.stderr, "wasmsandbox: not restored: console (a built-in global has that name)") ||
				!slices.Equal(h.NotKept, []string{"console"}) {
				t.Errorf("%s: %+v not kept %q", in, r, h.NotKept)
			}
			continue
		}
		if r.stdout != "undefined function\n" || !strings.Contains(r.stderr, "wasmsandbox: saved globals could not be read (") ||
			!strings.Contains(r.stderr, "); starting without them") || string(state) != `{"n":1}` {
			t.Errorf("%s: %+v state %s", in, r, state)
		}
	}
}

func TestPersistTampering(t *testing.T) {
	// Replacing built-ins does not change what is saved.
	var state []byte
	r, h := turn(t, &state, `
const v = {a: [1, 2]};
JSON.stringify = () => 'bad'; JSON.parse = () => 'bad'; Object.getOwnPropertyNames = () => [];
Array.prototype.join = () => 'bad'; Array.prototype.toJSON = () => 'bad'; Object.prototype.toJSON = () => 'bad';
Array.prototype.push = () => { throw new Error('no') }; String.prototype.slice = () => 'bad';
RegExp.prototype.exec = () => null; eval = () => { throw new Error('no') };
`)
	expect(t, r, 0, "")
	if !h.StateSaved || string(h.StateOut) != `{"v":{"a":[1,2]}}` {
		t.Fatalf("saved %v %s stderr %q", h.StateSaved, h.StateOut, r.stderr)
	}
	// A proxy whose traps throw is reported, not fatal.
	r, h = turn(t, &state, "const p = new Proxy({}, {ownKeys() { throw new TypeError('trap') }}); const q = 1")
	expect(t, r, 0, "")
	if !h.StateSaved || !strings.Contains(r.stderr, "p (unreadable: TypeError: trap)") {
		t.Fatalf("saved %v stderr %q", h.StateSaved, r.stderr)
	}
	// process.exit from inside the save (a proxy trap) ends the run
	// without saving.
	r, h = turn(t, &state, "const p = new Proxy({}, {getPrototypeOf() { process.exit(7) }})")
	if r.code != 7 || h.StateSaved {
		t.Fatalf("%+v saved %v", r, h.StateSaved)
	}
}

func TestPersistOff(t *testing.T) {
	h := &Host{StateIn: []byte(`{"a": 1}`)}
	r := exec(t, h, "console.log(typeof a); b = 1")
	expect(t, r, 0, "undefined\n")
	if h.StateSaved || h.NotKept != nil || r.stderr != "" {
		t.Fatalf("%+v", h)
	}
}

func TestPersistNotWhenStopped(t *testing.T) {
	// Interrupted (a deadline or fuel in the sandbox): nothing is saved.
	calls := 0
	h := &Host{PersistGlobals: true, Interrupted: func() bool { calls++; return calls > 100 }}
	r := exec(t, h, "let keep = 1; for (;;) {}")
	if r.err != ErrInterrupted || h.StateSaved || h.NotKept != nil {
		t.Fatalf("%+v saved %v", r, h.StateSaved)
	}
	// Out of memory: nothing is saved either.
	h = &Host{PersistGlobals: true, MemoryLimit: 16 << 20}
	r = exec(t, h, "let keep = 1; const a = []; for (;;) a.push('x'.repeat(1 << 20) + a.length)")
	if r.code != 1 || !h.OutOfMemory || h.StateSaved {
		t.Fatalf("%+v saved %v", r, h.StateSaved)
	}
}

// TestPersistDeepScript runs the red-team report's script, 4 MiB of
// "let [[[[...", with globals persisted: the declaration scanner used to
// recurse once per bracket until Go's stack overflow ended the process.
// Now the scanner stops at its bound, the guest gets QuickJS's own error
// for the script, the note says why the globals were not saved, and the
// previous ones are kept.
func TestPersistDeepScript(t *testing.T) {
	state := []byte(`{"prev":1}`)
	h := &Host{PersistGlobals: true, StateIn: state, StateMax: 1 << 20}
	r := exec(t, h, "let "+strings.Repeat("[", 4<<20))
	if r.err != nil || r.code != 1 {
		t.Fatalf("err %v code %d stderr %.300q", r.err, r.code, r.stderr)
	}
	if h.StateSaved || !strings.Contains(r.stderr, "wasmsandbox: globals not persisted (the script nests destructuring patterns or template substitutions more than 1000 deep, too deep to find its declarations); the previous ones are kept") {
		t.Fatalf("saved %v stderr %.500q", h.StateSaved, r.stderr)
	}
	if !strings.Contains(r.stderr, "Uncaught SyntaxError: ") {
		t.Errorf("stderr %.500q", r.stderr)
	}

	// Just over the scanner's bound, QuickJS refuses the script too (its
	// parser gives up on patterns far shallower), so the bound changes
	// nothing for a script that can run.
	code := "let " + strings.Repeat("[", maxNesting+1) + "a" + strings.Repeat("]", maxNesting+1) + " = []"
	h = &Host{PersistGlobals: true, StateIn: state, StateMax: 1 << 20}
	r = exec(t, h, code)
	if r.err != nil || r.code != 1 || h.StateSaved || !strings.Contains(r.stderr, "Uncaught SyntaxError: ") {
		t.Fatalf("err %v code %d saved %v stderr %.500q", r.err, r.code, h.StateSaved, r.stderr)
	}
	// The saved globals were kept.
	r, _ = turn(t, &state, "console.log(prev)")
	expect(t, r, 0, "1\n")
}

// TestPayloadChecksDeep: the Go side reads the guest's payload with
// encoding/json, whose scanner is iterative and stops at 10000 levels, so
// a payload nested a million deep is refused, not followed.
func TestPayloadChecksDeep(t *testing.T) {
	deep := []byte(`{"a":` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}`)
	if isObjectJSON(deep) {
		t.Error("isObjectJSON accepted a payload nested 2^20 deep")
	}
	largest, names := payloadSizes(deep)
	if len(largest) != 0 || len(names) != 0 {
		t.Errorf("payloadSizes = %v, %q", largest, names)
	}
	var rep stateReport
	if err := json.Unmarshal([]byte(`{"notKept":`+strings.Repeat("[", 1<<20)), &rep); err == nil {
		t.Error("a report nested 2^20 deep decoded")
	}
}
