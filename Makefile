# soakbench developer entry points; `make` alone lists them. Prerequisites: Node.js 20+, Java 17+, Maven,
# and on Debian/Ubuntu `make deps` installs the rest (see scripts/setup-deps.sh).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The local cluster, read by scripts/kafka.sh together with KAFKA_DIR (default .kafka/): KAFKA_BROKERS
# brokers with client ports KAFKA_PORT, KAFKA_PORT+1, ... on 127.0.0.1 (controller ports: see the
# script's header), plaintext or KAFKA_SECURITY=sasl_ssl (SCRAM-SHA-512 over TLS, docs/staging.md).
KAFKA_PORT ?= 9092
KAFKA_BROKERS ?= 1
KAFKA_SECURITY ?= plaintext
export KAFKA_PORT KAFKA_BROKERS KAFKA_SECURITY
KAFKA_BOOTSTRAP := 127.0.0.1:$(KAFKA_PORT)

.PHONY: help deps build lint test test-unit demo kafka-up kafka-down kafka-clean

help: ## list the targets (default)
	@echo "usage: make TARGET   (KAFKA_PORT=$(KAFKA_PORT) KAFKA_BROKERS=$(KAFKA_BROKERS) KAFKA_SECURITY=$(KAFKA_SECURITY))"
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z-]+:[^#]*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: ## install what is missing: Debian packages, npm packages, Kafka jars (fast when done)
	@scripts/setup-deps.sh

build: deps ## compile TypeScript into dist/
	@echo 'npx tsc -p tsconfig.json'; TIMEFORMAT='=== time build: %0R s'; time npx tsc -p tsconfig.json

lint: deps ## check formatting and lint rules (Biome)
	@echo 'npx biome check .'; TIMEFORMAT='=== time lint: %0R s'; time npx biome check .

test-unit: build ## run the unit tests (no Kafka needed)
	node scripts/run-tests.mjs unit

test: build lint ## run every test against a local broker; stops it after, unless it was already running
	SOAKBENCH_TEST_BOOTSTRAP=$(KAFKA_BOOTSTRAP) scripts/kafka.sh with-broker \
	  bash -c "TIMEFORMAT='=== time tests: %0R s'; time node scripts/run-tests.mjs all"

DEMO_PORT ?= 8080

demo: build kafka-up ## start the local broker and run the daemon with the default workload (Ctrl-C stops it)
	@echo "soakbench daemon: API http://127.0.0.1:$(DEMO_PORT)/status  metrics http://127.0.0.1:$(DEMO_PORT)/metrics  (Ctrl-C stops it)"
	@echo "  try: curl -X PUT 127.0.0.1:$(DEMO_PORT)/rate -d 5000"
	SOAKBENCH_BOOTSTRAP_SERVERS=$(KAFKA_BOOTSTRAP) SOAKBENCH_HTTP_PORT=$(DEMO_PORT) node bin/soakbench.js daemon

kafka-up: ## start the local Kafka broker(s) (or reuse them) and wait until each answers
	@scripts/kafka.sh up

kafka-down: ## stop the local Kafka broker(s) (SIGTERM, SIGKILL after 30 s)
	@scripts/kafka.sh down

kafka-clean: ## stop the local Kafka broker(s) and delete their data, logs, certificates and passwords
	@scripts/kafka.sh clean
