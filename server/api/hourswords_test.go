package api_test

import (
	"net/url"
	"slices"
	"testing"
)

type previewAnswer struct {
	Normalized string  `json:"normalized"`
	Status     string  `json:"status"`
	Read       *string `json:"read"`
	Unread     *string `json:"unread"`
	Examples   []string
	Assumed    []struct{ Word, Months string } `json:"assumed_seasons"`
	Week       []struct {
		Intervals []struct{ Unknown bool }
	}
}

// The preview says how far it read a text it did not understand, offers phrasings that it does
// understand, and names the months it assumed for a season written without them.
func TestHoursPreviewExplains(t *testing.T) {
	ts := sharedServer(t)
	preview := func(text string) previewAnswer {
		t.Helper()
		res, body := ts.get(t, "/api/v1/hours/preview?text="+url.QueryEscape(text)+"&at=2026-12-07T10:00:00%2B08:00")
		if res.StatusCode != 200 {
			t.Fatalf("preview of %q: %d %s", text, res.StatusCode, body)
		}
		return decode[previewAnswer](t, body)
	}

	p := preview("周一至周五 9:00-17:00，每月最后一个周五下午闭馆")
	if p.Status != "unparsed" || p.Read == nil || *p.Read != "周一至周五 9:00-17:00" || p.Unread == nil || *p.Unread != "每月最后一个周五下午闭馆" {
		t.Errorf("not understood: %+v", p)
	}
	if len(p.Examples) < 2 || len(p.Examples) > 3 {
		t.Errorf("examples: %q; want two or three", p.Examples)
	}
	for _, e := range p.Examples { // each example is one the operator can paste and have understood
		if q := preview(e); q.Status == "unparsed" || q.Read != nil || len(q.Examples) != 0 {
			t.Errorf("example %q: %+v", e, q)
		}
	}
	if p := preview("随缘"); p.Read == nil || *p.Read != "" || *p.Unread != "随缘" {
		t.Errorf("nothing read: %+v", p)
	}

	p = preview("冬天早上八点半开门，下午四点半关门，节假日休息")
	if p.Normalized != "Nov-Mar 08:30-16:30; PH off" || p.Status != "partial" || p.Read != nil || p.Unread != nil {
		t.Errorf("winter: %+v", p)
	}
	if len(p.Assumed) != 1 || p.Assumed[0].Word != "冬天" || p.Assumed[0].Months != "Nov-Mar" {
		t.Errorf("winter assumed: %+v", p.Assumed)
	}
	// 7 December: winter, a weekday, open 08:30-16:30 and known.
	if len(p.Week) != 7 || len(p.Week[0].Intervals) != 1 || p.Week[0].Intervals[0].Unknown {
		t.Errorf("winter week: %+v", p.Week)
	}

	p = preview("工作日9:00-17:00，节假日另行通知")
	if p.Normalized != `Mo-Fr 09:00-17:00; PH unknown "节假日另行通知"` || len(p.Assumed) != 0 || p.Examples == nil || len(p.Examples) != 0 {
		t.Errorf("holidays announced: %+v", p)
	}
	if !slices.Contains([]string{"parsed", "partial"}, preview("Mo-Fr 09:00-17:00").Status) {
		t.Error("OSM text no longer understood")
	}
}
