package api

import "testing"

func TestAreasPreferredEncoding(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0.5, gzip;q=1.0", "br"}, // br is preferred whenever it is acceptable
		{"GZIP", "gzip"},
		{"br;q=0, gzip", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"gzip;q=0", ""},
		{"*", "br"},
		{"*;q=0", ""},
		{"*, br;q=0", "gzip"},
		{"*, br;q=0, gzip;q=0", ""},
		{"gzip; q=0.001", "gzip"},
		{"deflate, zstd", ""},
		{" br ; q=0.8 ,gzip", "br"},
	} {
		if got := preferredEncoding(c.header); got != c.want {
			t.Errorf("preferredEncoding(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}
