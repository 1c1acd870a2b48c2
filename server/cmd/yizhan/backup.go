package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/sqlite"
)

func backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to FILE, while serve keeps running",
		Long: `Copies the database as it is at one moment into FILE (which must not exist), with SQLite's VACUUM
INTO: reads and writes go on meanwhile. To restore: stop serve, replace the database file with the
copy (and delete the old -wal and -shm files beside it), start serve.`,
		Args: cobra.ExactArgs(1),
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
			if err := db.Backup(cmd.Context(), args[0]); err != nil {
				return err
			}
			v, err := db.DataVersion(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backed up %s to %s (data version %d at most)\n", cfg.DB, args[0], v)
			return nil
		},
	}
}
