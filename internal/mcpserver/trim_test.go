package mcpserver

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox"
)

func TestHeadTail(t *testing.T) {
	var b strings.Builder
	for i := range 10_000 {
		b.WriteString("line ")
		b.WriteString(strings.Repeat("é", i%7))
		b.WriteString("\n")
	}
	text := b.String()
	out := headTail(text, 2000, "/app/.output/stdout.txt")
	if len(out) > 2000+200 || !utf8.ValidString(out) || !strings.HasPrefix(out, "line \n") || !strings.HasSuffix(out, text[len(text)-50:]) {
		t.Fatalf("%d bytes: %.100q ... %.100q", len(out), out, out[len(out)-100:])
	}
	if !strings.Contains(out, "lines left out; the whole output is in /app/.output/stdout.txt ...]") {
		t.Fatalf("no marker in %q", out)
	}
}

// A run that prints 200,000 lines answers with a model-sized result; in a
// session the whole output is in a workspace file that the marker names.
func TestExecuteCodeTrimsOutput(t *testing.T) {
	cs := connect(t, Config{SessionsDir: t.TempDir()})
	var res sandbox.Result
	code := map[string]any{"language": "python", "code": "for i in range(200000):\n    print(i)"}
	r := callOK(t, cs, "execute_code", code, &res)
	if len(res.Stdout) > DefaultOutputBudget+200 || !strings.HasPrefix(res.Stdout, "0\n1\n") || !strings.HasSuffix(res.Stdout, "199999\n") ||
		!strings.Contains(res.Stdout, "lines left out ...]") || len(text(r)) > 3*DefaultOutputBudget {
		t.Fatalf("stdout %d bytes, content %d bytes", len(res.Stdout), len(text(r)))
	}
	info := newSession(t, cs, map[string]any{"language": "python"})
	code["session_id"] = info.SessionID
	callOK(t, cs, "execute_code", code, &res)
	if !strings.Contains(res.Stdout, "the whole output is in /app/.output/stdout.txt") {
		t.Fatalf("stdout tail %q", res.Stdout[len(res.Stdout)-200:])
	}
	callOK(t, cs, "execute_code", map[string]any{"session_id": info.SessionID, "language": "python",
		"code": "d = open('.output/stdout.txt').read()\nprint(len(d), d.count('\\n'))"}, &res)
	if res.Stdout != "1288890 200000\n" {
		t.Fatalf("saved output: %q", res.Stdout)
	}
}

func TestExecuteCodeStdin(t *testing.T) {
	cs := connect(t, Config{})
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "print(input()[::-1])", "stdin": "olleh\n"}, &res)
	if res.Stdout != "hello\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	callBadArg(t, cs, "execute_code", map[string]any{"language": "python", "code": "pass", "stdin": strings.Repeat("x", int(DefaultMaxFileBytes)+1)}, "stdin")
}

func TestExecuteCodeArgvEnv(t *testing.T) {
	cs := connect(t, Config{})
	var res sandbox.Result
	callOK(t, cs, "execute_code", map[string]any{"language": "python", "code": "import sys, os\nprint(sys.argv[1:], os.environ['MODE'], os.environ['HOME'])",
		"argv": []string{"a", "b c"}, "env": map[string]string{"MODE": "test"}}, &res)
	if res.Stdout != "['a', 'b c'] test /app\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	callOK(t, cs, "execute_code", map[string]any{"language": "javascript", "code": "console.log(process.argv.slice(2), process.env.MODE)",
		"argv": []string{"x"}, "env": map[string]string{"MODE": "js"}}, &res)
	if res.Stdout != "[ 'x' ] js\n" {
		t.Fatalf("stdout %q", res.Stdout)
	}
	callBadArg(t, cs, "execute_code", map[string]any{"language": "python", "code": "pass", "env": map[string]string{"A=B": "x"}}, "env")
	callBadArg(t, cs, "execute_code", map[string]any{"language": "python", "code": "pass", "argv": []string{strings.Repeat("x", maxArgBytes+1)}}, "argv")
}
