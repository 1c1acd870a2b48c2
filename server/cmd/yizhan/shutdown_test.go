package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// SIGTERM: the server stops accepting, finishes the answer it is sending, closes the database cleanly
// (the WAL is checkpointed and removed) and exits 0.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "yizhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "y.db")
	cmd := exec.Command(bin, "serve", "--db", db, "--seed", seedPath, "--listen", "127.0.0.1:0", "--log-level", "info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	addr := ""
	for lines.Scan() { // the log says where it listens, then when the index is ready
		line := lines.Text()
		if i := strings.Index(line, `"addr":"http://`); i >= 0 {
			addr = strings.SplitN(line[i+len(`"addr":"`):], `"`, 2)[0]
		}
		if strings.Contains(line, `"msg":"index ready"`) {
			break
		}
	}
	if addr == "" {
		t.Fatal("serve did not log its address")
	}
	go io.Copy(io.Discard, stderr)

	// A large answer in flight: read its first bytes, then ask the server to stop.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}} // plain, with a Content-Length
	res, err := client.Get(addr + "/api/v1/stations.geojson")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	head := make([]byte, 64)
	if _, err := io.ReadFull(res.Body, head); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(res.Body)
	if err != nil || int64(len(head)+len(rest)) != res.ContentLength {
		t.Fatalf("the answer in flight was cut: %d of %d bytes, %v", len(head)+len(rest), res.ContentLength, err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	if _, err := http.Get(addr + "/healthz"); err == nil {
		t.Fatal("still answering after exit")
	}
	if _, err := os.Stat(db + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("the WAL is still there after a clean shutdown: %v", err)
	}
}
