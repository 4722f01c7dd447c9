package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A session keeps the owner it was created with, across handles and
// processes (it is in its metadata), and reports it in Info and List.
func TestSessionOwner(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	mine := mustCreate(t, st, SessionConfig{Owner: "tok-0123456789abcdef01234567"})
	none := mustCreate(t, st, SessionConfig{})
	if mine.Owner() != "tok-0123456789abcdef01234567" || none.Owner() != "" {
		t.Errorf("owners %q and %q", mine.Owner(), none.Owner())
	}
	again, err := OpenSessionStore(st.Dir(), WithRuntimeDir(testHome))
	if err != nil {
		t.Fatal(err)
	}
	s, err := again.Open(mine.ID())
	if err != nil {
		t.Fatal(err)
	}
	if s.Owner() != mine.Owner() {
		t.Errorf("reopened: owner %q, want %q", s.Owner(), mine.Owner())
	}
	info, err := s.Info()
	if err != nil || info.Owner != mine.Owner() {
		t.Errorf("Info: owner %q (%v)", info.Owner, err)
	}
	list, err := again.List()
	if err != nil {
		t.Fatal(err)
	}
	owners := map[string]string{}
	for _, i := range list {
		owners[i.ID] = i.Owner
	}
	if owners[mine.ID()] != mine.Owner() || owners[none.ID()] != "" {
		t.Errorf("List owners: %v", owners)
	}
	if _, err := st.Create(context.Background(), SessionConfig{Owner: strings.Repeat("x", MaxSessionOwnerLen+1)}); !errors.Is(err, ErrSessionConflict) {
		t.Errorf("an owner over %d bytes: err = %v, want ErrSessionConflict", MaxSessionOwnerLen, err)
	}
}
