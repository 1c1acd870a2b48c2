// Package api is Yizhan's HTTP layer (Echo v4): the route table, the handlers (one file per resource),
// parameter parsing, middleware and the single error handler. It is the only package that imports Echo.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/cluster"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/stats"
	"github.com/yizhan/yizhan/server/write"
)

// Pinger reports whether the database can be reached (readiness).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the handlers need; nothing else is global.
type Deps struct {
	Catalog *catalog.Catalog
	DB      Pinger
	Log     *slog.Logger
	PWA     fs.FS // the front end's files, served at /
	// Calendar is the base holiday calendar (nil: hours.DefaultCalendar), used until a snapshot is loaded;
	// every answer then uses the calendar the snapshot was built with (with the years admins stored).
	Calendar *hours.Calendar
	// Holidays lists the holiday years admins imported (nil: GET /admin/holidays shows none as imported).
	Holidays HolidayStore
	// Reports stores riders' problem reports (nil: the reports route answers 503).
	Reports ReportStore
	// ReportLimit is how many reports one client may file (zero fields: DefaultReportLimit's).
	ReportLimit RateLimit
	// VisitLimit is how many visits one client may record (zero fields: DefaultVisitLimit's).
	VisitLimit RateLimit
	// APILimit is how many /api/v1 requests one client address may make (zero fields:
	// DefaultAPILimit's); reports and logins spend their own limits as well.
	APILimit RateLimit
	// Map is the PWA's map background, sent in /api/v1/meta (nil: a plain background).
	Map *MapConfig
	// Users keeps accounts and sessions (nil: the session and admin routes answer 503).
	Users UserStore
	// Sessions bounds how long a login lasts (zero fields: auth.DefaultLifetimes's).
	Sessions auth.Lifetimes
	// LoginLimit bounds login attempts per account name, LoginAddressLimit per client address (zero
	// fields: DefaultLoginLimit's and DefaultLoginAddressLimit's).
	LoginLimit, LoginAddressLimit RateLimit
	// Now is the clock for sessions and login limits (nil: time.Now); tests move it forward.
	Now func() time.Time
	// Writer edits stations and imports lists (nil: those routes answer 503). Its clock is Now.
	Writer *write.Writer
	// History reads stations' audit trails (nil: history answers 503).
	History HistoryStore
	// ReportDesk lists and resolves reports for operators and admins (nil: those routes answer 503).
	ReportDesk ReportDesk
	// Stats reads the visits and reports behind the office's numbers (nil: the stats routes answer 503).
	Stats StatsStore
	// RequestDeadline bounds a request's database work (zero: DefaultRequestDeadline).
	RequestDeadline time.Duration
	// UploadMinRate is how many bytes a second an import upload must bring, averaged over every
	// UploadRateWindow, or it is ended (zero: DefaultUploadMinRate, DefaultUploadRateWindow).
	UploadMinRate    int
	UploadRateWindow time.Duration
	// PublicURL is the address riders reach the app at ("https://yizhan.example.cn"): QR codes and
	// posters link to {PublicURL}/s/{id}. Empty: the scheme and host of each request.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For (the client address, for rate limits)
	// and X-Forwarded-Proto (HTTPS, for Secure cookies and HSTS) are believed. Empty: the connection's
	// peer is the client and only a TLS connection is HTTPS.
	TrustedProxies []netip.Prefix
	// Node is this server's place in a LiteFS cluster (nil: it stands alone). A replica forwards every
	// write to its primary and answers once it has the write's data; the primary stamps each write's
	// answer with its replication position.
	Node *cluster.Node
	// CatchUp brings the catalog up to the database's data version (a replica's step after a forwarded
	// write arrived); nil: nothing to do.
	CatchUp func(context.Context) error
	// MaxLag is how far behind its primary a replica may be and still be ready (zero: DefaultMaxLag).
	MaxLag time.Duration
}

// MapConfig is a raster tile source for the PWA's map.
type MapConfig struct {
	Tiles       []string `json:"tiles"`       // URL templates with {z}, {x}, {y}
	CRS         string   `json:"crs"`         // wgs84 or gcj02: stations are drawn in it
	Attribution string   `json:"attribution"` // what the provider requires to be shown
	MaxZoom     int      `json:"max_zoom"`
}

type server struct {
	Deps
	static          staticFiles // the PWA's files, read on first use
	reportLimiter   *clientLimiter
	visitLimiter    *clientLimiter
	apiLimiter      *clientLimiter // nil: unlimited
	csp             []string       // Content-Security-Policy, with the tile hosts
	lifetimes       auth.Lifetimes
	loginLimiter    *clientLimiter // per account name
	addrLimiter     *clientLimiter // login attempts per client address
	importing       sync.Mutex     // one import at a time
	metrics         *metrics
	requestDeadline time.Duration
	ids             *requestIDs
	covered         stats.CoverageCache // per data version
}

// New returns the HTTP handler with every route.
func New(d Deps) *echo.Echo {
	s := &server{Deps: d, reportLimiter: newClientLimiter(d.ReportLimit), csp: []string{contentSecurityPolicy(d.Map)},
		lifetimes:    d.Sessions.OrDefault(),
		loginLimiter: newClientLimiter(orDefault(d.LoginLimit, DefaultLoginLimit)),
		addrLimiter:  newClientLimiter(orDefault(d.LoginAddressLimit, DefaultLoginAddressLimit)),
		apiLimiter:   newClientLimiter(orDefault(d.APILimit, DefaultAPILimit)),
		visitLimiter: newClientLimiter(orDefault(d.VisitLimit, DefaultVisitLimit)),
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Writer != nil && s.Writer.Now == nil {
		s.Writer.Now = s.Now
	}
	if s.requestDeadline = d.RequestDeadline; s.requestDeadline <= 0 {
		s.requestDeadline = DefaultRequestDeadline
	}
	if s.UploadMinRate <= 0 {
		s.UploadMinRate = DefaultUploadMinRate
	}
	if s.UploadRateWindow <= 0 {
		s.UploadRateWindow = DefaultUploadRateWindow
	}
	s.metrics, s.ids = newMetrics(s), newRequestIDs()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Client addresses (for rate limits) come from the connection, or from X-Forwarded-For when the
	// connection comes from a configured proxy: anyone can send that header, so nobody else is believed.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(d.TrustedProxies) > 0 {
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range d.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(netipToIPNet(p)))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	e.HTTPErrorHandler = s.handleError
	// A panic becomes a 500 through handleError, which logs it with the request id; Echo's own log line
	// (a stack trace, outside the JSON log) is turned off.
	recoverPanics := middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true})
	// forwardWrites: a replica sends writes to its primary, which limits them by the client's address.
	e.Use(s.observe, recoverPanics, s.securityHeaders, s.forwardWrites, s.limitClients) // limitClients: /api/v1/* only

	// Every read answers HEAD too (net/http sends the headers and drops the body).
	read := []string{http.MethodGet, http.MethodHead}
	e.Match(read, "/healthz", s.healthz)
	e.Match(read, "/readyz", s.readyz)
	e.Match(read, "/api/openapi.json", s.openAPI)
	e.Match(read, "/metrics", s.metricsHandler())

	v1 := e.Group("/api/v1")
	v1.Match(read, "/meta", s.meta)
	v1.Match(read, "/areas", s.areas)
	v1.Match(read, "/stations/nearby", s.nearby)
	v1.Match(read, "/stations", s.stationsInBBox)
	v1.Match(read, "/stations.geojson", s.dataset)
	v1.Match(read, "/dataset", s.compactDataset)
	v1.Match(read, "/stations/:id", s.stationByID)
	v1.Match(read, "/stations/:id/code.png", s.stationCodePNG)
	v1.Match(read, "/stations/:id/code.svg", s.stationCodeSVG)
	v1.POST("/stations/:id/reports", s.createReport, s.deadline)
	v1.POST("/stations/:id/visits", s.recordVisit, s.deadline)
	v1.Match(read, "/search", s.search)
	v1.Match(read, "/hours/preview", s.hoursPreview)

	// Signed in: signedIn finds the session (401 without one) and checks X-CSRF-Token on writes.
	v1.POST("/session", s.login, s.deadline)
	v1.Match(read, "/session", s.currentSession, s.deadline, s.signedIn)
	v1.DELETE("/session", s.logout, s.deadline, s.signedIn)
	admin := []echo.MiddlewareFunc{s.deadline, s.signedIn, s.adminOnly}
	signed := []echo.MiddlewareFunc{s.deadline, s.signedIn}
	v1.Match(read, "/admin/users", s.listUsers, admin...)
	v1.POST("/admin/users", s.createUser, admin...)
	v1.PATCH("/admin/users/:id", s.updateUser, admin...)
	v1.PUT("/admin/users/:id/stations", s.setUserStations, admin...)
	v1.Match(read, "/admin/reports", s.listReports, admin...)
	v1.POST("/admin/imports", s.importStations, admin...)
	v1.Match(read, "/admin/export", s.exportStations, admin...)
	v1.Match(read, "/admin/stats", s.adminStats, admin...)
	v1.Match(read, "/admin/stats/coverage", s.coverageCells, admin...)
	v1.Match(read, "/admin/stats/unconfirmed", s.unconfirmedStations, admin...)
	v1.Match(read, "/admin/holidays", s.listHolidays, admin...)
	v1.POST("/admin/holidays/parse", s.parseHolidays, admin...)
	v1.PUT("/admin/holidays/:year", s.putHolidays, admin...)
	v1.Match(read, "/my/stations", s.myStations, signed...)
	v1.PATCH("/stations/:id", s.editStation, signed...)
	v1.Match(read, "/stations/:id/history", s.stationHistory, signed...)
	v1.PUT("/stations/:id/visits/:date", s.setServed, signed...)
	v1.Match(read, "/my/reports", s.listReports, signed...)
	v1.Match(read, "/my/visits", s.myVisits, signed...)
	v1.PATCH("/reports/:id", s.resolveReport, signed...)

	// A station's public link (its QR code), and posters to print.
	e.Match(read, "/s/:id", s.stationLink)
	e.Match(read, "/poster/:id", s.stationPoster)
	e.Match(read, "/poster", s.districtPosters)

	e.Match(read, "/*", s.pwa)
	return e
}

func netipToIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// secure reports whether the request reached us over HTTPS: on a TLS connection, or through a trusted
// proxy that says so in X-Forwarded-Proto.
func (s *server) secure(c echo.Context) bool {
	if c.Request().TLS != nil {
		return true
	}
	if len(s.TrustedProxies) == 0 || c.Request().Header.Get("X-Forwarded-Proto") != "https" {
		return false
	}
	host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
	if err != nil {
		return false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	for _, p := range s.TrustedProxies {
		if p.Contains(peer.Unmap()) {
			return true
		}
	}
	return false
}

// securityHeaders sets headers that make every response safe to serve: no MIME sniffing, no framing,
// no referrer leaks, and a CSP that allows only our own scripts and styles.
func (s *server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h["X-Content-Type-Options"] = nosniff
		h["X-Frame-Options"] = deny
		h["Referrer-Policy"] = noReferrer
		h["Content-Security-Policy"] = s.csp
		if s.secure(c) {
			h["Strict-Transport-Security"] = hsts
		}
		return next(c)
	}
}

// contentSecurityPolicy allows our own origin, and the map tile hosts for fetching and drawing tiles
// (MapLibre fetches them and decodes them into blob: images); nothing inline, no other origin.
func contentSecurityPolicy(m *MapConfig) string {
	tiles := ""
	if m != nil {
		seen := map[string]bool{}
		for _, t := range m.Tiles {
			if u, err := url.Parse(t); err == nil && u.Host != "" && !seen[u.Host] {
				seen[u.Host] = true
				tiles += " " + u.Scheme + "://" + u.Host
			}
		}
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + tiles +
		"; connect-src 'self'" + tiles + "; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors 'none'"
}

// Pre-built header values: assigning a shared slice costs no allocation per request.
var (
	nosniff    = []string{"nosniff"}
	deny       = []string{"DENY"}
	noReferrer = []string{"no-referrer"}
	hsts       = []string{"max-age=31536000"}
)

func (s *server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}
