package pgembed

import (
	"context"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartKeepsDataAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "postgres")

	inst := start(t, dir)
	checkDSN(t, inst.DSN())
	execSQL(t, inst.DSN(), "CREATE TABLE notes (body text)")
	execSQL(t, inst.DSN(), "INSERT INTO notes VALUES ('Åsa')")
	stop(t, inst)

	inst = start(t, dir)
	// lower() of a non-ASCII letter also proves the C.UTF-8 character classes.
	if got := queryString(t, inst.DSN(), "SELECT lower(body) FROM notes"); got != "åsa" {
		t.Errorf("after restart: got %q, want %q", got, "åsa")
	}
	stop(t, inst)
}

func TestStopIsIdempotentAndClosesThePort(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "postgres")
	inst := start(t, dir)
	addr := hostPort(t, inst.DSN())
	if conn, err := net.Dial("tcp", addr); err != nil {
		t.Fatalf("dial %s while running: got %v, want a connection", addr, err)
	} else {
		conn.Close()
	}
	if second, err := Start(context.Background(), Config{DataDir: dir}); err == nil {
		second.Stop(context.Background())
		t.Fatal("second Start on a running DataDir: got no error, want one")
	}

	for n := 1; n <= 2; n++ {
		if err := inst.Stop(context.Background()); err != nil {
			t.Fatalf("Stop #%d: got %v, want nil", n, err)
		}
	}
	if conn, err := net.Dial("tcp", addr); err == nil {
		conn.Close()
		t.Errorf("dial %s after Stop: got a connection, want an error", addr)
	}
}

// TestStartRecoversFromAnUncleanEnd runs its cases in order on one cluster:
// each leaves what a killed process would, and the next Start must cope.
func TestStartRecoversFromAnUncleanEnd(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "postgres")
	tests := []struct {
		name  string
		crash func(t *testing.T, inst *Instance)
	}{
		{"postmaster left running by a dead process", func(t *testing.T, inst *Instance) {
			// The process died: the kernel dropped its lock, its server runs on.
			inst.lock.Close()
			inst.stopped = true
		}},
		{"stale pid file naming a live process", func(t *testing.T, inst *Instance) {
			stop(t, inst)
			writePID(t, inst, livePID(t))
		}},
		{"stale pid file naming an exited process", func(t *testing.T, inst *Instance) {
			stop(t, inst)
			writePID(t, inst, exitedPID(t))
		}},
	}
	inst := start(t, dir)
	// Each case's server must outlive its subtest, so one cleanup stops the last.
	t.Cleanup(func() { inst.Stop(context.Background()) })
	execSQL(t, inst.DSN(), "CREATE TABLE notes (body text)")
	execSQL(t, inst.DSN(), "INSERT INTO notes VALUES ('kept')")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldPID := postmasterPID(t, inst)
			tt.crash(t, inst)
			inst = startInstance(t, dir)
			if got := queryString(t, inst.DSN(), "SELECT body FROM notes"); got != "kept" {
				t.Errorf("got %q, want %q", got, "kept")
			}
			if postmasterState(oldPID, inst.cluster) == orphaned {
				t.Errorf("old postmaster %d: got still running, want stopped", oldPID)
			}
		})
	}
	stop(t, inst)
}

const helperEnv = "PGEMBED_HELPER_DATA_DIR"

// TestStartAsUnprivilegedUser runs TestHelperNonRoot in a copy of the test
// binary as "nobody", which takes the path a non-root server takes.
func TestStartAsUnprivilegedUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: the other tests already run PostgreSQL as the current user")
	}
	t.Parallel()
	acct := lookupUnprivileged(t)
	dir, err := os.MkdirTemp("", "pgembed-nonroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chown(dir, int(acct.Uid), int(acct.Gid)); err != nil {
		t.Fatal(err)
	}
	// The go build folder is closed to other users, so run a copy from dir.
	bin := filepath.Join(dir, "pgembed.test")
	copyFile(t, os.Args[0], bin)

	cmd := exec.Command(bin, "-test.run=^TestHelperNonRoot$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), helperEnv+"="+filepath.Join(dir, "postgres"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: acct}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperNonRoot") {
		t.Fatalf("helper as uid %d: got %v, want a pass; output:\n%s", acct.Uid, err, out)
	}
}

// TestHelperNonRoot is the child half of TestStartAsUnprivilegedUser.
func TestHelperNonRoot(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("runs only as the child of TestStartAsUnprivilegedUser")
	}
	if os.Geteuid() == 0 {
		t.Fatal("helper runs as root, want an unprivileged user")
	}
	inst := start(t, dir)
	execSQL(t, inst.DSN(), "CREATE TABLE notes (body text)")
	execSQL(t, inst.DSN(), "INSERT INTO notes VALUES ('kept')")
	stop(t, inst)
	// As the same user as the server, a live pid in a stale file would make
	// PostgreSQL refuse to start without clearStalePID.
	writePID(t, inst, livePID(t))
	inst = start(t, dir)
	if got := queryString(t, inst.DSN(), "SELECT body FROM notes"); got != "kept" {
		t.Errorf("after restart: got %q, want %q", got, "kept")
	}
	stop(t, inst)
}

func TestByVersionDesc(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"empty", nil, []string{}},
		{"numeric not lexical order", []string{"/u/9.6/bin", "/u/15/bin", "/u/10/bin"},
			[]string{"/u/15/bin", "/u/10/bin", "/u/9.6/bin"}},
		{"non-versions dropped", []string{"/u/x/bin", "/u/14/bin"}, []string{"/u/14/bin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := byVersionDesc(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCanSearch(t *testing.T) {
	acct := account{uid: 101, gid: 104}
	tests := []struct {
		name     string
		uid, gid uint32
		perm     fs.FileMode
		want     bool
	}{
		{"owner with x", 101, 0, 0o700, true},
		{"owner without x, others with x", 101, 0, 0o601, false},
		{"group with x", 0, 104, 0o710, true},
		{"group without x", 0, 104, 0o701, false},
		{"others with x", 0, 0, 0o701, true},
		{"others without x", 0, 0, 0o770, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fi := fakeDir{perm: tt.perm, st: syscall.Stat_t{Uid: tt.uid, Gid: tt.gid}}
			if got := canSearch(fi, acct); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestChildEnvDropsPostgresVariables(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "PGDATA=/x", "PGPORT=1", "HOME=/root"})
	if want := []string{"PATH=/bin", "HOME=/root"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

type fakeDir struct {
	perm fs.FileMode
	st   syscall.Stat_t
}

func (f fakeDir) Name() string       { return "d" }
func (f fakeDir) Size() int64        { return 0 }
func (f fakeDir) Mode() fs.FileMode  { return fs.ModeDir | f.perm }
func (f fakeDir) ModTime() time.Time { return time.Time{} }
func (f fakeDir) IsDir() bool        { return true }
func (f fakeDir) Sys() any           { return &f.st }

// start starts an Instance that is stopped when the test ends.
func start(t *testing.T, dir string) *Instance {
	t.Helper()
	inst := startInstance(t, dir)
	t.Cleanup(func() { inst.Stop(context.Background()) })
	return inst
}

func startInstance(t *testing.T, dir string) *Instance {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	inst, err := Start(context.Background(), Config{DataDir: dir, Logger: log})
	if err != nil {
		t.Fatalf("Start: got %v, want nil", err)
	}
	return inst
}

func stop(t *testing.T, inst *Instance) {
	t.Helper()
	if err := inst.Stop(context.Background()); err != nil {
		t.Fatalf("Stop: got %v, want nil", err)
	}
}

func checkDSN(t *testing.T, dsn string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse DSN: %v", err)
	}
	if u.Hostname() != "127.0.0.1" || u.Path != "/crm" || u.Query().Get("sslmode") != "disable" {
		t.Errorf("DSN %s: got host %s path %s, want 127.0.0.1, /crm and sslmode=disable", u.Redacted(), u.Hostname(), u.Path)
	}
	if u.Port() == "5432" || u.Port() == "" {
		t.Errorf("DSN port: got %q, want a free port other than 5432", u.Port())
	}
}

func hostPort(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse DSN: %v", err)
	}
	return u.Host
}

func execSQL(t *testing.T, dsn, sql string) {
	t.Helper()
	conn := connect(t, dsn)
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryString(t *testing.T, dsn, sql string) string {
	t.Helper()
	conn := connect(t, dsn)
	var s string
	if err := conn.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func postmasterPID(t *testing.T, inst *Instance) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(inst.cluster, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	pid, err := strconv.Atoi(first)
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// writePID leaves a postmaster.pid as a killed server would, naming pid.
func writePID(t *testing.T, inst *Instance, pid int) {
	t.Helper()
	content := strconv.Itoa(pid) + "\n" + inst.cluster + "\n"
	if err := os.WriteFile(filepath.Join(inst.cluster, "postmaster.pid"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// livePID returns the pid of a running process that is not PostgreSQL, nor
// an ancestor of it (PostgreSQL ignores its parent's and grandparent's pids).
func livePID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("cat") // runs until its stdin closes
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	return cmd.Process.Pid
}

// exitedPID returns the pid of a process that has already exited.
func exitedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func lookupUnprivileged(t *testing.T) *syscall.Credential {
	t.Helper()
	for _, name := range []string{"nobody", "postgres"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	t.Fatal(`no "nobody" or "postgres" user to run the helper as`)
	return nil
}

// copyFile copies an executable with cp: a write descriptor held by this
// process could leak into a child forked meanwhile by a parallel test and
// make the exec fail with "text file busy".
func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if out, err := exec.Command("cp", from, to).CombinedOutput(); err != nil {
		t.Fatalf("cp %s: %v: %s", from, err, out)
	}
	if err := os.Chmod(to, 0o755); err != nil {
		t.Fatal(err)
	}
}
