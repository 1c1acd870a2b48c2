package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// ReportStore stores riders' problem reports; *sqlite.DB is one.
type ReportStore interface {
	// AddReport stores r as a new open report and returns it with its ID, CreatedAt and Status set.
	// It returns a not_found *station.Error when no station has r.StationID.
	AddReport(ctx context.Context, r station.Report) (station.Report, error)
}

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
		return station.Errorf(station.CodeUnavailable, "", "this server does not take reports")
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, ok := snap.Lookup(id); !ok {
		return unknownStation(id)
	}
	reason, note, err := readReport(c)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	addr := clientAddr(c)
	if err := limited(c, s.reportLimiter, clientKey(addr), time.Now(), station.Msg("reports from this address")); err != nil {
		return err
	}
	r, err := s.Reports.AddReport(c.Request().Context(), station.Report{
		StationID: id, Reason: reason, Note: note, Client: clientPrefix(addr), IdempotencyKey: key,
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

// maxIdempotencyKey is the longest Idempotency-Key accepted; a UUID has 36 characters.
const maxIdempotencyKey = 100

// idempotencyKey reads the optional Idempotency-Key header (a token or a quoted string, as in the IETF
// draft): the app's own name for one report, sent again unchanged when it retries.
func idempotencyKey(c echo.Context) (string, error) {
	const field = "Idempotency-Key"
	values := c.Request().Header.Values(field)
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 {
		return "", station.Errorf(station.CodeDuplicateParameter, field, "%s is given twice; give it once", field)
	}
	key := values[0]
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if key == "" || len(key) > maxIdempotencyKey || strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r))
	}) >= 0 {
		return "", station.Errorf(station.CodeInvalidParameter, field, "%s must be 1 to %d letters, digits or -_.: (a UUID will do)", field, maxIdempotencyKey)
	}
	return key, nil
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
	note = station.Clean(note)
	if e := station.CheckText("note", note, station.MaxNoteLen); e != nil {
		return 0, "", e
	}
	return reason, note, nil
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
