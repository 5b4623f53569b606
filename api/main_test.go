package api_test

import (
	"testing"

	"github.com/kinerja/platform/internal/testenv"
)

// TestMain stops the shared Temporal dev server that the authorisation table starts.
// There must be only one TestMain in package api and api_test together.
func TestMain(m *testing.M) { testenv.Main(m) }
