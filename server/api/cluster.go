package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httputil"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/cluster"
	"github.com/yizhan/yizhan/server/station"
)

// DefaultMaxLag is how far behind its primary a replica may fall before /readyz drains it.
const DefaultMaxLag = 10 * time.Second

// forwardWait bounds how long a replica holds the primary's answer to a forwarded write while the
// write's data reaches it (LiteFS ships a transaction in milliseconds; the catalog reloads in about
// half a second at the seed's 16,500 stations).
const forwardWait = 3 * time.Second

// Headers between the nodes of a cluster, and to clients.
const (
	// headerPosition is the primary's replication position after a write, for the replica that
	// forwarded it.
	headerPosition = "Yizhan-Position"
	// headerReplication tells a client whether the node it asked already shows its write:
	// "caught-up", or "behind" when the deadline passed first.
	headerReplication = "Yizhan-Replication"
)

// codePrimaryUnavailable: a replica could not reach its primary to make a write; nothing was changed.
const codePrimaryUnavailable = "primary_unavailable"

// forwardTransport is shared by every forwarded request, so that connections to the primary are kept.
var forwardTransport = &http.Transport{
	Proxy:                 nil,
	MaxIdleConnsPerHost:   64,
	IdleConnTimeout:       90 * time.Second,
	ResponseHeaderTimeout: 60 * time.Second,
}

// writes reports whether a request changes the database: every method but GET and HEAD, and signed-in
// API reads, which refresh their session.
func writes(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return true
	}
	if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
		return false
	}
	_, err := r.Cookie(sessionCookieName)
	return err == nil
}

// forwardWrites sends a replica's writes to its primary, and stamps a primary's answers to writes with
// the replication position they reached.
func (s *server) forwardWrites(next echo.HandlerFunc) echo.HandlerFunc {
	if s.Node == nil {
		return next
	}
	return func(c echo.Context) error {
		if !writes(c.Request()) {
			return next(c)
		}
		switch s.Node.Role() {
		case cluster.Replica:
			return s.forward(c)
		case cluster.Primary:
			// Before the status line goes out, the handler's transaction has committed.
			c.Response().Before(func() {
				if pos, ok := s.Node.Position(); ok {
					c.Response().Header().Set(headerPosition, pos)
				}
			})
		}
		return next(c)
	}
}

// forward proxies one write to the primary and answers what the primary answered, once this node has
// the write's data (or the wait is over: then headerReplication says "behind").
func (s *server) forward(c echo.Context) error {
	target, ok := s.Node.PrimaryURL()
	if !ok {
		return s.primaryUnavailable(c, errors.New("no primary is known"))
	}
	var failed error
	proto := "http"
	if s.secure(c) {
		proto = "https"
	}
	proxy := &httputil.ReverseProxy{
		Transport: forwardTransport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
			// The client's address for the primary's rate limits; the primary trusts its replicas
			// (trusted-proxies).
			pr.Out.Header.Set("X-Forwarded-For", c.RealIP())
			pr.Out.Header.Set("X-Forwarded-Proto", proto)
			pr.Out.Header.Set("X-Forwarded-Host", pr.In.Host)
		},
		ModifyResponse: func(res *http.Response) error {
			state := "caught-up"
			if pos := res.Header.Get(headerPosition); pos != "" {
				ctx, cancel := context.WithTimeout(c.Request().Context(), forwardWait)
				defer cancel()
				if !s.Node.WaitFor(ctx, pos) || (s.CatchUp != nil && s.CatchUp(ctx) != nil) {
					state = "behind"
				}
			}
			res.Header.Del(headerPosition)
			res.Header.Set(headerReplication, state)
			return nil
		},
		ErrorHandler: func(_ http.ResponseWriter, _ *http.Request, err error) { failed = err },
	}
	proxy.ServeHTTP(c.Response(), c.Request())
	if failed != nil {
		return s.primaryUnavailable(c, failed)
	}
	return nil
}

// primaryUnavailable answers a write this replica could not forward: 503 with Retry-After, nothing
// changed.
func (s *server) primaryUnavailable(c echo.Context, err error) error {
	// Info, not a warning: the primary's own health checks raise the alarm; each replica counts these.
	s.metrics.unforwarded.Inc()
	s.Log.Info("a write could not reach the primary", "request_id", requestID(c), "method", c.Request().Method,
		"path", c.Request().URL.Path, "err", err)
	if c.Response().Committed {
		return nil // the primary's answer had begun: it stands as sent
	}
	c.Response().Header().Set(echo.HeaderRetryAfter, "5")
	return station.Errorf(codePrimaryUnavailable, "", "the primary server cannot be reached; nothing was changed; try again in a few seconds")
}

// replication is the node's role, and its lag when it is a replica, for /readyz and /metrics.
func (s *server) replication() (role cluster.Role, lag time.Duration) {
	if s.Node == nil {
		return cluster.Standalone, 0
	}
	role = s.Node.Role()
	if role == cluster.Replica {
		lag, _ = s.Node.Lag()
	}
	return role, lag
}

func orDuration(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
