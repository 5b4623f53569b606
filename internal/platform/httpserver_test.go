package platform

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/kinerja/platform/api"
)

// TestSlowBodyIsCutOff: a client that sends its headers, then a body one byte at a time and
// too slowly, loses the connection instead of holding it. The read timeout is shortened here so
// the test is quick; the bounds themselves are checked against the production values.
func TestSlowBodyIsCutOff(t *testing.T) {
	srv := httpServer((&api.Server{}).Handler())
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.ReadTimeout > time.Minute || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Fatalf("server bounds: header %v, read %v, idle %v, header bytes %d", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	srv.ReadTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"); err != nil {
		t.Fatal(err)
	}
	// Keep trickling until the server gives up on us; it answers 400 and closes.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the connection closed: %v", err)
	}
	body, _ := io.ReadAll(res.Body) // ends only when the server closes the connection
	if res.StatusCode != http.StatusBadRequest || !res.Close {
		t.Errorf("slow body: %d close=%v %s", res.StatusCode, res.Close, body)
	}
	// A safety net so a connection left open fails the test instead of hanging it.
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	var ne net.Error
	if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, io.EOF) && (!errors.As(err, &ne) || ne.Timeout()) {
		t.Errorf("connection still open after the answer: %v", err)
	}
}
