package api

import (
	"errors"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// An import upload must bring at least DefaultUploadMinRate bytes a second, averaged over every
// DefaultUploadRateWindow (10 KiB per 10 s: a weak 2G link manages several times that). A client that
// sends less, or stalls, or trickles a byte at a time, would otherwise hold the one-import lock until
// the request deadline (2 minutes) and keep every other admin's import out.
const (
	DefaultUploadMinRate    = 1 << 10
	DefaultUploadRateWindow = 10 * time.Second
)

// Codes of an upload that went wrong on the wire: the file itself was never judged.
const (
	codeUploadIncomplete = "upload_incomplete" // the connection closed or broke mid-body
	codeUploadTooSlow    = "upload_too_slow"   // less than the minimum rate over a window
)

// uploadReader reads a request body and ends it when a window passes without the window's quota of
// bytes. It is enforced with the connection's read deadline, moved on each time a quota has arrived,
// rather than by timing each Read: a client that stalls completely makes no Read return at all, and
// the deadline ends that Read too. It keeps the first read error other than EOF, so that the handler
// answers for the upload (the connection), not for what a parser made of half a file.
type uploadReader struct {
	r      io.ReadCloser
	rc     *http.ResponseController
	quota  int64         // bytes each window must bring
	window time.Duration // how long each window lasts
	end    time.Time     // the request's deadline: no window reaches past it
	got    int64         // bytes in the current window
	err    error
}

func newUploadReader(r io.ReadCloser, rc *http.ResponseController, minRate int, window time.Duration, end time.Time) *uploadReader {
	u := &uploadReader{r: r, rc: rc, quota: int64(float64(minRate) * window.Seconds()), window: window, end: end}
	u.nextWindow(time.Now())
	return u
}

// nextWindow starts a window at now. A connection without deadlines (a test's recorder) is only bounded
// by the request deadline.
func (u *uploadReader) nextWindow(now time.Time) {
	u.got = 0
	due := now.Add(u.window)
	if due.After(u.end) {
		due = u.end
	}
	_ = u.rc.SetReadDeadline(due)
}

func (u *uploadReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	if u.got += int64(n); u.got >= u.quota {
		u.nextWindow(time.Now())
	}
	if err == io.EOF {
		u.arrived()
	} else if err != nil && u.err == nil {
		u.err = err
	}
	return n, err
}

// arrived lifts the window once the whole body is read: from then on the server reads the connection
// only to notice a client that leaves, and a window ending there would cancel the request while it
// checks and writes the stations. (A body not read to its end keeps the window: after the answer the
// server reads what is left of it, and must not wait for a stalled client.)
func (u *uploadReader) arrived() { _ = u.rc.SetReadDeadline(u.end) }

func (u *uploadReader) Close() error { return u.r.Close() }

// failed is the problem to answer when the upload itself went wrong, or nil when it arrived whole.
func (u *uploadReader) failed(minRate int) *station.Error {
	if u.err == nil {
		return nil
	}
	var ne net.Error
	if errors.As(u.err, &ne) && ne.Timeout() {
		return station.Errorf(codeUploadTooSlow, "", "the upload brought less than %d bytes a second over %v (or stalled); nothing was imported; try again on a steadier connection", minRate, u.window)
	}
	return station.Errorf(codeUploadIncomplete, "", "the upload ended before the whole file arrived (the connection closed or broke); nothing was imported; send the file again")
}
