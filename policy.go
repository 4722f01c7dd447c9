package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/wasmsandbox/sandbox/internal/packages"
)

// Default policy values. A zero field of Policy takes the default below.
const (
	DefaultFuelBudget        int64         = 40_000_000_000
	DefaultMemoryBytes       int64         = 128 << 20
	DefaultTimeout           time.Duration = 30 * time.Second
	DefaultStdoutMaxBytes    int64         = 2_000_000
	DefaultStderrMaxBytes    int64         = 1_000_000
	DefaultMaxCodeBytes      int64         = 1 << 20
	DefaultGuestWorkspace                  = "/app"
	DefaultWorkspaceMaxBytes int64         = 1 << 30
)

// Bounds on memory_bytes that Validate enforces.
const (
	// MinMemoryBytes is the smallest memory cap with which the guest runtimes
	// can start (16 MiB); a smaller memory_bytes is rejected by Validate.
	MinMemoryBytes int64 = 16 << 20
	// MaxMemoryBytes is the most a 32-bit WebAssembly memory can address
	// (4 GiB); a larger memory_bytes is rejected by Validate.
	MaxMemoryBytes int64 = 4 << 30
)

// Policy is the set of limits and mounts one execution runs under.
// The zero value is valid: every zero field takes its default.
//
// LoadPolicy and ParsePolicy read a policy from a TOML or JSON file (the
// keys are the json tags below; timeout is a duration string such as "30s"),
// json.Marshal writes one in the same form, and Validate checks one.
type Policy struct {
	// FuelBudget is the wasm instruction budget; exhausting it stops the guest.
	FuelBudget int64 `json:"fuel_budget,omitempty" toml:"fuel_budget,omitempty" jsonschema:"Wasm instruction budget; exhausting it stops the guest (outcome out_of_fuel). 0 or absent means the default, 40000000000 (about 10 s of compute)."`
	// MemoryBytes caps the guest's linear memory.
	MemoryBytes int64 `json:"memory_bytes,omitempty" toml:"memory_bytes,omitempty" jsonschema:"Cap on the guest linear memory in bytes (outcome memory_limit when exceeded). At least 16777216 (16 MiB), at most 4294967296 (4 GiB). 0 or absent means the default, 134217728 (128 MiB)."`
	// Timeout is the wall-clock deadline; it also cuts guest sleeps.
	Timeout time.Duration `json:"timeout,omitempty" toml:"timeout,omitempty" jsonschema:"Wall-clock deadline as a Go duration string such as \"30s\" or \"1m30s\"; it also cuts guest sleeps (outcome timeout). Absent or \"0s\" means the default, \"30s\"."`
	// StdoutMaxBytes is how many bytes of stdout are kept; the rest is discarded.
	StdoutMaxBytes int64 `json:"stdout_max_bytes,omitempty" toml:"stdout_max_bytes,omitempty" jsonschema:"Bytes of stdout kept; the rest is discarded and stdout_truncated is set. 0 or absent means the default, 2000000."`
	// StderrMaxBytes is how many bytes of stderr are kept; the rest is discarded.
	StderrMaxBytes int64 `json:"stderr_max_bytes,omitempty" toml:"stderr_max_bytes,omitempty" jsonschema:"Bytes of stderr kept; the rest is discarded and stderr_truncated is set. 0 or absent means the default, 1000000."`
	// MaxCodeBytes rejects larger source before anything runs.
	MaxCodeBytes int64 `json:"max_code_bytes,omitempty" toml:"max_code_bytes,omitempty" jsonschema:"Source code larger than this is rejected before anything runs. 0 or absent means the default, 1048576."`
	// Workspace is the host directory mounted read-write at GuestWorkspace.
	// Empty means a fresh temporary directory per execution, removed afterwards.
	Workspace string `json:"workspace,omitempty" toml:"workspace,omitempty" jsonschema:"Host directory mounted read-write at guest_workspace; it must exist. Empty or absent means a fresh temporary directory for each execution."`
	// GuestWorkspace is where the guest sees the workspace (default "/app").
	GuestWorkspace string `json:"guest_workspace,omitempty" toml:"guest_workspace,omitempty" jsonschema:"Absolute guest path where the workspace appears. Empty or absent means the default, \"/app\"."`
	// Mounts are extra host directories, read-only unless Writable.
	Mounts []Mount `json:"mounts,omitempty" toml:"mounts,omitempty" jsonschema:"Extra host directories shown to the guest, read-only unless writable is true. Guest paths must be absolute and must not overlap each other or guest_workspace."`
	// Env is the complete guest environment. Nil means the runtime's defaults;
	// an empty non-nil map means no variables at all.
	Env map[string]string `json:"env,omitempty" toml:"env,omitempty" jsonschema:"The complete guest environment (name to value). Absent means the runtime defaults; an empty object means no variables at all."`
	// Argv is the guest's argv. Nil means the runtime's defaults.
	Argv []string `json:"argv,omitempty" toml:"argv,omitempty" jsonschema:"The guest argv. Absent means the runtime defaults."`
	// WorkspaceMaxBytes caps the total size of the workspace, checked while
	// the guest runs (a guest that writes past it is stopped) and before an
	// execution starts (a workspace already over it is refused).
	WorkspaceMaxBytes int64 `json:"workspace_max_bytes,omitempty" toml:"workspace_max_bytes,omitempty" jsonschema:"Cap on the total size of the workspace in bytes, checked while the guest runs: a guest that writes past it is stopped, and a workspace already over it is refused. 0 or absent means the default, 1073741824 (1 GiB)."`
	// Packages names the package sets (installed with `wasmsandbox packages
	// add`) that the guest may import from, each mounted read-only at
	// /packages/NAME. A set that exists only for the other language shows
	// nothing; one that exists for neither is an error when the sandbox is
	// created.
	Packages []string `json:"packages,omitempty" toml:"packages,omitempty" jsonschema:"Names of the package sets (installed with wasmsandbox packages add, under WASMSANDBOX_HOME) that the guest may import from; each is mounted read-only at /packages/NAME. Names are 1 to 64 lower-case letters, digits, '.', '_' or '-'; at most 8. A set that exists only for the other language shows nothing to this one."`
}

// Mount exposes a host directory to the guest.
//
// # Isolation
//
// The guest sees the host directory, and everything below it, at Guest and
// nothing outside it: it cannot name the host path, follow ".." above the
// mount point, or reach other host files through it. A read-only mount
// (the default) lets the guest list and read files but not create, change
// or delete them; a writable mount lets it do all of these inside the
// directory. The guest never learns the host path. A read-only mount's
// host directory must not be, contain or lie inside the workspace or a
// writable mount's (Validate refuses it), or the guest could change it
// through the writable path.
type Mount struct {
	// Host is the host directory; it must exist.
	Host string `json:"host" toml:"host" jsonschema:"Host directory to mount; it must exist. A relative path in a policy file is relative to the file's directory."`
	// Guest is the absolute guest path where it appears.
	Guest string `json:"guest" toml:"guest" jsonschema:"Absolute, clean guest path where the directory appears, such as \"/data\"; not \"/\"."`
	// Writable makes the mount read-write; mounts are read-only by default.
	Writable bool `json:"writable,omitempty" toml:"writable,omitempty" jsonschema:"Makes the mount read-write; mounts are read-only unless this is true."`
}

// WithDefaults returns a copy of p in which every zero field holds its default.
func (p Policy) WithDefaults() Policy {
	if p.FuelBudget == 0 {
		p.FuelBudget = DefaultFuelBudget
	}
	if p.MemoryBytes == 0 {
		p.MemoryBytes = DefaultMemoryBytes
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultTimeout
	}
	if p.StdoutMaxBytes == 0 {
		p.StdoutMaxBytes = DefaultStdoutMaxBytes
	}
	if p.StderrMaxBytes == 0 {
		p.StderrMaxBytes = DefaultStderrMaxBytes
	}
	if p.MaxCodeBytes == 0 {
		p.MaxCodeBytes = DefaultMaxCodeBytes
	}
	if p.GuestWorkspace == "" {
		p.GuestWorkspace = DefaultGuestWorkspace
	}
	if p.WorkspaceMaxBytes == 0 {
		p.WorkspaceMaxBytes = DefaultWorkspaceMaxBytes
	}
	return p
}

// Validate reports every bad field of p (after WithDefaults) at once, as a
// *PolicyError wrapping ErrInvalidPolicy, or nil when p is valid.
//
// It checks that no limit is negative, that memory_bytes lies between
// MinMemoryBytes and MaxMemoryBytes, that guest_workspace and every mount's
// guest path are absolute, clean, not "/" and do not overlap one another,
// that workspace (when set) and every mount's host path exist and are
// directories, that no read-only mount's host directory is the same as,
// inside or contains the workspace or a writable mount's host directory
// (after resolving symbolic links; the guest could modify it through the
// writable one), that env and argv hold no NUL bytes (nor env keys an
// "="), and that packages names at most packages.MaxSets well-formed,
// distinct sets whose guest paths overlap no mount. Whether each set is
// installed is checked by New, which knows the runtime directory. Host paths are checked on the file system as they are now.
func (p Policy) Validate() error {
	p = p.WithDefaults()
	var errs []FieldError
	add := func(field string, value any, reason string) {
		errs = append(errs, FieldError{Field: field, Value: value, Reason: reason})
	}

	for _, n := range []struct {
		key   string
		value int64
		def   any
	}{
		{"fuel_budget", p.FuelBudget, DefaultFuelBudget},
		{"memory_bytes", p.MemoryBytes, DefaultMemoryBytes},
		{"timeout", int64(p.Timeout), DefaultTimeout},
		{"stdout_max_bytes", p.StdoutMaxBytes, DefaultStdoutMaxBytes},
		{"stderr_max_bytes", p.StderrMaxBytes, DefaultStderrMaxBytes},
		{"max_code_bytes", p.MaxCodeBytes, DefaultMaxCodeBytes},
		{"workspace_max_bytes", p.WorkspaceMaxBytes, DefaultWorkspaceMaxBytes},
	} {
		if n.value < 0 {
			var v any = n.value
			if n.key == "timeout" {
				v = p.Timeout
			}
			add(n.key, v, fmt.Sprintf("must not be negative (use a positive value, or 0 or omit the key for the default, %v)", n.def))
		}
	}
	switch {
	case p.MemoryBytes < 0: // reported above
	case p.MemoryBytes < MinMemoryBytes:
		add("memory_bytes", p.MemoryBytes, fmt.Sprintf("is below %d (16 MiB), the least the guest runtimes need to start (use at least that; the default is %d)", MinMemoryBytes, DefaultMemoryBytes))
	case p.MemoryBytes > MaxMemoryBytes:
		add("memory_bytes", p.MemoryBytes, fmt.Sprintf("is above %d (4 GiB), the most a 32-bit WebAssembly memory can address (use at most that)", MaxMemoryBytes))
	}

	// Guest paths: each must be well formed, and no two may overlap.
	type guestPath struct{ field, path string }
	var guests []guestPath
	checkGuest := func(field, g string) {
		if reason := guestPathProblem(g); reason != "" {
			add(field, g, reason)
			return
		}
		for _, o := range guests {
			if rel := overlap(o.path, g); rel != "" {
				add(field, g, fmt.Sprintf("%s %s %q (guest paths must not be equal or nested; choose a separate directory)", rel, o.field, o.path))
				return
			}
		}
		guests = append(guests, guestPath{field, g})
	}
	checkGuest("guest_workspace", p.GuestWorkspace)

	// Host paths: each must be a directory, and a read-only one must not
	// overlap one the guest can write (the workspace, writable mounts).
	var writable []hostDir
	if p.Workspace != "" {
		if reason := hostDirProblem(p.Workspace); reason != "" {
			add("workspace", p.Workspace, reason)
		} else {
			writable = append(writable, newHostDir("workspace", p.Workspace, p.GuestWorkspace))
		}
	}
	hostOK := make([]bool, len(p.Mounts))
	for i, m := range p.Mounts {
		hostOK[i] = hostDirProblem(m.Host) == ""
		if hostOK[i] && m.Writable {
			writable = append(writable, newHostDir(fmt.Sprintf("mounts[%d].host", i), m.Host, m.Guest))
		}
	}
	for i, m := range p.Mounts {
		field := fmt.Sprintf("mounts[%d]", i)
		switch {
		case !hostOK[i]:
			add(field+".host", m.Host, hostDirProblem(m.Host))
		case !m.Writable:
			if reason := newHostDir(field+".host", m.Host, m.Guest).writableOverlap(writable); reason != "" {
				add(field+".host", m.Host, reason)
			}
		}
		checkGuest(field+".guest", m.Guest)
	}

	if len(p.Packages) > packages.MaxSets {
		add("packages", p.Packages, fmt.Sprintf("names %d package sets, more than %d (install the packages into fewer sets)", len(p.Packages), packages.MaxSets))
	}
	for i, name := range p.Packages {
		field := fmt.Sprintf("packages[%d]", i)
		if reason := packages.CheckSetName(name); reason != "" {
			add(field, name, reason)
			continue
		}
		if j := slices.Index(p.Packages, name); j < i {
			add(field, name, fmt.Sprintf("is the same as packages[%d] (name each set once)", j))
			continue
		}
		checkGuest(field, packages.GuestDir(name))
	}

	for _, k := range slices.Sorted(maps.Keys(p.Env)) {
		v := p.Env[k]
		field := keyPath("env", k)
		switch {
		case k == "":
			add(field, k, "variable name must not be empty (remove the entry or give it a name)")
		case strings.ContainsRune(k, 0):
			add(field, k, "variable name must not contain a NUL byte")
		case strings.ContainsRune(k, '='):
			add(field, k, `variable name must not contain "=" (put the value on the right-hand side)`)
		}
		if strings.ContainsRune(v, 0) {
			// The value may be a secret: name its size, never its content.
			add(field, fmt.Sprintf("<%d-byte value>", len(v)), "value must not contain a NUL byte")
		}
	}
	for i, a := range p.Argv {
		if strings.ContainsRune(a, 0) {
			add(fmt.Sprintf("argv[%d]", i), a, "must not contain a NUL byte")
		}
	}

	if len(errs) == 0 {
		return nil
	}
	return &PolicyError{Fields: errs}
}

// guestPathProblem says what is wrong with a guest path, or "" if nothing.
func guestPathProblem(g string) string {
	switch {
	case g == "":
		return `must not be empty (give an absolute guest path such as "/data")`
	case strings.ContainsRune(g, 0):
		return "must not contain a NUL byte"
	case !path.IsAbs(g):
		return fmt.Sprintf("must be an absolute guest path (did you mean %q?)", path.Clean("/"+g))
	case g == "/":
		return `must not be "/": the guest root cannot be mounted (choose a directory such as "/data")`
	case path.Clean(g) != g:
		return fmt.Sprintf("must be a clean path without \".\", \"..\", \"//\" or a trailing \"/\" (did you mean %q?)", path.Clean(g))
	}
	return ""
}

// overlap says how clean absolute guest path b relates to a: "is the same as",
// "is inside", "contains", or "" when they are disjoint.
func overlap(a, b string) string {
	switch {
	case a == b:
		return "is the same as"
	case strings.HasPrefix(b, a+"/"):
		return "is inside"
	case strings.HasPrefix(a, b+"/"):
		return "contains"
	}
	return ""
}

// hostDir is a host directory of a policy, for the overlap check.
type hostDir struct {
	field string // its key: "workspace", "mounts[1].host"
	host  string // as written
	guest string // where the guest sees it
	abs   string // absolute and clean
	real  string // abs with symbolic links resolved
}

// newHostDir resolves host directory h (which exists) of key field.
func newHostDir(field, h, guest string) hostDir {
	d := hostDir{field: field, host: h, guest: guest}
	abs, err := filepath.Abs(h)
	if err != nil {
		abs = filepath.Clean(h)
	}
	d.abs, d.real = abs, abs
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		d.real = real
	}
	return d
}

// writableOverlap says how read-only directory d overlaps the first of
// writable (the workspace and writable mounts) that it is the same as, is
// inside or contains, and what to do; "" when it overlaps none. Then the
// guest could modify what it should only read through the writable path.
func (d hostDir) writableOverlap(writable []hostDir) string {
	for _, w := range writable {
		rel := hostRelation(w.real, d.real)
		if rel == "" {
			continue
		}
		via := ""
		if hostRelation(w.abs, d.abs) == "" {
			via = " once symbolic links are resolved"
		}
		what := "it"
		if rel == "contains" {
			what = "part of it"
		}
		if w.field == "workspace" {
			return fmt.Sprintf("%s the workspace %q%s, which is writable: the guest could modify %s through %s (mount a directory that does not overlap the workspace, or use another workspace)",
				rel, w.host, via, what, w.guest)
		}
		return fmt.Sprintf("%s %s %q%s, which is writable: the guest could modify %s through %s (mount it elsewhere or make both read-only)",
			rel, w.field, w.host, via, what, w.guest)
	}
	return ""
}

// hostRelation says how clean absolute host path b relates to a: "is the
// same directory as", "is inside", "contains", or "" when they are
// disjoint.
func hostRelation(a, b string) string {
	switch {
	case a == b:
		return "is the same directory as"
	case hostWithin(a, b):
		return "is inside"
	case hostWithin(b, a):
		return "contains"
	}
	return ""
}

// hostWithin reports whether clean absolute path child is below parent.
func hostWithin(parent, child string) bool {
	rel, err := filepath.Rel(parent, child)
	return err == nil && rel != "." && !filepath.IsAbs(rel) &&
		rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// hostDirProblem says why host path h cannot be mounted, or "" if it can.
func hostDirProblem(h string) string {
	if h == "" {
		return "must name a host directory"
	}
	if strings.ContainsRune(h, 0) {
		return "must not contain a NUL byte"
	}
	fi, err := os.Stat(h)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist (create the directory or fix the path)"
	case err != nil:
		return fmt.Sprintf("cannot be used: %v", err)
	case !fi.IsDir():
		return "is not a directory (mount the directory that holds the file)"
	}
	return ""
}

// keyPath names key k inside the value at parent, as error messages show it:
// "k" at the top, "parent.k" for plain keys, `parent["k"]` for any other.
func keyPath(parent, k string) string {
	plain := k != ""
	for _, r := range k {
		if !(r == '_' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			plain = false
			break
		}
	}
	switch {
	case !plain:
		return fmt.Sprintf("%s[%q]", parent, k)
	case parent == "":
		return k
	}
	return parent + "." + k
}

// The JSON form of a Policy (MarshalJSON and UnmarshalJSON), the same as a
// policy file's.

// policyJSON is the JSON form of a Policy: timeout is a duration string, and
// an empty (not nil) env or argv is kept, since it differs from an absent one.
type policyJSON struct {
	FuelBudget        int64             `json:"fuel_budget,omitempty"`
	MemoryBytes       int64             `json:"memory_bytes,omitempty"`
	Timeout           string            `json:"timeout,omitempty"`
	StdoutMaxBytes    int64             `json:"stdout_max_bytes,omitempty"`
	StderrMaxBytes    int64             `json:"stderr_max_bytes,omitempty"`
	MaxCodeBytes      int64             `json:"max_code_bytes,omitempty"`
	Workspace         string            `json:"workspace,omitempty"`
	GuestWorkspace    string            `json:"guest_workspace,omitempty"`
	Mounts            []Mount           `json:"mounts,omitempty"`
	Env               map[string]string `json:"env,omitzero"`
	Argv              []string          `json:"argv,omitzero"`
	WorkspaceMaxBytes int64             `json:"workspace_max_bytes,omitempty"`
	Packages          []string          `json:"packages,omitempty"`
}

// MarshalJSON writes p in the policy-file form: the keys of the policy
// table, timeout as a Go duration string ("1m30s"), zero fields left out.
// The output reads back with ParsePolicy or json.Unmarshal.
func (p Policy) MarshalJSON() ([]byte, error) {
	f := policyJSON{
		FuelBudget:        p.FuelBudget,
		MemoryBytes:       p.MemoryBytes,
		StdoutMaxBytes:    p.StdoutMaxBytes,
		StderrMaxBytes:    p.StderrMaxBytes,
		MaxCodeBytes:      p.MaxCodeBytes,
		Workspace:         p.Workspace,
		GuestWorkspace:    p.GuestWorkspace,
		Mounts:            p.Mounts,
		Env:               p.Env,
		Argv:              p.Argv,
		WorkspaceMaxBytes: p.WorkspaceMaxBytes,
		Packages:          p.Packages,
	}
	if p.Timeout != 0 {
		f.Timeout = p.Timeout.String()
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads the policy-file form strictly: an unknown key, a value
// of the wrong type or a malformed timeout is an error (a *PolicyError that
// names every such key). It does not Validate; ParsePolicy and LoadPolicy do.
func (p *Policy) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	tree, errs, err := jsonTree(data)
	if err != nil {
		return err
	}
	var np Policy
	decodeValue(reflect.ValueOf(&np).Elem(), tree, "", &errs)
	if len(errs) > 0 {
		sortFieldErrors(errs)
		return &PolicyError{Fields: errs}
	}
	*p = np
	return nil
}
