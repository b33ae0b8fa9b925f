package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/procfs"

	"latencylab/harness/rundir"
)

// sysctls are the kernel settings that change what a loopback bench
// measures (CONTRACTS.md §6.7), as paths under /proc/sys.
func sysctls() []string {
	return []string{"net.core.somaxconn", "net.ipv4.tcp_tw_reuse", "net.ipv4.ip_local_port_range"}
}

// gitTimeout bounds `git rev-parse`, which must not hold up a bench.
const gitTimeout = 5 * time.Second

// environment records where a run happened.
func environment(ctx context.Context, p cpuPlan, gogc, lab string) rundir.Env {
	host, _ := os.Hostname()
	env := rundir.Env{
		Hostname:   host,
		Kernel:     readTrim("/proc/sys/kernel/osrelease"),
		CPUModel:   cpuModel(),
		NumCPU:     runtime.NumCPU(),
		GoVersion:  runtime.Version(), // the children are this same binary
		GitCommit:  gitCommit(ctx, lab),
		GOGC:       gogc,
		GOMAXPROCS: p.server.Count(),
		ServerCPUs: p.server.String(),
		LoadCPUs:   p.load.String(),
		Sysctls:    map[string]string{},
	}
	for _, name := range sysctls() {
		path := filepath.Join("/proc/sys", strings.ReplaceAll(name, ".", "/"))
		env.Sysctls[name] = strings.Join(strings.Fields(readTrim(path)), " ")
	}
	return env
}

func cpuModel() string {
	fs, err := procfs.NewDefaultFS()
	if err != nil {
		return "unknown"
	}
	infos, err := fs.CPUInfo()
	if err != nil || len(infos) == 0 {
		return "unknown"
	}
	return infos[0].ModelName
}

// gitCommit is the commit of the working directory's repository, else of
// the lab binary's folder (bin/lab lives in the checkout), else "unknown".
func gitCommit(ctx context.Context, lab string) string {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	for _, dir := range []string{".", filepath.Dir(lab)} {
		out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
		if err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	return "unknown"
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}
