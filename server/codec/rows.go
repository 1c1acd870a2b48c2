package codec

import (
	"runtime"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// The rows of a file are converted on every core and accepted in file order. Converting a row
// (parsing and checking every cell) is most of an import's time and needs nothing from other rows;
// what does (duplicate ids, the error list and its limit) is cheap and done by one goroutine, accept,
// so the result is the same as one row after another. The format reader fills a batch of rows and
// errors and hands it to a converter and, in the same order, to accept.

const batchLen = 512

// rowJob is one data row as read, or an error the reader found, kept in its place.
type rowJob struct {
	row        int
	v          rowValues
	labels     *[maxFields]string // each field's name in the file
	coordField string             // when set, the name of every coordinate error (GeoJSON's "geometry")
	err        *station.Error
}

// rowBatch is a run of jobs and, once done is closed, their conversions (by position).
type rowBatch struct {
	jobs     []rowJob
	stations []station.Station
	errs     [][]*station.Error
	panicked any // what a converter panicked with, if it did
	done     chan struct{}

	// conv counts the cells converted from another notation (spreadsheet.go).
	conv Converted
}

// pipeline is the importer's side of the conversion: the batch being filled, the channels to the
// converters and to accept, and job slices accept has finished with. It starts with the first full
// batch.
type pipeline struct {
	batch    *rowBatch
	work     chan *rowBatch // to the converters
	ordered  chan *rowBatch // to accept, in file order
	accepted chan struct{}  // closed when accept has taken every batch
	free     chan []rowJob  // for the next batches, so that the reader does not touch fresh memory
	// Station slices for the converters: accept gives them back when it has copied what it keeps.
	freeStations chan []station.Station
	panicked     any // the first converter panic, raised again by finish in the reader's goroutine
}

// addRow queues one data row, to be converted into a station or into its errors.
func (im *importer) addRow(row int, v *rowValues, labels *[maxFields]string, coordField string) {
	j := im.newRow(row, labels)
	j.v, j.coordField = *v, coordField
}

// newRow queues a data row and returns it for the reader to fill in its values: when the next row
// or error is queued, it is no longer the reader's.
func (im *importer) newRow(row int, labels *[maxFields]string) *rowJob {
	j := im.queue()
	*j = rowJob{row: row, labels: labels}
	return j
}

// addError queues an error found while reading, in its place among the rows.
func (im *importer) addError(e *station.Error) { *im.queue() = rowJob{err: e} }

// queue returns the next job slot of the batch being filled, handing a full batch on first.
func (im *importer) queue() *rowJob {
	if im.batch != nil && len(im.batch.jobs) == batchLen {
		im.flush()
	}
	if im.batch == nil {
		var jobs []rowJob
		select {
		case jobs = <-im.free:
		default:
			jobs = make([]rowJob, 0, batchLen)
		}
		im.batch = &rowBatch{jobs: jobs, done: make(chan struct{})}
	}
	im.batch.jobs = append(im.batch.jobs, rowJob{})
	return &im.batch.jobs[len(im.batch.jobs)-1]
}

// flush hands the batch being filled on. Accept's queue is bounded, so a reader far ahead of the
// converters waits rather than holding the whole file.
func (im *importer) flush() {
	b := im.batch
	if b == nil {
		return
	}
	im.batch = nil
	if im.work == nil {
		n := runtime.GOMAXPROCS(0)
		im.work, im.ordered = make(chan *rowBatch, n), make(chan *rowBatch, 2*n)
		im.accepted, im.free, im.freeStations = make(chan struct{}), make(chan []rowJob, 3*n), make(chan []station.Station, 3*n)
		for range n {
			go convertRows(im.opt.CRS, im.opt.SwapCoordinates, im.work, im.freeStations)
		}
		go im.accept()
	}
	im.ordered <- b
	im.work <- b
}

// finish hands on the last batch and waits until every row is accepted. The reader calls it once,
// whether or not reading succeeded. A converter's panic is raised again here, where the caller (an
// HTTP handler, say) can recover it, instead of ending the process.
func (im *importer) finish() {
	im.flush()
	if im.work != nil {
		close(im.work)
		close(im.ordered)
		<-im.accepted
	}
	if im.panicked != nil {
		panic(im.panicked)
	}
}

// convertRows converts the batches it receives, with caches of its own.
func convertRows(crs spatial.CRS, swap bool, work <-chan *rowBatch, free <-chan []station.Station) {
	c := converter{crs: crs, swap: swap, hours: map[string]string{}, amen: map[string]amenities{}}
	for b := range work {
		select {
		case b.stations = <-free:
			b.stations = b.stations[:len(b.jobs)]
		default:
			b.stations = make([]station.Station, len(b.jobs), batchLen)
		}
		b.errs = make([][]*station.Error, len(b.jobs))
		c.convertBatch(b)
	}
}

func (c *converter) convertBatch(b *rowBatch) {
	defer close(b.done)
	defer func() { b.panicked = recover() }()
	c.conv = &b.conv
	for i := range b.jobs {
		if j := &b.jobs[i]; j.err == nil {
			b.errs[i] = c.convert(j.row, &j.v, j.labels, j.coordField, &b.stations[i])
		}
	}
}

// accept takes the batches in file order: it records errors, refuses repeated ids and keeps the
// stations.
func (im *importer) accept() {
	for b := range im.ordered {
		<-b.done
		if im.panicked == nil {
			im.panicked = b.panicked
		}
		if im.panicked != nil {
			continue
		}
		kept := 0
		im.res.Converted.add(b.conv)
		for i := range b.jobs {
			j := &b.jobs[i]
			if j.err != nil {
				im.record(j.err)
				continue
			}
			errs, st := b.errs[i], &b.stations[i]
			im.countSwapped(errs)
			if len(errs) == 0 {
				if prev, dup := im.ids.add(st.ID, j.row); dup {
					e := station.RowErrorf(station.CodeInvalidImport, j.row, label(j.labels, fID), "id %q is already used by row %d", st.ID, prev)
					if j.v[fID] == "" {
						e = station.RowErrorf(station.CodeInvalidImport, j.row, label(j.labels, fID), "same name and address as row %d (no id given)", prev)
					}
					errs = []*station.Error{e}
				}
			}
			for _, e := range errs {
				im.record(e)
			}
			if len(errs) == 0 && len(im.res.Errors) == 0 {
				if kept != i {
					b.stations[kept] = *st
				}
				kept++
			}
		}
		if im.keep(b.stations[:kept]) {
			select {
			case im.freeStations <- b.stations[:0]:
			default:
			}
		}
		select {
		case im.free <- b.jobs[:0]:
		default:
		}
		b.jobs, b.stations = nil, nil
	}
	close(im.accepted)
}

// keep collects stations that passed, as long as no row has failed. With a hint of the number of
// rows they go into one slice of that size. Without one, each batch's own slice is kept, and
// stations() joins them at the end: one slice grown batch by batch would copy a million stations
// many times over. It reports whether the batch's slice may be used again.
func (im *importer) keep(stations []station.Station) bool {
	switch {
	case len(im.res.Errors) > 0:
		im.chunks, im.all = nil, nil // there will be no stations
	case im.opt.RowsHint > 0:
		if im.all == nil {
			im.all = make([]station.Station, 0, im.opt.RowsHint)
		}
		im.all = append(im.all, stations...)
	default:
		if len(stations) > 0 {
			im.chunks = append(im.chunks, stations[:len(stations):len(stations)])
		}
		return false
	}
	return true
}

// idSet is the ids of the rows so far with the row of each, to find repeated ids. A sorted file
// (exports and the seed are sorted by id) needs no map: each id is checked against the one before,
// until an id comes out of order.
type idSet struct {
	rows  []int          // the row of each id added, in order
	ids   []string       // the ids added, while they are in order
	index map[string]int // id → position in rows, once they are not
}

// add adds id, first seen at row; when it is already there, it returns the row that has it.
func (s *idSet) add(id string, row int) (prev int, dup bool) {
	if s.index == nil {
		n := len(s.ids)
		switch {
		case n == 0 || id > s.ids[n-1]:
			s.ids, s.rows = append(s.ids, id), append(s.rows, row)
			return 0, false
		case id == s.ids[n-1]:
			return s.rows[n-1], true
		}
		s.index = make(map[string]int, 2*n)
		for i, id := range s.ids {
			s.index[id] = i
		}
		s.ids = nil
	}
	if i, ok := s.index[id]; ok {
		return s.rows[i], true
	}
	s.index[id] = len(s.rows)
	s.rows = append(s.rows, row)
	return 0, false
}

// record adds an error to the result unless the list is full.
func (im *importer) record(e *station.Error) {
	if len(im.res.Errors) >= maxRowErrors {
		im.res.ErrorsOmitted++
		return
	}
	im.res.Errors = append(im.res.Errors, e)
}

// label is the name the file gives field f, or its name in the exchange format.
func label(labels *[maxFields]string, f field) string {
	if labels[f] != "" {
		return labels[f]
	}
	return f.String()
}

// converter turns rows into stations; each converter goroutine has its own.
type converter struct {
	crs   spatial.CRS
	hours map[string]string // opening-hours text → normalised, a cache (a file has few distinct values)
	amen  map[string]amenities

	swap bool       // ImportOptions.SwapCoordinates
	conv *Converted // the batch's count of converted cells
}

// convert parses one data row into st and returns the row's errors. labels name each field as the
// file does; coordField, when set, is the name given to every coordinate error.
func (c *converter) convert(row int, v *rowValues, labels *[maxFields]string, coordField string, st *station.Station) (errs []*station.Error) {
	name := func(f field) string { return label(labels, f) }
	lonName, latName := name(fLon), name(fLat)
	if coordField != "" {
		lonName, latName = coordField, coordField
	}
	fail := func(e *station.Error) { e.Row = row; errs = append(errs, e) }
	for f := range nFields {
		if garbled(v[f]) {
			fail(station.Errorf(station.CodeInvalidParameter, name(f),
				"%s holds characters that did not decode (%q): save the file as UTF-8 or GBK", name(f), v[f]))
		} else if isDitto(v[f]) {
			fail(station.Errorf(CodeDittoCell, name(f),
				"%s says %q (same as above): write the value itself in every row (in Excel, unmerge and fill down)", name(f), v[f]))
		}
	}
	c.spreadsheetCells(v, name, fail)
	*st = station.Station{ID: fold(v[fID]), SourceCRS: c.crs.String()}
	for f, sf := range station.Fields { // the plain text fields: cleaned already, folded when the field says
		if sf.Text != nil {
			*sf.Text(st) = v[f]
			if sf.Fold {
				*sf.Text(st) = fold(v[f])
			}
			if sf.Norm != nil && v[f] != "" {
				if norm, e := sf.Norm(*sf.Text(st)); e != nil {
					e.Field = name(field(f))
					fail(e)
				} else {
					*sf.Text(st) = norm
				}
			}
		}
	}
	var ok bool
	if s := v[fKind]; s != "" {
		if st.Kind, ok = station.KindFromWord(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, name(fKind), "kind %q is not one of %s (or 爱心驿站, 司机之家, 工会驿站, 党群服务中心, 其他)", s, station.KindCodes()))
		}
	} else if st.Kind, ok = station.KindFromName(st.Name); !ok {
		fail(station.Errorf(station.CodeMissingParameter, name(fKind), "kind is empty and the name does not end with a kind (爱心驿站, 司机之家, 工会驿站, 党群服务中心)"))
	}
	lonText, latText := fold(v[fLon]), fold(v[fLat])
	if c.swap {
		lonText, latText = latText, lonText
	}
	lon, lonErr := parseCoord(lonName, lonName, lonText)
	lat, latErr := parseCoord(latName, latName, latText)
	if coordField != "" {
		lon, lonErr = parseCoord(coordField, "longitude", lonText)
		lat, latErr = parseCoord(coordField, "latitude", latText)
	}
	c.countNotation(lonText, latText, lonErr, latErr)
	switch {
	case lonErr != nil || latErr != nil:
		for _, e := range []*station.Error{lonErr, latErr} {
			if e != nil {
				fail(e)
			}
		}
	default:
		if e := checkSwapped(lonName, lon, lat); e != nil {
			fail(e)
			break
		}
		if e := checkMarks(lonName, latName, lonText, latText); e != nil { // dms.go
			fail(e)
			break
		}
		if c.crs != spatial.WGS84 {
			st.SourceText = lonText + "," + latText
			p := spatial.ToWGS84(c.crs, orb.Point{lon, lat})
			lon, lat = roundNano(p[0]), roundNano(p[1])
		}
		st.Lon, st.Lat = lon, lat
		if e := checkLiaoning(lonName, latName, lon, lat); e != nil {
			fail(e)
		} else if e := checkPlace(st, c.crs, lonName); e != nil {
			fail(e)
		}
	}
	if s := v[fAmenities]; s != "" {
		set, bad, ok := c.parseAmenities(s)
		if !ok {
			fail(station.Errorf(station.CodeInvalidParameter, name(fAmenities), "amenity %q is not in the vocabulary", bad))
		}
		st.Amenities = set
	}
	st.OpeningHours = c.normalizeHours(v[fHours])
	if s := v[fStatus]; s != "" {
		if st.Status, ok = station.StatusFromWord(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, name(fStatus), "status %q is not open, temporarily_closed or closed (正常开放, 暂停开放, 已关闭)", s))
		}
	}
	if s := v[fAudience]; s != "" {
		if st.Audience, ok = station.AudienceFromWord(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, name(fAudience), "audience %q is not everyone, couriers_and_drivers or drivers", s))
		}
	}
	if s := fold(v[fVerifiedAt]); s != "" {
		if st.VerifiedAt, ok = parseVerified(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, name(fVerifiedAt), "verified_at %q is not a date: use RFC 3339 (2026-09-14T10:20:00+08:00) or 2026-09-14", s))
		}
	}
	if s := fold(v[fVersion]); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err != nil || n < 0 || s[0] == '+' {
			fail(station.Errorf(station.CodeInvalidParameter, name(fVersion), "version %q is not a whole number (it is what an export wrote; leave it empty to overwrite the station whatever its version)", s))
		} else {
			st.Version = n
		}
	}
	if st.ID == "" {
		st.ID = generatedID(st)
	}
	if len(errs) == 0 {
		if e := st.Validate(); e != nil {
			e.Field = name(fieldOf(e.Field))
			fail(e)
		}
	}
	return errs
}

// amenities is a cached result of parseAmenities.
type amenities struct {
	set station.AmenitySet
	bad string
	ok  bool
}

// parseAmenities is the package's parseAmenities with a cache.
func (c *converter) parseAmenities(s string) (station.AmenitySet, string, bool) {
	if a, ok := c.amen[s]; ok {
		return a.set, a.bad, a.ok
	}
	set, bad, ok := station.AmenitiesFromWords(s)
	if len(c.amen) < 4096 {
		c.amen[s] = amenities{set, bad, ok}
	}
	return set, bad, ok
}

// normalizeHours stores opening hours in canonical OSM syntax where they can be read, and as given
// otherwise (hours.Normalize).
func (c *converter) normalizeHours(s string) string {
	if s == "" {
		return ""
	}
	if n, ok := c.hours[s]; ok {
		return n
	}
	n := hours.Normalize(s).Normalized
	if len(c.hours) < 4096 {
		c.hours[s] = n
	}
	return n
}
