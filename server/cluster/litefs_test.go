//go:build litefs

// The LiteFS scenario: a primary and two replicas on loopback, each a LiteFS mount with a yizhan serve
// on it, as the README's recipe sets them up. scripts/test runs it (go test -tags litefs) after
// installing fuse3 and building LiteFS at a pinned version; it needs /dev/fuse and root.
package cluster_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pollInterval is each yizhan serve's poll-interval here; writes must show on every node within two.
const pollInterval = 500 * time.Millisecond

const adminPassword = "集群 管理员 口令 2026"

type node struct {
	name       string
	dir        string // holds litefs.yml, data/, mnt/ and the logs
	litefsAddr string
	httpAddr   string
	litefs     *exec.Cmd
	serve      *exec.Cmd
	serveLog   *os.File
}

func (n *node) db() string   { return filepath.Join(n.dir, "mnt", "yizhan.db") }
func (n *node) base() string { return "http://" + n.httpAddr }

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// until polls cond every 20 ms until it holds or the deadline passes.
func until(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond) // polling an observable condition, with a deadline
	}
	return time.Since(start)
}

func get(t *testing.T, c *http.Client, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func send(t *testing.T, c *http.Client, method, url, contentType, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, out
}

func TestLiteFSCluster(t *testing.T) {
	litefs := os.Getenv("YIZHAN_LITEFS")
	if litefs == "" {
		t.Fatal("YIZHAN_LITEFS must name the litefs binary (scripts/test builds it)")
	}
	root := t.TempDir()
	yizhan := filepath.Join(root, "yizhan")
	build := exec.Command("go", "build", "-o", yizhan, "./server/cmd/yizhan")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building yizhan: %v\n%s", err, out)
	}
	seed, _ := filepath.Abs(filepath.Join("..", "..", "data", "stations.csv"))

	nodes := []*node{{name: "primary"}, {name: "replica1"}, {name: "replica2"}}
	for _, n := range nodes {
		n.dir = filepath.Join(root, n.name)
		n.litefsAddr, n.httpAddr = freeAddr(t), freeAddr(t)
	}
	primary := nodes[0]
	// Every node's lease names the primary: its LiteFS address, and as hostname its HTTP address, so
	// that primary-url "http://{primary}" reaches it.
	for _, n := range nodes {
		for _, d := range []string{"mnt", "data"} {
			if err := os.MkdirAll(filepath.Join(n.dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		config := fmt.Sprintf(`fuse:
  dir: %q
data:
  dir: %q
lease:
  type: static
  hostname: %q
  advertise-url: "http://%s"
  candidate: %v
http:
  addr: %q
`, filepath.Join(n.dir, "mnt"), filepath.Join(n.dir, "data"), primary.httpAddr, primary.litefsAddr, n == primary, n.litefsAddr)
		if err := os.WriteFile(filepath.Join(n.dir, "litefs.yml"), []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, n := range nodes {
			stopServe(n)
			if t.Failed() { // what each node said, for whoever reads the failure
				for _, f := range []string{"litefs.log", "serve.log"} {
					b, _ := os.ReadFile(filepath.Join(n.dir, f))
					t.Logf("%s %s:\n%s", n.name, f, b[max(0, len(b)-3000):])
				}
			}
			if n.litefs != nil && n.litefs.Process != nil {
				n.litefs.Process.Signal(syscall.SIGTERM) // LiteFS unmounts on its way out
				done := make(chan struct{})
				go func() { n.litefs.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					n.litefs.Process.Kill()
					n.litefs.Wait()
				}
			}
			exec.Command("fusermount3", "-u", "-z", filepath.Join(n.dir, "mnt")).Run() // in case it did not
		}
	})
	for _, n := range nodes {
		logf, err := os.Create(filepath.Join(n.dir, "litefs.log"))
		if err != nil {
			t.Fatal(err)
		}
		n.litefs = exec.Command(litefs, "mount", "-config", filepath.Join(n.dir, "litefs.yml"))
		n.litefs.Stdout, n.litefs.Stderr = logf, logf
		if err := n.litefs.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range nodes {
		until(t, 20*time.Second, n.name+"'s LiteFS mount", func() bool {
			_, err := os.Stat(filepath.Join(n.dir, "mnt", ".lag"))
			return err == nil
		})
	}

	startServe(t, primary, yizhan, seed)
	waitReady(t, primary)
	user := exec.Command(yizhan, "user", "add", "boss", "--role", "admin", "--db", primary.db())
	user.Stdin = strings.NewReader(adminPassword + "\n")
	if out, err := user.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	for _, n := range nodes[1:] {
		until(t, 30*time.Second, n.name+" has the database from the primary", func() bool {
			b, err := os.ReadFile(filepath.Join(n.dir, "mnt", ".primary"))
			_, err2 := os.Stat(n.db())
			return err == nil && strings.TrimSpace(string(b)) == primary.httpAddr && err2 == nil
		})
		startServe(t, n, yizhan, seed)
		waitReady(t, n)
	}
	client := &http.Client{Timeout: 30 * time.Second}

	// Roles and lag, as /readyz and /metrics tell them.
	for _, n := range nodes {
		_, body := get(t, client, n.base()+"/readyz")
		var ready struct {
			Role        string `json:"role"`
			DataVersion int64  `json:"data_version"`
			LagMS       *int64 `json:"lag_ms"`
		}
		json.Unmarshal(body, &ready)
		want := "replica"
		if n == primary {
			want = "primary"
		}
		if ready.Role != want || (want == "replica") != (ready.LagMS != nil) {
			t.Fatalf("%s readyz: %s", n.name, body)
		}
		_, metrics := get(t, client, n.base()+"/metrics")
		if !bytes.Contains(metrics, []byte(`yizhan_node_role{role="`+want+`"} 1`)) || !bytes.Contains(metrics, []byte("yizhan_replication_lag_seconds")) {
			t.Fatalf("%s metrics lack its role or lag", n.name)
		}
	}

	// Reads are the same on every node.
	sameEverywhere := func(what, path string, contains string) func() bool {
		return func() bool {
			var first []byte
			for i, n := range nodes {
				res, body := get(t, client, n.base()+path)
				if res.StatusCode != 200 || (contains != "" && !bytes.Contains(body, []byte(contains))) {
					return false
				}
				if i == 0 {
					first = body
				} else if !bytes.Equal(body, first) {
					return false
				}
			}
			return true
		}
	}
	const nearby = "/api/v1/stations/nearby?lat=41.8&lon=123.4&limit=20&at=2026-12-08T10:00:00%2B08:00"
	if !sameEverywhere("nearby", nearby, "")() || !sameEverywhere("meta", "/api/v1/meta", "")() {
		t.Fatal("the nodes answer reads differently")
	}

	// A sign-in and an edit sent to a replica: answered there, and visible on all nodes within two
	// poll intervals; the replica that forwarded it shows it at once.
	replica1, replica2 := nodes[1], nodes[2]
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	start := time.Now()
	res, body := send(t, browser, http.MethodPost, replica1.base()+"/api/v1/session", "application/json",
		fmt.Sprintf(`{"username":"boss","password":%q}`, adminPassword))
	signIn := time.Since(start)
	var session struct {
		CSRF string `json:"csrf_token"`
	}
	if json.Unmarshal(body, &session); res.StatusCode != 200 || session.CSRF == "" {
		t.Fatalf("sign-in on a replica: %d %s", res.StatusCode, body)
	}
	const id = "LN-210102-0001"
	res, _ = get(t, browser, replica1.base()+"/api/v1/stations/"+id)
	start = time.Now()
	res, body = send(t, browser, http.MethodPatch, replica1.base()+"/api/v1/stations/"+id, "application/json",
		`{"status_note":"经副本转发的修改"}`, "If-Match", res.Header.Get("ETag"), "X-CSRF-Token", session.CSRF)
	edit := time.Since(start)
	if res.StatusCode != 200 || res.Header.Get("Yizhan-Replication") != "caught-up" {
		t.Fatalf("edit on a replica: %d %q %s", res.StatusCode, res.Header.Get("Yizhan-Replication"), body)
	}
	if _, body := get(t, client, replica1.base()+"/api/v1/stations/"+id); !bytes.Contains(body, []byte("经副本转发的修改")) {
		t.Fatalf("the replica that forwarded the edit does not show it: %s", body)
	}
	visible := until(t, 2*pollInterval, "the edit on every node", sameEverywhere("station", "/api/v1/stations/"+id, "经副本转发的修改"))
	t.Logf("through a replica: sign-in %v, edit %v; on every node %v after the answer", signIn.Round(time.Millisecond), edit.Round(time.Millisecond), visible.Round(time.Millisecond))

	// An edit made on the primary reaches the replicas: the replication delay a rider sees.
	res, _ = get(t, browser, primary.base()+"/api/v1/stations/"+id)
	res, body = send(t, browser, http.MethodPatch, primary.base()+"/api/v1/stations/"+id, "application/json",
		`{"status_note":"主节点上的修改"}`, "If-Match", res.Header.Get("ETag"), "X-CSRF-Token", session.CSRF)
	if res.StatusCode != 200 {
		t.Fatalf("edit on the primary: %d %s", res.StatusCode, body)
	}
	delay := until(t, 2*pollInterval, "the primary's edit on every node", sameEverywhere("station", "/api/v1/stations/"+id, "主节点上的修改"))
	t.Logf("an edit on the primary is on every replica %v after its answer (poll-interval %v)", delay.Round(time.Millisecond), pollInterval)

	// An import sent to the other replica goes through the primary once: one data version more, one
	// audit entry for the station.
	_, meta := get(t, client, primary.base()+"/api/v1/meta")
	var before struct {
		DataVersion int64 `json:"data_version"`
	}
	json.Unmarshal(meta, &before)
	const imported = "LN-210102-0002"
	csv := "id,name,kind,lon,lat,status_note\n" + imported + ",浑河湾国家电网营业厅爱心驿站,caring_station,123.399,41.79,经副本导入\n"
	res, body = send(t, browser, http.MethodPost, replica2.base()+"/api/v1/admin/imports", "text/csv", csv, "X-CSRF-Token", session.CSRF)
	if res.StatusCode != 200 {
		t.Fatalf("import on a replica: %d %s", res.StatusCode, body)
	}
	until(t, 2*pollInterval, "the import on every node", sameEverywhere("station", "/api/v1/stations/"+imported, "经副本导入"))
	_, meta = get(t, client, primary.base()+"/api/v1/meta")
	var after struct {
		DataVersion int64 `json:"data_version"`
	}
	json.Unmarshal(meta, &after)
	_, history := get(t, browser, primary.base()+"/api/v1/stations/"+imported+"/history")
	if after.DataVersion != before.DataVersion+1 || bytes.Count(history, []byte("经副本导入")) != 1 {
		t.Fatalf("the import was not applied once: data version %d → %d, history %s", before.DataVersion, after.DataVersion, history)
	}

	// The primary's yizhan stopped: replicas keep serving reads and answer writes 503 with Retry-After,
	// changing nothing.
	stopServe(primary)
	for _, n := range nodes[1:] {
		if res, _ := get(t, client, n.base()+nearby); res.StatusCode != 200 {
			t.Fatalf("%s read without its primary: %d", n.name, res.StatusCode)
		}
		res, body := send(t, browser, http.MethodPost, n.base()+"/api/v1/session", "application/json",
			fmt.Sprintf(`{"username":"boss","password":%q}`, adminPassword))
		if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !bytes.Contains(body, []byte("primary_unavailable")) {
			t.Fatalf("%s write without its primary: %d %s", n.name, res.StatusCode, body)
		}
	}
	// Restarted: writes flow again.
	startServe(t, primary, yizhan, seed)
	waitReady(t, primary)
	res, body = send(t, browser, http.MethodPost, replica2.base()+"/api/v1/session", "application/json",
		fmt.Sprintf(`{"username":"boss","password":%q}`, adminPassword))
	if res.StatusCode != 200 {
		t.Fatalf("sign-in on a replica after the primary's restart: %d %s", res.StatusCode, body)
	}

	// No replica warned or failed about anything (the cache file stays out of the mount, no write is
	// tried where it cannot succeed). The access log's lines for 5xx answers are warnings too: those
	// are the answers this test asked for (503 while starting, and while the primary was stopped).
	for _, n := range nodes[1:] {
		stopServe(n)
		log, _ := os.ReadFile(n.serveLog.Name())
		for _, line := range strings.Split(string(log), "\n") {
			if (strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`)) && !strings.Contains(line, `"msg":"request"`) {
				t.Errorf("%s logged: %s", n.name, line)
			}
		}
	}
}

func startServe(t *testing.T, n *node, yizhan, seed string) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(n.dir, "serve.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	n.serveLog = logf
	n.serve = exec.Command(yizhan, "serve", "--db", n.db(), "--seed", seed, "--listen", n.httpAddr,
		"--poll-interval", pollInterval.String(), "--trusted-proxies", "127.0.0.0/8", "--primary-url", "http://{primary}")
	n.serve.Stdout, n.serve.Stderr = logf, logf
	if err := n.serve.Start(); err != nil {
		t.Fatal(err)
	}
}

func stopServe(n *node) {
	if n.serve == nil || n.serve.Process == nil || n.serve.ProcessState != nil {
		return
	}
	n.serve.Process.Signal(syscall.SIGTERM)
	n.serve.Wait()
	n.serveLog.Close()
}

func waitReady(t *testing.T, n *node) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	until(t, 60*time.Second, n.name+" ready", func() bool {
		res, err := c.Get(n.base() + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
}
