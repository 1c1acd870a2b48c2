package write

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// VisitStore keeps visits per station and day. *sqlite.DB is one.
type VisitStore interface {
	// RecordVisit counts device at station id on day unless it was counted there that day, reports
	// whether it did, and forgets the devices of days before keepFrom. Errors: not_found (no such
	// station, or one closed for good).
	RecordVisit(ctx context.Context, id, day, keepFrom, device string) (bool, error)
	// SetServed sets the people station id served without the app on day, audited as actor's change,
	// and returns the day's visits. Errors: not_found.
	SetServed(ctx context.Context, id, day string, count int64, actor station.Actor, now time.Time) (station.VisitDay, error)
}

// Limits of what a visit and a day's count may be.
const (
	MinDeviceLen, MaxDeviceLen = 16, 64
	MaxServed                  = 100000
	// FirstVisitDay is the earliest day a count may be recorded for: Yizhan's data starts after it.
	FirstVisitDay = "2020-01-01"
)

const dayLayout = "2006-01-02"

// Today is the day (YYYY-MM-DD) in Asia/Shanghai at t: the day visits are counted for.
func Today(t time.Time) string { return t.In(codec.Shanghai).Format(dayLayout) }

// RecordVisit counts a visit of the device (the random id the rider's app keeps) to station id today,
// once per device, station and day in Asia/Shanghai, and returns the day and whether this one was
// counted (false: counted earlier that day). Errors: invalid_parameter on device; not_found; unavailable without a store.
func (w *Writer) RecordVisit(ctx context.Context, id, device string) (day string, counted bool, err error) {
	store, err := w.visits()
	if err != nil {
		return "", false, err
	}
	if e := CheckDevice(device); e != nil {
		return "", false, e
	}
	now := w.Now()
	day = Today(now)
	counted, err = store.RecordVisit(ctx, id, day, Today(now.AddDate(0, 0, -1)), deviceHash(id, day, device))
	return day, counted, err
}

// visits is the store of visits: Visits, or Store when it keeps them.
func (w *Writer) visits() (VisitStore, error) {
	if w.Visits != nil {
		return w.Visits, nil
	}
	if v, ok := w.Store.(VisitStore); ok {
		return v, nil
	}
	return nil, station.Errorf(station.CodeUnavailable, "", "this server does not count visits")
}

// CheckDevice checks a device id: MinDeviceLen to MaxDeviceLen letters, digits, - or _.
func CheckDevice(device string) *station.Error {
	if device == "" {
		return station.Errorf(station.CodeMissingParameter, "device", "device (the app's random id) is required")
	}
	ok := len(device) >= MinDeviceLen && len(device) <= MaxDeviceLen
	for i := 0; ok && i < len(device); i++ {
		c := device[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if !ok {
		return station.Errorf(station.CodeInvalidParameter, "device", "device must be %d to %d letters, digits, - or _", MinDeviceLen, MaxDeviceLen)
	}
	return nil
}

// deviceHash is what the store keeps of a device: a hash of it with the station and the day, so that
// the stored rows neither hold the id nor show one device's way from station to station.
func deviceHash(id, day, device string) string {
	h := sha256.Sum256([]byte(id + "\x00" + day + "\x00" + device))
	return hex.EncodeToString(h[:16])
}

// SetServed records that station id served count people without the app on day (YYYY-MM-DD); the last
// value for a day stands, and each change is in the station's history. The caller checks the actor's
// right to the station. Errors: invalid_parameter or out_of_range on date or count; not_found.
func (w *Writer) SetServed(ctx context.Context, actor station.Actor, id, day string, count int64) (station.VisitDay, error) {
	store, err := w.visits()
	if err != nil {
		return station.VisitDay{}, err
	}
	now := w.Now()
	if e := CheckDay(day, now); e != nil {
		return station.VisitDay{}, e
	}
	if count < 0 || count > MaxServed {
		return station.VisitDay{}, station.Errorf(station.CodeOutOfRange, "count", "count must be a whole number from 0 to %d", MaxServed)
	}
	return store.SetServed(ctx, id, day, count, actor, now)
}

// CheckDay checks the day of a count: a real date written YYYY-MM-DD, from FirstVisitDay to today in
// Asia/Shanghai at now.
func CheckDay(day string, now time.Time) *station.Error {
	t, err := time.ParseInLocation(dayLayout, day, codec.Shanghai)
	if err != nil || t.Format(dayLayout) != day {
		return station.Errorf(station.CodeInvalidParameter, "date", "date %.40q is not a day: write it as 2026-12-06", day)
	}
	if today := Today(now); day > today || day < FirstVisitDay {
		return station.Errorf(station.CodeOutOfRange, "date", "date %s is not between %s and today (%s)", day, FirstVisitDay, today)
	}
	return nil
}
