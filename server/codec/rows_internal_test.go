package codec

import (
	"strings"
	"testing"
)

// A panic while converting a row (here: a row queued without labels) is raised again in the reader's
// goroutine by finish, where a handler's recovery sees it, not in a converter, where it would end the
// process.
func TestConverterPanicReachesTheReader(t *testing.T) {
	res := ImportResult{}
	im := &importer{res: &res}
	for row := 1; row <= 3*batchLen; row++ {
		im.addRow(row, &rowValues{}, nil, "")
	}
	defer func() {
		p := recover()
		if err, ok := p.(error); !ok || !strings.Contains(err.Error(), "nil pointer") {
			t.Fatalf("recovered %v, want the converter's nil pointer panic", p)
		}
	}()
	im.finish()
	t.Fatal("finish returned")
}
