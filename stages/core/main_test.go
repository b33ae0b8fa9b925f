package core

import (
	"fmt"
	"os"
	"testing"
)

// testEngine is the engine of every reactor a test starts (start, and the
// groups of group_test.go). TestMain runs the package's tests once on each
// engine, so every contract of the core is held on both; the io_uring pass
// is skipped, with a note, where the kernel refuses io_uring.
var testEngine = EngineEpoll

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := UringAvailable(); err != nil {
			fmt.Printf("NOTE: stages/core's io_uring pass skipped: %v\n", err)
		} else {
			testEngine = EngineUring
			fmt.Println("stages/core: the same tests again, on the io_uring engine")
			code = m.Run()
		}
	}
	os.Exit(code)
}

// onUring says the test runs in the io_uring pass.
func onUring() bool { return testEngine == EngineUring }
