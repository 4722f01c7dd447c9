package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
)

// Policy files.
//
// Both formats are read the same way: the document is parsed into a generic
// tree (which catches syntax errors and, in JSON, duplicate keys), then the
// tree is walked against the Policy type, so that every unknown key, wrong
// type and malformed duration is collected with its full key path instead of
// stopping at the first. Signs and ranges are left to Validate, so that one
// place decides them for files and Go callers alike.

// LoadPolicy reads the policy file at path and validates it.
//
// A ".toml" file is read as TOML and a ".json" file as JSON; any other name
// is read as JSON when its first non-blank character is "{" and as TOML
// otherwise. Unknown keys, values of the wrong type and invalid values are
// errors that name the key; all of them are reported at once, as a
// *PolicyError. timeout is a Go duration string such as "30s" or "1m30s".
// A relative workspace or mount host path is taken relative to the
// directory that holds the file.
//
// Every error wraps ErrInvalidPolicy (and, for a file that cannot be read,
// the underlying error too).
func LoadPolicy(path string) (Policy, error) {
	format := ""
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".toml", ".json":
		format = ext[1:]
	case ".yaml", ".yml":
		return Policy{}, fmt.Errorf("policy file %s: %w: YAML is not supported (write the policy as .toml or .json)", path, ErrInvalidPolicy)
	}
	data, err := readPolicyFile(path)
	if err != nil {
		return Policy{}, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return Policy{}, fmt.Errorf("policy file %s: %w: %w", path, ErrInvalidPolicy, err)
	}
	p, err := parsePolicy(data, format, dir)
	if err != nil {
		return Policy{}, fmt.Errorf("policy file %s: %w", path, err)
	}
	return p, nil
}

// ParsePolicy parses and validates a policy document. format is "toml" or
// "json"; an empty format picks JSON when the first non-blank character is
// "{" and TOML otherwise. Relative host paths are left as they are (relative
// to the working directory). Errors are as for LoadPolicy.
func ParsePolicy(data []byte, format string) (Policy, error) {
	return parsePolicy(data, format, "")
}

// parsePolicy decodes data, resolves relative host paths against baseDir
// (when it is not empty) and validates the result.
func parsePolicy(data []byte, format, baseDir string) (Policy, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a byte-order mark some editors write
	format = strings.ToLower(strings.TrimPrefix(format, "."))
	if format == "" {
		format = sniffFormat(data)
	}
	var (
		tree map[string]any
		errs []FieldError
		err  error
	)
	switch format {
	case "toml":
		tree, err = tomlTree(data)
	case "json":
		tree, errs, err = jsonTree(data)
	default:
		return Policy{}, fmt.Errorf("%w: unknown policy format %q (use \"toml\" or \"json\")", ErrInvalidPolicy, format)
	}
	if err != nil {
		return Policy{}, err
	}
	var p Policy
	decodeValue(reflect.ValueOf(&p).Elem(), tree, "", &errs)

	if baseDir != "" {
		p.Workspace = resolveHost(baseDir, p.Workspace)
		for i := range p.Mounts {
			p.Mounts[i].Host = resolveHost(baseDir, p.Mounts[i].Host)
		}
	}

	// Validate what could be decoded, but do not report a second problem
	// with a value whose decoding already failed (it was left empty).
	var perr *PolicyError
	if err := p.Validate(); errors.As(err, &perr) {
		for _, fe := range perr.Fields {
			if !coveredBy(fe.Field, errs) {
				errs = append(errs, fe)
			}
		}
	}
	if len(errs) > 0 {
		sortFieldErrors(errs)
		return Policy{}, &PolicyError{Fields: errs}
	}
	return p, nil
}

// sniffFormat guesses the format of a policy document: a JSON policy is an
// object, and no TOML document starts with "{".
func sniffFormat(data []byte) string {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return "json"
	}
	return "toml"
}

// resolveHost makes a relative host path relative to dir.
func resolveHost(dir, h string) string {
	if h == "" || filepath.IsAbs(h) {
		return h
	}
	return filepath.Join(dir, h)
}

// coveredBy reports whether field is, or lies inside, a field of errs.
func coveredBy(field string, errs []FieldError) bool {
	for _, e := range errs {
		if field == e.Field || strings.HasPrefix(field, e.Field+".") || strings.HasPrefix(field, e.Field+"[") {
			return true
		}
	}
	return false
}

// sortFieldErrors orders errors by the Policy key they concern, in the order
// the keys are declared, unknown keys last; it keeps the order within a key.
func sortFieldErrors(errs []FieldError) {
	rank := func(field string) int {
		top, _, _ := strings.Cut(field, ".")
		top, _, _ = strings.Cut(top, "[")
		if i := slices.Index(policyKeys, top); i >= 0 && top != "" {
			return i
		}
		return len(policyKeys)
	}
	slices.SortStableFunc(errs, func(a, b FieldError) int { return rank(a.Field) - rank(b.Field) })
}

// maxPolicyFileBytes bounds a policy file; real ones are a few hundred bytes.
const maxPolicyFileBytes = 1 << 20

// readPolicyFile reads a policy file that must be a regular file of at most
// maxPolicyFileBytes (so /dev/zero or a FIFO cannot hold the caller up).
func readPolicyFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w: %w", ErrInvalidPolicy, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return nil, fmt.Errorf("read policy file: %w: %w", ErrInvalidPolicy, err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("policy file %s: %w: not a regular file (give a .toml or .json file)", path, ErrInvalidPolicy)
	case fi.Size() > maxPolicyFileBytes:
		return nil, fmt.Errorf("policy file %s: %w: %d bytes, more than %d", path, ErrInvalidPolicy, fi.Size(), maxPolicyFileBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPolicyFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w: %w", ErrInvalidPolicy, err)
	}
	if len(data) > maxPolicyFileBytes {
		return nil, fmt.Errorf("policy file %s: %w: more than %d bytes", path, ErrInvalidPolicy, maxPolicyFileBytes)
	}
	return data, nil
}
