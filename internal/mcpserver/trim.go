package mcpserver

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wasmsandbox/sandbox"
	"github.com/wasmsandbox/sandbox/internal/textfmt"
)

// Output sized for a model: a run that prints 200,000 lines would hand the
// model a megabyte of text, twice (as structured content and as text).
// execute_code therefore keeps the head and the tail of each stream, up to
// the server's output budget, with a line in between that says what was
// left out; in a session the full (capped) stream is saved to a workspace
// file and the line names it. The Go API and the CLI keep the full output.

// DefaultOutputBudget is how many bytes of each of stdout and stderr an
// execute_code result keeps by default.
const DefaultOutputBudget = 20_000

// outputDir is where, in a session's workspace, the full output of a
// trimmed run is saved.
const outputDir = ".output"

// trimOutput cuts res's stdout and stderr to the server's budget. With
// sess, a trimmed stream is saved whole to the session's workspace first.
func (s *server) trimOutput(ctx context.Context, res *sandbox.Result, sess *sandbox.Session) {
	budget := s.cfg.OutputBudget
	if res == nil || budget < 0 {
		return
	}
	if budget == 0 {
		budget = DefaultOutputBudget
	}
	for _, st := range []struct {
		name string
		text *string
	}{{"stdout", &res.Stdout}, {"stderr", &res.Stderr}} {
		if len(*st.text) <= budget {
			continue
		}
		saved := ""
		if sess != nil {
			file := outputDir + "/" + st.name + ".txt"
			if err := sess.WriteFile(ctx, file, []byte(*st.text)); err == nil {
				saved = sess.Policy().GuestWorkspace + "/" + file
			}
		}
		*st.text = headTail(*st.text, budget, saved)
	}
}

// headTail keeps about budget bytes of text: the first two fifths and the
// last three, cut at line ends where one is near, with a line between them
// that says how much was left out and, when saved is not empty, where the
// whole text is.
func headTail(text string, budget int, saved string) string {
	head := cutAt(text, budget*2/5, true)
	tail := cutAt(text, budget-len(head), false)
	gone := text[len(head) : len(text)-len(tail)]
	note := fmt.Sprintf("[... %s bytes in %s lines left out", textfmt.Digits(int64(len(gone))), textfmt.Digits(int64(strings.Count(gone, "\n"))))
	if saved != "" {
		note += "; the whole output is in " + saved
	}
	note += " ...]"
	return head + "\n" + note + "\n" + tail
}

// cutAt returns the first (fromStart) or last n bytes of text or a little
// less: up to a line end within the last (or first) fifth of them, and
// never in the middle of a UTF-8 character.
func cutAt(text string, n int, fromStart bool) string {
	if n <= 0 {
		return ""
	}
	if fromStart {
		s := text[:n]
		if i := strings.LastIndexByte(s, '\n'); i >= n*4/5 {
			return s[:i+1]
		}
		for len(s) > 0 && !utf8.ValidString(s[len(s)-min(len(s), utf8.UTFMax):]) {
			s = s[:len(s)-1]
		}
		return s
	}
	s := text[len(text)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 && i < n/5 {
		return s[i+1:]
	}
	for len(s) > 0 && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}
