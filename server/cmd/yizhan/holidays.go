package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

func holidaysCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "holidays", Short: "The public-holiday calendar (what PH means in opening hours)"}
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Store a year's holidays from the text of the State Council's notice (国务院办公厅关于YYYY年部分节假日安排的通知)",
		Long: `Reads the notice's text (copied from gov.cn into a text file), prints the days it arranges by festival
and stores them as that year's calendar, replacing the built-in one for the year. A running serve on the
same database picks it up within poll-interval. With --dry-run nothing is stored. A text that is not
understood whole prints what was not understood and exits with status 2.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			dry, _ := cmd.Flags().GetBool("dry-run")
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			text, err := io.ReadAll(io.LimitReader(f, hours.MaxNoticeText+1))
			if err != nil {
				return err
			}
			lang := cliLang()
			out := cmd.OutOrStdout()
			n, err := hours.ParseNotice(string(text))
			var ne *hours.NoticeError
			if errors.As(err, &ne) {
				fmt.Fprintln(out, station.NoticeProblem(ne).In(lang).Detail)
				return exitError{2}
			}
			if err != nil {
				return err
			}
			if e := write.CheckHolidays(n.Year, n.Days); e != nil {
				fmt.Fprintln(out, e.In(lang).Detail)
				return exitError{2}
			}
			printNotice(out, n, lang)
			if dry {
				fmt.Fprintln(out, pick(lang, "（试运行：未保存）", "(dry run: nothing stored)"))
				return nil
			}
			store := &lazyStore{path: cfg.DB}
			defer store.close()
			w := &write.Writer{Store: store, Now: time.Now}
			if err := w.SetHolidays(cmd.Context(), n.Year, n.Days, station.Actor{Name: "yizhan holidays import"}); err != nil {
				var se *station.Error
				if errors.As(err, &se) {
					fmt.Fprintln(out, se.In(lang).Detail)
					return exitError{2}
				}
				return err
			}
			fmt.Fprintf(out, pick(lang, "已保存 %d 年的节假日安排（%d 天）。\n", "Stored the holidays of %d (%d days).\n"), n.Year, len(n.Days))
			return nil
		},
	}
	imp.Flags().Bool("dry-run", false, "print what the notice says without storing it")
	cmd.AddCommand(imp)
	return cmd
}

func pick(lang station.Lang, zh, en string) string {
	if lang == station.LangEn {
		return en
	}
	return zh
}

// printNotice prints a notice's days by festival: "春节  休 8 天：2025-01-28 至 2025-02-04；调休上班：…".
func printNotice(w io.Writer, n hours.Notice, lang station.Lang) {
	fmt.Fprintf(w, pick(lang, "%d 年节假日安排\n", "Holidays of %d\n"), n.Year)
	for _, f := range hours.Festivals(n.Days) {
		line := fmt.Sprintf(pick(lang, "%s\t休 %d 天：%s", "%s\t%d days off: %s"), f.Name, len(f.Off), dateSpan(f.Off, lang))
		if len(f.Workdays) > 0 {
			line += fmt.Sprintf(pick(lang, "；调休上班：%s", "; working days: %s"), strings.Join(f.Workdays, pick(lang, "、", ", ")))
		}
		fmt.Fprintln(w, line)
	}
	for _, note := range n.Notes {
		fmt.Fprintln(w, pick(lang, "附注：", "Note: ")+note)
	}
}

func dateSpan(dates []string, lang station.Lang) string {
	switch len(dates) {
	case 0:
		return ""
	case 1:
		return dates[0]
	}
	return dates[0] + pick(lang, " 至 ", " to ") + dates[len(dates)-1]
}
