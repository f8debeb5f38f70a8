#!/usr/bin/env bash
# Makes the certificate the gateway presents when it pushes to a recipient
# (a client certificate: clientAuth EKU), issued by a throw-away CA of its
# own, for the delivery tests:
#
#   tests/delivery/make-gateway-client-cert.sh OUT_DIR
#
# writes OUT_DIR/gateway-client-ca.crt, gateway-client.crt, gateway-client.key.
# certs-example/make-certs.sh has no gateway client certificate yet; once it
# has one, the tests should use it and this script can go.
# Idempotent: a complete, valid set is left alone. Test keys only.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out="$1"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

exec 9>"$out/.gateway-client.lock"
flock 9

# 30 days of validity left, and the chain verifies: nothing to do.
if [ -s "$out/gateway-client.key" ] && [ -s "$out/gateway-client-ca.crt" ] &&
   openssl verify -purpose sslclient -CAfile "$out/gateway-client-ca.crt" \
     "$out/gateway-client.crt" >/dev/null 2>&1 &&
   openssl x509 -in "$out/gateway-client.crt" -noout -checkend 2592000 >/dev/null; then
  exit 0
fi

work="$(mktemp -d "$out/.gateway-client.XXXXXX")"
trap 'rm -rf "$work"' EXIT
umask 077

cat >"$work/ext.cnf" <<'CNF'
[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = URI:urn:isagw:gateway:example
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ca.key" 2>/dev/null
openssl req -new -x509 -key "$work/ca.key" -sha256 -days 3650 \
  -subj "/O=isagw example/CN=isagw example gateway client CA (throw-away)" \
  -config "$work/ext.cnf" -extensions ca_ext -out "$work/gateway-client-ca.crt" 2>/dev/null

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
  -out "$work/gateway-client.key" 2>/dev/null
openssl req -new -key "$work/gateway-client.key" \
  -subj "/O=isagw example/CN=isagw gateway" -out "$work/gateway-client.csr" 2>/dev/null
openssl x509 -req -in "$work/gateway-client.csr" -CA "$work/gateway-client-ca.crt" \
  -CAkey "$work/ca.key" -CAcreateserial -sha256 -days 825 \
  -extfile "$work/ext.cnf" -extensions client_ext -out "$work/gateway-client.crt" 2>/dev/null

chmod 0644 "$work/gateway-client-ca.crt" "$work/gateway-client.crt"
chmod 0600 "$work/gateway-client.key"
for f in gateway-client-ca.crt gateway-client.crt gateway-client.key; do
  mv -f "$work/$f" "$out/$f"
done
echo "make-gateway-client-cert: wrote $out" >&2
