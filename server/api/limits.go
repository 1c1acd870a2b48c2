package api

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/station"
)

// RateLimit is a token bucket per client: Burst requests at once, then one more every Every.
// MaxClients caps how many clients are tracked at a time, so that a flood from many addresses cannot
// grow memory without bound. Unlimited turns the limit off.
type RateLimit struct {
	Burst      int
	Every      time.Duration
	MaxClients int
	Unlimited  bool
}

// DefaultAPILimit bounds every /api/v1 request per client address (IPv6: per /64): 300 at once, then
// 30 a second. A rider's app makes a few requests a minute; a carrier's NAT puts many riders behind
// one address, so the limit is set for dozens of them, and it still stops one bot from taking the
// server's whole capacity (about 20,000 nearest queries a second).
var DefaultAPILimit = RateLimit{Burst: 300, Every: time.Second / 30, MaxClients: 50000}

// DefaultReportLimit lets one client file 5 reports at once and then one a minute, and tracks at
// most 10,000 clients (a few megabytes).
var DefaultReportLimit = RateLimit{Burst: 5, Every: time.Minute, MaxClients: 10000}

// Login limits (ASVS 6.3.1, reliability.md §2.8) count failures, not sign-ins. Every well-formed
// attempt spends a token before the password is checked, so that parallel guesses cannot all pass
// before the first failure counts; a correct password gives its tokens back, so sign-ins never
// refuse a later one. A success does not reset the failures either: from one address an attacker
// could then sign in to an account of their own between guesses at others, and each time the owner
// signed in a guesser would get a fresh burst at that account.
var (
	// DefaultLoginLimit: 5 attempts at once per account name, then one a minute. It slows guessing
	// one account from many addresses; it is a delay, never a lockout, so an attacker can only hold
	// a real user back for as long as they keep sending.
	DefaultLoginLimit = RateLimit{Burst: 5, Every: time.Minute, MaxClients: 10000}
	// DefaultLoginAddressLimit: 20 attempts at once per client address (IPv6: per /64), then one
	// every 10 s. It slows trying many names from one place.
	DefaultLoginAddressLimit = RateLimit{Burst: 20, Every: 10 * time.Second, MaxClients: 10000}
)

func orDefault(l, d RateLimit) RateLimit {
	if l.Burst <= 0 {
		l.Burst = d.Burst
	}
	if l.Every <= 0 {
		l.Every = d.Every
	}
	if l.MaxClients <= 0 {
		l.MaxClients = d.MaxClients
	}
	return l
}

// limitClients spends one of the client's API tokens per /api/v1 request (found or not), or answers 429
// with Retry-After. Probes, metrics and the PWA's files are not limited.
func (s *server) limitClients(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/api/v1/") {
			return next(c)
		}
		if err := limited(c, s.apiLimiter, clientKey(clientAddr(c)), time.Now(), station.Msg("requests from this address")); err != nil {
			return err
		}
		return next(c)
	}
}

// limited spends a token of key's bucket in l, or answers 429 with Retry-After. A nil l limits nothing.
func limited(c echo.Context, l *clientLimiter, key limitKey, now time.Time, what station.Message) error {
	if l == nil {
		return nil
	}
	wait, ok := l.take(key, now)
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(secs))
	return station.Errorf(codeRateLimited, "", "too many %s; try again in %d seconds", what, secs)
}

// clientAddr is the client's address as the IP extractor gives it (the connection's peer until a
// trusted proxy is configured); the zero Addr when it does not parse.
func clientAddr(c echo.Context) netip.Addr {
	a, err := netip.ParseAddr(c.RealIP())
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// limitKey is whose bucket a request spends: a client network or an account name. It is a value
// (not a string built per request), so that looking a client up allocates nothing.
type limitKey struct {
	client  netip.Prefix
	account string
}

// clientKey is whose rate limit a request spends: an IPv4 address, or an IPv6 /64, because one IPv6
// subscriber usually holds a whole /64 and could otherwise take a fresh address for every request.
// Addresses that did not parse all share one key.
func clientKey(a netip.Addr) limitKey {
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return limitKey{client: p}
}

// accountKey is whose login limit an attempt spends: the name as the users table compares it (ASCII
// case folded), so that "Alice" and "alice" share a bucket. Names longer than any valid one are cut:
// they match no account, so sharing a bucket harms nobody, and memory stays bounded.
func accountKey(name string) limitKey {
	if len(name) > 4*auth.MaxUsernameLen {
		name = name[:4*auth.MaxUsernameLen]
	}
	b := []byte(name)
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			b[i] = ch + 'a' - 'A'
		}
	}
	return limitKey{account: string(b)}
}

// clientLimiter keeps a token bucket per client key in memory. Buckets that have filled up again
// carry no information and are dropped in a sweep at most once per time to fill a bucket. When
// MaxClients keys are tracked all the same, an arbitrary one is forgotten to make room: under a flood
// from that many addresses the limit loosens (a forgotten client starts with a full bucket) but never
// shuts out a newcomer, and memory stays bounded.
type clientLimiter struct {
	every   time.Duration
	burst   int
	max     int
	mu      sync.Mutex
	clients map[limitKey]*rate.Limiter
	swept   time.Time
}

// newClientLimiter returns nil (no limit) when l.Unlimited.
func newClientLimiter(l RateLimit) *clientLimiter {
	if l.Unlimited {
		return nil
	}
	l = orDefault(l, DefaultReportLimit)
	return &clientLimiter{every: l.Every, burst: l.Burst, max: l.MaxClients, clients: map[limitKey]*rate.Limiter{}}
}

// take spends one of key's tokens at now and reports true; when key has none left it spends nothing
// and returns how long until the next token.
func (l *clientLimiter) take(key limitKey, now time.Time) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.every*time.Duration(l.burst) {
		l.sweep(now)
	}
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= l.max {
			for k := range l.clients {
				delete(l.clients, k)
				break
			}
		}
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.clients[key] = b
	}
	if b.AllowN(now, 1) {
		return 0, true
	}
	// A refused request reserves nothing, so the tokens are in [0, 1).
	return time.Duration((1 - b.TokensAt(now)) * float64(l.every)), false
}

// giveBack returns the token take spent for key (a login that succeeded costs nothing). rate.Limiter
// has no refund; spending -1 tokens is one, and the limiter caps the bucket at its burst whenever it
// next counts the tokens. A nil l limits nothing.
func (l *clientLimiter) giveBack(key limitKey, now time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.clients[key]; b != nil {
		b.AllowN(now, -1)
	}
}

// sweep forgets every client whose bucket is full: a new bucket would be the same.
func (l *clientLimiter) sweep(now time.Time) {
	for k, b := range l.clients {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
	l.swept = now
}
