#!/usr/bin/env bash
# Shows, from the compiler's own escape analysis, that stackbuf's 4 KiB
# response buffer stays on the stack (no "moved to heap: buf").
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go build -gcflags='-m' ./stages/httpd 2>&1 | grep -E 'encoders.go.*(buf|StackEncoder)' || true)
echo "$out"
if grep -q 'moved to heap: buf' <<<"$out"; then
  echo "FAIL: stackbuf's buffer escapes to the heap" >&2
  exit 1
fi
echo "ok: stackbuf's response buffer does not escape"
