package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/cluster"
)

// The files are written here as LiteFS writes them (fuse/lag_node.go, primary_node.go, pos_node.go of
// LiteFS v0.5.14): the scenario in litefs_test.go runs the real thing.
func TestNodeReadsLiteFSFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "yizhan.db")
	n, err := cluster.New(db, "http://{primary}:8080")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n.Role() != cluster.Standalone || n.InLiteFS() {
		t.Fatalf("no LiteFS files: %s", n.Role())
	}
	if _, ok := n.Position(); ok {
		t.Fatal("a position outside LiteFS")
	}
	write(".lag", "+0000000000\n")
	write("yizhan.db-pos", "000000000000000a/bfa26b003e9f5894\n")
	if n.Role() != cluster.Primary {
		t.Fatalf("LiteFS without .primary: %s", n.Role())
	}
	if _, ok := n.PrimaryURL(); ok {
		t.Fatal("a primary forwards to another primary")
	}
	write(".primary", "node-1.internal\n")
	write(".lag", "+0000001500\n")
	u, ok := n.PrimaryURL()
	if n.Role() != cluster.Replica || !ok || u.String() != "http://node-1.internal:8080" {
		t.Fatalf("replica: %s %v %v", n.Role(), u, ok)
	}
	if lag, ok := n.Lag(); !ok || lag != 1500*time.Millisecond {
		t.Fatalf("lag %v %v", lag, ok)
	}
	if pos, ok := n.Position(); !ok || pos != "000000000000000a/bfa26b003e9f5894" {
		t.Fatalf("position %q %v", pos, ok)
	}

	// WaitFor: at once for a position reached, at the deadline for one not reached, as soon as the
	// file shows it otherwise.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if !n.WaitFor(ctx, "0000000000000009/0000000000000000") || n.WaitFor(ctx, "000000000000000b/0000000000000000") {
		t.Fatal("WaitFor compares transaction ids")
	}
	done := make(chan bool)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- n.WaitFor(ctx, "00000000000000ff/0000000000000000")
	}()
	write("yizhan.db-pos", "0000000000000100/0123456789abcdef\n")
	if !<-done {
		t.Fatal("WaitFor missed the position arriving")
	}
	for _, bad := range []string{"", "zz/00", "0a", "http://x"} {
		if n.WaitFor(context.Background(), bad) {
			t.Errorf("WaitFor(%q) reported reached", bad)
		}
	}
	if _, err := cluster.New(db, "http://primary:8080"); err == nil {
		t.Error("a primary-url without {primary} was taken")
	}
}
