package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// ReportStore stores riders' problem reports; *sqlite.DB is one.
type ReportStore interface {
	// AddReport stores r as a new open report and returns it with its ID, CreatedAt and Status set.
	// It returns a not_found *station.Error when no station has r.StationID.
	AddReport(ctx context.Context, r station.Report) (station.Report, error)
}

// RateLimit is a token bucket per client: Burst requests at once, then one more every Every.
// MaxClients caps how many clients are tracked at a time, so that a flood from many addresses cannot
// grow memory without bound.
type RateLimit struct {
	Burst      int
	Every      time.Duration
	MaxClients int
}

// DefaultReportLimit lets one client file 5 reports at once and then one a minute, and tracks at
// most 10,000 clients (a few megabytes).
var DefaultReportLimit = RateLimit{Burst: 5, Every: time.Minute, MaxClients: 10000}

// maxReportBody is the largest report body accepted: 500 characters of note, each up to 6 bytes as a
// JSON \u escape, fit in it with room to spare.
const maxReportBody = 4 << 10

// reportBody is a report as the API shows it.
type reportBody struct {
	ID        int64  `json:"id"`
	StationID string `json:"station_id"`
	Reason    string `json:"reason"`
	Note      string `json:"note"`
	Status    string `json:"status"`
	CreatedAt string `json:"created_at"`
}

// POST /api/v1/stations/:id/reports: a rider's problem report. Only a report that is about to be
// stored spends a token of the client's rate limit: a refused request writes nothing, so a rider who
// mistypes loses nothing.
func (s *server) createReport(c echo.Context) error {
	if s.Reports == nil {
		return &station.Error{Code: station.CodeUnavailable, Detail: "this server does not take reports"}
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, ok := snap.Lookup(id); !ok {
		return station.Errorf(station.CodeNotFound, "id", "no station has id %q", id)
	}
	reason, note, err := readReport(c)
	if err != nil {
		return err
	}
	addr := clientAddr(c)
	if wait, ok := s.reportLimiter.take(clientKey(addr), time.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(secs))
		return station.Errorf(codeRateLimited, "", "too many reports from this address; try again in %d seconds", secs)
	}
	r, err := s.Reports.AddReport(c.Request().Context(), station.Report{
		StationID: id, Reason: reason, Note: note, Client: clientPrefix(addr),
	})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderLocation, "/api/v1/reports/"+strconv.FormatInt(r.ID, 10))
	h.Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusCreated, reportBody{
		ID: r.ID, StationID: r.StationID, Reason: r.Reason.String(), Note: r.Note, Status: r.Status.String(),
		CreatedAt: r.CreatedAt.In(codec.Shanghai).Format(time.RFC3339),
	})
}

// readReport reads and checks the body {"reason": ..., "note": ...}: JSON in UTF-8 of at most
// maxReportBody bytes, exactly these two members (note optional), each at most once and a string.
func readReport(c echo.Context) (station.Reason, string, error) {
	req := c.Request()
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON || params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8") {
		return 0, "", station.Errorf(codeUnsupportedMediaType, "", "send the report as Content-Type: application/json (UTF-8)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, maxReportBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return 0, "", station.Errorf(codePayloadTooLarge, "", "a report body may have at most %d bytes", maxReportBody)
	case err != nil:
		return 0, "", station.Errorf(station.CodeInvalidParameter, "", "the body could not be read in full")
	case !utf8.Valid(body):
		// encoding/json would quietly turn invalid bytes into U+FFFD; refuse them instead.
		return 0, "", station.Errorf(station.CodeInvalidParameter, "", "the body is not valid UTF-8")
	}

	// The body is read token by token rather than unmarshalled into a struct, because encoding/json
	// matches member names case-insensitively and lets a repeated member win silently.
	dec := json.NewDecoder(bytes.NewReader(body))
	notObject := station.Errorf(station.CodeInvalidParameter, "", `the body must be one JSON object {"reason": "...", "note": "..."}`)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, "", notObject
	}
	var reasonText, note string
	var seenReason, seenNote bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, "", notObject
		}
		name, _ := tok.(string)
		var dst *string
		var seen *bool
		switch name {
		case "reason":
			dst, seen = &reasonText, &seenReason
		case "note":
			dst, seen = &note, &seenNote
		default:
			return 0, "", station.Errorf(station.CodeInvalidParameter, name, `unknown member %.60q: a report has only "reason" and "note"`, name)
		}
		if *seen {
			return 0, "", station.Errorf(station.CodeDuplicateParameter, name, "%s is given twice; give it once", name)
		}
		*seen = true
		if err := dec.Decode(dst); err != nil { // null leaves dst empty
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return 0, "", station.Errorf(station.CodeInvalidParameter, name, "%s must be a string", name)
			}
			return 0, "", notObject
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return 0, "", notObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return 0, "", notObject // something follows the object
	}

	if reasonText == "" {
		return 0, "", station.Errorf(station.CodeMissingParameter, "reason", "reason is required")
	}
	reason, ok := station.ParseReason(reasonText)
	if !ok {
		codes := make([]string, 0, len(station.Reasons()))
		for _, r := range station.Reasons() {
			codes = append(codes, r.String())
		}
		return 0, "", station.Errorf(station.CodeInvalidParameter, "reason", "reason %.40q is not one of %s", reasonText, strings.Join(codes, ", "))
	}
	note = strings.TrimSpace(note)
	if e := station.CheckText("note", note, station.MaxNoteLen); e != nil {
		return 0, "", e
	}
	return reason, note, nil
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

// clientKey is whose rate limit a request spends: an IPv4 address, or an IPv6 /64, because one IPv6
// subscriber usually holds a whole /64 and could otherwise take a fresh address for every request.
// Addresses that did not parse all share one key.
func clientKey(a netip.Addr) string {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// clientPrefix is what a report keeps about its sender for abuse review: the IPv4 /24 or IPv6 /48,
// enough to see that many reports came from one network, never the full address (personal data we
// have no use for).
func clientPrefix(a netip.Addr) string {
	bits := 24
	if !a.IsValid() {
		return ""
	} else if a.Is6() {
		bits = 48
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

// clientLimiter keeps a token bucket per client key in memory. Buckets that have filled up again
// carry no information and are dropped in a sweep at most once per refill interval. When
// MaxClients keys are tracked all the same, an arbitrary one is forgotten to make room: under a flood
// from that many addresses the limit loosens (a forgotten client starts with a full bucket) but never
// shuts out a newcomer, and memory stays bounded.
type clientLimiter struct {
	every   time.Duration
	burst   int
	max     int
	mu      sync.Mutex
	clients map[string]*rate.Limiter
	swept   time.Time
}

func newClientLimiter(l RateLimit) *clientLimiter {
	l = orDefault(l, DefaultReportLimit)
	return &clientLimiter{every: l.Every, burst: l.Burst, max: l.MaxClients, clients: map[string]*rate.Limiter{}}
}

// take spends one of key's tokens at now and reports true; when key has none left it spends nothing
// and returns how long until the next token.
func (l *clientLimiter) take(key string, now time.Time) (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.every {
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

// sweep forgets every client whose bucket is full: a new bucket would be the same.
func (l *clientLimiter) sweep(now time.Time) {
	for k, b := range l.clients {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.clients, k)
		}
	}
	l.swept = now
}
