# latencylab: two commands do everything on a fresh machine: `make bench` and `make test`.
GO        ?= go
BIN       := bin/lab
RUNS      ?= runs
SCENARIO  ?= ladder
BENCHARGS ?=

.PHONY: build bench sweep test tools-note fmt-check vet race norace results escape clean

build:
	$(GO) build -o $(BIN) ./cmd/lab

# The main job: build, run the default scenario, render the report.
# stdout is captured whole (not piped to tail) so that a failing bench fails make.
bench: build
	@out=$$($(BIN) bench --scenario $(SCENARIO) --out $(RUNS) $(BENCHARGS)) || exit $$?; \
	  run=$$(printf '%s\n' "$$out" | tail -n 1); \
	  $(BIN) report "$$run" >/dev/null && echo "report: $$run/report/REPORT.md" && \
	  echo "page:   $$run/report/index.html (open it in a browser)"

# Capacity at an SLO: every server's latency-throughput curve and knee
# (about 4.5 minutes on 2 cores; SLO=p99=2ms by default).
SLO ?=
sweep:
	@$(MAKE) --no-print-directory bench SCENARIO=sweep BENCHARGS="$(BENCHARGS)$(if $(SLO), --slo $(SLO))"

# Everything CI checks.
test: tools-note fmt-check vet race norace escape

# go test hides t.Skip messages unless -v: say here which real clients are
# absent, so their skipped checks are visible (.ci/run installs them).
tools-note:
	@for t in curl ab wrk nginx ip nft java perf lighttpd h2o; do command -v $$t >/dev/null 2>&1 || \
	  echo "NOTE: $$t is not installed: the tests that use it skip (.ci/run installs it)"; done
	@command -v chromium-headless-shell >/dev/null 2>&1 || command -v chromium >/dev/null 2>&1 || \
	  echo "NOTE: chromium is not installed: the report page is not opened in a browser (.ci/run installs chromium-headless-shell)"
	@[ -f /usr/share/java/hdrhistogram.jar ] || \
	  echo "NOTE: libhdrhistogram-java is not installed: the merged log is not cross-checked (.ci/run installs it)"
	@[ "$$(id -u)" = 0 ] || echo "NOTE: not root: the multi-host and lossy-network tests (network namespaces) skip"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

race: build
	$(GO) test -race -timeout 9m ./...

# The tests that -race makes meaningless (allocation counts, RSS) skip under
# it; this pass runs them without, so a hot path that allocates fails CI.
NORACE_TESTS := Alloc|ZeroAllocs|MemoryBudget|NoAllocation
norace:
	$(GO) test -count=1 -run '$(NORACE_TESTS)' ./stages/... ./cmd/lab ./harness/load

# Copy one run's report into RESULTS.md and results/ (RUN=runs/<dir>, default:
# newest); OTHERS="runs/<dir> ..." publishes other scenarios' runs beside it.
results:
	@scripts/publish-results.sh $(RUN) $(OTHERS)

# Show that stackbuf's response buffer stays on the stack.
escape:
	@scripts/escape.sh

clean:
	rm -rf bin
