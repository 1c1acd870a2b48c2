package api

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

var t0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

// A client gets Burst requests at once, then one per Every; refused requests spend nothing.
func TestClientLimiterBurstThenRefill(t *testing.T) {
	l := newClientLimiter(RateLimit{Burst: 3, Every: time.Minute, MaxClients: 10})
	for i := 0; i < 3; i++ {
		if _, ok := l.take(key("a"), t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	for i := 0; i < 5; i++ { // refusals must not push the next token further away
		wait, ok := l.take(key("a"), t0.Add(10*time.Second))
		if ok || !near(wait, 50*time.Second) {
			t.Fatalf("over the burst: ok %v, wait %v; want refused, 50s", ok, wait)
		}
	}
	if _, ok := l.take(key("a"), t0.Add(time.Minute)); !ok {
		t.Fatal("no token after one interval")
	}
	if wait, ok := l.take(key("a"), t0.Add(time.Minute)); ok || !near(wait, time.Minute) {
		t.Fatalf("second request after one interval: ok %v, wait %v", ok, wait)
	}
}

func key(name string) limitKey { return limitKey{account: name} }

// near allows for rounding in the limiter's float arithmetic.
func near(got, want time.Duration) bool {
	return got > want-time.Millisecond && got < want+time.Millisecond
}

// Each client has its own bucket.
func TestClientLimiterPerClient(t *testing.T) {
	l := newClientLimiter(RateLimit{Burst: 1, Every: time.Hour, MaxClients: 10})
	if _, ok := l.take(key("a"), t0); !ok {
		t.Fatal("a refused")
	}
	if _, ok := l.take(key("a"), t0); ok {
		t.Fatal("a allowed twice")
	}
	if _, ok := l.take(key("b"), t0); !ok {
		t.Fatal("b refused because of a")
	}
}

// However many clients come, at most MaxClients are tracked; full buckets are forgotten in sweeps.
func TestClientLimiterBounded(t *testing.T) {
	l := newClientLimiter(RateLimit{Burst: 2, Every: time.Minute, MaxClients: 50})
	for i := 0; i < 10000; i++ {
		if _, ok := l.take(clientKey(netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)})), t0); !ok {
			t.Fatalf("new client %d refused", i)
		}
		if n := len(l.clients); n > 50 {
			t.Fatalf("%d clients tracked, cap 50", n)
		}
	}
	// Two intervals later (the time to fill a bucket) every bucket is full again; the next request sweeps them all away.
	l.take(key("late"), t0.Add(2*time.Minute))
	if n := len(l.clients); n != 1 {
		t.Fatalf("%d clients tracked after the sweep, want 1", n)
	}
}

// Concurrent requests never get more than the burst (run with -race).
func TestClientLimiterConcurrent(t *testing.T) {
	l := newClientLimiter(RateLimit{Burst: 5, Every: time.Hour, MaxClients: 100})
	var allowed [4]atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := (g + i) % len(allowed)
				if _, ok := l.take(key(fmt.Sprint("client-", k)), time.Now()); ok {
					allowed[k].Add(1)
				}
			}
		}()
	}
	wg.Wait()
	for k := range allowed {
		if n := allowed[k].Load(); n != 5 {
			t.Errorf("client %d allowed %d times, want 5", k, n)
		}
	}
}

func TestClientKeyAndPrefix(t *testing.T) {
	for _, tc := range []struct{ addr, key, prefix string }{
		{"203.0.113.7", "203.0.113.7/32", "203.0.113.0/24"},
		{"::ffff:203.0.113.7", "203.0.113.7/32", "203.0.113.0/24"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8:1::/48"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64", "2001:db8:1::/48"},
		{"fe80::1%eth0", "fe80::/64", "fe80::/48"},
	} {
		a := netip.MustParseAddr(tc.addr).Unmap().WithZone("")
		if k, p := clientKey(a).client.String(), clientPrefix(a); k != tc.key || p != tc.prefix {
			t.Errorf("%s: key %q prefix %q, want %q %q", tc.addr, k, p, tc.key, tc.prefix)
		}
	}
	if p := clientPrefix(netip.Addr{}); p != "" {
		t.Errorf("prefix of no address %q", p)
	}
}

// An unlimited limiter lets everything through; no address is tracked.
func TestUnlimited(t *testing.T) {
	if l := newClientLimiter(RateLimit{Unlimited: true}); l != nil {
		t.Fatalf("unlimited limiter %+v, want nil", l)
	}
	if err := limited(nil, nil, key("a"), t0, station.Msg("requests from this address")); err != nil {
		t.Fatal(err)
	}
}

// Looking a client up costs no allocation: the API limit runs on every request.
func TestTakeAllocatesNothing(t *testing.T) {
	l := newClientLimiter(DefaultAPILimit)
	a := netip.MustParseAddr("203.0.113.7")
	l.take(clientKey(a), t0)
	if n := testing.AllocsPerRun(100, func() { l.take(clientKey(a), t0) }); n != 0 {
		t.Fatalf("%v allocations per take", n)
	}
}
