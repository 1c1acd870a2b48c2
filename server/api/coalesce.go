package api

import (
	"io"
	"net"
	"sync"
	"time"
)

// CoalesceWrites wraps ln so that an answer larger than net/http's 4 KB connection buffer leaves in
// one write system call instead of two. net/http writes its buffer out each time it fills (exactly
// 4 KB) and then the rest of the answer; a connection holds such a full buffer back and sends it with
// whatever is written next, in one writev. Whatever is held is sent before the connection reads,
// before its deadlines change and before it closes: net/http does the second once an answer is
// complete. Measured with wrk on a loopback (scripts/bench), a nearby answer of 20 features (11 KB)
// lost about a fifth of its throughput to the second write.
//
// A handler that streams (http.Flusher) and then waits could see a full buffer held until its next
// write; no handler here streams.
func CoalesceWrites(ln net.Listener) net.Listener { return coalescingListener{ln} }

type coalescingListener struct{ net.Listener }

func (l coalescingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: c}, nil
}

// fullBuffer is the size of net/http's connection write buffer: a write of exactly this size is a
// full buffer with more to come.
const fullBuffer = 4 << 10

var heldBuffers = sync.Pool{New: func() any { return new([fullBuffer]byte) }}

type coalescingConn struct {
	net.Conn
	mu   sync.Mutex        // net/http reads in the background while a handler writes
	held *[fullBuffer]byte // a full buffer not sent yet, or nil
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held == nil {
		if len(p) != fullBuffer {
			return c.Conn.Write(p)
		}
		c.held = heldBuffers.Get().(*[fullBuffer]byte)
		copy(c.held[:], p)
		return len(p), nil
	}
	bufs := net.Buffers{c.held[:], p}
	n, err := bufs.WriteTo(c.Conn)
	c.release()
	return int(max(n-fullBuffer, 0)), err
}

// flush sends what is held. It does not wait for a write in progress, which sends what is held
// itself (and which Close must be able to interrupt).
func (c *coalescingConn) flush() error {
	if !c.mu.TryLock() {
		return nil
	}
	defer c.mu.Unlock()
	if c.held == nil {
		return nil
	}
	_, err := c.Conn.Write(c.held[:])
	c.release()
	return err
}

func (c *coalescingConn) release() {
	heldBuffers.Put(c.held)
	c.held = nil
}

func (c *coalescingConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// ReadFrom keeps sendfile and splice for what net/http copies from a file.
func (c *coalescingConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return io.Copy(c.Conn, r)
}

func (c *coalescingConn) SetDeadline(t time.Time) error {
	c.flush()
	return c.Conn.SetDeadline(t)
}

func (c *coalescingConn) SetReadDeadline(t time.Time) error {
	c.flush()
	return c.Conn.SetReadDeadline(t)
}

func (c *coalescingConn) SetWriteDeadline(t time.Time) error {
	c.flush()
	return c.Conn.SetWriteDeadline(t)
}

// CloseWrite lets net/http half-close a connection after its last answer, as it does a TCP one.
func (c *coalescingConn) CloseWrite() error {
	c.flush()
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *coalescingConn) Close() error {
	c.flush()
	return c.Conn.Close()
}
