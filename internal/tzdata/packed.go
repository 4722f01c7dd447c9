// Package tzdata turns the pinned, compiled IANA time-zone database (see
// runtimes.TZData) into a directory of TZif files (RFC 8536), the form that
// Python's zoneinfo reads from /usr/share/zoneinfo. Every machine builds the
// same files from the same pinned data, whatever its own system zoneinfo.
package tzdata

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Period is a stretch of time with one UTC offset and abbreviation.
type Period struct {
	// Abbr is the abbreviation, e.g. "EST" or "+0530".
	Abbr string
	// Offset is the offset from UTC in seconds, east positive.
	Offset int32
}

// Zone is one time zone: Periods[i] lasts until Untils[i] (Unix seconds),
// and the last period never ends, so len(Untils) == len(Periods)-1.
type Zone struct {
	Name    string
	Periods []Period
	Untils  []int64
}

// Database is the decoded pinned data.
type Database struct {
	// Version is the tzdb release, e.g. "2026f".
	Version string
	Zones   []Zone
	// Links maps an alias to the zone it names, e.g. "US/Eastern" to
	// "America/New_York".
	Links map[string]string
}

// Limits on the pinned data. It is verified against a pinned hash before it
// is decoded, so these only turn a wrong pin into a clear error.
const (
	maxZones   = 4096
	maxPeriods = 8192
	maxNameLen = 64
)

// namePattern is what a zone name must look like to become a file path:
// at most three segments of letters, digits and _+-, none starting with a dot.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_+-][A-Za-z0-9_+.-]*(/[A-Za-z0-9_+-][A-Za-z0-9_+.-]*){0,2}$`)

// ErrData means the pinned data is not in the expected form.
var ErrData = errors.New("tzdata: malformed time-zone data")

// Decode reads moment-timezone's packed format: a JSON object whose
// "zones" are "name|abbrs|offsets|indices|untils|population" strings with
// numbers in base 60, and whose "links" are "target|alias" strings.
func Decode(data []byte) (*Database, error) {
	var raw struct {
		Version string   `json:"version"`
		Zones   []string `json:"zones"`
		Links   []string `json:"links"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrData, err)
	}
	if raw.Version == "" || len(raw.Zones) == 0 || len(raw.Zones)+len(raw.Links) > maxZones {
		return nil, fmt.Errorf("%w: version %q with %d zones and %d links", ErrData, raw.Version, len(raw.Zones), len(raw.Links))
	}
	db := &Database{Version: raw.Version, Links: map[string]string{}}
	names := map[string]bool{}
	for _, s := range raw.Zones {
		z, err := decodeZone(s)
		if err != nil {
			return nil, err
		}
		if names[z.Name] {
			return nil, fmt.Errorf("%w: zone %q appears twice", ErrData, z.Name)
		}
		names[z.Name] = true
		db.Zones = append(db.Zones, z)
	}
	for _, s := range raw.Links {
		target, alias, ok := strings.Cut(s, "|")
		if !ok || !names[target] || !ValidName(alias) {
			return nil, fmt.Errorf("%w: link %q", ErrData, s)
		}
		if names[alias] || db.Links[alias] != "" {
			return nil, fmt.Errorf("%w: link alias %q is already a zone or a link", ErrData, alias)
		}
		db.Links[alias] = target
	}
	return db, nil
}

// ValidName reports whether n can name a zone: at most three segments of
// letters, digits and "_+-." (none empty or starting with a dot), at most 64
// bytes. Every name in the pinned data is checked with it before it becomes
// a file path, and so is every name a guest asks for.
func ValidName(n string) bool {
	return len(n) <= maxNameLen && namePattern.MatchString(n) && !strings.Contains(n, "..")
}

func decodeZone(s string) (Zone, error) {
	f := strings.Split(s, "|")
	if len(f) != 6 || !ValidName(f[0]) {
		return Zone{}, fmt.Errorf("%w: zone entry %.40q", ErrData, s)
	}
	z := Zone{Name: f[0]}
	bad := func(what string, err error) (Zone, error) {
		return Zone{}, fmt.Errorf("%w: zone %s: %s: %v", ErrData, z.Name, what, err)
	}
	abbrs := strings.Fields(f[1])
	var offsets []float64
	for _, o := range strings.Fields(f[2]) {
		v, err := base60(o)
		if err != nil {
			return bad("offset", err)
		}
		offsets = append(offsets, v)
	}
	if len(abbrs) == 0 || len(abbrs) != len(offsets) {
		return bad("types", fmt.Errorf("%d abbreviations for %d offsets", len(abbrs), len(offsets)))
	}
	if len(f[3]) == 0 || len(f[3]) > maxPeriods {
		return bad("indices", fmt.Errorf("%d periods", len(f[3])))
	}
	for _, c := range []byte(f[3]) {
		i, ok := digit(c)
		if !ok || i >= len(abbrs) {
			return bad("indices", fmt.Errorf("index %q", c))
		}
		// moment counts minutes west of UTC; TZif counts seconds east.
		sec := -math.Round(offsets[i] * 60)
		if abbrs[i] == "" || len(abbrs[i]) > 16 || math.Abs(sec) > 26*3600 {
			return bad("type", fmt.Errorf("%q at %v minutes", abbrs[i], offsets[i]))
		}
		z.Periods = append(z.Periods, Period{Abbr: abbrs[i], Offset: int32(sec)})
	}
	// Untils: the first in minutes since the epoch, the rest differences.
	var acc float64
	for _, u := range strings.Fields(f[4]) {
		v, err := base60(u)
		if err != nil {
			return bad("until", err)
		}
		acc += v * 60
		t := int64(math.Round(acc))
		if n := len(z.Untils); n > 0 && t <= z.Untils[n-1] {
			return bad("until", fmt.Errorf("transition %d at %d is not after %d", n, t, z.Untils[n-1]))
		}
		z.Untils = append(z.Untils, t)
	}
	if len(z.Untils) != len(z.Periods)-1 {
		return bad("untils", fmt.Errorf("%d transitions for %d periods", len(z.Untils), len(z.Periods)))
	}
	if _, err := strconv.ParseFloat(f[5], 64); f[5] != "" && err != nil {
		return bad("population", err)
	}
	return z, nil
}

// digit decodes one base-60 digit: 0-9, then a-z, then A-X.
func digit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'X':
		return int(c-'A') + 36, true
	}
	return 0, false
}

// base60 decodes a signed base-60 number with an optional fraction.
func base60(s string) (float64, error) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" && frac == "" || len(s) > 16 {
		return 0, fmt.Errorf("number %q", s)
	}
	var v float64
	for _, c := range []byte(whole) {
		d, ok := digit(c)
		if !ok {
			return 0, fmt.Errorf("number %q", s)
		}
		v = v*60 + float64(d)
	}
	scale := 1.0
	for _, c := range []byte(frac) {
		d, ok := digit(c)
		if !ok {
			return 0, fmt.Errorf("number %q", s)
		}
		scale /= 60
		v += float64(d) * scale
	}
	if neg {
		v = -v
	}
	return v, nil
}
