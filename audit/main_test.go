package audit_test

import (
	"testing"

	"github.com/kinerja/platform/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }
