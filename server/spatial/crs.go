package spatial

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// CRS identifies one of the coordinate reference systems used by Chinese map
// providers. All three are [lon, lat] in degrees.
type CRS uint8

const (
	// WGS84 is GPS / OpenStreetMap coordinates, the canonical CRS of this package.
	WGS84 CRS = iota
	// GCJ02 is the obfuscated "Mars" system used by Amap, Tencent and most Chinese tiles.
	GCJ02
	// BD09 is Baidu's additional transform on top of GCJ02.
	BD09
)

// ParseCRS parses "wgs84", "gcj02" or "bd09" (exactly, lower case).
func ParseCRS(s string) (CRS, bool) {
	switch s {
	case "wgs84":
		return WGS84, true
	case "gcj02":
		return GCJ02, true
	case "bd09":
		return BD09, true
	}
	return 0, false
}

// String returns the name ParseCRS accepts, or "CRS(n)" for an unknown value.
func (c CRS) String() string {
	switch c {
	case WGS84:
		return "wgs84"
	case GCJ02:
		return "gcj02"
	case BD09:
		return "bd09"
	}
	return "CRS(" + strconv.Itoa(int(c)) + ")"
}

// FromWGS84 converts a WGS-84 point to c with the published GCJ-02 formula
// (Krasovsky ellipsoid; points outside the rough China box are left unchanged) and,
// for BD09, Baidu's transform applied to the GCJ-02 result (as Baidu and gcoord do,
// that second step also applies outside China). Unknown CRS values return p.
func FromWGS84(c CRS, p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		return wgsToGCJ(p)
	case BD09:
		return gcjToBD(wgsToGCJ(p))
	}
	return p
}

// ToWGS84 converts a point in c to WGS-84. Neither forward transform has a closed
// form inverse, so it solves forward(w) = p by fixed-point iteration
// (w -= forward(w) - p), which converges to well under a millimetre in a few steps.
// Like the forward GCJ-02 transform, GCJ02 points outside the China box are
// returned unchanged. Unknown CRS values return p.
func ToWGS84(c CRS, p orb.Point) orb.Point {
	switch c {
	case GCJ02:
		if outOfChina(p[0], p[1]) {
			return p
		}
		return invert(wgsToGCJ, p)
	case BD09:
		return invert(func(w orb.Point) orb.Point { return gcjToBD(wgsToGCJ(w)) }, p)
	}
	return p
}

const (
	invMaxIter = 30
	// invTol is the per-axis step (degrees) at which the iteration stops: about
	// 1 µm, far below the 1 mm target yet well above float64 resolution at lon 180
	// (3e-14), so it is reached rather than hitting the iteration cap.
	invTol = 1e-11
)

// invert returns w with forward(w) ≈ p. The forward shifts are smooth with a
// Jacobian within ~1e-3 of the identity, so each step gains about three digits.
// The cap only matters right at the China box edge, where forward jumps.
func invert(forward func(orb.Point) orb.Point, p orb.Point) orb.Point {
	w := p
	for i := 0; i < invMaxIter; i++ {
		f := forward(w)
		dx, dy := f[0]-p[0], f[1]-p[1]
		w[0] -= dx
		w[1] -= dy
		if math.Abs(dx) <= invTol && math.Abs(dy) <= invTol {
			break
		}
	}
	return w
}

// Parameters of the published GCJ-02 algorithm (Krasovsky 1940 ellipsoid).
const (
	krasA  = 6378245.0
	krasEE = 0.00669342162296594323
	// bdK is Baidu's "x_pi": π·3000/180.
	bdK = math.Pi * 3000.0 / 180.0
)

// outOfChina is the rough rectangle in which GCJ-02 applies its shift. NaN is out.
func outOfChina(lon, lat float64) bool {
	return !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271)
}

func wgsToGCJ(p orb.Point) orb.Point {
	lon, lat := p[0], p[1]
	if outOfChina(lon, lat) {
		return p
	}
	x, y := lon-105.0, lat-35.0
	dLat := gcjLatShift(x, y)
	dLon := gcjLonShift(x, y)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - krasEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	// Convert the metre-like shifts into degrees with the meridian and parallel
	// radii of curvature of the Krasovsky ellipsoid.
	dLat = dLat * 180.0 / ((krasA * (1 - krasEE)) / (magic * sqrtMagic) * math.Pi)
	dLon = dLon * 180.0 / (krasA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return orb.Point{lon + dLon, lat + dLat}
}

func gcjLatShift(x, y float64) float64 {
	r := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	r += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return r
}

func gcjLonShift(x, y float64) float64 {
	r := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	r += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	r += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	r += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return r
}

// gcjToBD applies Baidu's small radial and angular perturbation plus a fixed offset.
func gcjToBD(p orb.Point) orb.Point {
	x, y := p[0], p[1]
	z := math.Sqrt(x*x+y*y) + 0.00002*math.Sin(y*bdK)
	theta := math.Atan2(y, x) + 0.000003*math.Cos(x*bdK)
	return orb.Point{z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006}
}
