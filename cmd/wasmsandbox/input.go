package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wasmsandbox/sandbox"
)

// maxPolicyFileBytes bounds a policy file; real ones are a few hundred bytes.
const maxPolicyFileBytes = 1 << 20

// openRegular opens name for reading only if it is a regular file. It
// opens without blocking (see openNoBlock), so a named pipe cannot stall
// the command, and checks the opened file itself, so what is read is what
// was checked. what names the file in errors ("the program", "the policy
// file", ...), which are usage errors (exit 3).
//
// The errors wrap sentinel: sandbox.ErrInvalidPolicy for a policy file,
// sandbox.ErrFileAccess for the rest.
func openRegular(name, what string, sentinel error) (*os.File, int64, error) {
	f, err := openNoBlock(name)
	if err != nil {
		return nil, 0, usageErr{fmt.Errorf("%w: cannot read %s: %w", sentinel, what, err)}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, usageErr{fmt.Errorf("%w: cannot read %s: %w", sentinel, what, err)}
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, usageErr{fmt.Errorf("%w: cannot read %s: %s is %s, not a regular file (give a regular file, or - for standard input where the command takes it)", sentinel, what, name, kindOf(st.Mode()))}
	}
	return f, st.Size(), nil
}

// readRegular reads the regular file name, at most limit+1 bytes (so a
// caller can tell it is over limit); a file already larger than limit is
// refused without reading it, with tooLarge's error.
func readRegular(name, what string, limit int64, tooLarge func(size int64) error) ([]byte, error) {
	f, size, err := openRegular(name, what, sandbox.ErrFileAccess)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > limit {
		return nil, tooLarge(size)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, usageErr{fmt.Errorf("%w: cannot read %s: %w", sandbox.ErrFileAccess, what, err)}
	}
	return b, nil
}

// kindOf describes a file mode that is not a regular file.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// checkPolicyFile checks that a policy file is a regular file of at most
// maxPolicyFileBytes before sandbox.LoadPolicy reads it.
// A file that does not exist is a usage error that says so, not an invalid
// policy.
func checkPolicyFile(name string) error {
	f, size, err := openRegular(name, "the policy file", sandbox.ErrInvalidPolicy)
	if errors.Is(err, fs.ErrNotExist) {
		where := ""
		if !filepath.IsAbs(name) {
			if wd, werr := os.Getwd(); werr == nil {
				where = " (relative to " + wd + ")"
			}
		}
		return usageErr{fmt.Errorf("the policy file %s does not exist%s; check the path", name, where)}
	}
	if err != nil {
		return err
	}
	f.Close()
	if size > maxPolicyFileBytes {
		return usageErr{fmt.Errorf("%w: cannot read the policy file: %s is %d bytes, more than the %d a policy file may have; a policy only sets limits and mounts", sandbox.ErrInvalidPolicy, name, size, maxPolicyFileBytes)}
	}
	return nil
}

// readableInput reports whether the program's standard input should be
// read from r: a pipe, a file or any reader but an *os.File that is a
// terminal or another character device (/dev/null reads as nothing
// anyway).
func readableInput(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return r != nil
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice == 0
}

// readLimited reads r to the end, or to limit+1 bytes, whichever comes first.
func readLimited(r io.Reader, limit int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	return string(b), err
}

// readFileLimited reads the program file name, at most limit+1 bytes. Its
// errors are usage errors (exit 3): the file is missing, unreadable, not a
// regular file, or larger than limit (then it is not read at all).
func readFileLimited(name string, limit int64) (string, error) {
	b, err := readRegular(name, "the program", limit, func(size int64) error {
		return usageErr{fmt.Errorf("%w: the program %s is %d bytes, larger than max_code_bytes (%d bytes); send less code or raise the limit in the policy", sandbox.ErrCodeTooLarge, name, size, limit)}
	})
	return string(b), err
}
