package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

func importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Load stations from a CSV, XLSX or GeoJSON file (all or nothing; upsert by id)",
		Long: `Load stations from a CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX or GeoJSON file, with English or
Chinese column names. Every row is checked first; any row error prints the report with every error
and exits with status 2, writing nothing. Otherwise stations are upserted by id in one transaction.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			flags := cmd.Flags()
			crsName, _ := flags.GetString("crs")
			crs, ok := spatial.ParseCRS(crsName)
			if !ok {
				return fmt.Errorf("--crs %q is not wgs84, gcj02 or bd09", crsName)
			}
			opt := codec.ImportOptions{CRS: crs}
			opt.Format, _ = flags.GetString("format")
			opt.Sheet, _ = flags.GetString("sheet")
			opt.MaxBytes, _ = flags.GetInt64("max-bytes")
			opt.MaxRows, _ = flags.GetInt("max-rows")
			dry, _ := flags.GetBool("dry-run")
			opt.SwapCoordinates, _ = flags.GetBool("swap-coordinates")
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			// The database is opened only for a file worth writing: a refused one leaves no trace.
			store := &lazyStore{path: cfg.DB}
			defer store.close()
			w := &write.Writer{Store: store, Now: time.Now}
			rep, err := w.Import(cmd.Context(), f, write.ImportOptions{ImportOptions: opt, DryRun: dry, Actor: station.Actor{Name: "import"}})
			var fileErr *station.Error
			if errors.As(err, &fileErr) {
				// A file that cannot be taken at all: the same report as any refused file, with that error.
				rep, err = write.Report{DryRun: dry, IgnoredColumns: []string{}, Errors: []*station.Error{fileErr}}, nil
			}
			if err != nil {
				return err
			}
			writeJSON(cmd.OutOrStdout(), rep.In(cliLang()))
			if len(rep.Errors) > 0 {
				return exitError{2}
			}
			return nil
		},
	}
	cmd.Flags().String("crs", "wgs84", "coordinate system of the file: wgs84, gcj02 or bd09")
	cmd.Flags().Bool("dry-run", false, "check and report without writing")
	cmd.Flags().Bool("swap-coordinates", false, "read the longitude column as latitude and the latitude column as longitude (for a file the report found columns_swapped)")
	cmd.Flags().String("format", "", "csv, xlsx or geojson (default: recognised from the content)")
	cmd.Flags().String("sheet", "", "XLSX sheet to read (default: the first visible one)")
	// A file on the server's own disk is trusted further than an upload: the HTTP API keeps Import's
	// defaults (50 MB), the command line allows a full 1,000,000-row CSV.
	cmd.Flags().Int64("max-bytes", 1<<30, "largest file accepted, in bytes")
	cmd.Flags().Int("max-rows", codec.DefaultMaxRows, "most data rows accepted")
	return cmd
}

func exportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every station in an import format (CSV with a UTF-8 BOM, XLSX or GeoJSON)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			format, _ := cmd.Flags().GetString("format")
			if format != "csv" && format != "geojson" && format != "xlsx" {
				return fmt.Errorf("--format %q is not csv, xlsx or geojson", format)
			}
			db, err := sqlite.Open(cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			_, stations, err := db.LoadAll(cmd.Context())
			if err != nil {
				return err
			}
			var out io.Writer = cmd.OutOrStdout()
			if path, _ := cmd.Flags().GetString("output"); path != "" && path != "-" {
				f, err := os.Create(path)
				if err != nil {
					return err
				}
				defer f.Close()
				out = f
			}
			w := bufio.NewWriterSize(out, 1<<16)
			switch format {
			case "csv":
				err = codec.WriteCSV(w, station.Slice(stations), true)
			case "xlsx":
				err = codec.WriteXLSX(w, station.Slice(stations))
			default:
				err = codec.WriteGeoJSON(w, station.Slice(stations))
			}
			if err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().String("format", "csv", "csv, xlsx or geojson")
	cmd.Flags().StringP("output", "o", "-", "output file (- for standard output)")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// cliLang is the language of the messages the command prints: English when the locale (LC_ALL,
// LC_MESSAGES, then LANG, as POSIX orders them) is English, Chinese otherwise.
func cliLang() station.Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(v, "en") {
				return station.LangEn
			}
			return station.LangZh
		}
	}
	return station.LangZh
}

// lazyStore opens the database on the first write.
type lazyStore struct {
	path string
	db   *sqlite.DB
}

func (l *lazyStore) open() error {
	if l.db != nil {
		return nil
	}
	db, err := sqlite.Open(l.path)
	l.db = db
	return err
}

func (l *lazyStore) close() {
	if l.db != nil {
		l.db.Close()
	}
}

func (l *lazyStore) Upsert(ctx context.Context, stations []station.Station, now time.Time, opt station.UpsertOptions) (station.UpsertResult, error) {
	if err := l.open(); err != nil {
		return station.UpsertResult{}, err
	}
	return l.db.Upsert(ctx, stations, now, opt)
}

func (l *lazyStore) EditStation(ctx context.Context, id string, ifVersion int64, actor station.Actor, now time.Time, verify bool,
	apply func(*station.Station) *station.Error) (station.Station, int64, error) {
	if err := l.open(); err != nil {
		return station.Station{}, 0, err
	}
	return l.db.EditStation(ctx, id, ifVersion, actor, now, verify, apply)
}

func (l *lazyStore) SaveHolidayYear(ctx context.Context, year int, days []hours.Day, actor station.Actor, now time.Time) (int64, error) {
	if err := l.open(); err != nil {
		return 0, err
	}
	return l.db.SaveHolidayYear(ctx, year, days, actor, now)
}
