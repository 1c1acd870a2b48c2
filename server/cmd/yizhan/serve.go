package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/pwa"
	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/cluster"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/config"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

func serveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API and the PWA (an empty database is first seeded)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, log, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return serve(cmd.Context(), cfg, log, nil)
		},
	}
	config.RegisterFlags(cmd.Flags(), "listen", "seed", "pwa-dir", "poll-interval", "holidays", "map-tiles", "map-crs", "map-attribution", "map-max-zoom",
		"session-lifetime", "session-idle", "trusted-proxies", "api-rate", "api-burst", "cache-dir", "primary-url", "max-lag")
	return cmd
}

// serve runs until ctx ends. It listens at once, so /healthz answers while the stations load and
// /readyz (and every station query) answers 503 until they have. When ready is not nil it is called
// with the bound address once the stations are loaded (tests listen on port 0).
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, ready func(addr string)) error {
	start := time.Now()
	cal, err := loadCalendar(cfg.Holidays)
	if err != nil {
		return err
	}
	node, err := cluster.New(cfg.DB, cfg.PrimaryURL)
	if err != nil {
		return err
	}
	db, err := sqlite.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	switch {
	case cfg.CacheDir != "":
		db.KeepCacheIn(cfg.CacheDir)
	case node.InLiteFS():
		db.KeepCacheIn("") // a LiteFS mount holds databases only
	case syscall.Access(filepath.Dir(cfg.DB), 2 /* W_OK */) != nil:
		db.KeepCacheIn("") // a read-only folder: no cache file rather than a warning at every save
	}
	role := node.Role()
	log.Info("node", "role", role)

	var cat catalog.Catalog
	files := pwa.Files()
	if cfg.PWADir != "" {
		files = os.DirFS(cfg.PWADir)
	}
	writer := &write.Writer{Store: db, Catalog: &cat, Log: log, Now: time.Now,
		Reload: func(ctx context.Context) error { return refresh(ctx, db, &cat, cal, log) }}
	srv := &http.Server{
		Handler: api.New(api.Deps{Catalog: &cat, DB: db, Log: log, PWA: files, Calendar: cal, Holidays: db, Reports: db, ReportLimit: api.DefaultReportLimit, Map: mapConfig(cfg),
			Users: db, Sessions: auth.Lifetimes{Absolute: cfg.SessionLifetime, Idle: cfg.SessionIdle}, Writer: writer, History: db, ReportDesk: db, Stats: db,
			TrustedProxies: trustedProxies(cfg), APILimit: apiLimit(cfg), UploadMinRate: cfg.UploadMinRate, UploadRateWindow: cfg.UploadWindow,
			Node: node, MaxLag: cfg.MaxLag, CatchUp: func(ctx context.Context) error { _, err := catchUp(ctx, db, &cat, cal, log); return err },
			PublicURL: cfg.PublicURL}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "db", cfg.DB)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(api.CoalesceWrites(ln)) }()
	defer func() {
		log.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		srv.Shutdown(shutdownCtx) // finishes in-flight requests before the database closes
	}()

	seedFile := cfg.Seed
	if role == cluster.Replica {
		seedFile = "" // its database comes from the primary; it could not write one
	}
	seed, err := seedIfEmpty(ctx, db, seedFile, cal, log)
	if ctx.Err() != nil { // stopped before anything was served: nothing to keep
		log.Info("stopped while starting; a first start seeds the database next time")
		return nil
	}
	if err != nil {
		return err
	}
	if seed != nil {
		// Readers are served the seed while it is written; writers wait for it on the database lock.
		cat.Swap(seed.snap)
		go boundMemory(seed.snap, log)
		if err := seed.finish(ctx, db, &cat, cal, log); err != nil {
			return err
		}
		// The write's garbage is as large as the seed: give its pages back now rather than bit by bit
		// (a second at a million stations; the seed is served meanwhile).
		debug.FreeOSMemory()
	} else if err := refresh(ctx, db, &cat, cal, log); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while loading
		}
		return err
	}
	if ctx.Err() != nil {
		return nil // stopped while the seed was written; it was kept
	}
	snap := cat.Current()
	log.Info("index ready", "stations", snap.Len(), "data_version", snap.Version, "elapsed_ms", time.Since(start).Milliseconds())

	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { watch(watchCtx, db, &cat, cal, cfg.PollInterval, log); close(watched) }()
	defer func() {
		stopWatch()
		<-watched // the watcher must be gone before the database closes
		// Edits since the last cache file: the next start reads this file, not the table (a
		// million stations: 0.7 s to write here, 10 s saved there).
		saveCache(context.Background(), db, cat.Current(), log)
	}()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return nil
	}
}

// seeding is a seed read for an empty database: snap is exactly what the database will hold once
// write has stored it (the first data version, every station at version 1 stamped at now).
type seeding struct {
	path     string
	stations []station.Station
	now      time.Time
	snap     *catalog.Snapshot
}

// seedIfEmpty reads the seed file when the database has no stations yet; nil when it has, or when
// there is no seed file.
func seedIfEmpty(ctx context.Context, db *sqlite.DB, path string, cal *hours.Calendar, log *slog.Logger) (*seeding, error) {
	if path == "" {
		return nil, nil
	}
	v, err := db.DataVersion(ctx)
	if err != nil || v > 0 {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		log.Warn("seed file not found; starting with an empty database", "seed", path)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	start := time.Now()
	stations, err := codec.ReadCSV(f, spatial.WGS84)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	read := time.Since(start)
	now := time.Now()
	stored := sqlite.StoredTime(now)
	for i := range stations {
		stations[i].Version, stations[i].UpdatedAt = 1, stored
	}
	sort.Slice(stations, func(i, j int) bool { return stations[i].ID < stations[j].ID })
	// The snapshot and write share the stations: stamped as above, Upsert has nothing to change in them.
	snap := catalog.Build(v+1, stations, cal)
	log.Info("seed read; serving it while it is written", "seed", path, "stations", len(stations),
		"read_ms", read.Milliseconds(), "build_ms", (time.Since(start) - read).Milliseconds())
	return &seeding{path: path, stations: stations, now: now, snap: snap}, nil
}

// finish writes the seed that riders are already being served: a stop lets the write end within
// shutdownGrace, so the database keeps what they were shown; a second SIGINT or SIGTERM aborts it, and
// the transaction leaves the database empty for the next start to seed.
func (s *seeding) finish(ctx context.Context, db *sqlite.DB, cat *catalog.Catalog, cal *hours.Calendar, log *slog.Logger) error {
	writeCtx, cancel := afterStop(ctx, shutdownGrace)
	defer cancel()
	go func() {
		select {
		case <-ctx.Done():
			log.Info("stopping: finishing the seed write first (stop again to abort it)", "grace", shutdownGrace.String())
		case <-writeCtx.Done():
		}
	}()
	err := s.write(writeCtx, db, cat, cal, log)
	if err != nil && writeCtx.Err() != nil && ctx.Err() != nil {
		return fmt.Errorf("stopped twice, or the grace ran out, while writing the seed: nothing was written, the next start seeds again (%w)", err)
	}
	return err
}

// write stores the seed in one transaction. The emptiness check runs inside it, so concurrent first
// starts cannot load it twice; when another process seeded first, or the stored state is not the
// snapshot's, cat gets what the database holds.
func (s *seeding) write(ctx context.Context, db *sqlite.DB, cat *catalog.Catalog, cal *hours.Calendar, log *slog.Logger) error {
	n := len(s.stations)
	res, err := db.Upsert(ctx, s.stations, s.now, station.UpsertOptions{OnlyIfEmpty: true})
	s.stations = nil
	if err != nil {
		return fmt.Errorf("seed %s: %w", s.path, err)
	}
	if res.Created == n && res.DataVersion == s.snap.Version {
		log.Info("seeded", "seed", s.path, "created", res.Created, "data_version", res.DataVersion)
		return nil
	}
	log.Info("the database was seeded by another process; serving what it holds", "data_version", res.DataVersion)
	version, stations, err := db.LoadAll(ctx)
	if err != nil {
		return err
	}
	if cal, err = db.Calendar(ctx, cal); err != nil {
		return err
	}
	cat.Swap(catalog.Build(version, stations, cal))
	return nil
}

// loadCalendar reads the holiday calendar file, or returns the built-in calendar when path is empty.
func loadCalendar(path string) (*hours.Calendar, error) {
	if path == "" {
		return hours.DefaultCalendar, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cal, err := hours.ReadCalendar(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cal, nil
}

// refresh loads every station and the stored holiday years (over the base calendar cal) from the
// database into a new snapshot and swaps it in.
func refresh(ctx context.Context, db *sqlite.DB, cat *catalog.Catalog, cal *hours.Calendar, log *slog.Logger) error {
	start := time.Now()
	version, stations, err := db.LoadAll(ctx)
	if err != nil {
		return err
	}
	// Read after the stations: the calendar is then at least as new as they are (a holiday stored
	// between the two reads bumps the data version, and the watcher reloads again).
	if cal, err = db.Calendar(ctx, cal); err != nil {
		return err
	}
	loaded := time.Since(start)
	snap := catalog.Build(version, stations, cal)
	if cat.SwapIfNewer(snap) {
		go boundMemory(snap, log)
	}
	log.Debug("snapshot loaded", "data_version", version, "stations", len(stations),
		"load_ms", loaded.Milliseconds(), "build_ms", (time.Since(start) - loaded).Milliseconds())
	return nil
}

// cacheQuiet is how long the stations must stay unchanged before the station cache file is written
// again after edits: at a million stations it is 300 MB (0.7 s), not worth writing per edit. A stop
// writes it too.
const cacheQuiet = 10 * time.Second

// watch rebuilds the snapshot when another process (yizhan import, for one) changes the database, and
// keeps the station cache file in step with the snapshot for a fast next start: at once after a
// reload, and once edits applied in place have paused for cacheQuiet.
func watch(ctx context.Context, db *sqlite.DB, cat *catalog.Catalog, cal *hours.Calendar, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	saveCache(ctx, db, cat.Current(), log)
	cached, seen, seenAt := cat.Current().Version, cat.Current().Version, time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reloaded, err := catchUp(ctx, db, cat, cal, log)
		if err != nil && ctx.Err() == nil { // a reload cut short by the stop is no failure
			log.Error("watch: "+err.Error(), "err", err)
		}
		cur := cat.Current()
		if cur.Version != seen {
			seen, seenAt = cur.Version, time.Now()
		}
		switch {
		case reloaded:
			log.Info("stations reloaded", "data_version", cur.Version)
			saveCache(ctx, db, cur, log)
			cached = cur.Version
		case cur.Version != cached && time.Since(seenAt) >= cacheQuiet:
			saveCache(ctx, db, cur, log)
			cached = cur.Version
		}
	}
}

// catchUp reloads the catalog when the database's data version is not the one being served: a write by
// another process (yizhan import), or one a replica received from its primary. It reports whether it
// reloaded.
func catchUp(ctx context.Context, db *sqlite.DB, cat *catalog.Catalog, cal *hours.Calendar, log *slog.Logger) (bool, error) {
	// Under Writes: a write of this process between its commit and its Apply is no news to reload.
	cat.Writes.Lock()
	defer cat.Writes.Unlock()
	v, err := db.DataVersion(ctx)
	if err != nil {
		return false, fmt.Errorf("reading data version: %w", err)
	}
	if snap := cat.Current(); snap != nil && snap.Version == v {
		return false, nil
	}
	if err := refresh(ctx, db, cat, cal, log); err != nil {
		return false, fmt.Errorf("reloading stations: %w", err)
	}
	return true, nil
}

func saveCache(ctx context.Context, db *sqlite.DB, snap *catalog.Snapshot, log *slog.Logger) {
	start := time.Now()
	if err := db.SaveCache(ctx, snap.Version, snap); err != nil {
		log.Warn("writing the station cache failed; the next start reads the table instead", "err", err)
		return
	}
	log.Debug("station cache saved", "data_version", snap.Version, "elapsed_ms", time.Since(start).Milliseconds())
}

// mapConfig is the PWA's map background from the configuration (nil: no tiles configured).
func mapConfig(cfg config.Config) *api.MapConfig {
	tiles := strings.Fields(cfg.MapTiles)
	if len(tiles) == 0 {
		return nil
	}
	return &api.MapConfig{Tiles: tiles, CRS: cfg.MapCRS, Attribution: cfg.MapAttrib, MaxZoom: cfg.MapMaxZoom}
}

// trustedProxies reads the trusted-proxies setting (already validated by config).
func trustedProxies(cfg config.Config) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Fields(cfg.TrustedProxies) {
		if p, err := config.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
		}
	}
	return out
}

// apiLimit is the per-client API limit the configuration asks for.
func apiLimit(cfg config.Config) api.RateLimit {
	if cfg.APIRate == 0 {
		return api.RateLimit{Unlimited: true}
	}
	return api.RateLimit{Burst: cfg.APIBurst, Every: time.Second / time.Duration(cfg.APIRate)}
}

// boundMemory sets the garbage collector's soft memory limit to what the stations take once snap is
// built, half as much again for the work around them, and 256 MB. By default the collector lets the
// heap grow to twice what is live between collections: at a million stations, writing the seed or
// a large import then took 2.9 GB where 1.4 GB were live. A GOMEMLIMIT in the environment wins. The
// limit is soft: when more is truly needed, the collector runs more often, it does not fail.
func boundMemory(snap *catalog.Snapshot, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	<-snap.Indexed()
	debug.FreeOSMemory() // collects, and gives back what the build no longer uses
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := sample[0].Value.Uint64()
	limit := live*3/2 + 256<<20
	debug.SetMemoryLimit(int64(limit))
	log.Debug("memory limit set", "live_mb", live>>20, "limit_mb", limit>>20)
}
