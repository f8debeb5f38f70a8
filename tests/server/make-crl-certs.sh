#!/usr/bin/env bash
# Makes the certificates the server's CRL-currency tests need, with CAs of
# their own (the example CA's key is not kept, so its CRL cannot be
# re-dated):
#
#   tests/server/make-crl-certs.sh OUT_DIR
#
# writes into OUT_DIR:
#   crl-ca.crt, crl-client.crt/.key  a CA with CRLs, and a good client of it
#   crl-ca-current.crl               its CRL, current for years
#   crl-ca-expired.crl               its CRL, nextUpdate in 2020
#   no-crl-ca.crt, no-crl-client.crt/.key  a CA no configured CRL covers
#   bundle.crt                       crl-ca.crt + no-crl-ca.crt
# The clients claim urn:isagw:agency:police:derbys, an example agency.
# Idempotent: a complete, valid set is left alone. Test keys only.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out="$1"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

readonly LAYOUT_VERSION=1
readonly FRESH_FOR=2592000  # remake when anything expires within 30 days
readonly SAN_URI="urn:isagw:agency:police:derbys"
readonly FILES=(crl-ca.crt crl-client.crt crl-client.key crl-ca-current.crl crl-ca-expired.crl
                no-crl-ca.crt no-crl-client.crt no-crl-client.key bundle.crt)

exec 9>"$out/.lock"
flock 9

is_complete() {
  [ "$(cat "$out/.layout-version" 2>/dev/null)" = "$LAYOUT_VERSION" ] || return 1
  local f
  for f in "${FILES[@]}"; do [ -s "$out/$f" ] || return 1; done
  openssl verify -purpose sslclient -CAfile "$out/crl-ca.crt" -crl_check \
    -CRLfile "$out/crl-ca-current.crl" "$out/crl-client.crt" >/dev/null 2>&1 || return 1
  openssl verify -purpose sslclient -CAfile "$out/no-crl-ca.crt" \
    "$out/no-crl-client.crt" >/dev/null 2>&1 || return 1
  for f in crl-ca.crt crl-client.crt no-crl-ca.crt no-crl-client.crt; do
    openssl x509 -in "$out/$f" -noout -checkend "$FRESH_FOR" >/dev/null || return 1
  done
  local next
  next="$(openssl crl -in "$out/crl-ca-current.crl" -noout -nextupdate | sed 's/^nextUpdate=//')"
  [ "$(date -d "$next" +%s)" -gt "$(( $(date +%s) + FRESH_FOR ))" ] || return 1
}

if is_complete; then
  exit 0
fi

work="$(mktemp -d "$out/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
umask 077

# make_ca DIR CN: a minimal `openssl ca` setup (index, CRL number) in DIR.
make_ca() {
  local dir="$1" cn="$2"
  mkdir -p "$dir/issued"
  : >"$dir/index.txt"
  echo 01 >"$dir/crlnumber"
  cat >"$dir/ca.cnf" <<CNF
[ ca ]
default_ca = this_ca

[ this_ca ]
dir              = $dir
database         = \$dir/index.txt
new_certs_dir    = \$dir/issued
certificate      = \$dir/ca.crt
private_key      = \$dir/ca.key
rand_serial      = yes
crlnumber        = \$dir/crlnumber
default_md       = sha256
default_days     = 825
default_crl_days = 825
policy           = any_dn
unique_subject   = no
copy_extensions  = none

[ any_dn ]
organizationName = optional
commonName       = supplied

[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = URI:$SAN_URI
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -new -x509 -config "$dir/ca.cnf" -key "$dir/ca.key" -sha256 -days 3650 \
    -subj "/O=isagw example/CN=$cn" -extensions ca_ext -out "$dir/ca.crt" 2>/dev/null
}

# issue DIR NAME: NAME.key and NAME.crt in $work, a client of the CA in DIR.
issue() {
  local dir="$1" name="$2"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$name.key" 2>/dev/null
  openssl req -new -key "$work/$name.key" -subj "/O=isagw example/CN=police-derbys" \
    -out "$work/$name.csr" 2>/dev/null
  openssl ca -batch -notext -config "$dir/ca.cnf" -extensions client_ext \
    -in "$work/$name.csr" -out "$work/$name.crt" 2>/dev/null
}

make_ca "$work/crl-ca" "isagw test CA with CRLs (throw-away)"
cp "$work/crl-ca/ca.crt" "$work/crl-ca.crt"
issue "$work/crl-ca" crl-client
openssl ca -batch -config "$work/crl-ca/ca.cnf" -gencrl -out "$work/crl-ca-current.crl" 2>/dev/null
# Issued and due for renewal long ago: past its nextUpdate.
openssl ca -batch -config "$work/crl-ca/ca.cnf" -gencrl \
  -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z \
  -out "$work/crl-ca-expired.crl" 2>/dev/null

make_ca "$work/no-crl-ca" "isagw test CA without a CRL (throw-away)"
cp "$work/no-crl-ca/ca.crt" "$work/no-crl-ca.crt"
issue "$work/no-crl-ca" no-crl-client

cat "$work/crl-ca.crt" "$work/no-crl-ca.crt" >"$work/bundle.crt"

for f in "${FILES[@]}"; do
  case "$f" in
    *.key) chmod 0600 "$work/$f" ;;
    *) chmod 0644 "$work/$f" ;;
  esac
  mv -f "$work/$f" "$out/$f"
done
echo "$LAYOUT_VERSION" >"$out/.layout-version"
chmod 0644 "$out/.layout-version"
echo "make-crl-certs: wrote $out" >&2
