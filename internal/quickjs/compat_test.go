package quickjs

import (
	"os"
	"strings"
	"testing"
)

// TestNodeCompatParity runs testdata/compat.js (process.nextTick order, fs
// error paths, Date strings, isTTY, lone surrogates, long strings in
// util.inspect, and the node: modules) in an empty workspace and compares
// its output with Node 20's, recorded in testdata/compat.node.txt. To
// record it again, in an empty directory:
//
//	cp testdata/compat.js $DIR && (cd $DIR && TZ=UTC node compat.js) > testdata/compat.node.txt
func TestNodeCompatParity(t *testing.T) {
	fsys, _ := newFS(t)
	parity(t, &Host{FS: fsys, Env: map[string]string{"HOME": "/app"}}, "testdata/compat.js", "testdata/compat.node.txt")
}

// parity runs the script src with h and compares its stdout with the file
// want, line by line.
func parity(t *testing.T, h *Host, src, want string) {
	t.Helper()
	code, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	r := exec(t, h, string(code))
	if r.err != nil || r.code != 0 {
		t.Fatalf("%+v", r)
	}
	got, lines := strings.Split(r.stdout, "\n"), strings.Split(string(exp), "\n")
	for i := 0; i < len(got) || i < len(lines); i++ {
		var g, e string
		if i < len(got) {
			g = got[i]
		}
		if i < len(lines) {
			e = lines[i]
		}
		if g != e {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, g, e)
		}
	}
}
