package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/cluster"
)

// A replica's /readyz and /metrics tell its role and lag, and /readyz drains a replica that is further
// behind than max-lag. LiteFS's files are written here as LiteFS writes them; the real cluster runs in
// server/cluster/litefs_test.go.
func TestReadyzTellsRoleAndLag(t *testing.T) {
	dir := t.TempDir()
	node, err := cluster.New(filepath.Join(dir, "yizhan.db"), "http://{primary}")
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, smallSeed(t), func(d *api.Deps) { d.Node, d.MaxLag = node, 2*time.Second })
	lfs := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	check := func(status int, fragments ...string) {
		t.Helper()
		res, body := ts.get(t, "/readyz")
		_, metrics := ts.get(t, "/metrics")
		if res.StatusCode != status {
			t.Fatalf("readyz %d, want %d: %s", res.StatusCode, status, body)
		}
		for _, f := range fragments {
			if !bytes.Contains(append(body, metrics...), []byte(f)) {
				t.Errorf("readyz and metrics lack %q: %s", f, body)
			}
		}
	}
	check(200, `"role":"standalone"`, `yizhan_node_role{role="standalone"} 1`, "yizhan_replication_lag_seconds 0")
	lfs(".lag", "+0000000000\n")
	check(200, `"role":"primary"`, `yizhan_node_role{role="primary"} 1`)
	lfs(".primary", "127.0.0.1:1\n")
	lfs(".lag", "+0000001500\n")
	check(200, `"role":"replica"`, `"lag_ms":1500`, `yizhan_node_role{role="replica"} 1`, "yizhan_replication_lag_seconds 1.5")
	lfs(".lag", "+0000002500\n")
	check(503, `"code":"unavailable"`, "yizhan_replication_lag_seconds 2.5")

	// A write on a replica whose primary cannot be reached: 503 with Retry-After, nothing changed.
	res, body := ts.post(t, "/api/v1/session", "application/json", `{"username":"boss","password":"whatever it is"}`)
	checkProblem(t, res, body, http.StatusServiceUnavailable, "primary_unavailable", "")
	if res.Header.Get("Retry-After") == "" || ts.count(t, `SELECT count(*) FROM sessions`) != 0 {
		t.Fatalf("no Retry-After, or a session was stored: %v", res.Header)
	}
}
