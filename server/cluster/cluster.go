// Package cluster is what a node of a LiteFS cluster knows of itself. LiteFS, a FUSE file system that
// ships each SQLite transaction from the primary to its replicas, puts three files beside the database:
// .lag (milliseconds since the replica last heard from the primary; 0 on the primary), .primary (on a
// replica connected to its primary: the primary's advertised name) and DB-pos (the database's
// replication position: its transaction id and checksum). A node outside LiteFS has none of them and
// stands alone.
package cluster

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Role is what a node does in its cluster.
type Role string

// The roles.
const (
	Standalone Role = "standalone" // no LiteFS: the node is the whole system
	Primary    Role = "primary"    // writes here, and LiteFS ships them to the replicas
	Replica    Role = "replica"    // reads here; writes go to the primary
)

// Node reads LiteFS's files beside one database. Its methods read the files every time: they are
// small, served from memory by LiteFS, and change under the node's feet.
type Node struct {
	dir, db string
	// primaryURL is the primary's HTTP address with {primary} for its advertised name.
	primaryURL string
}

// New is the node whose database file is dbPath; primaryURL maps the primary's advertised name to its
// HTTP address ("http://{primary}:8080"; "http://{primary}" when the name carries its port).
func New(dbPath, primaryURL string) (*Node, error) {
	if primaryURL == "" {
		primaryURL = "http://{primary}"
	}
	if !strings.Contains(primaryURL, "{primary}") {
		return nil, fmt.Errorf("primary-url %q has no {primary} for the primary's name", primaryURL)
	}
	if _, err := url.Parse(strings.ReplaceAll(primaryURL, "{primary}", "primary")); err != nil {
		return nil, fmt.Errorf("primary-url %q: %v", primaryURL, err)
	}
	return &Node{dir: filepath.Dir(dbPath), db: filepath.Base(dbPath), primaryURL: primaryURL}, nil
}

// InLiteFS reports whether the database lives in a LiteFS mount.
func (n *Node) InLiteFS() bool {
	_, err := os.Stat(filepath.Join(n.dir, ".lag"))
	return err == nil
}

// Role is the node's role now. A replica that has lost its primary shows no .primary, as a primary
// does; its writes then fail at the file system (503, nothing changed) and its lag grows until
// /readyz drains it.
func (n *Node) Role() Role {
	if !n.InLiteFS() {
		return Standalone
	}
	if _, ok := n.PrimaryName(); ok {
		return Replica
	}
	return Primary
}

// PrimaryName is the advertised name of the primary this replica follows.
func (n *Node) PrimaryName() (string, bool) {
	b, err := os.ReadFile(filepath.Join(n.dir, ".primary"))
	name := strings.TrimSpace(string(b))
	return name, err == nil && name != ""
}

// PrimaryURL is the address writes are forwarded to; ok is false on a node that is not a replica.
func (n *Node) PrimaryURL() (*url.URL, bool) {
	name, ok := n.PrimaryName()
	if !ok {
		return nil, false
	}
	u, err := url.Parse(strings.ReplaceAll(n.primaryURL, "{primary}", name))
	return u, err == nil
}

// Lag is how far this node is behind its primary; ok is false outside LiteFS. A replica that has not
// yet caught up after starting reports LiteFS's largest value (about 25 days).
func (n *Node) Lag() (time.Duration, bool) {
	b, err := os.ReadFile(filepath.Join(n.dir, ".lag"))
	if err != nil {
		return 0, false
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ms) * time.Millisecond, true
}

// Position is the database's replication position: LiteFS's transaction id (hex) and checksum, as
// "TXID/CHECKSUM"; ok is false outside LiteFS.
func (n *Node) Position() (string, bool) {
	b, err := os.ReadFile(filepath.Join(n.dir, n.db+"-pos"))
	pos := strings.TrimSpace(string(b))
	if _, err2 := txid(pos); err != nil || err2 != nil {
		return "", false
	}
	return pos, true
}

// WaitFor waits until this node's database has reached pos (another node's Position), or ctx ends;
// it reports whether it has.
func (n *Node) WaitFor(ctx context.Context, pos string) bool {
	want, err := txid(pos)
	if err != nil {
		return false
	}
	// LiteFS applies a transaction within milliseconds of receiving it; polling its in-memory file
	// every few milliseconds costs a system call each.
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if have, ok := n.Position(); ok {
			if id, _ := txid(have); id >= want {
				return true
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

// txid reads the transaction id of a position "TXID/CHECKSUM".
func txid(pos string) (uint64, error) {
	id, _, ok := strings.Cut(pos, "/")
	if !ok {
		return 0, fmt.Errorf("position %q is not TXID/CHECKSUM", pos)
	}
	return strconv.ParseUint(id, 16, 64)
}
