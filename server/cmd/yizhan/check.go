package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/sqlite"
)

func checkCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Check that the database file is whole, and print its data version and station count",
		Long: `Runs SQLite's integrity check over the database file (every page, index and constraint) and prints
{"integrity": "ok", "data_version": N, "stations": N}; a damaged file is an error and exit status 1.
Run it after a power cut or a crash before trusting the file, or restore the last backup.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			db, err := sqlite.Open(cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			version, stations, err := db.Check(cmd.Context())
			if err != nil {
				return err
			}
			return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]any{"integrity": "ok", "data_version": version, "stations": stations})
		},
	}
}
