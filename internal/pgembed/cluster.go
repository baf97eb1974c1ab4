package pgembed

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// initCluster runs initdb when DataDir holds no cluster yet and loads the
// superuser's password. initdb writes into data.init, renamed to data once
// complete, so a start killed half-way leaves no half-made cluster behind.
func (i *Instance) initCluster(ctx context.Context) error {
	pwPath := filepath.Join(i.dir, "password")
	if _, err := os.Stat(filepath.Join(i.cluster, "PG_VERSION")); err == nil {
		pw, err := os.ReadFile(pwPath)
		if err != nil {
			return fmt.Errorf("read the password of the existing cluster: %w", err)
		}
		i.password = strings.TrimSpace(string(pw))
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("inspect cluster: %w", err)
	}
	i.password = rand.Text()
	tmp := i.cluster + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove unfinished cluster: %w", err)
	}
	if err := i.initdb(ctx, tmp); err != nil {
		return err
	}
	// The password goes to disk before the cluster appears, so that a cluster
	// never exists without its password.
	if err := writePrivate(pwPath, i.password+"\n"); err != nil {
		return err
	}
	if err := os.Rename(tmp, i.cluster); err != nil {
		return fmt.Errorf("move new cluster into place: %w", err)
	}
	i.log.Info("initialised postgresql cluster", "data", i.cluster, "superuser", superuser)
	return nil
}

// initdb creates a UTF-8 cluster in dir whose superuser logs in with
// i.password over TCP. Collation is C (byte order: fast, and immune to glibc
// collation changes); character classes are C.UTF-8 so that lower(), upper()
// and ILIKE handle letters such as Å. Without a C.UTF-8 locale it falls back to C.
func (i *Instance) initdb(ctx context.Context, dir string) error {
	pwFile := filepath.Join(i.dir, "initdb.pw")
	if err := writePrivate(pwFile, i.password); err != nil {
		return err
	}
	defer os.Remove(pwFile)
	if i.acct.drop {
		if err := os.Chown(pwFile, int(i.acct.uid), int(i.acct.gid)); err != nil {
			return fmt.Errorf("hand password file over: %w", err)
		}
	}
	args := []string{"-D", dir, "-U", superuser, "--pwfile=" + pwFile, "-E", "UTF8",
		"--locale=C", "--auth-local=peer", "--auth-host=scram-sha-256"}
	err := i.run(ctx, "initdb", append(args, "--lc-ctype=C.UTF-8")...)
	if err != nil && strings.Contains(err.Error(), "locale") {
		i.log.Warn("locale C.UTF-8 unavailable, initialising with C", "err", err)
		err = i.run(ctx, "initdb", args...)
	}
	return err
}

// clearStalePID deals with a postmaster.pid left by a run that ended without
// Stop. We hold DataDir's lock, so a postmaster still serving this cluster is
// an orphan of a dead process: it is stopped and started afresh. A pid file
// naming any other process is removed, since PostgreSQL would refuse to start
// when that pid has been reused (common after a container restart).
func (i *Instance) clearStalePID(ctx context.Context) error {
	pidFile := filepath.Join(i.cluster, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read postmaster.pid: %w", err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return nil // malformed: PostgreSQL explains it better than we could
	}
	switch postmasterState(pid, i.cluster) {
	case orphaned:
		i.log.Warn("stopping postgresql left running by an earlier process", "pid", pid)
		return i.pgCtlStop(ctx)
	case stale:
		i.log.Info("removing stale postmaster.pid", "pid", pid)
		return os.Remove(pidFile)
	}
	return nil
}

type pidState int

const (
	unknown  pidState = iota // no /proc to tell: leave the decision to PostgreSQL
	stale                    // no postmaster of this cluster has that pid
	orphaned                 // a postmaster of this cluster still runs
)

// postmasterState tells whether pid is a live postmaster of cluster: a
// postmaster's working folder is its data folder. A process we may not
// inspect belongs to another user, so it is not the postmaster we started.
func postmasterState(pid int, cluster string) pidState {
	if _, err := os.Readlink("/proc/self/cwd"); err != nil {
		return unknown
	}
	cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd")
	if err == nil && cwd == cluster {
		return orphaned
	}
	return stale
}

// startServer starts the postmaster with pg_ctl and waits until it accepts
// connections. With port 0 it picks a free port and, should another process
// take that port first, tries again with another.
func (i *Instance) startServer(ctx context.Context, port uint32) error {
	logPath := filepath.Join(i.dir, "postgres.log")
	_ = os.Rename(logPath, filepath.Join(i.dir, "postgres.prev.log"))
	for attempt := 1; ; attempt++ {
		p := port
		if p == 0 {
			var err error
			if p, err = freePort(); err != nil {
				return err
			}
		}
		offset := fileSize(logPath)
		// No Unix socket (-k ''): nothing to clean up after a crash, no clash
		// with a system server's socket folder, and TCP is all the CRM uses.
		opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k ''", p)
		err := i.run(ctx, "pg_ctl", "start", "-w", "-D", i.cluster, "-l", logPath, "-o", opts)
		if err == nil {
			i.port = p
			return nil
		}
		tail := readFrom(logPath, offset)
		if port == 0 && attempt < 3 && strings.Contains(tail, "Address already in use") {
			continue
		}
		return fmt.Errorf("%w\nserver log:\n%s", err, tail)
	}
}

// pgCtlStop stops the server in fast mode and waits for it to exit. A server
// that is not running counts as stopped.
func (i *Instance) pgCtlStop(ctx context.Context) error {
	err := i.run(ctx, "pg_ctl", "stop", "-w", "-m", "fast", "-D", i.cluster)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(i.cluster, "postmaster.pid")); errors.Is(statErr, fs.ErrNotExist) {
			return nil
		}
	}
	return err
}

// createDatabase creates the database "crm" unless it exists.
func (i *Instance) createDatabase(ctx context.Context) error {
	u := i.url()
	u.Path = "/postgres"
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("connect to new server: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	q := "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)"
	if err := conn.QueryRow(ctx, q, database).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", database, err)
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{database}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", database, err)
	}
	i.log.Info("created database", "name", database)
	return nil
}

// run runs one of the PostgreSQL programs and folds its output into the error.
func (i *Instance) run(ctx context.Context, program string, args ...string) error {
	out, err := i.command(ctx, program, args...).CombinedOutput()
	if err == nil {
		return nil
	}
	label := program
	if program == "pg_ctl" {
		label += " " + args[0] // start or stop
	}
	if msg := strings.TrimSpace(string(out)); msg != "" {
		return fmt.Errorf("%s: %w: %s", label, err, msg)
	}
	return fmt.Errorf("%s: %w", label, err)
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort() (uint32, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return uint32(l.Addr().(*net.TCPAddr).Port), nil
}

// writePrivate writes a file only its owner can read, replacing any old one
// (whose mode WriteFile would keep).
func writePrivate(path, content string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readFrom returns what was appended to a log file after offset, at most its
// last 4 KiB, for error messages.
func readFrom(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if size := fileSize(path); size-offset > 4096 {
		offset = size - 4096
	}
	b, _ := io.ReadAll(io.NewSectionReader(f, offset, 1<<20))
	return strings.TrimSpace(string(b))
}
