package catalog

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
)

// CompactDataset is the offline dataset in its compact form (codec.AppendDataset) in one CRS: the
// JSON, its gzip form, a strong ETag and, once made in the background, its brotli form. Nothing is
// compressed per request.
type CompactDataset struct {
	JSON, Gzip []byte
	ETag       string

	br         atomic.Pointer[[]byte]
	brStart    sync.Once
	superseded func() bool // a newer snapshot is current: making br is moot
}

type lazyCompact struct {
	once sync.Once
	d    *CompactDataset
}

// CompactDataset returns snapshot s's compact offline dataset in crs, rendering it and its gzip form
// on first use (the caller waits for both). Its brotli form is made in the background after the first
// Brotli call, and given up when c holds a newer snapshot by then.
func (c *Catalog) CompactDataset(s *Snapshot, crs spatial.CRS) *CompactDataset {
	l := &s.compact[crs]
	l.once.Do(func() {
		b := codec.AppendDataset(make([]byte, 0, 160*s.Len()), s.Version, crs, s)
		sum := sha256.Sum256(b)
		l.d = &CompactDataset{
			JSON: b,
			Gzip: gzipLevel(b, gzipQuality(len(b))),
			ETag: `"c` + strconv.Itoa(codec.DatasetVersion) + "-" + strconv.FormatInt(s.Version, 10) + "-" + crs.String() +
				"-" + hex.EncodeToString(sum[:6]) + `"`,
			superseded: func() bool {
				cur := c.Current()
				return cur != nil && cur.Version > s.Version
			},
		}
	})
	return l.d
}

// Brotli returns the brotli form, or nil while it is not made yet: the first call starts making it.
func (d *CompactDataset) Brotli() []byte {
	if b := d.br.Load(); b != nil {
		return *b
	}
	d.brStart.Do(func() { go d.makeBrotli() })
	return nil
}

// brotliSlot lets one brotli compression run at a time, whatever the number of snapshots and CRSs
// asked for: it takes one core at most, in the background.
var brotliSlot = make(chan struct{}, 1)

// brotliChunk is how much input the compressor takes between two checks that its work still matters.
const brotliChunk = 256 << 10

func (d *CompactDataset) makeBrotli() {
	brotliSlot <- struct{}{}
	defer func() { <-brotliSlot }()
	var out bytes.Buffer
	w := brotli.NewWriterOptions(&out, brotli.WriterOptions{Quality: BrotliQuality(len(d.JSON)), LGWin: 22})
	for rest := d.JSON; len(rest) > 0; {
		if d.superseded() {
			return // the dataset of a newer snapshot will be asked for instead
		}
		n := min(len(rest), brotliChunk)
		w.Write(rest[:n]) // a bytes.Buffer never fails
		rest = rest[n:]
	}
	w.Close()
	b := out.Bytes()
	d.br.Store(&b)
}

// BrotliQuality is the brotli quality used for a payload of n bytes: the best one whose compression
// takes about two seconds of one core or less, by throughputs measured with andybalholm/brotli
// v1.3.0 on the development machine (the seed's 2.3 MB: q11 9.3 s, q10 3.6 s, q9 0.47 s;
// 1,000,000 stations' 134 MB: q9 63 s, q6 18 s, q5 10.7 s), and never less than 5 (at a million
// stations still 7 % smaller than gzip at level 4, in the background).
func BrotliQuality(n int) int {
	switch {
	case n <= 512<<10:
		return 11 // about 0.25 MB/s
	case n <= 1<<20:
		return 10 // about 0.65 MB/s
	case n <= 4<<20:
		return 9 // 2–5 MB/s
	case n <= 16<<20:
		return 6 // 7–11 MB/s
	default:
		return 5 // about 12 MB/s
	}
}

// gzipQuality is the gzip level for a payload of n bytes, made while the first request waits: 9 up to
// 16 MB (the seed's 2.3 MB: 0.4 s), 4 beyond (134 MB: 3 s, where level 9 takes 32 s).
func gzipQuality(n int) int {
	if n <= 16<<20 {
		return gzip.BestCompression
	}
	return 4
}

func gzipLevel(b []byte, level int) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, level)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}
