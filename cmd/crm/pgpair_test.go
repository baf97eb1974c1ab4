package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgPair is a PostgreSQL primary and a streaming replica of it, made for
// one test in a folder of its own: initdb, then pg_basebackup -R from the
// running primary, each started on a free loopback port. The test's own
// primary rather than the shared test server: a base backup copies the
// whole cluster (every other test's database with it), and the shared
// server would need a replication entry in its pg_hba.conf. As root the
// programs run as the "postgres" user, since PostgreSQL refuses root.
type pgPair struct {
	t                  *testing.T
	bin, dir           string
	cred               *syscall.Credential
	primary, replica   string // data folders
	primaryPort, rPort int
}

// startPGPair makes and starts the pair; both are stopped and removed when
// the test ends.
func startPGPair(t *testing.T) *pgPair {
	t.Helper()
	if testing.Short() {
		t.Skip("starts PostgreSQL servers; skipped with -short")
	}
	p := &pgPair{t: t, bin: pgBin(t)}
	dir, err := os.MkdirTemp("", "crm-pgpair-")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("running as root without a postgres user to run PostgreSQL as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	p.primary, p.replica = filepath.Join(dir, "primary"), filepath.Join(dir, "replica")
	p.primaryPort, p.rPort = freePort(t), freePort(t)

	// initdb's pg_hba.conf trusts local replication connections already.
	p.run("initdb", "-D", p.primary, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\n"+
		"full_page_writes = off\nsynchronous_commit = off\nmax_connections = 60\nshared_buffers = 32MB\n", dir)
	appendFile(t, filepath.Join(p.primary, "postgresql.conf"), conf)
	p.start(p.primary, p.primaryPort)
	t.Cleanup(func() { p.stop(p.primary) })
	p.run("pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(p.primaryPort), "-U", "postgres",
		"-D", p.replica, "-R", "-X", "stream", "-c", "fast")
	p.StartReplica()
	t.Cleanup(func() { p.stop(p.replica) })
	return p
}

// URL is the connection URL of database db on the primary or the replica.
func (p *pgPair) URL(replica bool, db string) string {
	port := p.primaryPort
	if replica {
		port = p.rPort
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", port, db)
}

// StartReplica starts the replica (again).
func (p *pgPair) StartReplica() { p.start(p.replica, p.rPort) }

// StopReplica stops the replica at once, as a crash or a network cut
// would look to the API.
func (p *pgPair) StopReplica() {
	p.t.Helper()
	p.run("pg_ctl", "-D", p.replica, "-m", "immediate", "-w", "stop")
}

// Exec runs sql on the primary's or the replica's database db.
func (p *pgPair) Exec(replica bool, db, sql string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, p.URL(replica, db))
	if err != nil {
		p.t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		p.t.Fatalf("%s: %v", sql, err)
	}
}

func (p *pgPair) start(data string, port int) {
	p.t.Helper()
	p.run("pg_ctl", "-D", data, "-l", data+".log", "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d", port), "start")
}

func (p *pgPair) stop(data string) {
	cmd := p.command("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
	_ = cmd.Run() // already stopped is fine
}

func (p *pgPair) command(program string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(p.bin, program), args...)
	cmd.Dir = p.dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: p.cred}
	return cmd
}

func (p *pgPair) run(program string, args ...string) {
	p.t.Helper()
	if out, err := p.command(program, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("%s %s: %v\n%s", program, strings.Join(args, " "), err, out)
	}
}

// pgBin finds PostgreSQL's programs: PG_BIN, else the newest
// /usr/lib/postgresql/*/bin.
func pgBin(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("PG_BIN"); b != "" {
		return b
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(found, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(found[j])))
		return vi > vj
	})
	for _, d := range found {
		if _, err := os.Stat(filepath.Join(d, "pg_basebackup")); err == nil {
			return d
		}
	}
	t.Skip("no PostgreSQL server programs (set PG_BIN or install postgresql-15)")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := net.SplitHostPort(freeAddr(t))
	n, _ := strconv.Atoi(port)
	return n
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
