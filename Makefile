# latencylab: two commands do everything on a fresh machine: `make bench` and `make test`.
GO        ?= go
BIN       := bin/lab
RUNS      ?= runs
SCENARIO  ?= ladder
BENCHARGS ?=

.PHONY: build bench test fmt-check vet race fuzz-corpus results escape clean

build:
	$(GO) build -o $(BIN) ./cmd/lab

# The main job: build, run the default scenario, render the report.
# stdout is captured whole (not piped to tail) so that a failing bench fails make.
bench: build
	@out=$$($(BIN) bench --scenario $(SCENARIO) --out $(RUNS) $(BENCHARGS)) || exit $$?; \
	  run=$$(printf '%s\n' "$$out" | tail -n 1); \
	  $(BIN) report "$$run" && echo "report: $$run/report/REPORT.md"

# Everything CI checks.
test: fmt-check vet race

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

race: build
	$(GO) test -race -timeout 9m ./...

# Copy one run's report into RESULTS.md and results/ (RUN=runs/<dir>, default: newest).
results:
	@scripts/publish-results.sh $(RUN)

# Show that stackbuf's response buffer stays on the stack.
escape:
	@scripts/escape.sh

clean:
	rm -rf bin
