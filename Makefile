# soakbench developer entry points; `make` alone lists them. Prerequisites: Node.js 20+; on Debian/Ubuntu
# `make deps` installs the rest (see scripts/setup-deps.sh). Building, linting and unit tests need only
# `deps-node` (no Java, Maven or broker); the targets that start a broker also need `deps-kafka`.
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

.PHONY: help deps deps-node deps-kafka build lint test test-unit demo kafka-up kafka-down kafka-clean

help: ## list the targets (default)
	@echo "usage: make TARGET   (KAFKA_PORT=$(KAFKA_PORT) KAFKA_BROKERS=$(KAFKA_BROKERS) KAFKA_SECURITY=$(KAFKA_SECURITY))"
	@awk 'BEGIN { FS = ":[^#]*## " } /^[a-z-]+:[^#]*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

deps: deps-node deps-kafka ## install everything that is missing (both below; fast when done)

deps-node: ## install what is missing to build and unit-test: Debian build libraries, promtool, npm packages
	@scripts/setup-deps.sh node

deps-kafka: ## install what is missing for the local broker: java, maven, kcat, chromium, the Kafka jars
	@scripts/setup-deps.sh kafka

build: deps-node ## compile TypeScript into dist/
	@echo 'npx tsc -p tsconfig.json'; TIMEFORMAT='=== time build: %0R s'; time npx tsc -p tsconfig.json

lint: deps-node ## check formatting and lint rules (Biome), import seams and cycles (dependency-cruiser)
	@echo 'npx biome check . && npx depcruise src'; TIMEFORMAT='=== time lint: %0R s'; \
	  time (npx biome check . && npx depcruise src --config .dependency-cruiser.cjs --output-type err)

test-unit: build ## run the unit and component tests (no Kafka needed)
	node scripts/run-tests.mjs unit,component

test: build lint deps-kafka ## run every test against a local broker; stops it after, unless it was already running
	SOAKBENCH_TEST_BOOTSTRAP=$(KAFKA_BOOTSTRAP) scripts/kafka.sh with-broker \
	  bash -c "TIMEFORMAT='=== time tests: %0R s'; time node scripts/run-tests.mjs all"

DEMO_PORT ?= 8080

demo: build kafka-up ## start the local broker and run the daemon with the default workload (Ctrl-C stops it)
	@echo "soakbench daemon: API http://127.0.0.1:$(DEMO_PORT)/status  metrics http://127.0.0.1:$(DEMO_PORT)/metrics  (Ctrl-C stops it)"
	@echo "  try: curl -X PUT 127.0.0.1:$(DEMO_PORT)/rate -d 5000"
	SOAKBENCH_BOOTSTRAP_SERVERS=$(KAFKA_BOOTSTRAP) SOAKBENCH_HTTP_PORT=$(DEMO_PORT) node bin/soakbench.js daemon

kafka-up: deps-kafka ## start the local Kafka broker(s) (or reuse them) and wait until each answers
	@scripts/kafka.sh up

kafka-down: ## stop the local Kafka broker(s) (SIGTERM, SIGKILL after 30 s)
	@scripts/kafka.sh down

kafka-clean: ## stop the local Kafka broker(s) and delete their data, logs, certificates and passwords
	@scripts/kafka.sh clean
