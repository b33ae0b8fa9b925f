package uring

import (
	"errors"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const testFlags = SetupSingleIssuer | SetupDeferTaskrun | SetupTaskrunFlag | SetupSubmitAll | SetupClamp

// setupOrSkip makes a ring on the calling thread, or skips where io_uring
// is refused, saying why.
func setupOrSkip(t *testing.T) *Ring {
	t.Helper()
	runtime.LockOSThread()
	t.Cleanup(runtime.UnlockOSThread)
	r, err := Setup(64, testFlags)
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	if err := r.RegisterRingFd(); err != nil {
		t.Logf("ring fd not registered: %v", err)
	}
	return r
}

// reap waits for one completion and returns a copy of it.
func reap(t *testing.T, r *Ring) CQE {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for r.Ready() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no completion within 5s")
		}
		if _, e := r.Enter(true, int64(100*time.Millisecond), false); e != 0 && e != unix.ETIME && e != unix.EINTR {
			t.Fatalf("enter: %v", e)
		}
	}
	c := *r.Peek(0)
	r.Consume(1)
	return c
}

// The ABI end to end: a multishot accept, a multishot receive into a
// provided buffer ring, a send, and a cancel, on real loopback sockets.
func TestAcceptRecvSendOnLoopback(t *testing.T) {
	r := setupOrSkip(t)
	br, err := r.RegisterBufRing(1, 8, 256)
	if err != nil {
		t.Fatal(err)
	}
	defer br.Unregister(r)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, _ := ln.(*net.TCPListener).File()
	defer f.Close()
	r.SQE().PrepAcceptMultishot(int(f.Fd()), unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 1)
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	acc := reap(t, r)
	if acc.UserData != 1 || acc.Res < 0 || !acc.More() {
		t.Fatalf("accept CQE %+v", acc)
	}
	fd := int(acc.Res)
	defer unix.Close(fd)
	r.SQE().PrepRecvMultishot(fd, br.Group(), 2)
	r.Enter(false, 0, true)
	for _, msg := range []string{"hello", "world!"} {
		client.Write([]byte(msg))
		c := reap(t, r)
		id, ok := c.Buffer()
		if c.UserData != 2 || !ok || !c.More() || string(br.Buf(id)[:c.Res]) != msg {
			t.Fatalf("recv CQE %+v: got %q, want %q", c, br.Buf(id)[:max(c.Res, 0)], msg)
		}
		br.Recycle(id)
		br.Publish()
	}
	out := []byte("response")
	r.SQE().PrepSend(fd, out, unix.MSG_NOSIGNAL, 3)
	if c := reap(t, r); c.UserData != 3 || c.Res != int32(len(out)) {
		t.Fatalf("send CQE %+v", c)
	}
	got := make([]byte, len(out))
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "response" {
		t.Fatalf("client read %q, %v", got, err)
	}
	r.SQE().PrepCancel(2, 4)
	seen := map[uint64]int32{}
	for len(seen) < 2 {
		c := reap(t, r)
		seen[c.UserData] = c.Res
	}
	if seen[2] != -int32(unix.ECANCELED) || seen[4] != 0 {
		t.Errorf("cancel: recv ended %d, cancel %d", seen[2], seen[4])
	}
}
