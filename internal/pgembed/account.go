package pgembed

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// account is the operating-system user that runs initdb, pg_ctl and postgres.
type account struct {
	name     string
	uid, gid uint32
	// drop is true when this process is root and the programs must run as
	// the unprivileged account instead (PostgreSQL refuses to run as root).
	drop bool
}

// runAccount returns the current user, or for root the "postgres" user when
// it exists and "nobody" otherwise.
func runAccount() (account, error) {
	if os.Geteuid() != 0 {
		name := "uid " + strconv.Itoa(os.Geteuid()) // containers may run a uid without a passwd entry
		if u, err := user.Current(); err == nil {
			name = u.Username
		}
		return account{name: name, uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, errU := strconv.ParseUint(u.Uid, 10, 32)
		gid, errG := strconv.ParseUint(u.Gid, 10, 32)
		if errU != nil || errG != nil {
			continue
		}
		return account{name: name, uid: uint32(uid), gid: uint32(gid), drop: true}, nil
	}
	return account{}, errors.New(`running as root, and neither a "postgres" nor a "nobody" user exists to run postgresql`)
}

// handOver makes dir usable by acct: every parent folder gets search
// permission for it where missing, and dir's whole tree is chowned to it.
func handOver(dir string, acct account, log *slog.Logger) error {
	if err := grantTraversal(dir, acct, log); err != nil {
		return err
	}
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(acct.uid), int(acct.gid))
	})
	if err != nil {
		return fmt.Errorf("hand %s over to user %s: %w", dir, acct.name, err)
	}
	return nil
}

// grantTraversal adds the search bit for others (never read) to each parent
// of dir that acct cannot enter, e.g. a 0700 folder of root's. Without it the
// unprivileged postgres could not reach its data; the change is logged.
func grantTraversal(dir string, acct account, log *slog.Logger) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("check access to %s: %w", p, err)
		}
		if !canSearch(fi, acct) {
			keep := fi.Mode() & (fs.ModePerm | fs.ModeSticky | fs.ModeSetuid | fs.ModeSetgid)
			if err := os.Chmod(p, keep|0o001); err != nil {
				return fmt.Errorf("let user %s traverse %s: %w", acct.name, p, err)
			}
			log.Warn("added search permission for others so that postgresql can reach its data",
				"folder", p, "user", acct.name)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// canSearch reports whether acct may traverse the folder described by fi,
// following the owner, group, others order of Unix permission checks.
func canSearch(fi fs.FileInfo, acct account) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case st.Uid == acct.uid:
		return perm&0o100 != 0
	case st.Gid == acct.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// command prepares one of the PostgreSQL programs to run as the instance's
// account, in DataDir (the caller's working folder may be closed to it), in
// its own process group (a Ctrl-C in the terminal is the Go server's to
// handle, which then calls Stop) and without PG* variables that would
// override our flags.
func (i *Instance) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(i.bin, program), args...)
	cmd.Dir = i.dir
	cmd.Env = childEnv(os.Environ())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if i.acct.drop {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: i.acct.uid, Gid: i.acct.gid}
	}
	return cmd
}

// childEnv drops PGDATA, PGPORT, PGOPTIONS and the other PG* variables.
func childEnv(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "PG") {
			out = append(out, kv)
		}
	}
	return out
}
