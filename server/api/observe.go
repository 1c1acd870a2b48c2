package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/yizhan/yizhan/server/cluster"
	"github.com/yizhan/yizhan/server/hours"
)

// requestIDHeader carries the id of a request in the answer; the same id is in the log lines and in
// every problem+json, so a rider's screenshot of an error leads to the log.
const requestIDHeader = "X-Request-ID"

// DefaultRequestDeadline bounds the work of a request that uses the database, imports included
// (50 MB at most).
const DefaultRequestDeadline = 2 * time.Minute

// deadline gives a request that works on the database a deadline, which that work honours (it takes
// the request's context): a stuck request gives up and answers 503 rather than holding a connection
// for ever. Reads answered from the in-memory snapshot do without (they cannot get stuck).
func (s *server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.requestDeadline)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// metrics are what /metrics exposes, in a registry of the server's own (no global state).
type metrics struct {
	mu          sync.RWMutex
	byKey       map[routeKey]routeMetrics // the labelled series, looked up once per route and code
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec   // route, method, code
	durations   *prometheus.HistogramVec // route, method
	imports     *prometheus.CounterVec   // result: applied, dry_run, rejected
	importDur   prometheus.Histogram
	dbErrors    prometheus.Counter
	unforwarded prometheus.Counter
}

type routeKey struct {
	route, method string
	code          int
}

type routeMetrics struct {
	count    prometheus.Counter
	duration prometheus.Observer
}

// observe counts and times one request. The labelled series are kept in a map of their own, so that
// the hot path costs a read-locked lookup rather than building label values each time.
func (m *metrics) observe(route, method string, code int, elapsed time.Duration) {
	k := routeKey{route, method, code}
	m.mu.RLock()
	rm, ok := m.byKey[k]
	m.mu.RUnlock()
	if !ok {
		rm = routeMetrics{m.requests.WithLabelValues(route, method, strconv.Itoa(code)), m.durations.WithLabelValues(route, method)}
		m.mu.Lock()
		m.byKey[k] = rm
		m.mu.Unlock()
	}
	rm.count.Inc()
	rm.duration.Observe(elapsed.Seconds())
}

func newMetrics(s *server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), byKey: map[routeKey]routeMetrics{}}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yizhan_http_requests_total", Help: "HTTP requests answered, by route, method and status code.",
	}, []string{"route", "method", "code"})
	m.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "yizhan_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route and method.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	m.imports = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yizhan_imports_total", Help: "Station imports through the API, by result (applied, dry_run, rejected).",
	}, []string{"result"})
	m.importDur = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "yizhan_import_duration_seconds", Help: "Time to check and write an import.",
		Buckets: prometheus.ExponentialBuckets(0.05, 2, 12),
	})
	m.unforwarded = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "yizhan_writes_unforwarded_total", Help: "Writes a replica could not forward to its primary (answered 503, nothing changed).",
	})
	m.dbErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "yizhan_internal_errors_total", Help: "Requests that failed inside the server (database errors among them): each is logged.",
	})
	snapshotValue := func(f func(v, n float64) float64) func() float64 {
		return func() float64 {
			snap := s.Catalog.Current()
			if snap == nil {
				return 0
			}
			return f(float64(snap.Version), float64(snap.Len()))
		}
	}
	m.reg.MustRegister(m.requests, m.durations, m.imports, m.importDur, m.dbErrors, m.unforwarded,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_data_version", Help: "Data version of the stations being served."},
			snapshotValue(func(v, _ float64) float64 { return v })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_stations", Help: "Stations in the index being served."},
			snapshotValue(func(_, n float64) float64 { return n })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_replication_lag_seconds",
			Help: "How far this replica is behind its primary (0 on a primary or a node that stands alone)."},
			func() float64 { _, lag := s.replication(); return lag.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_stations_patched",
			Help: "Stations changed in place since the index was last built; the index is rebuilt in the background past 4096."},
			func() float64 {
				if snap := s.Catalog.Current(); snap != nil {
					return float64(snap.Patched())
				}
				return 0
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_holidays_next_year_covered",
			Help: "1 when the holiday calendar holds next year's official arrangement (Asia/Shanghai), 0 when it does not: import it once the State Council publishes it (usually October to December)."},
			func() float64 {
				if snap := s.Catalog.Current(); snap != nil && snap.Calendar().Covers(s.Now().In(hours.Zone).Year()+1) {
					return 1
				}
				return 0
			}),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, role := range []cluster.Role{cluster.Standalone, cluster.Primary, cluster.Replica} {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yizhan_node_role",
			Help: "1 for this node's role in its LiteFS cluster (standalone without LiteFS), 0 for the others.", ConstLabels: prometheus.Labels{"role": string(role)}},
			func() float64 {
				if now, _ := s.replication(); now == role {
					return 1
				}
				return 0
			}))
	}
	return m
}

// requestIDs makes ids that are unique in this process and unlikely to repeat across restarts: a
// random prefix per process and a counter (cheaper than randomness on every request).
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	rand.Read(b[:])
	return &requestIDs{prefix: hex.EncodeToString(b[:])}
}

func (r *requestIDs) next() string {
	var b [32]byte
	out := append(append(b[:0], r.prefix...), '-')
	return string(strconv.AppendUint(out, r.n.Add(1), 36))
}

// observe gives every request an id (header, log, problem+json), counts and times it per route, and
// logs it: at debug level for reads that succeeded (the hot path, and riders' positions are in their
// queries, which are never logged), at info for other requests, at warn for server errors.
func (s *server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		id := s.ids.next()
		c.Response().Header()[requestIDHeader] = []string{id}
		err := next(c)
		if err != nil {
			c.Error(err) // answer now, so that the status is known here
		}
		route, method, status := c.Path(), c.Request().Method, c.Response().Status
		elapsed := time.Since(start)
		s.metrics.observe(route, method, status, elapsed)
		level := slog.LevelInfo
		switch {
		case status >= 500:
			level = slog.LevelWarn
		case status < 400 && (method == http.MethodGet || method == http.MethodHead):
			level = slog.LevelDebug
		}
		if s.Log.Enabled(c.Request().Context(), level) {
			s.Log.LogAttrs(c.Request().Context(), level, "request", slog.String("request_id", id),
				slog.String("method", method), slog.String("route", route), slog.String("path", c.Request().URL.Path),
				slog.Int("status", status), slog.Int64("bytes", c.Response().Size), slog.Duration("elapsed", elapsed))
		}
		return nil
	}
}

// requestID is the id observe gave the request.
func requestID(c echo.Context) string {
	if v := c.Response().Header()[requestIDHeader]; len(v) == 1 {
		return v[0]
	}
	return ""
}

// GET /metrics: Prometheus metrics, for clients on this machine only (a scraper on the same host, or
// through an SSH tunnel); the reverse proxy must not pass /metrics on.
func (s *server) metricsHandler() echo.HandlerFunc {
	h := promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		if !clientAddr(c).IsLoopback() {
			return echo.ErrNotFound
		}
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
