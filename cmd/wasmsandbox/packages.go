package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/wasmsandbox/sandbox/internal/packages"
	"github.com/wasmsandbox/sandbox/internal/runtimes"
)

func init() {
	register(&command{
		name:    "packages",
		summary: "install, list and remove the packages executions may import (npm packages, pure-Python wheels)",
		run:     withJSONErrors(packagesCmd),
	})
}

const packagesUsage = `Usage:
  wasmsandbox packages add --lang javascript|python [--set NAME] [--home DIR] SPEC...
  wasmsandbox packages list [--lang L] [--set NAME] [--home DIR] [--json]
  wasmsandbox packages rm --lang L [--set NAME] [--home DIR] (NAME... | --all)

Subcommands:
  add    install packages into a set (JavaScript with npm; Python from wheels or pip)
  list   show the sets and the packages in them
  rm     remove packages from a set, or the whole set

A policy names the sets an execution may import from: packages = ["default"].
Run 'wasmsandbox packages SUBCOMMAND --help' for its flags.
`

// packagesCmd implements `wasmsandbox packages`.
func packagesCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runSubcommand("packages", packagesUsage, map[string]subcommand{
		"add":  func(args []string) int { return packagesAdd(ctx, args, stdout, stderr) },
		"list": func(args []string) int { return packagesList(args, stdout, stderr) },
		"rm":   func(args []string) int { return packagesRm(ctx, args, stdout, stderr) },
	}, args, stdout, stderr)
}

// setFlags adds --lang, --set and --home to fs.
func setFlags(fs *flagSet, lang, set, home *string) {
	fs.StringVar(lang, "lang", "", "the set's language: `javascript` or python")
	fs.StringVar(set, "set", packages.DefaultSet, "the package set's `NAME`")
	homeFlag(fs, home)
}

// exitForPackages maps an error of internal/packages to an exit status.
func exitForPackages(ctx context.Context, err error) int {
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case errors.Is(err, packages.ErrRefused), errors.Is(err, packages.ErrNoSet):
		return exitUsage
	}
	return exitInternal
}

// packagesAdd implements `wasmsandbox packages add`.
func packagesAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var langName, set, home string
	var noCompile bool
	fs := newFlagSet("packages add", "--lang javascript|python [--set NAME] [--home DIR] SPEC...",
		`Installs packages into a package set under the home directory; executions
whose policy names the set (packages = ["NAME"]) can import them, read-only.

JavaScript: each SPEC is NAME or NAME@VERSION; the host's npm client installs
them and their dependencies (install scripts are not run) and keeps a lock file.

Python: each SPEC is a pure-Python wheel file (NAME-VERSION-py3-none-any.whl),
unpacked by wasmsandbox itself, or a requirement (NAME, NAME==VERSION) that the
host's pip downloads as pure-Python wheels with their dependencies
(pip download --only-binary=:all: --platform any --python-version 3.12
--implementation py). A wheel with compiled code is refused. The modules are
then compiled to bytecode once (by the host's python3.12 when its bytecode
matches the guest's, else by the sandbox's own CPython), so that imports are
fast.`)
	fs.after = exitStatusHelp
	setFlags(fs, &langName, &set, &home)
	fs.BoolVar(&noCompile, "no-compile", false, "Python: skip compiling the modules to bytecode")
	specs, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	lang, status, ok := langAndSet(fs, stderr, langName, set)
	if !ok {
		return status
	}
	if len(specs) == 0 {
		return fs.fail(stderr, "name at least one package")
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "packages add", err)
		return exitInternal
	}
	if lang == packages.JavaScript {
		fmt.Fprintf(stderr, "%s: installing %s into the javascript set %q with npm...\n", progName, strings.Join(specs, " "), set)
		if err := packages.AddJS(ctx, dir, set, specs, stderr); err != nil {
			printError(stderr, "packages add", err)
			return exitForPackages(ctx, err)
		}
	} else if code := addPython(ctx, dir, set, specs, !noCompile, stderr); code != exitOK {
		return code
	}
	return listSet(dir, lang, set, stdout, stderr)
}

// addPython installs wheel files and pip requirements into a Python set.
func addPython(ctx context.Context, home, set string, specs []string, compile bool, stderr io.Writer) int {
	var wheels, reqs []string
	for _, s := range specs {
		if strings.HasSuffix(s, ".whl") {
			if _, err := os.Stat(s); err != nil {
				printError(stderr, "packages add", fmt.Errorf("%w: wheel file %s: %v", packages.ErrRefused, s, err))
				return exitUsage
			}
			wheels = append(wheels, s)
			continue
		}
		reqs = append(reqs, s)
	}
	if len(reqs) > 0 {
		tmp, err := os.MkdirTemp("", "wasmsandbox-pip-")
		if err != nil {
			printError(stderr, "packages add", err)
			return exitInternal
		}
		defer os.RemoveAll(tmp)
		fmt.Fprintf(stderr, "%s: downloading pure-Python wheels for %s with pip...\n", progName, strings.Join(reqs, " "))
		got, err := packages.PipDownload(ctx, reqs, tmp, stderr)
		if err != nil {
			printError(stderr, "packages add", err)
			return exitForPackages(ctx, err)
		}
		wheels = append(wheels, got...)
	}
	installed, err := packages.AddWheels(ctx, home, set, wheels)
	if err != nil {
		printError(stderr, "packages add", err)
		return exitForPackages(ctx, err)
	}
	for _, w := range installed {
		fmt.Fprintf(stderr, "%s: unpacked %s %s (%s) into the python set %q\n", progName, w.Dist, w.Version, w.Tag, set)
	}
	if compile {
		fmt.Fprintf(stderr, "%s: compiling the set's modules to bytecode...\n", progName)
		if err := compilePython(ctx, home, set, stderr); err != nil {
			printError(stderr, "packages add", fmt.Errorf("compiling to bytecode (the packages are installed and work, but import more slowly): %w", err))
			return exitInternal
		}
	}
	return exitOK
}

// packagesList implements `wasmsandbox packages list`.
func packagesList(args []string, stdout, stderr io.Writer) int {
	var langName, set, home string
	var asJSON bool
	fs := newFlagSet("packages list", "[--lang L] [--set NAME] [--home DIR] [--json]",
		`Lists the package sets and their packages (every set of every language
unless --lang or --set narrows it).`)
	fs.after = exitStatusHelp
	setFlags(fs, &langName, &set, &home)
	fs.BoolVar(&asJSON, "json", false, "print one JSON object {home, sets: [...]} on stdout")
	pos, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return fs.fail(stderr, "unexpected argument %q", pos[0])
	}
	langs := []packages.Lang{packages.JavaScript, packages.Python}
	if langName != "" {
		l, err := packages.ParseLang(langName)
		if err != nil {
			return fs.fail(stderr, "%v", err)
		}
		langs = []packages.Lang{l}
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "packages list", err)
		return exitInternal
	}
	type setJSON struct {
		Lang     packages.Lang      `json:"lang"`
		Name     string             `json:"name"`
		Dir      string             `json:"dir"`
		Packages []packages.Package `json:"packages"`
	}
	out := []setJSON{}
	for _, l := range langs {
		names, err := packages.Sets(dir, l)
		if err != nil {
			printError(stderr, "packages list", err)
			return exitInternal
		}
		for _, n := range names {
			if fs.isSet("set") && n != set {
				continue
			}
			pkgs, err := packages.List(dir, l, n)
			if err != nil {
				printError(stderr, "packages list", err)
				return exitInternal
			}
			out = append(out, setJSON{Lang: l, Name: n, Dir: packages.Dir(dir, l, n), Packages: pkgs})
		}
	}
	if asJSON {
		b, _ := json.MarshalIndent(map[string]any{"home": dir, "sets": out}, "", "  ")
		stdout.Write(append(b, '\n'))
		return exitOK
	}
	if len(out) == 0 {
		fmt.Fprintf(stdout, "no package sets under %s (add one with `wasmsandbox packages add --lang javascript|python NAME...`)\n", dir)
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LANG\tSET\tPACKAGE\tVERSION\tNOTE")
	for _, s := range out {
		for _, p := range s.Packages {
			note := p.Note
			if s.Lang == packages.JavaScript && !p.Direct {
				note = strings.TrimPrefix(note+"; dependency", "; ")
			}
			if len(p.Modules) > 0 {
				note = strings.TrimPrefix(note+"; import "+strings.Join(p.Modules, ", "), "; ")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Lang, s.Name, p.Name, p.Version, note)
		}
	}
	tw.Flush()
	return exitOK
}

// listSet prints the packages of one set after a change.
func listSet(home string, lang packages.Lang, set string, stdout, stderr io.Writer) int {
	pkgs, err := packages.List(home, lang, set)
	if err != nil {
		printError(stderr, "packages", err)
		return exitInternal
	}
	for _, p := range pkgs {
		if lang == packages.JavaScript && !p.Direct {
			continue
		}
		line := fmt.Sprintf("%s\t%s\t%s\t%s", lang, set, p.Name, p.Version)
		if p.Note != "" {
			line += "\t(" + p.Note + ")"
		}
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}

// packagesRm implements `wasmsandbox packages rm`.
// langAndSet checks the --lang and --set of add and rm: a usage error when
// either is missing or malformed.
func langAndSet(fs *flagSet, stderr io.Writer, langName, set string) (packages.Lang, int, bool) {
	if langName == "" {
		return "", fs.fail(stderr, "--lang is required (javascript or python)"), false
	}
	lang, err := packages.ParseLang(langName)
	if err != nil {
		return "", fs.fail(stderr, "%v", err), false
	}
	if r := packages.CheckSetName(set); r != "" {
		return "", fs.fail(stderr, "--set %q %s", set, r), false
	}
	return lang, 0, true
}

func packagesRm(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var langName, set, home string
	var all bool
	fs := newFlagSet("packages rm", "--lang L [--set NAME] [--home DIR] (NAME... | --all)",
		`Removes packages from a set (JavaScript with npm uninstall; Python by the files
each distribution's RECORD lists), or with --all the whole set.`)
	fs.after = exitStatusHelp
	setFlags(fs, &langName, &set, &home)
	fs.BoolVar(&all, "all", false, "remove the whole set")
	names, status, ok := fs.parse(args, stdout, stderr)
	if !ok {
		return status
	}
	lang, status, ok := langAndSet(fs, stderr, langName, set)
	if !ok {
		return status
	}
	if all == (len(names) > 0) {
		return fs.fail(stderr, "name the packages to remove, or give --all to remove the whole set")
	}
	dir, err := runtimes.Home(home)
	if err != nil {
		printError(stderr, "packages rm", err)
		return exitInternal
	}
	switch {
	case all:
		err = packages.RemoveSet(ctx, dir, lang, set)
	case lang == packages.JavaScript:
		err = packages.RemoveJS(ctx, dir, set, names, stderr)
	default:
		err = packages.RemovePython(ctx, dir, set, names)
	}
	if err != nil {
		printError(stderr, "packages rm", err)
		return exitForPackages(ctx, err)
	}
	if all {
		fmt.Fprintf(stdout, "removed the %s set %q\n", lang, set)
		return exitOK
	}
	return listSet(dir, lang, set, stdout, stderr)
}
