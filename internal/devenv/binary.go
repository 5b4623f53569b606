package devenv

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// RepoRoot walks up from the working directory to the directory whose go.mod declares
// module github.com/kinerja/platform.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if modulePath(filepath.Join(dir, "go.mod")) == ModulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("devenv: no go.mod for module %s above the working directory", ModulePath)
		}
		dir = parent
	}
}

func modulePath(goMod string) string {
	f, err := os.Open(goMod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], "\"`")
		}
	}
	return ""
}

// TemporalBinary returns the path of the temporal-dev binary: $TEMPORAL_DEV_BIN if set, else
// <repo>/.data/bin/temporal-dev, building it from <repo>/cmd/temporal-dev (with GOTOOLCHAIN
// go1.26.10+auto) when it does not exist. A cold build takes several minutes; concurrent callers
// (parallel test binaries) wait on a file lock rather than building twice. An existing binary is
// not rebuilt when the sources change: `go tool task build-temporal` does that.
func TemporalBinary() (string, error) {
	if p := os.Getenv("TEMPORAL_DEV_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("devenv: TEMPORAL_DEV_BIN: %w", err)
		}
		return p, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	binDir := filepath.Join(root, ".data", "bin")
	bin := filepath.Join(binDir, "temporal-dev")
	if isFile(bin) {
		return bin, nil
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(binDir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("devenv: lock %s: %w", lock.Name(), err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if isFile(bin) { // built by whoever held the lock before us
		return bin, nil
	}

	tmp := bin + ".tmp"
	cmd := exec.Command("go", "build", "-o", tmp, ".")
	cmd.Dir = filepath.Join(root, "cmd", "temporal-dev")
	cmd.Env = append(withoutEnv(os.Environ(), "GOTOOLCHAIN"), "GOTOOLCHAIN="+TemporalToolchain)
	fmt.Fprintf(os.Stderr, "devenv: building %s (a cold build takes several minutes; `go tool task build-temporal` does it ahead)\n", bin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("devenv: build temporal-dev: %w\n%s", err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func withoutEnv(env []string, key string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return out
}
