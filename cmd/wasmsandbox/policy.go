package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/wasmsandbox/sandbox"
)

func init() {
	register(&command{
		name:    "policy",
		summary: "check a policy file, or print the policy JSON Schema",
		run:     withJSONErrors(policyCmd),
	})
	register(&command{
		name:    "result",
		summary: "print the JSON Schema of a run's result (run --json)",
		run:     resultCmd,
	})
}

const policyUsage = `Usage:
  wasmsandbox policy check [--json] FILE
  wasmsandbox policy schema

Subcommands:
  check    validate a policy file (.toml or .json) and print the effective policy,
           defaults filled in; exit 3 naming every bad key when it is invalid
  schema   print the JSON Schema of a policy

Run 'wasmsandbox policy SUBCOMMAND --help' for its flags.
`

// policyCmd implements `wasmsandbox policy`.
func policyCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSubcommand("policy", policyUsage, map[string]subcommand{
		"check": func(args []string) int { return policyCheck(args, stdout, stderr) },
		"schema": func(args []string) int {
			return printSchema("policy schema", args, sandbox.PolicySchema, stdout, stderr)
		},
	}, args, stdout, stderr)
}

// policyCheck implements `wasmsandbox policy check`.
func policyCheck(args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	fs := newFlagSet("policy check", "[--json] FILE",
		`Reads the policy file (TOML, or JSON for .json files and files starting with "{"),
and validates it: unknown keys, values of the wrong type or sign, guest paths
that are not absolute or overlap, host directories that do not exist, and so on.
All problems are reported at once, one per line, and the exit status is 3.

A valid policy prints "policy OK" and the effective policy (every default filled
in; env and argv are left out when they take the runtime's defaults) as TOML,
or with --json only the effective policy as one JSON object.`)
	fs.after = exitStatusHelp + `
Examples:
  wasmsandbox policy check policy.toml
  wasmsandbox policy check --json policy.json
`
	fs.BoolVar(&asJSON, "json", false, "print only the effective policy, as one JSON object")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	switch {
	case len(pos) == 0:
		return fs.fail(stderr, "missing policy FILE")
	case len(pos) > 1:
		return fs.fail(stderr, "unexpected argument %q (check one FILE at a time)", pos[1])
	}
	if err := checkPolicyFile(pos[0]); err != nil {
		printError(stderr, "policy check", err)
		return exitUsage
	}
	p, err := sandbox.LoadPolicy(pos[0])
	if err != nil {
		printError(stderr, "policy check", err)
		return exitUsage
	}
	p = p.WithDefaults()
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		printError(stderr, "policy check", err)
		return exitInternal
	}
	if asJSON {
		stdout.Write(append(b, '\n'))
		return exitOK
	}
	t, err := policyTOML(b)
	if err != nil {
		printError(stderr, "policy check", err)
		return exitInternal
	}
	fmt.Fprintf(stdout, "policy OK: %s\n\n# Effective policy (defaults filled in).\n", pos[0])
	if p.Env == nil || p.Argv == nil {
		fmt.Fprintln(stdout, "# env and argv are absent: they take the runtime's defaults.")
	}
	stdout.Write(t)
	return exitOK
}

// policyTOML converts a policy in its JSON form to TOML.
func policyTOML(policyJSON []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(policyJSON))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := toml.NewEncoder(&buf)
	enc.SetIndentTables(true)
	if err := enc.Encode(numbersToInts(tree)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// numbersToInts replaces the json.Numbers in a decoded JSON tree by int64s
// (or float64s), so that TOML writes them as numbers, not strings.
func numbersToInts(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = numbersToInts(e)
		}
	case []any:
		for i, e := range v {
			v[i] = numbersToInts(e)
		}
	}
	return v
}

// resultCmd implements `wasmsandbox result`.
func resultCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const usage = `Usage:
  wasmsandbox result schema

Subcommands:
  schema   print the JSON Schema of the Result object that 'run --json' prints
`
	return runSubcommand("result", usage, map[string]subcommand{
		"schema": func(args []string) int {
			return printSchema("result schema", args, sandbox.ResultSchema, stdout, stderr)
		},
	}, args, stdout, stderr)
}

// printSchema implements the `schema` subcommands: it prints what schema
// returns.
func printSchema(cmd string, args []string, schema func() ([]byte, error), stdout, stderr io.Writer) int {
	what, _, _ := strings.Cut(cmd, " ")
	fs := newFlagSet(cmd, "", "Prints the JSON Schema (draft 2020-12) of a "+what+".")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q", pos[0])
	}
	b, err := schema()
	if err != nil {
		printError(stderr, cmd, err)
		return exitInternal
	}
	stdout.Write(b)
	return exitOK
}
