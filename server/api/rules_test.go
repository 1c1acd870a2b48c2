package api_test

import (
	"net/url"
	"testing"
)

// A rider's report note and the hours preview clean text as edits do: what the preview shows is what
// an edit stores.
func TestRiderTextCleaned(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	id := ts.stations[0].ID
	res, body := ts.post(t, reportsPath(id), "application/json", `{"reason":"closed","note":"门锁着\n没人\u202e\u200b"}`)
	if res.StatusCode != 201 || decode[map[string]any](t, body)["note"] != "门锁着 没人" {
		t.Fatalf("report: %d %s", res.StatusCode, body)
	}
	res, body = ts.post(t, reportsPath(id), "application/json", `{"reason":"closed","note":"a\u0085b"}`)
	checkProblem(t, res, body, 400, "invalid_parameter", "note")
	for _, text := range []string{"Mo-Fr\u200b 08:00-18:00\n", "\ufeffMo-Fr 08:00-18:00", "Mo-Fr 08:00\u2060-18:00"} {
		res, body = ts.get(t, "/api/v1/hours/preview?text="+url.QueryEscape(text))
		if p := decode[map[string]any](t, body); res.StatusCode != 200 || p["normalized"] != "Mo-Fr 08:00-18:00" || p["status"] != "parsed" {
			t.Errorf("preview of %q: %d %s", text, res.StatusCode, body)
		}
	}
}
