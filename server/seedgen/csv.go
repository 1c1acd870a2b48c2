package seedgen

import (
	"bufio"
	"encoding/csv"
	"io"
)

// Header is the CSV header row, which is also the admin import/export
// format.
var Header = []string{
	"id", "name", "kind", "lon", "lat", "address", "city", "district", "adcode", "amenities",
	"opening_hours", "status", "status_note", "audience", "phone", "operator", "verified_at",
}

// WriteCSV writes the header and one row per station: UTF-8 without BOM,
// RFC 4180 quoting, "\n" line ends.
func WriteCSV(w io.Writer, stations []Station) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Header); err != nil {
		return err
	}
	row := make([]string, len(Header))
	for i := range stations {
		s := &stations[i]
		row[0] = s.ID
		row[1] = s.Name
		row[2] = s.Kind.String()
		row[3] = formatMicro(s.Lon)
		row[4] = formatMicro(s.Lat)
		row[5] = s.Address
		row[6] = s.District.City
		row[7] = s.District.Name
		row[8] = s.District.Adcode
		row[9] = s.Amenities.String()
		row[10] = s.OpeningHours
		row[11] = s.Status.String()
		row[12] = s.StatusNote
		row[13] = s.Audience.String()
		row[14] = s.Phone
		row[15] = s.Operator
		row[16] = s.VerifiedAt
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}
