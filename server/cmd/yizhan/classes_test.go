package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// classes maps the classes of bad input (issue "Bad input, round two") to the variants tried and the
// tests that prove what Yizhan does with each. The catalogue (catalogue_test.go) is a sample of each
// class; these are the variants made up beyond it. References are as in the catalogue: "TestName",
// "TestName/subtest" or "scripts/e2e/<path>.mjs: <test title>". Each class keeps its rows together,
// in class order; a class with no rows yet is not listed.
var classes = []struct {
	class     int
	variant   string // what was sent
	behaviour string // what the server answers
	tests     []string
}{
	{9, "nearby at the very point of a station closed for good (0 m), with limits 1, 3 and all", "left out: the nearest is the temporarily closed one 111 m away, and a limit of k still gives k stations (the filter is in the index query)", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "nearby with status=closed, open, temporarily_closed, open,closed or all three, in any order", "only stations of those statuses, nearest first; with closed asked for, the closed one at 0 m comes first", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "status=closed,temporarily_closed together with open=now", "none: a station out of service is never open", []string{"TestClosedStationsLeftOut/nearby"}},
	{9, "nearby online against the offline dataset's stations ordered by distance", "the same 20 ids in the same order", []string{"TestClosedStationsLeftOut/online equals offline", "scripts/e2e/browser/pwa.test.mjs: first load: the nearest stations in the server's order, the map, and no CSP violation"}},
	{9, "bbox around closed, temporarily closed and open stations, in WGS-84 and GCJ-02, with limit=1", "closed ones left out unless status asks; limit 1 gives a station that is not closed and truncated true", []string{"TestClosedStationsLeftOut/bbox"}},
	{9, "search for a name shared by closed and open stations, with and without a position, limit 1", "closed ones neither listed nor counted in total unless status asks", []string{"TestClosedStationsLeftOut/search"}},
	{9, "a link to a closed station (GET /stations/{id})", "200 with status closed: the rider learns it is closed", []string{"TestClosedStationsLeftOut/by id"}},
	{9, "status empty, with empty items, unknown (shut, all, *, a label, OPEN, Closed, temporarily-closed), padded, with NUL, very long, or listed twice, on nearby, bbox and search", "400 invalid_parameter naming status", []string{"TestStatusParameterRefused"}},
	{9, "status given twice as a parameter", "400 duplicate_parameter naming status", []string{"TestStatusParameterRefused"}},
	{13, "the right password again and again for one account (more often than its burst)", "200 every time: a correct password gives its attempt back", []string{"TestLoginLimitsCountFailures/sign-ins in a row", "TestSignInsSpendNoLoginAttempts"}},
	{13, "sign-ins to one account from one address between guesses at other names", "the sign-ins are 200; the guesses still use up the address's burst, then 429 with Retry-After", []string{"TestLoginLimitsCountFailures/per address: sign-ins between guesses at other names"}},
	{13, "failures, then the right password while not limited, then more failures", "the sign-in is 200 and does not wipe the failures (else guesses hide between sign-ins): the burst's last failure is followed by 429, and by 200 after Retry-After", []string{"TestLoginLimitsCountFailures/a sign-in between failures does not reset them", "TestSignInsSpendNoLoginAttempts"}},
	{13, "attempts refused with 429 for a limited account", "checked no password, so they cost the address nothing", []string{"TestLoginLimitsCountFailures/a refused attempt costs the address nothing"}},
	{13, "guesses sent in parallel", "each holds its attempt while the password is checked: only the burst gets 401, the rest 429", []string{"TestLoginLimitsCountFailures/parallel guesses"}},
}

// TestClassesMapToTests keeps the class table honest: classes in order, every row with a variant, a
// behaviour and tests that exist.
func TestClassesMapToTests(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	goTests := goTestNames(t, filepath.Join(root, "server"))
	last := 0
	for _, c := range classes {
		if c.class < 1 || c.class > 13 {
			t.Errorf("class %d: there are 13 classes", c.class)
		}
		if c.class < last {
			t.Errorf("class %d after class %d: keep the classes in order", c.class, last)
		}
		last = c.class
		if strings.TrimSpace(c.variant) == "" || strings.TrimSpace(c.behaviour) == "" || len(c.tests) == 0 {
			t.Errorf("class %d %q: a row needs a variant, a behaviour and tests", c.class, c.variant)
		}
		for _, ref := range c.tests {
			if problem := checkRef(root, ref, goTests); problem != "" {
				t.Errorf("class %d %q: %s", c.class, c.variant, problem)
			}
		}
	}
}
