# AgentStack: `make run` builds and starts the collector on its embedded
# store; `make test` runs every test. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := build

GO          ?= go
OCB_VERSION := v0.161.0
TOOLS       := $(CURDIR)/.tools/bin
OCB         := $(TOOLS)/builder
BIN         := bin/agentstack
CONFIG      ?= collector-config.yaml
GOTEST      ?= $(GO) test
# Every package's tests, end-to-end included; the e2e tests start $(BIN).
GO_TEST_FLAGS ?= -count=1 -timeout 20m
FUZZTIME    ?= 10s

.PHONY: build generate tools run test test-go test-python test-dashboard dashboard fuzz bench clean check-generated update-prices test-reliability bench-security bench-api

## tools: install the pinned OpenTelemetry Collector Builder into .tools/bin
tools: $(OCB)
$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

## generate: regenerate distribution/ from builder-config.yaml with OCB
generate: $(OCB)
	$(OCB) --config builder-config.yaml --skip-compilation

## dashboard: build the React dashboard into api/ui/dist, where the binary embeds it
NPM := $(shell command -v npm 2>/dev/null)
DASHBOARD_SRC := $(shell find dashboard/src dashboard/index.html dashboard/package.json dashboard/vite.config.ts dashboard/tsconfig.app.json -type f 2>/dev/null)
ifeq ($(NPM),)
dashboard:
	@echo "npm not found: bin/agentstack will serve a placeholder page instead of the dashboard"
else
dashboard: api/ui/dist/index.html
dashboard/node_modules/.package-lock.json: dashboard/package-lock.json
	cd dashboard && npm ci --no-audit --no-fund
api/ui/dist/index.html: dashboard/node_modules/.package-lock.json $(DASHBOARD_SRC)
	cd dashboard && npm run build
	find api/ui/dist -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	cp -r dashboard/dist/. api/ui/dist/
endif

## build: the dashboard, the distribution from builder-config.yaml, then bin/agentstack
build: generate dashboard
	cd distribution && $(GO) build -trimpath -o ../$(BIN) .
	@echo "built $(BIN)"

## run: build, then start AgentStack with collector-config.yaml (data in ./data)
run: build
	./$(BIN) --config $(CONFIG)

## test: every test: Go (unit, golden, end-to-end against bin/agentstack), Python SDK, dashboard (unit and in Chromium), a short fuzz pass
test: build test-go test-python test-dashboard fuzz

test-go:
	AGENTSTACK_BIN=$(CURDIR)/$(BIN) $(GOTEST) $(GO_TEST_FLAGS) ./...

test-python:
	cd sdk/python && python3 -m unittest discover -s tests -t .

test-dashboard: build
	cd dashboard && npm test && AGENTSTACK_BIN=$(CURDIR)/$(BIN) npm run e2e

## fuzz: a short fuzzing pass over the native decoder and the whole ingest handler, native and OTLP (FUZZTIME=1m for longer)
fuzz:
	$(GOTEST) -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME) ./components/receiver/agentstackreceiver/internal/native
	$(GOTEST) -run '^$$' -fuzz FuzzIngest -fuzztime $(FUZZTIME) ./components/receiver/agentstackreceiver

## test-reliability: the crash, load and fault suite at full length: 10 min sustained, 2 min flood, 60 s Redis outage
test-reliability: build
	RELIABILITY_BATCHES=$${RELIABILITY_BATCHES:-5000} RELIABILITY_SUSTAIN_SECONDS=$${RELIABILITY_SUSTAIN_SECONDS:-600} \
	RELIABILITY_FLOOD_SECONDS=$${RELIABILITY_FLOOD_SECONDS:-120} RELIABILITY_FLOOD_QUEUE=$${RELIABILITY_FLOOD_QUEUE:-100000} \
	AGENTSTACK_BIN=$(CURDIR)/$(BIN) $(GOTEST) -count=1 -v -timeout 40m ./tests/reliability/
	REDIS_OUTAGE=$${REDIS_OUTAGE:-60s} $(GOTEST) -count=1 -v -timeout 10m -run TestNoSpanLostWhileRedisIsDown ./components/exporter/redisstreamexporter/

## bench: ingest throughput (native JSON -> auth -> store vs otlp -> nop), store and component benchmarks, SDK overhead
bench: build
	AGENTSTACK_BIN=$(CURDIR)/$(BIN) $(GOTEST) -run '^$$' -bench . -benchtime 1000x -count 1 ./tests/bench/
	$(GOTEST) -run '^$$' -bench . -benchtime 2s -count 1 ./internal/store/ ./components/receiver/... ./components/processor/... ./components/exporter/...
	python3 sdk/python/benchmarks/bench_observe.py

## check-generated: fail when distribution/ no longer matches builder-config.yaml
check-generated: $(OCB)
	AGENTSTACK_OCB=$(OCB) $(GOTEST) -count=1 -run TestDistributionMatchesManifest ./tests/distribution/

## bench-security: detection quality over ../shared/testdata (recall, false positives, PII F1) and the per-span Go benchmark
bench-security:
	$(GO) run ./components/processor/securityprocessor/cmd/securityreport -testdata ../shared/testdata
	$(GOTEST) -run '^$$' -bench . -benchmem ./components/processor/securityprocessor/

## bench-api: API latencies (trace list, trace detail, ...) with 1,000,000 spans stored
bench-api:
	$(GOTEST) -run '^$$' -bench BenchmarkAPI -benchtime 100x -timeout 30m -v ./api/internal/handlers/

## update-prices: regenerate the embedded LLM price snapshot from @pydantic/genai-prices (needs node and npm)
GENAI_PRICES_VERSION ?= 0.1.8
update-prices:
	scripts/update-prices/update.sh $(GENAI_PRICES_VERSION)

clean:
	rm -rf bin
