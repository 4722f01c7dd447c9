package mcpserver

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/time/rate"
)

// Clients of the HTTP transport: who is calling (a bearer token, known by
// its hash), and what each may still do (rate and concurrency).

// MinTokenLen is the shortest bearer token accepted: tokens are secrets,
// and a short one can be guessed.
const MinTokenLen = 16

// maxTokens bounds how many tokens a server accepts, so that checking one
// (which compares it with every token, in constant time) stays cheap.
const maxTokens = 10000

// clientKey is the context key of the calling client's identity.
type clientKey struct{}

// withClient records that the call comes from the client id: the hash of
// its token, or "" for the anonymous client of a server without tokens.
func withClient(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, clientKey{}, id)
}

// clientOf returns the calling client's identity, and false when the call
// has none (the stdio transport: one client, the operator's own), in
// which case sessions are not checked for ownership.
func clientOf(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(clientKey{}).(string)
	return id, ok
}

// tokenID is a token's identity: a hash that names it in session metadata,
// logs and limits without revealing it.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "tok-" + hex.EncodeToString(sum[:12])
}

// tokenSet checks bearer tokens.
type tokenSet struct {
	// sums are the SHA-256 sums of the tokens; ids their tokenIDs.
	sums [][sha256.Size]byte
	ids  []string
}

// ErrBadToken is the error of a bearer token the server will not use.
var ErrBadToken = errors.New("bad bearer token")

// CheckTokens reports the first token that is too short or holds
// characters other than printable ASCII (the error wraps ErrBadToken, and
// names the token by its position, never by its value), or too many
// tokens.
func CheckTokens(tokens []string) error {
	if len(tokens) > maxTokens {
		return fmt.Errorf("%w: %d tokens is more than %d", ErrBadToken, len(tokens), maxTokens)
	}
	for i, t := range tokens {
		if err := checkToken(t); err != nil {
			return fmt.Errorf("%w: token %d: %v", ErrBadToken, i+1, err)
		}
	}
	return nil
}

func newTokenSet(tokens []string) (*tokenSet, error) {
	if err := CheckTokens(tokens); err != nil {
		return nil, err
	}
	ts := &tokenSet{}
	for _, t := range tokens {
		ts.sums = append(ts.sums, sha256.Sum256([]byte(t)))
		ts.ids = append(ts.ids, tokenID(t))
	}
	return ts, nil
}

// checkToken refuses tokens that are short or could not travel in an
// Authorization header.
func checkToken(t string) error {
	if len(t) < MinTokenLen {
		return fmt.Errorf("a token must be at least %d characters (use a random one: `openssl rand -hex 32`)", MinTokenLen)
	}
	for _, r := range t {
		if r <= ' ' || r > '~' {
			return errors.New("a token must be printable ASCII without spaces")
		}
	}
	return nil
}

// verify is the auth.TokenVerifier of the set: it compares token with
// every known token in constant time (hashing first, so the comparison
// takes the same time whatever the lengths), and names the client by the
// token's hash.
func (ts *tokenSet) verify(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
	sum := sha256.Sum256([]byte(token))
	match := -1
	for i := range ts.sums {
		if subtle.ConstantTimeCompare(sum[:], ts.sums[i][:]) == 1 {
			match = i
		}
	}
	if match < 0 {
		return nil, fmt.Errorf("%w: the bearer token is not one this server accepts", auth.ErrInvalidToken)
	}
	return &auth.TokenInfo{UserID: ts.ids[match]}, nil
}

// ReadTokens reads bearer tokens, one per line; blank lines and lines
// that start with # are skipped, and spaces around a token are dropped.
func ReadTokens(r io.Reader) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(io.LimitReader(r, 16<<20))
	for sc.Scan() {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		out = append(out, t)
	}
	return out, sc.Err()
}

// ParseTokens splits a comma-separated list of tokens (the form of
// $WASMSANDBOX_TOKENS), dropping empty items and spaces around tokens.
func ParseTokens(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// clientLimits holds each client's request-rate limiter and count of
// tool calls in flight.
type clientLimits struct {
	rate     rate.Limit
	burst    int
	maxCalls int

	mu      sync.Mutex
	clients map[string]*clientState
}

type clientState struct {
	lim      *rate.Limiter
	inflight int
	lastSeen time.Time
}

func newClientLimits(perSecond float64, burst, maxCalls int) *clientLimits {
	return &clientLimits{rate: rate.Limit(perSecond), burst: burst, maxCalls: maxCalls, clients: map[string]*clientState{}}
}

// state returns id's state, creating it; l.mu must be held.
func (l *clientLimits) state(id string) *clientState {
	c := l.clients[id]
	if c == nil {
		c = &clientState{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[id] = c
	}
	c.lastSeen = time.Now()
	return c
}

// allow takes one request from id's rate budget. When it is spent, it
// returns false and how long until the next request would be allowed.
func (l *clientLimits) allow(id string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.state(id)
	now := time.Now()
	r := c.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// begin counts one more tool call in flight for id; it returns false,
// counting nothing, when id already has maxCalls in flight.
func (l *clientLimits) begin(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.state(id)
	if c.inflight >= l.maxCalls {
		return false
	}
	c.inflight++
	return true
}

// end counts one tool call of id done.
func (l *clientLimits) end(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.clients[id]; c != nil && c.inflight > 0 {
		c.inflight--
	}
}

// forget drops the state of clients idle for longer than idle with no
// call in flight (their limiter has refilled by then anyway), so that the
// map does not grow with every client ever seen.
func (l *clientLimits) forget(idle time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, c := range l.clients {
		if c.inflight == 0 && time.Since(c.lastSeen) > idle {
			delete(l.clients, id)
		}
	}
}
