package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestMCPHTTPUsage(t *testing.T) {
	t.Parallel()
	if os.Getenv(tokensEnv) != "" {
		t.Skip("$" + tokensEnv + " is set")
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	short, empty := write("short", "# a comment\nshort\n"), write("empty", "# only a comment\n\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"mcp", "--http", "0.0.0.0:8080"}, "no bearer tokens"},
		{[]string{"mcp", "--http", ":8080"}, "no bearer tokens"},
		{[]string{"mcp", "--token-file", short}, "--token-file needs --http"},
		{[]string{"mcp", "--http", "8080"}, "give host:port"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--token-file", short}, "at least 16 characters"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--token-file", empty}, "holds no token"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--token-file", filepath.Join(dir, "missing")}, "missing"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--token-rate", "0"}, "--token-rate"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--token-burst", "0"}, "--token-burst"},
		{[]string{"mcp", "--http", "127.0.0.1:0", "--shutdown-grace", "0"}, "--shutdown-grace"},
	} {
		c := runCLI(t, "", tc.args...).want(t, exitUsage)
		if !strings.Contains(c.stderr, tc.want) {
			t.Errorf("%v: stderr %q does not say %q", tc.args, c.stderr, tc.want)
		}
		if strings.Contains(c.stderr, "short\n") {
			t.Errorf("%v: the error shows a token: %q", tc.args, c.stderr)
		}
	}
	c := runCLI(t, "", "mcp", "--help").want(t, exitOK)
	for _, s := range []string{"--http ADDR", "--token-file FILE", "--token-concurrency N", "--token-rate R", "--shutdown-grace DUR", tokensEnv} {
		if !strings.Contains(c.stdout, s) {
			t.Errorf("mcp --help lacks %q", s)
		}
	}
}

// TestMCPHTTPBinary serves over HTTP from the real binary, runs code with
// a token, reads /metrics, and stops it with SIGTERM: exit status 0.
func TestMCPHTTPBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	const token = "binary-test-token-0123456789"
	tokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokens, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "mcp", "--http", "127.0.0.1:0", "--token-file", tokens,
		"--sessions-dir", t.TempDir(), "--no-install", "--shutdown-grace", "5s")
	cmd.Env = append(os.Environ(), "WASMSANDBOX_HOME="+testHome)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	// The log names the address once the server listens.
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	addrRe := regexp.MustCompile(`mcp http server ready.*addr=(\S+)`)
	var addr string
	var logged []string
	timeout := time.After(time.Minute)
	for addr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("the server exited before listening:\n%s", strings.Join(logged, "\n"))
			}
			logged = append(logged, l)
			if m := addrRe.FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
		case <-timeout:
			t.Fatalf("no ready line within a minute:\n%s", strings.Join(logged, "\n"))
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tr := &mcp.StreamableClientTransport{Endpoint: "http://" + addr + "/mcp", HTTPClient: &http.Client{Transport: authTransport(token)}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "e2e-http", Version: "1"}, nil).Connect(ctx, tr, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "execute_code", Arguments: map[string]any{"language": "python", "code": "print(6 * 7)"}})
	if err != nil || res.IsError {
		t.Fatalf("execute_code: %v %+v", err, res)
	}
	cs.Close()

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `wasmsandbox_executions_total{outcome="ok",runtime="python"} 1`) {
		t.Errorf("/metrics does not count the execution:\n%s", body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		logged = append(logged, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0\n%s", err, strings.Join(logged, "\n"))
	}
	all := strings.Join(logged, "\n")
	for _, want := range []string{"mcp http server shutting down", "mcp http server stopped", `msg="tool call"`, `msg="http request"`} {
		if !strings.Contains(all, want) {
			t.Errorf("the log lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, token) {
		t.Error("the log shows the token")
	}
}

// authTransport adds a bearer token to every request.
type authTransport string

func (a authTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(a))
	return http.DefaultTransport.RoundTrip(r)
}
