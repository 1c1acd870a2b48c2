package sqlite

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"github.com/yizhan/yizhan/server/station"
)

// The station cache is a file next to the database (PATH.cache) holding every station of one data state
// in a compact binary form. Reading a million stations row by row through database/sql costs seconds of
// per-column calls; reading this file costs a fraction of one. It is derived data: keyed by the data
// version and token, checksummed, written by rename, ignored when it does not match and safe to delete.
//
// Layout: magic, version (8 bytes), token, count, then per station its fields in stationColumns order,
// the plain text fields last in station.Fields' order (strings as uvarint length + bytes, floats as
// 8 bytes, small codes as one byte, times as Unix nanoseconds with 0 for zero), then the CRC-32C of
// everything before it. The magic names the layout: a file of another one is not read.
const cacheMagic = "yizhan-stations-2\n"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (db *DB) cachePath() string {
	if db.cacheDir == "" {
		return ""
	}
	return filepath.Join(db.cacheDir, filepath.Base(db.path)+".cache")
}

// KeepCacheIn puts the station cache file in dir instead of beside the database ("": keep none, as on
// a LiteFS mount, which holds only databases). Call it before the first read.
func (db *DB) KeepCacheIn(dir string) { db.cacheDir = dir }

// errCacheMiss means the cache file is absent or belongs to another data state.
var errCacheMiss = errors.New("station cache does not match")

// writeCache replaces the cache with stations at (version, token). A crash leaves either the old file or
// the new one (the checksum catches a file torn by power loss).
func (db *DB) writeCache(version int64, token string, stations station.List) error {
	if db.cacheDir == "" {
		return nil
	}
	tmp, err := os.CreateTemp(db.cacheDir, ".stations-cache-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	crc := crc32.New(castagnoli)
	w := bufio.NewWriterSize(io.MultiWriter(tmp, crc), 1<<20)
	var b []byte
	b = append(b, cacheMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(version))
	b = appendString(b, token)
	b = binary.AppendUvarint(b, uint64(stations.Len()))
	for i := range stations.Len() {
		b = appendStation(b, stations.Station(i))
		if len(b) > 1<<16 {
			if _, err := w.Write(b); err != nil {
				tmp.Close()
				return err
			}
			b = b[:0]
		}
	}
	if _, err := w.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32())); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), db.cachePath())
}

// cacheHolds reports whether the cache file's header names the state (version, token), without reading
// the rest of the file.
func (db *DB) cacheHolds(version int64, token string) bool {
	f, err := os.Open(db.cachePath())
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(cacheMagic)+8+binary.MaxVarintLen64+len(token))
	n, _ := io.ReadFull(f, head)
	d := decoder{b: head[:n], off: len(cacheMagic)}
	return string(head[:min(n, len(cacheMagic))]) == cacheMagic && int64(d.uint64()) == version && d.string() == token && d.err == nil
}

// readCache returns the cached stations if the file holds exactly the state (version, token).
func (db *DB) readCache(version int64, token string) ([]station.Station, error) {
	buf, err := os.ReadFile(db.cachePath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, errCacheMiss
	}
	if err != nil {
		return nil, err
	}
	if len(buf) < len(cacheMagic)+12 || string(buf[:len(cacheMagic)]) != cacheMagic {
		return nil, errCacheMiss
	}
	body, sum := buf[:len(buf)-4], binary.LittleEndian.Uint32(buf[len(buf)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errCacheMiss
	}
	d := decoder{b: body, off: len(cacheMagic)}
	if int64(d.uint64()) != version || d.string() != token {
		return nil, errCacheMiss
	}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(body)) {
		return nil, errCacheMiss
	}
	out := make([]station.Station, n)
	for i := range out {
		d.station(&out[i])
	}
	if d.err != nil || d.off != len(body) {
		return nil, fmt.Errorf("station cache %s is corrupt: %v", db.cachePath(), d.err)
	}
	return out, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendStation(b []byte, st *station.Station) []byte {
	b = appendString(b, st.ID)
	b = append(b, byte(st.Kind))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.Lon))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(st.Lat))
	b = appendString(b, st.SourceCRS)
	b = appendString(b, st.SourceText)
	b = binary.AppendUvarint(b, uint64(st.Amenities))
	b = appendString(b, st.OpeningHours)
	b = append(b, byte(st.Status))
	b = append(b, byte(st.Audience))
	b = binary.AppendVarint(b, st.Version)
	b = appendTime(b, st.UpdatedAt)
	b = appendTime(b, st.VerifiedAt)
	for _, f := range textFields {
		b = appendString(b, *f.Text(st))
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

// decoder reads the cache layout; the first error sticks and later reads return zero values. The
// strings it returns point into b instead of being copied one by one (a million stations have twenty
// million strings); b is never written again, which is what unsafe.String requires.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("truncated at byte %d", d.off)
	}
	d.off = len(d.b)
}

func (d *decoder) byte() byte {
	if d.off >= len(d.b) {
		d.fail()
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) uint64() uint64 {
	if len(d.b)-d.off < 8 {
		d.fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint writes it
}

func (d *decoder) string() string {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.off) {
		d.fail()
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.off], int(n))
	d.off += int(n)
	return s
}

func (d *decoder) time() time.Time {
	if n := d.varint(); n != 0 {
		return time.Unix(0, n).UTC()
	}
	return time.Time{}
}

func (d *decoder) station(st *station.Station) {
	st.ID = d.string()
	st.Kind = station.Kind(d.byte())
	st.Lon = math.Float64frombits(d.uint64())
	st.Lat = math.Float64frombits(d.uint64())
	st.SourceCRS = d.string()
	st.SourceText = d.string()
	st.Amenities = station.AmenitySet(d.uvarint())
	st.OpeningHours = d.string()
	st.Status = station.Status(d.byte())
	st.Audience = station.Audience(d.byte())
	st.Version = d.varint()
	st.UpdatedAt = d.time()
	st.VerifiedAt = d.time()
	for _, f := range textFields {
		*f.Text(st) = d.string()
	}
}
