package station_test

import (
	"testing"

	"github.com/yizhan/yizhan/server/station"
)

// Phones are digits with a leading +, dashes and spaces, and an optional extension of digits after
// 转 or ext; anything else (markup, URLs, letters) is refused naming the phone field.
func TestCheckPhone(t *testing.T) {
	for _, tc := range []struct {
		phone string
		ok    bool
	}{
		{"", true},
		{"024-12345678", true},
		{"+86 24 1234 5678", true},
		{"024-12345678转123", true},
		{"024-12345678 ext 12", true},
		{"12345", true},
		{"1234", false},                  // too few digits
		{"123456789012345678901", false}, // too many
		{"024-1234<script>", false},      // markup
		{"024-12345678转<script>alert(1)</script>", false},
		{"024-1234ext javascript:x", false},
		{"024-12345678转", false},        // an empty extension
		{"024-12345678转1234567", false}, // a long one
		{"024-1234+5678", false},        // + only at the start
		{"tel:024-12345678", false},
	} {
		err := station.CheckPhone(tc.phone)
		if (err == nil) != tc.ok || err != nil && err.Field != "phone" {
			t.Errorf("%q: %v, want ok=%v", tc.phone, err, tc.ok)
		}
	}
}
