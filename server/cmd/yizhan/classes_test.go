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
}{}

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
