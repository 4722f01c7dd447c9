package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFaults kills the command with SIGKILL at random points of session
// runs (which save globals), file uploads, creates and deletes, and after
// every kill checks that the session still opens with its last
// acknowledged state. At the end nothing may be left behind. Run it with
//
//	WASMSANDBOX_FAULTS=300 go test -run TestFaults -timeout 30m -v ./cmd/wasmsandbox
func TestFaults(t *testing.T) {
	total, _ := strconv.Atoi(os.Getenv("WASMSANDBOX_FAULTS"))
	if total <= 0 {
		t.Skip("set WASMSANDBOX_FAULTS=N to inject N kills")
	}
	f := newFaultRig(t)
	langs := map[string]string{"py1": "python", "py2": "python", "js1": "javascript"}
	acked := map[string]int{}
	for id, lang := range langs {
		f.ok("session", "create", "--lang", lang, "--id", id, "--auto-persist-globals")
	}
	incr := map[string]string{
		"python":     "x = globals().get('x', 0) + 1\nopen('n.txt', 'w').write(str(x) * 1000)\nprint(x)",
		"javascript": "globalThis.x = (globalThis.x ?? 0) + 1; require('fs').writeFileSync('n.txt', String(x).repeat(1000)); console.log(x)",
	}
	read := map[string]string{"python": "print(globals().get('x', 0))", "javascript": "console.log(globalThis.x ?? 0)"}
	ids := []string{"py1", "py2", "js1"}
	payload := filepath.Join(t.TempDir(), "payload")
	if err := os.WriteFile(payload, bytes.Repeat([]byte("p"), 4<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	kills, completed := 0, 0
	took := map[string]time.Duration{}
	for i := range total {
		id := ids[i%len(ids)]
		var args []string
		switch op := rand.IntN(10); {
		case op < 6:
			args = []string{"run", "--session", id, "-c", incr[langs[id]]}
		case op < 8:
			args = []string{"session", "put", id, payload, fmt.Sprintf("up/%d.bin", i%5)}
		default:
			tmp := fmt.Sprintf("tmp%d", i)
			args = []string{"session", "create", "--lang", "python", "--id", tmp}
			if rand.IntN(2) == 0 {
				f.ok("session", "create", "--lang", "python", "--id", tmp)
				args = []string{"session", "rm", tmp}
			}
		}
		// Kill at a uniform point of how long this kind of command takes,
		// so kills land in its startup, its work and its save alike.
		kind := args[0] + " " + args[1]
		if _, ok := took[kind]; !ok {
			took[kind] = 400 * time.Millisecond
		}
		began := time.Now()
		out, killed := f.killAfter(time.Duration(rand.Int64N(int64(took[kind])*6/5+1)), args...)
		if killed {
			kills++
			took[kind] = took[kind] * 21 / 20 // it may take longer than thought
		} else {
			completed++
			took[kind] = (took[kind] + time.Since(began)) / 2
			if args[0] == "run" {
				n, err := strconv.Atoi(strings.TrimSpace(out))
				if err != nil {
					t.Fatalf("run %d printed %q", i, out)
				}
				acked[id] = n
			}
		}
		// The session opens, and its globals are the last acknowledged
		// ones, or one step further when the kill came after the save.
		n, _ := strconv.Atoi(strings.TrimSpace(f.ok("run", "--session", id, "-c", read[langs[id]])))
		if n != acked[id] && n != acked[id]+1 {
			t.Fatalf("after op %d (%v, killed %v): session %s has x=%d, last acknowledged %d", i, args, killed, id, n, acked[id])
		}
		acked[id] = n
		if (i+1)%50 == 0 {
			t.Logf("%d ops: %d killed, %d completed", i+1, kills, completed)
		}
	}
	// Every session opens; the temporary ones go.
	var list struct {
		Sessions []struct {
			ID    string `json:"session_id"`
			Error string `json:"error"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal([]byte(f.ok("session", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	for _, s := range list.Sessions {
		if s.Error != "" {
			t.Errorf("session %s: %s", s.ID, s.Error)
		}
		f.ok("session", "info", s.ID)
		if strings.HasPrefix(s.ID, "tmp") {
			f.ok("session", "rm", s.ID)
		}
	}
	// One more run per session and a prune clean what the kills left.
	for _, id := range ids {
		f.ok("run", "--session", id, "-c", read[langs[id]])
	}
	f.ok("session", "prune", "--older-than", "100000h")
	f.ok("run", "-c", "print(1)")
	if left := f.leftovers(); len(left) > 0 {
		t.Errorf("left behind after %d kills: %v", kills, left)
	}
	t.Logf("%d ops: %d killed at random points, %d completed; every session opened with its acknowledged state; 0 leftovers", total, kills, completed)
}

// faultRig runs the built command against a private session store and
// temporary directory.
type faultRig struct {
	t         *testing.T
	bin       string
	env       []string
	store, tm string
}

func newFaultRig(t *testing.T) *faultRig {
	bin := buildBinary(t)
	store, tm := t.TempDir(), t.TempDir()
	env := append(os.Environ(), "WASMSANDBOX_SESSIONS_DIR="+store, "TMPDIR="+tm, "WASMSANDBOX_HOME="+testHome)
	return &faultRig{t: t, bin: bin, env: env, store: store, tm: tm}
}

func (f *faultRig) command(args ...string) *exec.Cmd {
	cmd := exec.Command(f.bin, args...)
	cmd.Env = f.env
	return cmd
}

// ok runs the command to its end and fails the test unless it succeeds.
func (f *faultRig) ok(args ...string) string {
	f.t.Helper()
	var out, errb bytes.Buffer
	cmd := f.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		f.t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errb.String())
	}
	return out.String()
}

// killAfter starts the command and kills it with SIGKILL after d unless it
// has ended by then; it says whether it was killed. A command that ends by
// itself must succeed.
func (f *faultRig) killAfter(d time.Duration, args ...string) (string, bool) {
	f.t.Helper()
	var out, errb bytes.Buffer
	cmd := f.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		f.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			f.t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errb.String())
		}
		return out.String(), false
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL)
		if err := <-done; err == nil {
			return out.String(), false // it ended just before the signal
		}
		return "", true
	}
}

// leftovers lists what interrupted commands left in the store and the
// temporary directory: creation and trash directories, temporary state
// files, stages, temporary workspaces.
func (f *faultRig) leftovers() []string {
	var left []string
	filepath.WalkDir(f.store, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		n := d.Name()
		if strings.Contains(n, ".tmp-") || strings.HasPrefix(n, ".trash-") ||
			strings.HasPrefix(n, ".lock-") || (d.IsDir() && n == "stage") {
			left = append(left, p)
		}
		return nil
	})
	ents, _ := os.ReadDir(f.tm)
	for _, e := range ents {
		left = append(left, filepath.Join(f.tm, e.Name()))
	}
	return left
}

// TestFullDisk runs a persisting session on a small filesystem that the
// guest fills: the run that fills it still returns its Result (with the
// failed save stated), the next run can free the space, and the globals
// saved before are intact. It needs to mount a tmpfs (root on Linux).
//
//	WASMSANDBOX_FAULTS=1 go test -run TestFullDisk -v ./cmd/wasmsandbox
func TestFullDisk(t *testing.T) {
	if os.Getenv("WASMSANDBOX_FAULTS") == "" {
		t.Skip("set WASMSANDBOX_FAULTS=1 to fill a small filesystem")
	}
	f := newFaultRig(t)
	disk := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small filesystem here: %v %s", err, out)
	}
	defer exec.Command("umount", disk).Run()
	f.env = append(f.env, "WASMSANDBOX_SESSIONS_DIR="+disk)
	f.store = disk

	f.ok("session", "create", "--lang", "python", "--id", "full", "--auto-persist-globals", "--workspace-max", "1GiB")
	f.ok("run", "--session", "full", "-c", "x = 'kept'")
	fill := `import os
big = os.urandom(4 << 20)
n = 0
try:
    with open("fill.bin", "w") as f:
        while True:
            f.write("z" * (1 << 20))
            n += 1
except OSError as e:
    print("full after", n, "MiB:", e.strerror)`
	cmd := f.command("run", "--session", "full", "--json", "-c", fill)
	out, _ := cmd.Output()
	var res struct {
		Outcome  string   `json:"outcome"`
		Stdout   string   `json:"stdout"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("the run that filled the disk printed no Result: %v\n%s", err, out)
	}
	if res.Outcome != "ok" || !strings.Contains(res.Stdout, "full after") || len(res.Warnings) == 0 {
		t.Fatalf("result %+v: want ok, the guest's ENOSPC, and a warning that the globals were not saved", res)
	}
	t.Logf("filling run: %q, warnings %q", res.Stdout, res.Warnings)
	// The next run frees the space, and the globals saved before are back.
	f.ok("run", "--session", "full", "-c", "import os; os.remove('fill.bin')")
	if got := f.ok("run", "--session", "full", "-c", "print(x)"); got != "kept\n" {
		t.Fatalf("globals after the full disk: %q", got)
	}
	if left := f.leftovers(); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
