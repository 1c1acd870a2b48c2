// Command yizhan is the whole Yizhan service in one binary: `serve` runs the HTTP API and the PWA;
// `import` and `export` move station files in and out of the database.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/config"
	"github.com/yizhan/yizhan/server/station"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCmd().ExecuteContext(ctx); err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			os.Exit(ex.code)
		}
		var se *station.Error
		if errors.As(err, &se) {
			err = se.In(cliLang())
		}
		fmt.Fprintln(os.Stderr, "yizhan:", err)
		os.Exit(1)
	}
}

// exitError ends the process with a code after the command has already reported why.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "yizhan",
		Short:         "驿站地图 Yizhan: find the nearest roadside station for outdoor workers in Liaoning",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "", "YAML config file (default: ./"+config.DefaultFile+" when present)")
	config.RegisterFlags(root.PersistentFlags(), "db", "log-level")
	root.AddCommand(serveCmd(), importCmd(), exportCmd(), configCmd(), userCmd(), backupCmd(), checkCmd(), holidaysCmd())
	return root
}

// loadConfig reads the one typed config for a command from its flags, YIZHAN_* and the config file.
func loadConfig(cmd *cobra.Command) (config.Config, *slog.Logger, error) {
	file, _ := cmd.Flags().GetString("config")
	cfg, err := config.Load(file, cmd.Flags())
	if err != nil {
		return cfg, nil, err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return cfg, nil, err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	return cfg, log, nil
}

func configCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Check the configuration (file, environment, flags) and print every key with its environment variable, default and meaning",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, _, err := loadConfig(cmd); err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), "| key (flag, YAML) | environment | default | meaning |\n|---|---|---|---|\n"+config.Describe())
			return nil
		},
	}
}
