package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// nginxFallback is where Debian-style packages install nginx outside PATH.
const nginxFallback = "/usr/sbin/nginx"

// findNginx locates the nginx binary: the option ("off" disables it), PATH,
// then the fallback.
func findNginx(opt string) (string, bool) {
	switch opt {
	case "off":
		return "", false
	case "":
	default:
		_, err := os.Stat(opt)
		return opt, err == nil
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, true
	}
	if _, err := os.Stat(nginxFallback); err == nil {
		return nginxFallback, true
	}
	return "", false
}

// nginxMissing says why nginx is skipped.
func nginxMissing(opt string) string {
	switch opt {
	case "off":
		return "nginx disabled (--nginx off): skipped"
	case "":
		return "nginx not installed (not in PATH nor " + nginxFallback + "): skipped"
	}
	return "nginx binary " + opt + " not found: skipped"
}

// nginxConfig is one worker in the foreground (no master, so the pinned
// process is the one serving, and its CPU time is the server's), logging
// errors to stderr and nothing per request, with its temp paths in dir so
// that it needs no system directories. The backlog matches the core's
// default (1024). keepalive_requests is raised so that nginx does not close
// connections every 1000 requests, which the stages never do.
func nginxConfig(dir string, port int) string {
	return fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr error;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:%[2]d backlog=1024;
    location = /plaintext { default_type text/plain; return 200 "Hello, World!"; }
    location / { return 404; }
  }
}
`, dir, port)
}

// nginxArgs writes the config into dir and returns the command line.
func nginxArgs(dir string, port int) ([]string, error) {
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(nginxConfig(dir, port)), 0o644); err != nil {
		return nil, fmt.Errorf("nginx config: %w", err)
	}
	// -e stderr: errors before the config is read go to stderr too, not to
	// a system log file a non-root user may not open.
	return []string{"-p", dir, "-c", conf, "-e", "stderr"}, nil
}
