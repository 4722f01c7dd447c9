package quickjs

import (
	"math"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the IANA database, for hosts without one
)

// zones caches the time zones guests asked for, by name.
var zones sync.Map

// maxZoneName bounds a zone name from the guest; IANA names are short.
const maxZoneName = 64

// zone returns the IANA time zone called name, or nil when there is none
// by that name. Go reads the host's database when it has one, else the
// copy in the binary (time/tzdata).
func zone(name string) *time.Location {
	if v, ok := zones.Load(name); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	var loc *time.Location
	if len(name) <= maxZoneName && name != "" && name != "Local" && !strings.Contains(name, "..") && !strings.HasPrefix(name, "/") {
		if l, err := time.LoadLocation(name); err == nil {
			loc = l
		}
	}
	if loc == nil {
		// Misses are not remembered, so a guest cannot grow the cache:
		// it holds at most the IANA database's few hundred zones.
		return nil
	}
	zones.Store(name, loc)
	return loc
}

// hostTZOffset(name, ms) returns the offset from UTC, in minutes, of time
// zone name at the instant ms (milliseconds since the epoch), or undefined
// when name is not an IANA time zone.
func hostTZOffset(r *run, args []int32) (int32, error) {
	name, err := r.argString(args, 0)
	if err != nil {
		return 0, err
	}
	ms, err := r.argNum(args, 1)
	if err != nil {
		return 0, err
	}
	loc := zone(name)
	if loc == nil || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return r.undefined()
	}
	_, off := time.UnixMilli(int64(ms)).In(loc).Zone()
	return r.number(float64(off) / 60)
}
