package tzdata

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// ttype is one TZif local time type.
type ttype struct {
	offset int32
	isDST  bool
	abbr   string
}

// TZif encodes z as a version 2 TZif file (RFC 8536). The version 1 data
// block is the minimal one (no transitions, the first type only), which is
// what readers of version 2 and later skip; the version 2 block holds every
// transition with 64-bit times. The footer is empty: the data already runs
// to 2499, and after the last transition the last type holds.
//
// The packed data has no DST flags, so a period counts as daylight time
// when its offset is above those of the periods on both sides of it (a
// summer between two winters). Zone changes of standard offset are steps,
// not peaks, and stay standard.
func TZif(z Zone) ([]byte, error) {
	var (
		types   []ttype
		typeIdx = map[ttype]int{}
		abbrIdx = map[string]int{}
		chars   []byte
		idx     = make([]byte, len(z.Periods))
	)
	for i, p := range z.Periods {
		t := ttype{offset: p.Offset, abbr: p.Abbr}
		if i > 0 && i+1 < len(z.Periods) {
			prev, next := z.Periods[i-1].Offset, z.Periods[i+1].Offset
			t.isDST = p.Offset > prev && p.Offset > next
		}
		n, ok := typeIdx[t]
		if !ok {
			n = len(types)
			typeIdx[t] = n
			types = append(types, t)
			if _, ok := abbrIdx[t.abbr]; !ok {
				abbrIdx[t.abbr] = len(chars)
				chars = append(append(chars, t.abbr...), 0)
			}
		}
		if len(types) > 256 || len(chars) > 256 {
			return nil, fmt.Errorf("%w: zone %s has more local time types or abbreviation bytes than TZif can index", ErrData, z.Name)
		}
		idx[i] = byte(n)
	}

	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	header := func(timecnt, typecnt, charcnt int) {
		b.WriteString("TZif2")
		b.Write(make([]byte, 15))
		// isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} {
			w(uint32(n))
		}
	}
	ttinfo := func(t ttype, abbr int) {
		w(t.offset)
		if t.isDST {
			b.WriteByte(1)
		} else {
			b.WriteByte(0)
		}
		b.WriteByte(byte(abbr))
	}

	// Version 1: the first type only.
	first := types[0]
	header(0, 1, len(first.abbr)+1)
	ttinfo(first, 0)
	b.WriteString(first.abbr)
	b.WriteByte(0)

	// Version 2: everything. Period i+1 starts at Untils[i].
	header(len(z.Untils), len(types), len(chars))
	for _, t := range z.Untils {
		w(t)
	}
	b.Write(idx[1:])
	for _, t := range types {
		ttinfo(t, abbrIdx[t.abbr])
	}
	b.Write(chars)
	// The footer: an empty TZ string between two newlines.
	b.WriteString("\n\n")
	return b.Bytes(), nil
}
