package quickjs

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Persistence of globals (Host.PersistGlobals). The prelude does the work
// inside the guest (see prelude/persist.js); the Go side hands it the
// saved payload and the names of the script's top-level declarations
// before the code runs (restoreGlobals), asks it to save afterwards
// (saveGlobals; process.exit saves by itself), and receives the payload
// and a report in host.saveState, where the size limit is enforced and
// the notes are written to stderr.

// maxNotKept bounds Host.NotKept; maxStateReport bounds the report the
// prelude hands to host.saveState.
const (
	maxNotKept     = 1000
	maxStateReport = 4 << 20
)

// stateReport is what the prelude's save reports with the payload.
type stateReport struct {
	// Error says why nothing could be saved.
	Error string `json:"error"`
	// NotKept lists [name, reason] for the globals JSON would not give
	// back; MoreNotKept counts those left off the list.
	NotKept     [][2]string `json:"notKept"`
	MoreNotKept int         `json:"moreNotKept"`
	// Unrestored names saved globals that could not be restored.
	Unrestored []string `json:"unrestored"`
	// Over says that the kept globals took more than StateMax (in UTF-16
	// units of JSON, at most their UTF-8 bytes); the payload is then
	// undefined. Total is their size, Capped says it is a lower bound.
	Over    bool    `json:"over"`
	Total   int64   `json:"total"`
	Capped  bool    `json:"capped"`
	Largest []sized `json:"largest"`
	// Sized names the globals that could have been kept, when Over.
	Sized []string `json:"sized"`
}

// sized is [name, size, capped]: the size of one global's JSON, and
// whether encoding stopped at the limit.
type sized struct {
	name   string
	size   int64
	capped bool
}

func (s *sized) UnmarshalJSON(b []byte) error {
	var v []json.RawMessage
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if len(v) != 3 {
		return errors.New("bad size entry")
	}
	if err := json.Unmarshal(v[0], &s.name); err != nil {
		return err
	}
	if err := json.Unmarshal(v[1], &s.size); err != nil {
		return err
	}
	return json.Unmarshal(v[2], &s.capped)
}

// restoreGlobals starts the persistence before the user's code: the
// prelude records the built-in globals, restores the saved ones and keeps
// the names the script declares at its top level for saveGlobals.
func (r *run) restoreGlobals(code string, module bool) error {
	names := []string{}
	if !module {
		found, err := topLevelDeclarations(code)
		if err != nil {
			// Without the script's declarations the save would drop some
			// of its globals; keep the previous ones instead. The saved
			// globals are still restored for the script to use.
			r.note("globals not persisted (" + err.Error() + ", too deep to find its declarations); the previous ones are kept")
			r.stateDone = true
		}
		names = append(names, found...)
	}
	var state int32
	var err error
	if r.h.StateIn != nil {
		state, err = r.newString(string(r.h.StateIn))
	} else {
		state, err = r.undefined()
	}
	if err != nil {
		return err
	}
	namesBox, err := r.newString(mustJSON(names))
	if err != nil {
		return err
	}
	maxBox, err := r.number(float64(max(r.h.StateMax, 0)))
	if err != nil {
		return err
	}
	res, err := r.callFn(r.loopFns[loopPersistBegin], state, namesBox, maxBox)
	if err != nil {
		return err
	}
	if exc, err := r.isException(res); err != nil {
		return err
	} else if exc {
		r.note("saved globals could not be restored (" + r.exceptionLine() + "); starting without them")
	} else if err := r.freeValue(res); err != nil {
		return err
	}
	for _, b := range []int32{state, namesBox, maxBox} {
		if err := r.freeValue(b); err != nil {
			return err
		}
	}
	return nil
}

// saveGlobals asks the prelude to save the globals once the code and the
// event loop are done.
func (r *run) saveGlobals() error {
	if r.stateDone {
		return nil // saved already, or not to be saved (restoreGlobals)
	}
	res, err := r.callFn(r.loopFns[loopPersistSave])
	if err != nil {
		return err
	}
	if exc, err := r.isException(res); err != nil {
		return err
	} else if exc {
		if !r.stateDone {
			r.note("globals not persisted (" + r.exceptionLine() + "); the previous ones are kept")
		}
		return nil
	}
	return r.freeValue(res)
}

// exceptionLine takes the pending exception and returns it as one line.
func (r *run) exceptionLine() string {
	return r.describeException(func(_ int32, s string) string {
		s, _, _ = strings.Cut(s, "\n")
		return s
	})
}

// note writes a "wasmsandbox: ..." line to the guest's stderr.
func (r *run) note(msg string) { r.writeOut(2, "wasmsandbox: "+msg+"\n") }

// hostSaveState(payload, report) receives what the prelude's save
// collected: payload is the JSON text of the globals to keep, undefined
// when there is none; report is a stateReport as JSON.
func hostSaveState(r *run, args []int32) (int32, error) {
	h := r.h
	if !h.PersistGlobals || r.stateDone {
		return r.undefined()
	}
	r.stateDone = true
	var rep stateReport
	if err := r.readStateReport(arg(args, 1), &rep); err != nil {
		r.note("globals not persisted (" + err.Error() + "); the previous ones are kept")
		return r.undefined()
	}
	if rep.Error != "" {
		r.note("globals not persisted (" + rep.Error + "); the previous ones are kept")
		return r.undefined()
	}
	var notKept []string
	addNames := func(names ...string) {
		for _, n := range names {
			if len(notKept) < maxNotKept {
				notKept = append(notKept, n)
			}
		}
	}
	for _, e := range rep.NotKept {
		addNames(e[0])
	}
	addNames(rep.Unrestored...)

	var payload []byte
	if !rep.Over {
		box := arg(args, 0)
		isStr, err := r.i32("qjs_is_string", box)
		if err != nil {
			return 0, err
		}
		if box == 0 || isStr == 0 {
			r.note("globals not persisted (no payload); the previous ones are kept")
			return r.undefined()
		}
		s, err := r.str(box)
		if err != nil {
			return 0, err
		}
		payload = []byte(s)
		if h.StateMax > 0 && int64(len(payload)) > h.StateMax {
			// Within the limit in UTF-16 units, over it in UTF-8 bytes.
			rep.Over, rep.Total, rep.Capped = true, int64(len(payload)), false
			rep.Largest, rep.Sized = payloadSizes(payload)
		} else if !isObjectJSON(payload) {
			r.note("globals not persisted (the payload is not a JSON object); the previous ones are kept")
			return r.undefined()
		}
	}
	if rep.Over {
		var largest []string
		for _, e := range rep.Largest {
			largest = append(largest, fmt.Sprintf("%s (%s)", e.name, r.stateSize(e.size, e.capped)))
		}
		r.note(fmt.Sprintf("globals not persisted: they take %s, over the session's limit of %s; the previous ones are kept (largest: %s)",
			r.stateSize(rep.Total, rep.Capped), formatSize(h.StateMax), strings.Join(largest, ", ")))
		addNames(rep.Sized...)
		h.NotKept = notKept
		return r.undefined()
	}
	h.StateSaved, h.StateOut, h.NotKept = true, payload, notKept
	if len(rep.NotKept) > 0 {
		parts := make([]string, 0, len(rep.NotKept)+1)
		for _, e := range rep.NotKept {
			parts = append(parts, e[0]+" ("+e[1]+")")
		}
		if rep.MoreNotKept > 0 {
			parts = append(parts, fmt.Sprintf("and %d more", rep.MoreNotKept))
		}
		r.note("not persisted: " + strings.Join(parts, ", "))
	}
	return r.undefined()
}

// readStateReport decodes the report in box, refusing one too large to
// have come from the prelude.
func (r *run) readStateReport(box int32, rep *stateReport) error {
	isStr, err := r.i32("qjs_is_string", box)
	if err != nil {
		return err
	}
	if box == 0 || isStr == 0 {
		return errors.New("no report")
	}
	n, err := r.getProp(box, "length")
	if err != nil {
		return err
	}
	length, err := r.num(n)
	if ferr := r.freeValue(n); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if length > maxStateReport {
		return errors.New("report too large")
	}
	s, err := r.str(box)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(s), rep); err != nil {
		return fmt.Errorf("bad report: %v", err)
	}
	return nil
}

// stateSize formats a size from the report; capped sizes are lower bounds
// past the limit.
func (r *run) stateSize(n int64, capped bool) string {
	if capped {
		return "more than " + formatSize(r.h.StateMax)
	}
	return formatSize(n)
}

// payloadSizes returns the three largest globals in payload, largest first,
// and the names of all of them.
func payloadSizes(payload []byte) (largest []sized, names []string) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	var all []sized
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			break
		}
		all = append(all, sized{name: name, size: int64(len(raw))})
		names = append(names, name)
	}
	slices.SortStableFunc(all, func(a, b sized) int { return cmp.Compare(b.size, a.size) })
	return all[:min(3, len(all))], names
}

// isObjectJSON reports whether b is one valid JSON object.
func isObjectJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// formatSize renders n bytes like persist.py does: "512 bytes", "1.5 KiB".
func formatSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n) / 1024
	for _, unit := range []string{"KiB", "MiB"} {
		if f < 1024 {
			return fmt.Sprintf("%.1f %s", f, unit)
		}
		f /= 1024
	}
	return fmt.Sprintf("%.1f GiB", f)
}
