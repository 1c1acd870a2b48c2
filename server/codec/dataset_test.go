package codec_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

func datasetOf(t *testing.T, crs spatial.CRS, sts []station.Station) (header map[string]any, dict, cols map[string]json.RawMessage) {
	t.Helper()
	b := codec.AppendDataset(nil, 7, crs, station.Slice(sts))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	json.Unmarshal(b, &header)
	json.Unmarshal(top["dict"], &dict)
	json.Unmarshal(top["columns"], &cols)
	return header, dict, cols
}

func column[T any](t *testing.T, cols map[string]json.RawMessage, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(cols[name], &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

type sparseColumn struct {
	I []int
	V []json.RawMessage
}

func TestAppendDataset(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, codec.Shanghai)
	base := station.Station{Name: "站", City: "沈阳市", District: "和平区", Adcode: "210102", Version: 1, UpdatedAt: at}
	mk := func(id string, lon, lat float64, f func(*station.Station)) station.Station {
		st := base
		st.ID, st.Lon, st.Lat = id, lon, lat
		st.Address = "辽宁省沈阳市和平区" + id + "路"
		st.Phone = "024-12345678"
		if f != nil {
			f(&st)
		}
		return st
	}
	sts := []station.Station{
		mk("LN-1", 123.4, 41.8, func(s *station.Station) {
			s.Amenities = station.AmenitySet(0).With(station.HotWater).With(station.Wifi)
			s.Operator, s.OpeningHours = "甲", "24/7"
		}),
		mk("LN-2", 123.5, 41.7, func(s *station.Station) { s.Status = station.Closed }),
		mk("LN-3", 123.6, 41.9, func(s *station.Station) {
			s.Address, s.Phone, s.StatusNote = "别处某路1号", "13800000000", "修缮\"中\""
			s.Status, s.Operator, s.VerifiedAt = station.TemporarilyClosed, "乙", at.Add(90*time.Second)
		}),
		mk("LN-30", 123.1234567, 41.7, func(s *station.Station) { s.Operator = "甲"; s.UpdatedAt = time.Time{} }),
		mk("站-é", 124, 42, func(s *station.Station) { s.Phone = "" }),
	}
	header, dict, cols := datasetOf(t, spatial.WGS84, sts)
	if header["format"] != "yizhan-dataset" || header["v"] != 1.0 || header["data_version"] != 7.0 || header["crs"] != "wgs84" ||
		header["count"] != 4.0 || header["coords"] != "e6" {
		t.Fatalf("header %v", header)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("id_shared", column[[]int](t, cols, "id_shared"), []int{0, 3, 4, 0})
	check("id_suffix", column[[]string](t, cols, "id_suffix"), []string{"LN-1", "3", "0", "站-é"})
	check("lon", column[[]int64](t, cols, "lon"), []int64{123400000, 200000, -476543, 876543})
	check("coords_exact", column[sparseColumn](t, cols, "coords_exact").I, []int{3})
	check("coords_exact.v", string(column[sparseColumn](t, cols, "coords_exact").V[0]), "[123.1234567,41.7]")
	check("address", column[[]string](t, cols, "address"), []string{"LN-1路", "", "LN-30路", "站-é路"})
	check("address_full", column[sparseColumn](t, cols, "address_full").I, []int{2})
	check("operator", column[[]int](t, cols, "operator"), []int{1, 1, 2, 0})
	check("dict.operator", column[[]string](t, dict, "operator"), []string{"甲", "乙"})
	check("hours", column[[]int](t, cols, "hours"), []int{1, 0, 0, 0})
	check("amenities", column[[]int](t, cols, "amenities"), []int{1<<station.HotWater | 1<<station.Wifi, 0, 0, 0})
	check("status", column[[]int](t, cols, "status"), []int{0, 1, 0, 0})
	check("dict.phone_prefix", column[[]string](t, dict, "phone_prefix"), []string{"024-"})
	check("phone", column[[]*string](t, cols, "phone")[3], (*string)(nil))
	check("phone_full", string(column[sparseColumn](t, cols, "phone_full").V[0]), `"13800000000"`)
	check("status_note", string(column[sparseColumn](t, cols, "status_note").V[0]), `"修缮\"中\""`)
	check("time_base", header["time_base"], float64(at.Unix()))
	check("updated_at", column[[]*int64](t, cols, "updated_at")[2], (*int64)(nil))
	check("verified_at", *column[[]*int64](t, cols, "verified_at")[1], int64(90))
	check("district", column[[][]any](t, dict, "district"), [][]any{{"和平区", 0.0, "210102"}})

	// Converted coordinates are mostly not whole micro-degrees: the column holds the numbers.
	header, _, cols = datasetOf(t, spatial.GCJ02, sts)
	if header["coords"] != "float" {
		t.Fatalf("gcj02: coords %v", header["coords"])
	}
	p := spatial.FromWGS84(spatial.GCJ02, [2]float64{123.4, 41.8})
	check("gcj02 lon", column[[]float64](t, cols, "lon")[0], p[0])
}
