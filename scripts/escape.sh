#!/usr/bin/env bash
# Shows, from the compiler's own escape analysis, that stackbuf's 4 KiB
# response buffer stays on the stack. The chain of evidence:
#   1. StackEncoder.Encode declares `var buf [4096]byte` and never gets
#      "moved to heap: buf";
#   2. http1.AppendResponse only leaks dst to its result (the same stack slice);
#   3. httpd.Output.Write, which receives that slice: "p does not escape".
set -euo pipefail
cd "$(dirname "$0")/.."
httpd=$(go build -gcflags='-m' ./stages/httpd 2>&1)
http1=$(go build -gcflags='-m' ./stages/http1 2>&1)
echo "stages/httpd/encoders.go, StackEncoder.Encode (var buf [4096]byte):"
grep -E 'encoders.go:(4[2-9]|50):' <<<"$httpd" || echo "  (no escape diagnostics for its lines: buf stays on the stack)"
echo "stages/http1, AppendResponse's dst:"
loc=$(grep -n '^func AppendResponse' stages/http1/*.go | cut -d: -f1,2)   # file:line
grep -F "$loc:" <<<"$http1" | grep 'leaking param: dst'
echo "stages/httpd/output.go, Output.Write's p:"
grep -E 'output.go:[0-9]+:[0-9]+: p does not escape' <<<"$httpd"
if grep -q 'moved to heap: buf' <<<"$httpd"; then
  echo "FAIL: stackbuf's buffer escapes to the heap" >&2
  exit 1
fi
echo "ok: stackbuf's response buffer does not escape"
