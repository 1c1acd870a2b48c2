package stats

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// RadiusM is the reach of a station: a cell is covered when a station that is not closed (open or
// temporarily closed: a temporary closure is a pause, and its door is still where riders learn to
// look) lies within RadiusM of the cell's centre, great-circle.
const RadiusM = 3000

// Coverage is which cells of each district are covered, at one data version.
type Coverage struct {
	Version int64
	geo     *Geography
	covered [][]bool // per district, per cell
	count   []int    // covered cells per district
}

// Cover works out the coverage of every district's cells. near(p) reports whether a station that is
// not closed lies within RadiusM of p (a nearest-station search in the spatial index); it is called
// from several goroutines at once.
func (g *Geography) Cover(version int64, near func(orb.Point) bool) *Coverage {
	c := &Coverage{Version: version, geo: g, covered: make([][]bool, len(g.grids)), count: make([]int, len(g.grids))}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(g.grids) {
					return
				}
				cells := g.grids[i].cells
				cov := make([]bool, len(cells))
				n := 0
				for k := range cells {
					if near(cells[k].centre) {
						cov[k] = true
						n++
					}
				}
				c.covered[i], c.count[i] = cov, n
			}
		})
	}
	wg.Wait()
	return c
}

// Covered reports, for each cell of district adcode as Cells lists them, whether it is covered.
func (c *Coverage) Covered(adcode string) ([]bool, bool) {
	i, ok := c.geo.district[adcode]
	if !ok {
		return nil, false
	}
	return c.covered[i], true
}

// Run is uncovered cells side by side in one row of a district's grid: one rectangle.
type Run struct {
	Bound orb.Bound
	Cells int
}

// Uncovered returns the uncovered cells of a district or city (all its districts) as runs, and the
// area's cells and covered cells; ok is false for an adcode that is neither.
func (c *Coverage) Uncovered(adcode string) (runs []Run, cells, covered int, ok bool) {
	ds, ok := c.geo.districtsOf(adcode)
	if !ok {
		return nil, 0, 0, false
	}
	for _, i := range ds {
		g := &c.geo.grids[i]
		cells += len(g.cells)
		covered += c.count[i]
		for k := 0; k < len(g.cells); k++ {
			if c.covered[i][k] {
				continue
			}
			start := k
			for k+1 < len(g.cells) && !c.covered[i][k+1] && g.cells[k+1].row == g.cells[k].row && g.cells[k+1].col == g.cells[k].col+1 {
				k++
			}
			b := g.bound(g.cells[start]).Union(g.bound(g.cells[k]))
			runs = append(runs, Run{Bound: b, Cells: k - start + 1})
		}
	}
	return runs, cells, covered, true
}

// CoverageCache keeps the coverage of the latest data version asked for: working it out takes a
// nearest-station search per cell (some 150,000 for the province), and it changes only with the data.
type CoverageCache struct {
	mu  sync.Mutex
	cur *Coverage
}

// Get returns the cached coverage when it is for version, else makes it with compute (one caller at
// a time; the others wait for it and share the result).
func (cc *CoverageCache) Get(version int64, compute func() *Coverage) *Coverage {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.cur == nil || cc.cur.Version != version {
		cc.cur = compute()
	}
	return cc.cur
}
