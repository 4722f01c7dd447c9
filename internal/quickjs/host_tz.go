package quickjs

import (
	"io"
	"math"
	"os"
	"sync"
	"time"
	_ "time/tzdata" // the IANA database, for hosts without one

	"github.com/wasmsandbox/sandbox/internal/tzdata"
)

// zones caches the time zones guests asked for, by directory and name.
var zones sync.Map

// zone returns the IANA time zone called name, or nil when there is none
// by that name. It reads the TZif file of that name in dir (the pinned
// database internal/tzdata builds, the same on every machine); with no dir,
// Go's database (the host's, else the copy in the binary).
func zone(dir, name string) *time.Location {
	key := dir + "\x00" + name
	if v, ok := zones.Load(key); ok {
		loc, _ := v.(*time.Location)
		return loc
	}
	if name == "Local" || !tzdata.ValidName(name) {
		return nil
	}
	var loc *time.Location
	if dir == "" {
		loc, _ = time.LoadLocation(name)
	} else if data, err := readZone(dir, name); err == nil {
		loc, _ = time.LoadLocationFromTZData(name, data)
	}
	if loc == nil {
		// Misses are not remembered, so a guest cannot grow the cache:
		// it holds at most the IANA database's few hundred zones.
		return nil
	}
	zones.Store(key, loc)
	return loc
}

// readZone reads the TZif file of zone name under dir, through an os.Root
// and at most 1 MiB of it.
func readZone(dir, name string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 1<<20))
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
	loc := zone(r.h.Zones, name)
	if loc == nil || math.IsNaN(ms) || math.IsInf(ms, 0) {
		return r.undefined()
	}
	_, off := time.UnixMilli(int64(ms)).In(loc).Zone()
	return r.number(float64(off) / 60)
}
