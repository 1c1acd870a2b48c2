package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/config"
)

// The upload rate keys load from the environment and flags, and values that would let a stalled upload
// hold the import lock (no minimum, a window of minutes) or end every upload (a window of milliseconds)
// are refused naming the key.
func TestUploadRateConfig(t *testing.T) {
	t.Setenv("YIZHAN_UPLOAD_MIN_RATE", "4096")
	c, err := config.Load("", flags(t, "--upload-rate-window", "2s"))
	if err != nil || c.UploadMinRate != 4096 || c.UploadWindow != 2*time.Second {
		t.Fatalf("loaded %d over %v, %v", c.UploadMinRate, c.UploadWindow, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"YIZHAN_UPLOAD_MIN_RATE": "0"}, nil, "upload-min-rate"},
		{map[string]string{"YIZHAN_UPLOAD_MIN_RATE": "-5"}, nil, "upload-min-rate"},
		{map[string]string{"YIZHAN_UPLOAD_MIN_RATE": "1KiB"}, nil, "upload-min-rate"},
		{nil, []string{"--upload-rate-window", "10ms"}, "upload-rate-window"},
		{map[string]string{"YIZHAN_UPLOAD_RATE_WINDOW": "15m"}, nil, "upload-rate-window"},
		{map[string]string{"YIZHAN_UPLOAD_RATE_WINDOW": "ten seconds"}, nil, "upload-rate-window"},
	} {
		t.Run(strings.Join(append(tc.args, envPairs(tc.env)...), " "), func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := config.Load("", flags(t, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func envPairs(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
