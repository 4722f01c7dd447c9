package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/textfmt"
)

// The subcommands that manage sessions as a whole: create, list, info, rm,
// reset and prune.

const sessionCreateAbout = `Creates a session and prints its ID. The policy (limits and mounts) applies to
every run in the session and is fixed now: from --policy FILE and the flags
below, defaults for the rest. --auto-persist-globals keeps the program's global
variables between runs (Python: what pickle can keep; the rest is named on stderr
and in the result's globals_not_persisted).`

func sessionCreate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("create", "[flags]", sessionCreateAbout)
	var ro runOptions
	var lang, id string
	var persist bool
	var wsMax, stateMax byteSizeFlag
	f.StringVar(&lang, "lang", "python", "session language `LANG`: python or javascript")
	f.BoolVar(&persist, "auto-persist-globals", false, "keep global variables between runs")
	f.StringVar(&id, "id", "", "session `ID` (letters, digits, - and _, at most 64; default: a new UUID)")
	f.StringVar(&ro.policyFile, "policy", "", "read limits and mounts from policy `FILE` (.toml or .json)")
	f.Var(&ro.fuel, "fuel", "fuel (instruction) budget `N` per run, e.g. 2G (policy fuel_budget)")
	f.Var(&ro.memory, "memory", "guest memory cap in `BYTES`, e.g. 64MiB (policy memory_bytes)")
	f.Var(&ro.timeout, "timeout", "wall-clock deadline `DUR` per run, e.g. 10s (policy timeout)")
	f.Var(&ro.mounts, "mount", "mount host directory HOST at guest path GUEST, read-only unless :rw\n(`HOST:GUEST[:rw]`; repeatable)")
	f.Var(&wsMax, "workspace-max", "cap on the workspace's total size in `BYTES`, e.g. 100MiB (policy workspace_max_bytes; default 1GiB)")
	f.Var(&stateMax, "state-max", "cap on the saved globals in `BYTES` (default 16MiB)")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	rt, err := sandbox.ParseRuntime(strings.ToLower(lang))
	if err != nil {
		return f.fail(stderr, "--lang: %v", err)
	}
	if id != "" {
		if err := sandbox.ValidateSessionID(id); err != nil {
			return f.fail(stderr, "--id: %v", err)
		}
	}
	p, err := buildPolicy(f.flagSet, &ro)
	if err == nil && f.isSet("workspace-max") {
		p.WorkspaceMaxBytes = int64(wsMax)
	}
	if err != nil {
		printError(stderr, f.cmd, err)
		return exitFor(err)
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	s, err := st.Create(ctx, sandbox.SessionConfig{ID: id, Runtime: rt, Policy: p, AutoPersistGlobals: persist, StateMaxBytes: int64(stateMax)})
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		info, err := s.Info()
		if err != nil {
			return f.report(stderr, err)
		}
		return printJSON(stdout, stderr, f.cmd, info)
	}
	fmt.Fprintln(stdout, s.ID())
	return exitOK
}

func sessionList(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("list", "[flags]", "Lists the sessions, most recently used first. A session whose metadata is\ndamaged is listed with the reason.")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	list, err := st.List()
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, struct {
			Sessions []sandbox.SessionInfo `json:"sessions"`
		}{list})
	}
	if len(list) == 0 {
		fmt.Fprintf(stderr, "%s: no sessions in %s\n", progName, st.Dir())
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRUNTIME\tLAST USED\tRUNS\tFILES\tGLOBALS")
	for _, in := range list {
		if in.Error != "" {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\tbroken: %s\n", in.ID, in.Error)
			continue
		}
		globals := "-"
		if in.AutoPersistGlobals {
			globals = formatBytes(in.StateBytes)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", in.ID, in.Runtime, formatAge(in.LastUsedAt), in.Executions, formatBytes(in.WorkspaceBytes), globals)
	}
	tw.Flush()
	return exitOK
}

func sessionInfo(args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("info", "ID [flags]", "Shows a session: runtime, policy, times, executions and sizes.")
	s, _, status, ok := f.parseOpen(args, stdout, stderr, 1)
	if !ok {
		return status
	}
	info, err := s.Info()
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, info)
	}
	p := info.Policy
	fmt.Fprintf(stdout, "session:      %s\n", info.ID)
	fmt.Fprintf(stdout, "runtime:      %s\n", info.Runtime)
	fmt.Fprintf(stdout, "created:      %s\n", info.CreatedAt.Local().Format(time.RFC3339))
	fmt.Fprintf(stdout, "last used:    %s (%s)\n", info.LastUsedAt.Local().Format(time.RFC3339), formatAge(info.LastUsedAt))
	fmt.Fprintf(stdout, "executions:   %d (fuel %s)\n", info.Executions, textfmt.Digits(int64(info.FuelUsed)))
	fmt.Fprintf(stdout, "workspace:    %s of %s at %s\n", formatBytes(info.WorkspaceBytes), formatBytes(info.WorkspaceMaxBytes), p.GuestWorkspace)
	if info.AutoPersistGlobals {
		fmt.Fprintf(stdout, "globals:      persisted, %s of %s\n", formatBytes(info.StateBytes), formatBytes(info.StateMaxBytes))
	} else {
		fmt.Fprintf(stdout, "globals:      not persisted\n")
	}
	fmt.Fprintf(stdout, "limits:       fuel %s, memory %s, timeout %s\n", textfmt.Digits(p.FuelBudget), formatBytes(p.MemoryBytes), p.Timeout)
	for _, m := range p.Mounts {
		mode := "ro"
		if m.Writable {
			mode = "rw"
		}
		fmt.Fprintf(stdout, "mount:        %s at %s (%s)\n", m.Host, m.Guest, mode)
	}
	return exitOK
}

func sessionRm(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("rm", "ID [flags]", "Deletes a session and everything in it, waiting for a run in it to finish.")
	pos, status, ok := f.parseArgs(args, stdout, stderr, 1, 1)
	if !ok {
		return status
	}
	id := pos[0]
	st, status, ok := f.storeFor(id, stderr)
	if !ok {
		return status
	}
	if err := st.Delete(ctx, id); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": id, "deleted": true})
	}
	fmt.Fprintf(stderr, "%s: deleted session %s\n", progName, id)
	return exitOK
}

func sessionReset(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("reset", "ID [flags]", "Empties a session's workspace and drops its saved globals; its ID, language\nand policy stay.")
	s, _, status, ok := f.parseOpen(args, stdout, stderr, 1)
	if !ok {
		return status
	}
	if err := s.Reset(ctx); err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, map[string]any{"session_id": s.ID(), "reset": true})
	}
	fmt.Fprintf(stderr, "%s: reset session %s\n", progName, s.ID())
	return exitOK
}

// ageFlag is a duration that also accepts days and weeks: "7d", "2w", "36h".
type ageFlag time.Duration

func (a *ageFlag) String() string { return time.Duration(*a).String() }
func (a *ageFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if num, ok := strings.CutSuffix(s, suffix); ok {
			n, err := strconv.ParseFloat(num, 64)
			if err != nil || n < 0 || n > 1e5 {
				return fmt.Errorf("%q is not a duration (write it like 7d, 36h or 90m)", s)
			}
			*a = ageFlag(time.Duration(n * float64(unit)))
			return nil
		}
	}
	var d durationFlag
	if err := d.Set(s); err != nil {
		return fmt.Errorf("%q is not a duration (write it like 7d, 36h or 90m)", s)
	}
	*a = ageFlag(d)
	return nil
}

func sessionPrune(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newSessionFlags("prune", "(--older-than DUR | --keep N) [flags]",
		"Deletes the sessions last used longer ago than --older-than, and all but the\n--keep most recently used. Sessions running code now are left alone.")
	var older ageFlag
	var keep int
	f.Var(&older, "older-than", "delete sessions unused for longer than `DUR`, e.g. 7d, 36h, 90m")
	f.IntVar(&keep, "keep", 0, "keep only the `N` most recently used sessions")
	_, status, ok := f.parseArgs(args, stdout, stderr, 0, 0)
	if !ok {
		return status
	}
	switch {
	case !f.isSet("older-than") && !f.isSet("keep"):
		return f.fail(stderr, "give --older-than DUR, --keep N or both")
	case f.isSet("older-than") && older <= 0:
		return f.fail(stderr, "--older-than must be longer than 0")
	case f.isSet("keep") && keep < 1:
		return f.fail(stderr, "--keep must be at least 1 (use 'session rm' to delete a session)")
	}
	st, status, ok := f.store(stderr)
	if !ok {
		return status
	}
	rep, err := st.Prune(ctx, sandbox.PruneOptions{OlderThan: time.Duration(older), MaxSessions: keep})
	if err != nil {
		return f.report(stderr, err)
	}
	if f.json {
		return printJSON(stdout, stderr, f.cmd, rep)
	}
	for _, d := range rep.Deleted {
		fmt.Fprintf(stdout, "%s\t%s\tlast used %s\n", d.ID, formatBytes(d.Bytes), formatAge(d.LastUsedAt))
	}
	fmt.Fprintf(stderr, "%s: pruned %d session(s), freed %s\n", progName, len(rep.Deleted), formatBytes(rep.BytesFreed))
	return exitOK
}
