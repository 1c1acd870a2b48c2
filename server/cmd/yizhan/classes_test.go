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
