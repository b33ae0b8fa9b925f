package profiles

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"latencylab/internal/statsdoc"
)

// File is one file of a profiling window, named as in the run directory.
type File struct {
	Name string
	Data []byte
}

// Names of the files a window can hold, in the order they are sent. The
// archive reader accepts these and nothing else.
func FileNames() []string {
	return []string{statsdoc.CPUProfileFile, statsdoc.WallProfileFile, statsdoc.AllocsFile, statsdoc.TraceFile}
}

// ArchiveContentType is the media type of POST /profile/stop's answer.
const ArchiveContentType = "application/x-tar"

// MaxArchiveBytes bounds what ExtractArchive writes in all. An execution
// trace of a busy server is the largest file: tens of MiB for a window of
// a few seconds.
const MaxArchiveBytes = 1 << 30

// ErrArchive is any archive that is not a profiling window's files.
var ErrArchive = errors.New("profiles: bad archive")

// WriteArchive sends files as a tar stream. The endpoint writes no file
// of its own: the caller decides where they go (CONTRACTS.md §7).
func WriteArchive(w io.Writer, files []File) error {
	tw := tar.NewWriter(w)
	now := time.Now()
	for _, f := range files {
		hdr := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Data)), ModTime: now, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("profiles: archive %s: %w", f.Name, err)
		}
		if _, err := tw.Write(f.Data); err != nil {
			return fmt.Errorf("profiles: archive %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("profiles: archive: %w", err)
	}
	return nil
}

// ExtractArchive writes the files of a WriteArchive stream into dir and
// returns their names. It trusts nothing in the stream: only regular
// files named in FileNames, each once, not sparse, at most max bytes in
// all, none through a symbolic link. On error, the files written whole
// before it stay, and the one being written is removed.
func ExtractArchive(r io.Reader, dir string, max int64) ([]string, error) {
	tr := tar.NewReader(r)
	var names []string
	left := max
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return names, fmt.Errorf("%w: %v", ErrArchive, err)
		}
		if err := checkEntry(hdr, names, left); err != nil {
			return names, err
		}
		if err := writeEntry(filepath.Join(dir, hdr.Name), tr, hdr.Size); err != nil {
			return names, err
		}
		left -= hdr.Size
		names = append(names, hdr.Name)
	}
}

func checkEntry(hdr *tar.Header, seen []string, left int64) error {
	switch {
	case hdr.Typeflag != tar.TypeReg:
		return fmt.Errorf("%w: %q is not a regular file", ErrArchive, hdr.Name)
	case !slices.Contains(FileNames(), hdr.Name):
		return fmt.Errorf("%w: unexpected file %q", ErrArchive, hdr.Name)
	case slices.Contains(seen, hdr.Name):
		return fmt.Errorf("%w: %q twice", ErrArchive, hdr.Name)
	case hdr.Size < 0 || hdr.Size > left:
		return fmt.Errorf("%w: %q has %d bytes, over the %d left of the limit", ErrArchive, hdr.Name, hdr.Size, left)
	case sparse(hdr):
		// A sparse entry expands holes on reading: a few bytes of archive
		// would become the whole limit on disk.
		return fmt.Errorf("%w: %q is a sparse file", ErrArchive, hdr.Name)
	}
	return nil
}

// sparse reports a GNU sparse entry in any of its PAX encodings.
func sparse(hdr *tar.Header) bool {
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func writeEntry(path string, r io.Reader, size int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return fmt.Errorf("profiles: %w", err)
	}
	_, cerr := io.CopyN(f, r, size)
	if err := errors.Join(cerr, f.Close()); err != nil {
		os.Remove(path) // half a profile would read as a broken one
		return fmt.Errorf("profiles: write %s: %w", path, err)
	}
	return nil
}
