package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/yizhan/yizhan/server/config"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	config.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestLoadDefaults(t *testing.T) {
	t.Chdir(t.TempDir()) // no yizhan.yaml here
	c, err := config.Load("", flags(t))
	if err != nil {
		t.Fatal(err)
	}
	if c != config.Defaults() {
		t.Fatalf("got %+v, want defaults %+v", c, config.Defaults())
	}
}

func TestLoadFile(t *testing.T) {
	c, err := config.Load("testdata/full.yaml", flags(t))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{DB: "/var/lib/yizhan/yizhan.db", Listen: "0.0.0.0:9090", Seed: "", LogLevel: "warn", PollInterval: 250 * time.Millisecond,
		Holidays: "/etc/yizhan/holidays.csv",
		MapTiles: "https://webrd01.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z} https://webrd02.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
		MapCRS:   "gcj02", MapAttrib: "© 高德地图", MapMaxZoom: 18,
		SessionLifetime: 8 * time.Hour, SessionIdle: 30 * time.Minute,
		TrustedProxies: "127.0.0.1 10.1.0.0/16", APIRate: 50, APIBurst: 500, UploadMinRate: 2048, UploadWindow: 30 * time.Second,
		CacheDir: "/var/cache/yizhan", PrimaryURL: "http://{primary}:8080", MaxLag: 30 * time.Second}
	if c != want {
		t.Fatalf("got %+v, want %+v", c, want)
	}
}

// Flags beat the environment, which beats the file, which beats the defaults.
func TestPrecedence(t *testing.T) {
	t.Setenv("YIZHAN_LISTEN", "127.0.0.1:7000")
	t.Setenv("YIZHAN_LOG_LEVEL", "debug")
	t.Setenv("YIZHAN_POLL_INTERVAL", "2s")
	c, err := config.Load("testdata/full.yaml", flags(t, "--log-level", "error"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:7000" || c.LogLevel != "error" || c.DB != "/var/lib/yizhan/yizhan.db" || c.PollInterval != 2*time.Second {
		t.Fatalf("got %+v", c)
	}
}

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		args       []string
		want       string
	}{
		{"unknown key in file", "testdata/unknown-key.yaml", nil, nil, `unknown key "lisen"`},
		{"bad duration in file", "testdata/bad-duration.yaml", nil, nil, "poll-interval"},
		{"bad listen from env", "", map[string]string{"YIZHAN_LISTEN": "8080"}, nil, "listen"},
		{"bad log level flag", "", nil, []string{"--log-level", "loud"}, "log-level"},
		{"missing file", "testdata/nope.yaml", nil, nil, "nope.yaml"},
		{"tile URL without scheme", "testdata/bad-tiles.yaml", nil, nil, "map-tiles"},
		{"zoom that is not a number", "testdata/bad-zoom.yaml", nil, nil, "map-max-zoom"},
		{"tile CRS from env", "", map[string]string{"YIZHAN_MAP_CRS": "bd09"}, nil, "map-crs"},
		{"proxy that is not an address", "", map[string]string{"YIZHAN_TRUSTED_PROXIES": "10.0.0.1 proxy.local"}, nil, "trusted-proxies"},
		{"zoom out of range from flag", "", nil, []string{"--map-max-zoom", "30"}, "map-max-zoom"},
		{"session idle longer than the lifetime", "", map[string]string{"YIZHAN_SESSION_IDLE": "13h"}, nil, "session-idle"},
		{"session lifetime of seconds", "testdata/bad-session.yaml", nil, nil, "session-lifetime"},
		{"negative API rate from env", "", map[string]string{"YIZHAN_API_RATE": "-1"}, nil, "api-rate"},
		{"API burst of zero from flag", "", nil, []string{"--api-burst", "0"}, "api-burst"},
		{"primary URL without {primary} from env", "", map[string]string{"YIZHAN_PRIMARY_URL": "http://node-1:8080"}, nil, "primary-url"},
		{"max lag of milliseconds from flag", "", nil, []string{"--max-lag", "500ms"}, "max-lag"},
		{"max lag of a week from env", "", map[string]string{"YIZHAN_MAX_LAG": "168h"}, nil, "max-lag"},
		{"public URL without a scheme", "", map[string]string{"YIZHAN_PUBLIC_URL": "yizhan.example.cn"}, nil, "public-url"},
		{"public URL with a query", "", nil, []string{"--public-url", "https://yizhan.example.cn/?a=1"}, "public-url"},
		{"public URL of another scheme", "", nil, []string{"--public-url", "ftp://yizhan.example.cn"}, "public-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := config.Load(tc.file, flags(t, tc.args...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
