package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/sqlite"
)

// There is no default account: `yizhan user add NAME --role admin` makes the first admin, who makes the
// rest in the PWA (or here).
func userCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage accounts (works while serve runs)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(userAddCmd(), userPasswdCmd())
	return cmd
}

func userAddCmd() *cobra.Command {
	var role, stations string
	var generate bool
	cmd := &cobra.Command{
		Use:   "add NAME --role admin|operator [--stations ID,...]",
		Short: "Create an account; the password is one line on stdin, or generated and printed once",
		Long: "Create an account. The password is read from stdin (one line, 12 to 256 characters, not the name).\n" +
			"With --generate, when stdin is a terminal (typing would show it) or when stdin is empty, a\n" +
			"random password is generated and printed once instead.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := auth.CleanUsername(args[0])
			if err != nil {
				return err
			}
			r, ok := auth.ParseRole(role)
			if !ok {
				return fmt.Errorf("--role %q: give admin or operator", role)
			}
			var ids []string
			for _, id := range strings.Split(stations, ",") {
				if id = strings.TrimSpace(id); id != "" {
					ids = append(ids, id)
				}
			}
			if r != auth.RoleOperator && len(ids) > 0 {
				return errors.New("--stations: only operators are assigned stations")
			}
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			password, generated, err := readPassword(cmd.InOrStdin(), name, generate)
			if err != nil {
				return err
			}
			db, err := sqlite.Open(cfg.DB)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := db.CreateUser(cmd.Context(), auth.User{Username: name, Role: r, Stations: ids}, auth.HashPassword(password))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "created %s %q (id %d)", u.Role, u.Username, u.ID)
			if u.Role == auth.RoleOperator {
				fmt.Fprintf(out, " running %d stations", len(u.Stations))
			}
			fmt.Fprintln(out)
			if generated {
				fmt.Fprintf(out, "password (shown only this once): %s\n", password)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "admin or operator (required)")
	cmd.MarkFlagRequired("role")
	cmd.Flags().StringVar(&stations, "stations", "", "ids of the stations an operator runs, separated by commas")
	cmd.Flags().BoolVar(&generate, "generate", false, "generate a password and print it once instead of reading stdin")
	return cmd
}

func userPasswdCmd() *cobra.Command {
	var generate bool
	cmd := &cobra.Command{
		Use:   "passwd NAME",
		Short: "Set a new password (one line on stdin, or generated and printed once) and end the user's sessions",
		Args:  cobra.ExactArgs(1),
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
			u, err := db.UserByName(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			password, generated, err := readPassword(cmd.InOrStdin(), u.Username, generate)
			if err != nil {
				return err
			}
			if _, err := db.UpdateUser(cmd.Context(), u.ID, auth.UserChange{PasswordHash: auth.HashPassword(password)}); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "new password set for %q; their sessions have ended\n", u.Username)
			if generated {
				fmt.Fprintf(out, "password (shown only this once): %s\n", password)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&generate, "generate", false, "generate a password and print it once instead of reading stdin")
	return cmd
}

// maxPasswordInput bounds what is read from stdin: more than any allowed password.
const maxPasswordInput = 4 << 10

// readPassword returns the password for the account name: one line read from in, checked against
// the password rules. A password is generated instead (generated is true) when generate is set, when
// in is a terminal, where typing would show it, or when in is empty. An empty line is refused.
func readPassword(in io.Reader, name string, generate bool) (password string, generated bool, err error) {
	if generate || isTerminal(in) {
		return auth.GeneratePassword(), true, nil
	}
	b, err := io.ReadAll(io.LimitReader(in, maxPasswordInput+1))
	if err != nil {
		return "", false, fmt.Errorf("reading the password from stdin: %w", err)
	}
	if len(b) == 0 {
		return auth.GeneratePassword(), true, nil
	}
	if len(b) > maxPasswordInput {
		return "", false, fmt.Errorf("stdin holds more than %d bytes; give the password as one line", maxPasswordInput)
	}
	password = strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if strings.ContainsAny(password, "\r\n") {
		return "", false, errors.New("stdin holds more than one line; give the password as one line")
	}
	if password == "" {
		return "", false, errors.New("the password on stdin is empty (send nothing at all, or use --generate, to get a generated one)")
	}
	if err := auth.CheckPassword(name, password); err != nil {
		return "", false, err
	}
	return password, false, nil
}

// isTerminal reports whether in is a character device such as a terminal (or /dev/null, which is
// empty anyway).
func isTerminal(in io.Reader) bool {
	f, ok := in.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
