package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// flagSet is a flag.FlagSet for one (sub)command, with the help text the
// command shows for --help and after a usage error.
type flagSet struct {
	*flag.FlagSet
	// cmd is the command as typed after the program name: "run",
	// "runtimes install".
	cmd string
	// synopsis is the argument summary after the command name.
	synopsis string
	// about describes the command, before the flags.
	about string
	// after follows the flags: exit statuses, examples.
	after string
}

// newFlagSet returns an empty flag set for cmd. Parse errors and help are
// reported by parse, never by the flag package itself.
func newFlagSet(cmd, synopsis, about string) *flagSet {
	fs := flag.NewFlagSet(progName+" "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: cmd, synopsis: synopsis, about: about}
}

// usage writes the command's help to w.
func (fs *flagSet) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  %s %s %s\n", progName, fs.cmd, fs.synopsis)
	if fs.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(fs.about, "\n"))
	}
	first := true
	fs.VisitAll(func(f *flag.Flag) {
		if first {
			fmt.Fprint(w, "\nFlags:\n")
			first = false
		}
		arg, text := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if len(f.Name) == 1 {
			name = "-" + f.Name
		}
		if arg != "" {
			name += " " + arg
		}
		fmt.Fprintf(w, "  %s\n", name)
		text = strings.ReplaceAll(text, "\n", "\n      ")
		switch f.DefValue {
		case "", "0", "false", "[]", "0s":
		default:
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "      %s\n", text)
	})
	if fs.after != "" {
		fmt.Fprintf(w, "\n%s", fs.after)
	}
}

// parse parses args, letting flags come before and after the positional
// arguments ("run script.py --json"); everything after "--" is positional.
// It returns the positional arguments and ok. When ok is false the command
// must return status: help was printed (exitOK) or a usage error was
// reported (exitUsage).
func (fs *flagSet) parse(args []string, stdout, stderr io.Writer) (pos []string, status int, ok bool) {
	all := args
	for {
		if err := fs.Parse(args); err != nil {
			fs.recordJSON(all, stdout, false)
			if errors.Is(err, flag.ErrHelp) {
				fs.usage(stdout)
				return nil, exitOK, false
			}
			return nil, fs.fail(stderr, "%s", fs.parseError(err)), false
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			fs.recordJSON(all, stdout, true)
			return append(pos, rest...), 0, true
		}
		if len(rest) == 0 {
			fs.recordJSON(all, stdout, true)
			return pos, 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// longFlagNames matches the flag names in the flag package's errors
// ("for flag -fuel", "not defined: -jsn"), to write the long ones as
// "--fuel", the way the help shows them.
var longFlagNames = regexp.MustCompile(`(flag |: )-([A-Za-z0-9][A-Za-z0-9_-]+)`)

// parseError rewrites an error of the flag package as a message that names
// the flag the way the help shows it and says what to give instead:
//
//	--max-concurrent: "abc" is not a number; give a whole number such as 4
//	--fuel needs a value: --fuel N
//	unknown flag --jsn
//
// It knows the flag package's error formats; any other error keeps its
// text, with the flag names written long.
func (fs *flagSet) parseError(err error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if m, ok := fs.valueError(rest, " for flag -"); ok {
			return m
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if m, ok := fs.valueError(rest, " for -"); ok {
			return m
		}
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		if f := fs.Lookup(name); f != nil {
			arg, _ := flag.UnquoteUsage(f)
			return fmt.Sprintf("%s needs a value: %s %s", flagName(name), flagName(name), arg)
		}
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return fmt.Sprintf("unknown flag %s", flagName(name))
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return fmt.Sprintf("bad flag syntax %q: write a flag as --name or --name=value", arg)
	}
	return longFlagNames.ReplaceAllString(msg, "$1--$2")
}

// valueError builds the message for a value the flag refused, from the
// rest of the flag package's error after "invalid value ": the quoted
// value, sep and the flag's name, ": " and the reason.
func (fs *flagSet) valueError(rest, sep string) (string, bool) {
	quoted, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", false
	}
	value, err := strconv.Unquote(quoted)
	if err != nil {
		return "", false
	}
	rest, ok := strings.CutPrefix(rest[len(quoted):], sep)
	if !ok {
		return "", false
	}
	name, reason, _ := strings.Cut(rest, ": ")
	f := fs.Lookup(name)
	if f == nil {
		return "", false
	}
	var get any
	if g, ok := f.Value.(flag.Getter); ok {
		get = g.Get()
	}
	switch get.(type) {
	case int, int64, uint, uint64:
		what := "is not a number"
		if reason == "value out of range" {
			what = "is out of range"
		} else if _, err := strconv.ParseFloat(value, 64); err == nil {
			what = "is not a whole number"
		}
		return fmt.Sprintf("%s: %q %s; give a whole number such as 4", flagName(name), value, what), true
	case bool:
		return fmt.Sprintf("%s: %q is not true or false; write %s alone for true, or %s=false", flagName(name), value, flagName(name), flagName(name)), true
	case float64:
		return fmt.Sprintf("%s: %q is not a number; give one such as 1.5", flagName(name), value), true
	case time.Duration:
		return fmt.Sprintf(`%s: %q is not a duration; write it like "30s", "1m30s" or "500ms"`, flagName(name), value), true
	}
	// Our own flag.Values say what they want; their errors name the value
	// (see byteSizeFlag, countFlag, durationFlag).
	if !strings.Contains(reason, quoted) {
		reason = quoted + ": " + reason
	}
	return fmt.Sprintf("%s: %s", flagName(name), reason), true
}

// flagName writes a flag's name the way the help shows it: "--fuel", "-c".
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// fail reports a usage error of the command and returns exitUsage.
func (fs *flagSet) fail(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "%s %s: %s\n", progName, fs.cmd, fmt.Sprintf(format, args...))
	fmt.Fprintf(stderr, "Run '%s %s --help' for usage.\n", progName, fs.cmd)
	return exitUsage
}

// isSet reports whether the flag called name was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// byteSizeFlag is a flag.Value holding a size in bytes, written as plain
// bytes or with a unit (see parseByteSize).
type byteSizeFlag int64

func (b *byteSizeFlag) String() string { return strconv.FormatInt(int64(*b), 10) }
func (b *byteSizeFlag) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSizeFlag(n)
	return nil
}

// countFlag is a flag.Value holding a non-negative count such as a fuel
// budget, written as an integer with optional "_" separators or with a
// decimal suffix: 1500000000, 1_500_000_000, 1500M, 1.5G.
type countFlag int64

func (c *countFlag) String() string { return strconv.FormatInt(int64(*c), 10) }
func (c *countFlag) Set(s string) error {
	n, err := parseCount(s)
	if err != nil {
		return err
	}
	*c = countFlag(n)
	return nil
}

// durationFlag is a flag.Value holding a non-negative duration: a Go
// duration ("30s", "1m30s", "500ms") or a plain number of seconds ("5").
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }
func (d *durationFlag) Set(s string) error {
	s = strings.TrimSpace(s)
	v, err := time.ParseDuration(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf(`%q is not a duration; write it like "30s", "1m30s" or "500ms"`, s)
		}
		if f*float64(time.Second) > math.MaxInt64 {
			return fmt.Errorf("%q is too long a duration; give at most %s", s, time.Duration(math.MaxInt64))
		}
		v = time.Duration(f * float64(time.Second))
	}
	if v < 0 {
		return fmt.Errorf("%q is negative; give a duration of 0 or more, such as 30s", s)
	}
	*d = durationFlag(v)
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// sizeUnits maps the unit suffixes parseByteSize accepts, in lower case, to
// their multipliers: SI units are powers of 1000, IEC units powers of 1024.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1e6, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1e9, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1e12, "ti": 1 << 40, "tib": 1 << 40,
}

// parseByteSize parses a size in bytes: a plain integer ("134217728",
// "134_217_728") or a number with a unit, case-insensitive, optionally
// separated by a space: "64MiB", "64Mi", "512MB", "512M", "1GiB", "1.5GiB".
// KiB/MiB/GiB/TiB (or Ki/Mi/Gi/Ti) are powers of 1024; kB/MB/GB/TB (or
// k/M/G/T) are powers of 1000. The result must be a whole, non-negative
// number of bytes.
func parseByteSize(s string) (int64, error) {
	num, unit := splitNumber(s)
	mult, ok := sizeUnits[strings.ToLower(strings.TrimSpace(unit))]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a size (write bytes, or a number with a unit: 64MiB, 512MB, 1GiB)", s)
	}
	n, err := scale(num, mult)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	return n, nil
}

// countUnits maps the suffixes parseCount accepts to their multipliers.
var countUnits = map[string]int64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}

// parseCount parses a non-negative count: an integer with optional "_"
// separators, or a number with a decimal suffix K, M, G or T
// (case-insensitive): "1500000000", "1_500_000_000", "1500M", "1.5G".
func parseCount(s string) (int64, error) {
	num, unit := splitNumber(s)
	mult, ok := countUnits[strings.ToLower(strings.TrimSpace(unit))]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a count (write a whole number such as 1500000000, 1_500_000_000 or 1500M)", s)
	}
	n, err := scale(num, mult)
	if err != nil {
		return 0, fmt.Errorf("%q: %v", s, err)
	}
	return n, nil
}

// splitNumber splits s into a leading number (digits, "_" and one ".") and
// the rest. A leading sign stays in the rest, so it is rejected as a unit.
func splitNumber(s string) (num, rest string) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '_' || s[i] == '.') {
		i++
	}
	return s[:i], s[i:]
}

// scale returns num * mult exactly, where num is a decimal number with
// optional "_" separators and fraction; the product must be a whole number
// that fits in an int64.
func scale(num string, mult int64) (int64, error) {
	num = strings.ReplaceAll(num, "_", "")
	whole, frac, hasFrac := strings.Cut(num, ".")
	if whole == "" && frac == "" || strings.Contains(frac, ".") {
		return 0, errors.New("malformed number")
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errors.New("number too large")
	}
	if w > math.MaxInt64/mult {
		return 0, errors.New("number too large")
	}
	n := w * mult
	if hasFrac && frac != "" {
		// n += 0.frac * mult, which must come out whole.
		frac = strings.TrimRight(frac, "0")
		if len(frac) > 18 {
			return 0, errors.New("too many decimal places")
		}
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil && frac != "" {
			return 0, errors.New("malformed number")
		}
		den := int64(math.Pow10(len(frac)))
		// f/den * mult; f < den <= 1e18 and mult <= 2^40, so use
		// division first where exact.
		if f != 0 {
			g := gcd(mult, den)
			m, d := mult/g, den/g
			if f%d != 0 {
				return 0, errors.New("is not a whole number")
			}
			add := f / d
			if add > math.MaxInt64/m || n > math.MaxInt64-add*m {
				return 0, errors.New("number too large")
			}
			n += add * m
		}
	}
	return n, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
