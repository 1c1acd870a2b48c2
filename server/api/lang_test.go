package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

var (
	han           = regexp.MustCompile(`\p{Han}`)
	englishRun    = regexp.MustCompile(`[A-Za-z]+([ ,]+[A-Za-z]+){2}`) // three English words in a row
	englishVerb   = regexp.MustCompile(`\b(is|are|not|the|must|has|have|was|cannot|should)\b`)
	quotedOrLatin = regexp.MustCompile(`"[^"]*"|“[^”]*”|「[^」]*」`)
)

// readsAsChinese: a detail with Chinese in it and no English sentence outside what the user typed.
func readsAsChinese(detail string) bool {
	rest := quotedOrLatin.ReplaceAllString(detail, "")
	return han.MatchString(rest) && !englishSentence(rest)
}

// englishSentence: three English words in a row and a verb or article (a list of field codes is none).
func englishSentence(s string) bool { return englishRun.MatchString(s) && englishVerb.MatchString(s) }

var (
	hanRun          = regexp.MustCompile(`\p{Han}+`)
	parenthesisWith = regexp.MustCompile(`\([^()]*\p{Han}[^()]*\)`)
)

// readsAsEnglish: no Chinese but quoted values, what the request itself held (column names), place
// names, and the Chinese words a vocabulary accepts, given in parentheses.
func readsAsEnglish(detail, request string) bool {
	rest := quotedOrLatin.ReplaceAllString(detail, "")
	rest = parenthesisWith.ReplaceAllString(rest, "")
	rest = hanRun.ReplaceAllStringFunc(rest, func(run string) string {
		if strings.Contains(request, run) || strings.HasSuffix(run, "区") || strings.HasSuffix(run, "县") || strings.HasSuffix(run, "市") {
			return ""
		}
		return run
	})
	return !han.MatchString(rest) && englishSentence(detail)
}

// Problem details and import row errors are in the reader's language: Chinese by default and when
// Accept-Language prefers it, English when it prefers English; the same code and field either way.
func TestMessagesInReadersLanguage(t *testing.T) {
	h := newHarness(t)
	id := h.stations[0].ID
	admin, op := h.signedIn("boss", auth.RoleAdmin), h.signedIn("zhang", auth.RoleOperator, id)
	etag := fmt.Sprintf(`"%d"`, h.stations[0].Version)
	importFile := "名称,类型,经度,纬度,区县,开放时间,服务设施,状态\n" +
		"甲站爱心驿站,caring_station,0,41.79,和平区,,,\n" + // a placeholder coordinate
		"乙站爱心驿站,桑拿,123.4067,41.7984,和平区,,,\n" + // an unknown kind
		"丙站爱心驿站,caring_station,123°65′,41.79,和平区,,,\n" + // minutes of 60 or more
		"丁站爱心驿站,caring_station,41.7984,123.4067,和平区,,,\n" + // swapped
		"戊站爱心驿站,caring_station,123.2428,41.7984,和平区,,,\n" + // degrees-minutes as decimals
		"己站爱心驿站,caring_station,123.4067,41.7984,和平区,,热水、桑拿,\n" + // an unknown amenity
		"庚站爱心驿站,caring_station,123.4067,41.7984,和平区,,,也许\n" // an unknown status
	requests := []struct {
		name, method, path, body string
		who                      *client
		header                   []string
	}{
		{"placeholder lat", http.MethodGet, "/api/v1/stations/nearby?lat=abc&lon=123.4", "", nil, nil},
		{"swapped lat and lon", http.MethodGet, "/api/v1/stations/nearby?lat=123.4&lon=41.8", "", nil, nil},
		{"no such route", http.MethodGet, "/api/v1/nothing", "", nil, nil},
		{"unknown station", http.MethodGet, "/api/v1/stations/NOPE", "", nil, nil},
		{"wrong method", http.MethodDelete, "/api/v1/meta", "", nil, nil},
		{"bad hours preview", http.MethodGet, "/api/v1/hours/preview", "", nil, nil},
		{"edit without If-Match", http.MethodPatch, "/api/v1/stations/" + id, `{"phone":"024-11112222"}`, op, nil},
		{"bad phone", http.MethodPatch, "/api/v1/stations/" + id, `{"phone":"call me maybe"}`, op, []string{"If-Match", etag}},
		{"bad hours", http.MethodPatch, "/api/v1/stations/" + id, `{"opening_hours":"随缘"}`, op, []string{"If-Match", etag}},
		{"operator edits the name", http.MethodPatch, "/api/v1/stations/" + id, `{"name":"新名字"}`, op, []string{"If-Match", etag}},
		{"import with bad rows", http.MethodPost, "/api/v1/admin/imports?dry_run=true", importFile, admin, []string{"Content-Type", "text/csv"}},
		{"import of a PDF", http.MethodPost, "/api/v1/admin/imports?dry_run=true", "%PDF-1.7\n...", admin, []string{"Content-Type", "text/csv"}},
		{"wrong password", http.MethodPost, "/api/v1/session", `{"username":"zhang","password":"wrong password here"}`, nil, []string{"Content-Type", "application/json"}},
	}
	type answer struct {
		Code, Field, Detail, Title string
		Errors                     []struct {
			Code, Field, Detail string
			Row                 int
		}
	}
	ask := func(t *testing.T, i int, acceptLanguage string) (int, answer) {
		r := requests[i]
		who := r.who
		if who == nil {
			who = h.anonymous()
		}
		header := append([]string{}, r.header...)
		if acceptLanguage != "" {
			header = append(header, "Accept-Language", acceptLanguage)
		}
		status, _, body := who.do(r.method, r.path, r.body, header...)
		var a answer
		if err := json.Unmarshal(body, &a); err != nil {
			t.Fatalf("%s: %d %s", r.name, status, body)
		}
		return status, a
	}
	details := func(a answer) []string {
		if len(a.Errors) > 0 {
			var out []string
			for _, e := range a.Errors {
				out = append(out, e.Detail)
			}
			return out
		}
		return []string{a.Detail}
	}
	for i, r := range requests {
		t.Run(r.name, func(t *testing.T) {
			statusZh, zh := ask(t, i, "")
			_, zh2 := ask(t, i, "zh-CN,zh;q=0.9,en;q=0.8")
			statusEn, en := ask(t, i, "en-US,en;q=0.9")
			if statusZh < 400 || statusZh != statusEn || zh.Code != en.Code || zh.Field != en.Field || len(zh.Errors) != len(en.Errors) {
				t.Fatalf("%d %+v and %d %+v: the same refusal in either language", statusZh, zh, statusEn, en)
			}
			if len(zh.Errors) > 0 && len(zh.Errors) < 7 {
				t.Errorf("%d row errors, want 7: %+v", len(zh.Errors), zh.Errors)
			}
			for k, d := range details(zh) {
				if !readsAsChinese(d) {
					t.Errorf("default language, detail %d is not Chinese: %q", k, d)
				}
				if details(zh2)[k] != d {
					t.Errorf("Accept-Language zh-CN: %q, default: %q", details(zh2)[k], d)
				}
			}
			for k, d := range details(en) {
				if !readsAsEnglish(d, r.body) {
					t.Errorf("Accept-Language en, detail %d is not English: %q", k, d)
				}
			}
			if zh.Title != "" && !han.MatchString(zh.Title) || han.MatchString(en.Title) {
				t.Errorf("titles %q / %q", zh.Title, en.Title)
			}
		})
	}
}
