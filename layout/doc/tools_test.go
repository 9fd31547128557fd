package doc

import (
	"os"
	"os/exec"
	"testing"
)

// requireTool returns the path of an external program a test needs. It skips the test
// when the program is missing, or fails it when OMSDESK_REQUIRE_TOOLS=1 (as in CI).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("OMSDESK_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (OMSDESK_REQUIRE_TOOLS=1): %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}
