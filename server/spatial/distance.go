// Package spatial is the pure geometry core of Yizhan: great-circle distances and
// bearings, an exact nearest-neighbour index over static points, bounding-box
// queries, and conversion between WGS-84, GCJ-02 and BD-09.
//
// It does no I/O and imports only the standard library and orb, so it can sit on
// the hot path of a request handler: Nearest and Within do not allocate when the
// destination slice has enough capacity.
package spatial

import (
	"math"

	"github.com/paulmach/orb"
)

// EarthRadiusM is the radius of the sphere all distances are measured on
// (the IUGG mean radius).
const EarthRadiusM = 6371008.8

const degToRad = math.Pi / 180

// vec is a point on the unit sphere.
type vec struct{ x, y, z float64 }

// unitVec maps [lon, lat] in degrees to the unit sphere. The index and DistanceM
// both go through this one function, so they see bit-identical vectors.
func unitVec(p orb.Point) vec {
	lon, lat := p[0]*degToRad, p[1]*degToRad
	sinLon, cosLon := math.Sincos(lon)
	sinLat, cosLat := math.Sincos(lat)
	return vec{float64(cosLat * cosLon), float64(cosLat * sinLon), sinLat}
}

// chord2 is the squared straight-line distance between two unit vectors. The
// float64 conversions forbid the compiler from fusing multiply-adds, so every call
// site (index scan, oracle, DistanceM) rounds identically.
func chord2(ax, ay, az, bx, by, bz float64) float64 {
	dx, dy, dz := bx-ax, by-ay, bz-az
	return float64(dx*dx) + float64(dy*dy) + float64(dz*dz)
}

// distFromChord2 turns a squared chord on the unit sphere into metres along the
// great circle. It is non-decreasing in c2 up to last-bit rounding of Asin; the
// index never relies on more than that (see nearest.go).
func distFromChord2(c2 float64) float64 {
	h := math.Sqrt(c2) * 0.5
	if h > 1 {
		h = 1
	}
	return (2 * EarthRadiusM) * math.Asin(h)
}

// DistanceM is the great-circle distance in metres between a and b ([lon, lat] in
// degrees) on a sphere of radius EarthRadiusM. It is exactly the metric that
// Nearest orders by and filters on: a brute-force search that calls DistanceM for
// every item gets bit-identical distances. Accurate to well under a millimetre at
// any distance; NaN coordinates give NaN.
func DistanceM(a, b orb.Point) float64 {
	va, vb := unitVec(a), unitVec(b)
	return distFromChord2(chord2(va.x, va.y, va.z, vb.x, vb.y, vb.z))
}

// BearingDeg is the initial great-circle bearing from one point to another in
// degrees clockwise from north, in [0, 360). Points less than about 10 µm apart
// (identical ones included) give 0.
func BearingDeg(from, to orb.Point) float64 {
	return NewCompass(from).To(VectorOf(to))
}

// Vector is a point on the unit sphere: precompute it for points whose bearing is
// asked often (every station in a nearby answer).
type Vector = vec

// VectorOf maps [lon, lat] in degrees to its Vector.
func VectorOf(p orb.Point) Vector { return unitVec(p) }

// Compass gives initial bearings from one point. The bearing to v is the angle
// between the local north and east directions at the origin and v, which is the
// usual formula atan2(sin Δλ cos φ2, cos φ1 sin φ2 − sin φ1 cos φ2 cos Δλ) with the
// origin's trigonometry done once and the target's done in advance.
type Compass struct{ east, north vec }

// NewCompass prepares bearings from the point from.
func NewCompass(from orb.Point) Compass {
	sinLon, cosLon := math.Sincos(from[0] * degToRad)
	sinLat, cosLat := math.Sincos(from[1] * degToRad)
	return Compass{
		east:  vec{-sinLon, cosLon, 0},
		north: vec{-sinLat * cosLon, -sinLat * sinLon, cosLat},
	}
}

// To is the bearing to v in degrees clockwise from north, in [0, 360).
func (c Compass) To(v Vector) float64 {
	y := c.east.x*v.x + c.east.y*v.y
	x := c.north.x*v.x + c.north.y*v.y + c.north.z*v.z
	if x*x+y*y < 1e-24 { // v is the origin, up to rounding: no direction
		return 0
	}
	deg := math.Atan2(y, x) / degToRad
	if deg < 0 {
		deg += 360
	}
	if deg >= 360 { // -tiny + 360 can round up to 360
		deg -= 360
	}
	return deg + 0 // turn -0 into +0
}
