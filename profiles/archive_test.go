package profiles

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"latencylab/harness/rundir"
)

// tarOf builds an archive by hand, as a hostile server could.
func tarOf(t *testing.T, entries ...*tar.Header) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range entries {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(bytes.Repeat([]byte("x"), int(h.Size))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func reg(name string, size int64) *tar.Header {
	return &tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg}
}

func TestArchiveRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	in := []File{{Name: rundir.CPUProfileFile, Data: []byte("cpu")}, {Name: rundir.TraceFile, Data: []byte("go 1.26 trace")}}
	if err := WriteArchive(&buf, in); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := ExtractArchive(&buf, dir, MaxArchiveBytes)
	if err != nil || len(names) != 2 {
		t.Fatalf("names %v, err %v", names, err)
	}
	for _, f := range in {
		if b, err := os.ReadFile(filepath.Join(dir, f.Name)); err != nil || string(b) != string(f.Data) {
			t.Errorf("%s: %q, %v", f.Name, b, err)
		}
	}
}

// Whatever the server sends, the bench writes only the known files into
// its own folder: no other name, no path, no link, nothing too large.
func TestExtractArchiveRefusesHostileEntries(t *testing.T) {
	outside := t.TempDir()
	for name, archive := range map[string][]byte{
		"parent":    tarOf(t, reg("../cpu.pb.gz", 3)),
		"absolute":  tarOf(t, reg(filepath.Join(outside, "cpu.pb.gz"), 3)),
		"unknown":   tarOf(t, reg("crontab", 3)),
		"subdir":    tarOf(t, reg("x/cpu.pb.gz", 3)),
		"symlink":   tarOf(t, &tar.Header{Name: rundir.CPUProfileFile, Linkname: outside, Typeflag: tar.TypeSymlink}),
		"directory": tarOf(t, &tar.Header{Name: rundir.CPUProfileFile, Typeflag: tar.TypeDir, Mode: 0o755}),
		"twice":     tarOf(t, reg(rundir.CPUProfileFile, 1), reg(rundir.CPUProfileFile, 1)),
		"too large": tarOf(t, reg(rundir.CPUProfileFile, 60), reg(rundir.WallProfileFile, 60)),
		"not a tar": []byte("<html>nope</html>" + string(make([]byte, 1024))),
	} {
		dir := t.TempDir()
		_, err := ExtractArchive(bytes.NewReader(archive), dir, 100)
		if !errors.Is(err, ErrArchive) {
			t.Errorf("%s: err %v, want ErrArchive", name, err)
		}
		if ents, _ := os.ReadDir(outside); len(ents) != 0 {
			t.Fatalf("%s: wrote outside the folder: %v", name, ents)
		}
	}
}

// A link planted in the folder where a profile will go is not followed.
func TestExtractArchiveFollowsNoLink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "victim")
	if err := os.Symlink(target, filepath.Join(dir, rundir.CPUProfileFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := ExtractArchive(bytes.NewReader(tarOf(t, reg(rundir.CPUProfileFile, 3))), dir, 100); err == nil {
		t.Fatal("wrote through a symbolic link")
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("the link's target was created")
	}
}

// A sparse entry (its holes expand on reading: a few bytes of archive
// become a file of its declared size) is refused before a byte is
// written. The archive is made by hand, as a hostile server would send
// it: Go's tar writer will not write one.
func TestExtractArchiveRefusesSparse(t *testing.T) {
	pax := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
		paxRecord("GNU.sparse.name", rundir.CPUProfileFile) + paxRecord("GNU.sparse.realsize", "1000000")
	var buf bytes.Buffer
	buf.Write(tarBlock("PaxHeader", 'x', len(pax)))
	buf.Write(padBlock([]byte(pax)))
	data := append(padBlock([]byte("1\n0\n3\n")), "xyz"...) // the sparse map, then 3 bytes
	buf.Write(tarBlock("GNUSparseFile.0/"+rundir.CPUProfileFile, '0', len(data)))
	buf.Write(padBlock(data))
	buf.Write(make([]byte, 1024))
	dir := t.TempDir()
	if _, err := ExtractArchive(&buf, dir, MaxArchiveBytes); !errors.Is(err, ErrArchive) {
		t.Fatalf("sparse entry: %v, want ErrArchive", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("wrote %v", ents)
	}
}

// tarBlock is a ustar header block with its checksum.
func tarBlock(name string, flag byte, size int) []byte {
	b := make([]byte, 512)
	copy(b, name)
	copy(b[100:], "0000644\x00")
	copy(b[108:], "0000000\x00")
	copy(b[116:], "0000000\x00")
	copy(b[124:], fmt.Sprintf("%011o\x00", size))
	copy(b[136:], "00000000000\x00")
	b[156] = flag
	copy(b[257:], "ustar\x0000")
	copy(b[148:], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

func padBlock(b []byte) []byte { return append(b, make([]byte, (512-len(b)%512)%512)...) }

// paxRecord is "LEN key=value\n", LEN counting itself.
func paxRecord(k, v string) string {
	for n := len(k) + len(v) + 3; ; n++ {
		if s := fmt.Sprintf("%d %s=%s\n", n, k, v); len(s) == n {
			return s
		}
	}
}
