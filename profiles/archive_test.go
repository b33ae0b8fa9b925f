package profiles

import (
	"archive/tar"
	"bytes"
	"errors"
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
