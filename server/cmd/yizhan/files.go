package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// importReport is the import's answer, the same shape as the HTTP API's.
type importReport struct {
	DryRun    bool             `json:"dry_run"`
	Format    string           `json:"format"`
	Encoding  string           `json:"encoding"`
	CRS       string           `json:"crs"`
	Rows      int              `json:"rows"`
	Created   int              `json:"created"`
	Updated   int              `json:"updated"`
	Unchanged int              `json:"unchanged"`
	Errors    []*station.Error `json:"errors"`
}

func importCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Load stations from a CSV file in the exchange format (all or nothing; upsert by id)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			crsName, _ := cmd.Flags().GetString("crs")
			crs, ok := spatial.ParseCRS(crsName)
			if !ok {
				return fmt.Errorf("--crs %q is not wgs84, gcj02 or bd09", crsName)
			}
			dry, _ := cmd.Flags().GetBool("dry-run")
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			rep := importReport{DryRun: dry, Format: "csv", Encoding: "utf-8", CRS: crs.String(), Errors: []*station.Error{}}
			stations, err := codec.ReadCSV(bufio.NewReader(f), crs)
			var rowErrs codec.RowErrors
			if errors.As(err, &rowErrs) {
				rep.Errors = rowErrs
				writeJSON(cmd.OutOrStdout(), rep)
				return exitError{2}
			}
			if err != nil {
				return err
			}
			rep.Rows = len(stations)
			db, err := sqlite.Open(cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			res, err := db.Upsert(cmd.Context(), stations, time.Now(), sqlite.UpsertOptions{DryRun: dry})
			if err != nil {
				return err
			}
			rep.Created, rep.Updated, rep.Unchanged = res.Created, res.Updated, res.Unchanged
			return writeJSON(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().String("crs", "wgs84", "coordinate system of the file: wgs84, gcj02 or bd09")
	cmd.Flags().Bool("dry-run", false, "check and report without writing")
	return cmd
}

func exportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write every station in the import format (CSV with a UTF-8 BOM, or GeoJSON)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			format, _ := cmd.Flags().GetString("format")
			if format != "csv" && format != "geojson" {
				return fmt.Errorf("--format %q is not csv or geojson", format)
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
			if format == "csv" {
				err = codec.WriteCSV(w, stations, true)
			} else {
				err = codec.WriteGeoJSON(w, stations)
			}
			if err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().String("format", "csv", "csv or geojson")
	cmd.Flags().StringP("output", "o", "-", "output file (- for standard output)")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
