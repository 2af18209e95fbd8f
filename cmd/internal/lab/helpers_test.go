package lab

import (
	"fmt"
	"os"
	"testing"
)

type buildError struct {
	pkg string
	err error
	out []byte
}

func (e *buildError) Error() string { return fmt.Sprintf("building %s: %v\n%s", e.pkg, e.err, e.out) }

// osMkdirTemp holds the binaries shared by every test of the process;
// TestMain removes it.
func osMkdirTemp() (string, error) { return os.MkdirTemp("", "provbox-lab-bin-") }

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
