// Package textfmt formats numbers for people, shared by the CLI and the
// MCP server's messages.
package textfmt

import (
	"strconv"
	"strings"
)

// Digits writes n with thousands separators: 5,000,000,000.
func Digits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
