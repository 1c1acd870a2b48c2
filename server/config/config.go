// Package config is Yizhan's one typed configuration. Each setting is a field of Config; its key is the
// flag name, the YAML key and (upper-cased, "-" → "_", prefixed YIZHAN_) the environment variable.
// Precedence: flag, then environment, then the config file, then the default. This is the only package
// that imports viper.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is every setting of the yizhan binary.
type Config struct {
	DB              string        `key:"db" help:"SQLite database file (created when missing)"`
	Listen          string        `key:"listen" help:"address the HTTP server listens on"`
	Seed            string        `key:"seed" help:"CSV file loaded into an empty database on first start; empty = none"`
	PWADir          string        `key:"pwa-dir" help:"serve the PWA from this folder instead of the embedded copy (front-end work)"`
	LogLevel        string        `key:"log-level" help:"debug, info, warn or error"`
	PollInterval    time.Duration `key:"poll-interval" help:"how often serve checks the database for writes made by other processes (import, edits)"`
	Holidays        string        `key:"holidays" help:"public-holiday calendar CSV (date,kind,name) for PH in opening hours; empty = the built-in one; years imported from the State Council's notice (yizhan holidays import, the admin page) replace its years"`
	MapTiles        string        `key:"map-tiles" help:"raster tile URL template(s) for the PWA's map, {z}/{x}/{y}, several separated by spaces; empty = the built-in base layer only"`
	MapCRS          string        `key:"map-crs" help:"coordinate system of the tiles: wgs84 (Tianditu, OpenStreetMap) or gcj02 (Amap)"`
	MapAttrib       string        `key:"map-attribution" help:"attribution the tile provider requires, shown on the map"`
	MapMaxZoom      int           `key:"map-max-zoom" help:"highest zoom level the tile source has"`
	SessionLifetime time.Duration `key:"session-lifetime" help:"a login lasts at most this long, however busy (1m to 720h)"`
	SessionIdle     time.Duration `key:"session-idle" help:"a login ends after this long without a request (1m to session-lifetime)"`
	TrustedProxies  string        `key:"trusted-proxies" help:"reverse proxies (IP addresses or CIDR ranges, space separated) whose X-Forwarded-For and X-Forwarded-Proto are believed; empty = none"`
	APIRate         int           `key:"api-rate" help:"API requests per second one client address (IPv6: /64) may make after its burst; 0 = no limit"`
	APIBurst        int           `key:"api-burst" help:"API requests one client address may make at once before api-rate applies"`
	UploadMinRate   int           `key:"upload-min-rate" help:"bytes a second an import upload must bring, averaged over every upload-rate-window, or it is ended (408) and the import lock freed"`
	UploadWindow    time.Duration `key:"upload-rate-window" help:"the window over which upload-min-rate is measured (100ms to 10m)"`
	CacheDir        string        `key:"cache-dir" help:"folder for the station cache file (a fast next start); empty = beside the database, or none when the database is in a LiteFS mount"`
	PrimaryURL      string        `key:"primary-url" help:"in a LiteFS cluster: the primary's HTTP address, {primary} standing for the name in LiteFS's .primary file (its lease hostname)"`
	MaxLag          time.Duration `key:"max-lag" help:"in a LiteFS cluster: a replica further behind its primary than this answers /readyz 503 (1s to 24h)"`
	PublicURL       string        `key:"public-url" help:"the address riders reach the app at, such as https://yizhan.example.cn: station QR codes and posters link to {public-url}/s/{id}; empty = the scheme and host of each request"`
}

// Defaults are the values used when nothing else sets a key.
func Defaults() Config {
	return Config{
		DB:              "data/yizhan.db",
		Listen:          "127.0.0.1:8080",
		Seed:            "data/stations.csv",
		LogLevel:        "info",
		PollInterval:    time.Second,
		MapCRS:          "wgs84",
		MapMaxZoom:      18,
		SessionLifetime: 12 * time.Hour,
		SessionIdle:     2 * time.Hour,
		APIRate:         30,
		APIBurst:        300,
		UploadMinRate:   1 << 10,
		UploadWindow:    10 * time.Second,
		PrimaryURL:      "http://{primary}",
		MaxLag:          10 * time.Second,
	}
}

// DefaultFile is read when present and no --config is given.
const DefaultFile = "yizhan.yaml"

type field struct {
	key, help string
	index     int
}

func fields() []field {
	t := reflect.TypeOf(Config{})
	out := make([]field, t.NumField())
	for i := range out {
		f := t.Field(i)
		out[i] = field{f.Tag.Get("key"), f.Tag.Get("help"), i}
	}
	return out
}

// RegisterFlags adds a flag for every key in keys (all keys when none are given) to fs, with the
// defaults as shown values.
func RegisterFlags(fs *pflag.FlagSet, keys ...string) {
	def := reflect.ValueOf(Defaults())
	for _, f := range fields() {
		if len(keys) > 0 && !contains(keys, f.key) {
			continue
		}
		switch v := def.Field(f.index).Interface().(type) {
		case string:
			fs.String(f.key, v, f.help)
		case time.Duration:
			fs.Duration(f.key, v, f.help)
		case int:
			fs.Int(f.key, v, f.help)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Load builds the Config from the defaults, the config file (file, or DefaultFile when it exists and
// file is empty), YIZHAN_* environment variables and the flags in fs that were set.
func Load(file string, fs *pflag.FlagSet) (Config, error) {
	v := viper.New()
	v.SetEnvPrefix("YIZHAN")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	def := reflect.ValueOf(Defaults())
	for _, f := range fields() {
		v.SetDefault(f.key, def.Field(f.index).Interface())
		if err := v.BindEnv(f.key); err != nil {
			return Config{}, err
		}
	}
	if file == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			file = DefaultFile
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return Config{}, fmt.Errorf("config file %s: %w", file, err)
		}
		known := map[string]bool{}
		for _, f := range fields() {
			known[f.key] = true
		}
		for _, k := range v.AllKeys() {
			if !known[k] {
				return Config{}, fmt.Errorf("config file %s: unknown key %q", file, k)
			}
		}
	}
	if fs != nil {
		var err error
		fs.VisitAll(func(fl *pflag.Flag) {
			for _, f := range fields() {
				if f.key == fl.Name && err == nil {
					err = v.BindPFlag(f.key, fl)
				}
			}
		})
		if err != nil {
			return Config{}, err
		}
	}
	var c Config
	out := reflect.ValueOf(&c).Elem()
	for _, f := range fields() {
		dst := out.Field(f.index)
		switch dst.Interface().(type) {
		case string:
			dst.SetString(v.GetString(f.key))
		case time.Duration:
			d, err := parseDuration(v.Get(f.key))
			if err != nil {
				return Config{}, fmt.Errorf("%s: %w", f.key, err)
			}
			dst.SetInt(int64(d))
		case int:
			n, err := strconv.Atoi(fmt.Sprint(v.Get(f.key)))
			if err != nil {
				return Config{}, fmt.Errorf("%s: %v is not a whole number", f.key, v.Get(f.key))
			}
			dst.SetInt(int64(n))
		}
	}
	return c, c.Validate()
}

// parseDuration accepts a time.Duration or its text ("500ms"); viper's own cast turns bad text into 0.
func parseDuration(x any) (time.Duration, error) {
	switch d := x.(type) {
	case time.Duration:
		return d, nil
	case string:
		return time.ParseDuration(d)
	case int:
		return time.Duration(d), nil
	}
	return 0, fmt.Errorf("%v is not a duration such as 1s or 500ms", x)
}

// Validate checks values that would otherwise fail later and less clearly.
func (c Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("db: must not be empty"))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %q is not host:port", c.Listen))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.MaxLag < time.Second || c.MaxLag > 24*time.Hour {
		errs = append(errs, fmt.Errorf("max-lag: %v is not between 1s and 24h", c.MaxLag))
	}
	if !strings.Contains(c.PrimaryURL, "{primary}") {
		errs = append(errs, fmt.Errorf("primary-url: %q has no {primary} for the primary's name", c.PrimaryURL))
	}
	if c.PollInterval < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("poll-interval: %v is below 10ms", c.PollInterval))
	}
	for _, t := range strings.Fields(c.MapTiles) {
		u, err := url.Parse(t)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			!strings.Contains(t, "{z}") || !strings.Contains(t, "{x}") || !strings.Contains(t, "{y}") {
			errs = append(errs, fmt.Errorf("map-tiles: %q is not an http(s) URL template with {z}, {x} and {y}", t))
		}
	}
	if c.MapCRS != "wgs84" && c.MapCRS != "gcj02" {
		errs = append(errs, fmt.Errorf("map-crs: %q is not wgs84 or gcj02", c.MapCRS))
	}
	if c.MapMaxZoom < 1 || c.MapMaxZoom > 22 {
		errs = append(errs, fmt.Errorf("map-max-zoom: %d is not between 1 and 22", c.MapMaxZoom))
	}
	if c.SessionLifetime < time.Minute || c.SessionLifetime > 720*time.Hour {
		errs = append(errs, fmt.Errorf("session-lifetime: %v is not between 1m and 720h", c.SessionLifetime))
	}
	for _, p := range strings.Fields(c.TrustedProxies) {
		if _, err := ParsePrefix(p); err != nil {
			errs = append(errs, fmt.Errorf("trusted-proxies: %q is not an IP address or CIDR range", p))
		}
	}
	if c.SessionIdle < time.Minute || c.SessionIdle > c.SessionLifetime {
		errs = append(errs, fmt.Errorf("session-idle: %v is not between 1m and session-lifetime (%v)", c.SessionIdle, c.SessionLifetime))
	}
	if c.APIRate < 0 || c.APIRate > 1000000 {
		errs = append(errs, fmt.Errorf("api-rate: %d is not between 0 (no limit) and 1000000", c.APIRate))
	}
	if c.APIBurst < 1 || c.APIBurst > 1000000 {
		errs = append(errs, fmt.Errorf("api-burst: %d is not between 1 and 1000000", c.APIBurst))
	}
	if c.UploadMinRate < 1 || c.UploadMinRate > 1<<30 {
		errs = append(errs, fmt.Errorf("upload-min-rate: %d is not between 1 and %d bytes a second", c.UploadMinRate, 1<<30))
	}
	if c.UploadWindow < 100*time.Millisecond || c.UploadWindow > 10*time.Minute {
		errs = append(errs, fmt.Errorf("upload-rate-window: %v is not between 100ms and 10m", c.UploadWindow))
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
			strings.HasSuffix(c.PublicURL, "?") || strings.HasSuffix(c.PublicURL, "#") {
			errs = append(errs, fmt.Errorf("public-url: %q is not an http(s) address such as https://yizhan.example.cn", c.PublicURL))
		}
	}
	return errors.Join(errs...)
}

// Describe lists every key with its environment variable, default and help, for the README's
// configuration reference and `yizhan config`.
func Describe() string {
	var b strings.Builder
	def := reflect.ValueOf(Defaults())
	for _, f := range fields() {
		env := "YIZHAN_" + strings.ToUpper(strings.ReplaceAll(f.key, "-", "_"))
		fmt.Fprintf(&b, "| `%s` | `%s` | `%v` | %s |\n", f.key, env, def.Field(f.index).Interface(), f.help)
	}
	return b.String()
}

// ParsePrefix reads an IP address (a single host) or a CIDR range.
func ParsePrefix(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(s)
}
