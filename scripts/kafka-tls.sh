# shellcheck shell=bash
# Sourced by scripts/kafka.sh for KAFKA_SECURITY=sasl_ssl: a local CA, one broker certificate for
# 127.0.0.1/localhost (every local broker listens there, so they share it), and generated passwords.
#
#   KAFKA_DIR/tls/ca.pem              the CA clients trust (ssl.ca.location)
#   KAFKA_DIR/tls/ca.key              the CA's key (only to sign the broker certificate)
#   KAFKA_DIR/tls/broker.p12          the brokers' keystore (PKCS#12), password in secrets/keystore.password
#   KAFKA_DIR/secrets/soakbench.password   the SCRAM-SHA-512 password of user `soakbench` (clients)
#   KAFKA_DIR/secrets/broker.password      the SCRAM-SHA-512 password of user `broker` (inter-broker)
#   KAFKA_DIR/secrets/client.properties   Java client settings (--command-config of Kafka's tools) for `soakbench`
#
# Generated once; `scripts/kafka.sh clean` deletes them with the data (the SCRAM credentials live in
# the formatted metadata, so new passwords need newly formatted brokers).

TLS_DIR="$KAFKA_DIR/tls"
SECRETS_DIR="$KAFKA_DIR/secrets"

# 24 random bytes as hex: no character that needs quoting in a JAAS line or a properties file.
kafka_random_secret() {
  openssl rand -hex 24
}

kafka_tls_ready() {
  [[ -f "$TLS_DIR/ca.pem" && -f "$TLS_DIR/broker.p12" && -f "$SECRETS_DIR/soakbench.password" &&
    -f "$SECRETS_DIR/broker.password" && -f "$SECRETS_DIR/keystore.password" && -f "$SECRETS_DIR/client.properties" ]]
}

kafka_tls_generate() {
  kafka_tls_ready && return 0
  command -v openssl >/dev/null 2>&1 || kafka_die "openssl not found: install it (Debian: apt-get install openssl)"
  rm -rf "$TLS_DIR" "$SECRETS_DIR"
  mkdir -p "$TLS_DIR" "$SECRETS_DIR"
  chmod 700 "$SECRETS_DIR"
  local out="$TLS_DIR/openssl.log" ext="$TLS_DIR/broker.ext" store_pw
  (
    umask 077
    kafka_random_secret >"$SECRETS_DIR/soakbench.password"
    kafka_random_secret >"$SECRETS_DIR/broker.password"
    kafka_random_secret >"$SECRETS_DIR/keystore.password"
  )
  store_pw="$(cat "$SECRETS_DIR/keystore.password")"
  # The client (librdkafka) checks the host name against the certificate by default
  # (ssl.endpoint.identification.algorithm=https), and the brokers advertise 127.0.0.1.
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$ext"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=soakbench local CA" \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.pem" &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$TLS_DIR/broker.key" -out "$TLS_DIR/broker.csr" &&
      openssl x509 -req -in "$TLS_DIR/broker.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca.key" \
        -CAcreateserial -days 3650 -extfile "$ext" -out "$TLS_DIR/broker.pem" &&
      openssl pkcs12 -export -in "$TLS_DIR/broker.pem" -inkey "$TLS_DIR/broker.key" \
        -certfile "$TLS_DIR/ca.pem" -name broker -passout "pass:$store_pw" -out "$TLS_DIR/broker.p12"
  } >"$out" 2>&1 || {
    cat "$out" >&2
    kafka_die "openssl could not create the CA and broker certificate in $TLS_DIR"
  }
  chmod 600 "$TLS_DIR/ca.key" "$TLS_DIR/broker.key" "$TLS_DIR/broker.p12"
  rm -f "$TLS_DIR/broker.csr" "$ext" "$out"
  # Not a kcat -F file: Debian's kcat (librdkafka 2.0.2) fails SCRAM against Kafka 4.4 brokers with
  # "invalid credentials" where librdkafka 2.15 and the Java client succeed with the same password.
  (
    umask 077
    printf '%s\n' "security.protocol=SASL_SSL" "sasl.mechanism=SCRAM-SHA-512" \
      "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"soakbench\" password=\"$(cat "$SECRETS_DIR/soakbench.password")\";" \
      "ssl.truststore.type=PEM" "ssl.truststore.location=$TLS_DIR/ca.pem" >"$SECRETS_DIR/client.properties"
  )
  echo "kafka: created a CA ($TLS_DIR/ca.pem), a broker certificate and the user soakbench (password in $SECRETS_DIR/soakbench.password)" >&2
}

# The SCRAM users, as arguments of `kafka-storage format` (credentials are part of the metadata), in
# the array SCRAM_FORMAT_ARGS (an array: the values hold `[`, which word splitting would glob).
kafka_scram_format_args() {
  SCRAM_FORMAT_ARGS=(
    --add-scram "SCRAM-SHA-512=[name=\"soakbench\",password=\"$(cat "$SECRETS_DIR/soakbench.password")\"]"
    --add-scram "SCRAM-SHA-512=[name=\"broker\",password=\"$(cat "$SECRETS_DIR/broker.password")\"]"
  )
}

# The listener settings of one secured broker: clients and brokers on SASL_SSL, controllers on
# PLAINTEXT (loopback only, and they carry no user data).
kafka_sasl_ssl_properties() {
  local port="$1" cport="$2"
  cat <<EOF
listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=SASL_SSL://127.0.0.1:$port
inter.broker.listener.name=SASL_SSL
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(cat "$SECRETS_DIR/broker.password")";
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS_DIR/broker.p12
ssl.keystore.password=$(cat "$SECRETS_DIR/keystore.password")
ssl.key.password=$(cat "$SECRETS_DIR/keystore.password")
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
ssl.client.auth=none
EOF
}
