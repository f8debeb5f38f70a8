#!/usr/bin/env bash
# Makes the example deployment's throw-away PKI: a CA, a server certificate
# for localhost, one client certificate per example agency, one per example
# console user (person-<id>.crt/.key, and .p12 for a browser), the broken
# certificates the tests need (revoked, expired, not yet valid, wrong CA),
# the gateway's own client certificate for pushing to agencies, and a
# separate "webhook receiver" CA for outbound delivery tests.
#
#   certs-example/make-certs.sh [--force] [OUT_DIR]
#
# OUT_DIR defaults to certs-example/out. Idempotent: when OUT_DIR already
# holds a complete, valid set made by this version of the script it does
# nothing; --force remakes everything. These keys are for tests and demos
# only: never use them for real data, never commit them.
set -euo pipefail

# Bump when the layout or contents change, so old sets are remade.
readonly LAYOUT_VERSION=5

readonly AGENCIES=(
  police-staffs police-derbys police-notts police-met police-wyp
  la-staffordshire la-stoke la-derby la-nottingham la-croydon la-bradford
  la-derby-edt la-derby-hos
  provider-brighter-futures provider-catch22
)
# The console's example users (registry.yaml, people): the gateway's
# operator, then a coordinator and an auditor of each council and police
# force. Ids are <agency>-<role>; the SAN is urn:isagw:user:<agency>:<id>.
readonly PERSON_AGENCIES=(
  la-staffordshire la-stoke la-derby la-nottingham la-croydon la-bradford
  police-staffs police-derbys police-notts police-met police-wyp
)
people() {
  echo "gateway:gateway-operator"
  local agency
  for agency in "${PERSON_AGENCIES[@]}"; do
    echo "$agency:$agency-coordinator"
    echo "$agency:$agency-auditor"
  done
}
# What a browser asks for when importing a person-<id>.p12.
readonly P12_PASSWORD=isagw-example

# The agency the broken certificates claim to be: each is good in every way
# but one, so a test shows that one flaw alone is enough to refuse it.
readonly BROKEN_AGENCY=police-derbys

# Leaf certificates outlive any test run; the CA outlives the leaves.
readonly CA_DAYS=3650
readonly LEAF_DAYS=825
readonly CRL_DAYS=825
# Remake when anything expires within this many seconds (30 days).
readonly FRESH_FOR=2592000

usage() {
  echo "usage: $0 [--force] [OUT_DIR]" >&2
  exit 2
}

force=0
out=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$out" ] || usage; out="$arg" ;;
  esac
done
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -n "$out" ] || out="$script_dir/out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# The SAN URI an agency's certificate carries: the id's first '-' becomes
# ':' (police-derbys -> urn:isagw:agency:police:derbys).
san_uri() {
  local id="$1"
  echo "urn:isagw:agency:${id%%-*}:${id#*-}"
}

# Every file a complete set has.
expected_files() {
  echo ca.crt ca.crl server.crt server.key fingerprints.txt
  for id in "${AGENCIES[@]}"; do echo "$id.crt" "$id.key"; done
  echo revoked.crt revoked.key expired.crt expired.key future.crt future.key
  echo no-san.crt no-san.key other-key.crt other-key.key
  echo wrong-ca.crt wrong-ca.key wrong-ca-ca.crt
  echo receiver-ca.crt receiver.crt receiver.key
  echo gateway-client.crt gateway-client.key
  local entry
  for entry in $(people); do
    echo "person-${entry#*:}.crt" "person-${entry#*:}.key" "person-${entry#*:}.p12"
  done
}

# True when $out holds a complete set from this layout version whose good
# certificates verify (with the CRL) and stay valid for a while.
is_complete() {
  [ "$(cat "$out/.layout-version" 2>/dev/null)" = "$LAYOUT_VERSION" ] || return 1
  local f
  for f in $(expected_files); do
    [ -s "$out/$f" ] || return 1
  done
  local good=("$out/server.crt" "$out/gateway-client.crt")
  for id in "${AGENCIES[@]}"; do good+=("$out/$id.crt"); done
  local entry
  for entry in $(people); do good+=("$out/person-${entry#*:}.crt"); done
  openssl verify -CAfile "$out/ca.crt" -crl_check -CRLfile "$out/ca.crl" \
    "${good[@]}" >/dev/null 2>&1 || return 1
  openssl verify -CAfile "$out/receiver-ca.crt" "$out/receiver.crt" >/dev/null 2>&1 || return 1
  for f in ca.crt receiver-ca.crt "${good[@]##*/}"; do
    openssl x509 -in "$out/$f" -noout -checkend "$FRESH_FOR" >/dev/null || return 1
  done
  # A CRL past its nextUpdate fails every chain check that uses it.
  local next
  next="$(openssl crl -in "$out/ca.crl" -noout -nextupdate | sed 's/^nextUpdate=//')"
  [ "$(date -d "$next" +%s)" -gt "$(( $(date +%s) + FRESH_FOR ))" ] || return 1
}

# Only one run at a time per output directory (CTest may start several).
exec 9>"$out/.lock"
flock 9

if [ "$force" -eq 0 ] && is_complete; then
  exit 0
fi

work="$(mktemp -d "$out/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Keys are private to the owner from the moment they exist.
umask 077
# ca.cnf expands this when loaded, whichever section is used.
export ISAGW_SAN_URI=unused

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

# A minimal `openssl ca` setup for one CA in directory $1: an index, random
# serials, and one extension section per certificate profile.
make_ca() {
  local dir="$1" cn="$2"
  mkdir -p "$dir/issued"
  : >"$dir/index.txt"
  echo "unique_subject = no" >"$dir/index.txt.attr"
  cat >"$dir/ca.cnf" <<EOF
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
default_days     = $LEAF_DAYS
default_crl_days = $CRL_DAYS
policy           = any_dn
preserve         = yes
copy_extensions  = none
unique_subject   = no
email_in_dn      = no

[ any_dn ]
organizationName = optional
commonName       = supplied

[ ca_ext ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ server_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ client_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectAltName         = URI:\${ENV::ISAGW_SAN_URI}
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ client_nosan_ext ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = clientAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
EOF
  echo 01 >"$dir/crlnumber"
  new_key "$dir/ca.key"
  openssl req -new -x509 -config "$dir/ca.cnf" -key "$dir/ca.key" -sha256 \
    -days "$CA_DAYS" -subj "/O=isagw example/CN=$cn" -extensions ca_ext \
    -out "$dir/ca.crt" 2>/dev/null
}

# issue CA_DIR NAME PROFILE CN [SAN_URI] [extra `openssl ca` options...]
# Writes $work/NAME.key and $work/NAME.crt.
issue() {
  local dir="$1" name="$2" profile="$3" cn="$4" uri="$5"
  shift 5
  new_key "$work/$name.key"
  openssl req -new -key "$work/$name.key" -subj "/O=isagw example/CN=$cn" \
    -out "$work/$name.csr" 2>/dev/null
  ISAGW_SAN_URI="${uri:-unused}" openssl ca -batch -notext -config "$dir/ca.cnf" \
    -extensions "$profile" -in "$work/$name.csr" -out "$work/$name.crt" "$@" 2>/dev/null
  rm -f "$work/$name.csr"
}

# The example CA: the one the gateway trusts for client certificates.
ca="$work/ca"
make_ca "$ca" "isagw example CA (throw-away)"
cp "$ca/ca.crt" "$work/ca.crt"

issue "$ca" server server_ext localhost ""
# The certificate the gateway presents when it pushes to an agency's
# endpoint: a client certificate (clientAuth) naming the gateway, not an
# agency, so no agency can be mistaken for it.
issue "$ca" gateway-client client_ext "isagw gateway" "urn:isagw:gateway:example"
for id in "${AGENCIES[@]}"; do
  issue "$ca" "$id" client_ext "$id" "$(san_uri "$id")"
done

# Console users: a person's certificate names them, never an agency, so it
# opens the console and nothing else. The .p12 is what a browser imports.
for entry in $(people); do
  person="${entry#*:}"
  issue "$ca" "person-$person" client_ext "$person" "urn:isagw:user:$entry"
  openssl pkcs12 -export -in "$work/person-$person.crt" -inkey "$work/person-$person.key" \
    -certfile "$ca/ca.crt" -name "$person (isagw example)" \
    -passout "pass:$P12_PASSWORD" -out "$work/person-$person.p12"
done

broken_uri="$(san_uri "$BROKEN_AGENCY")"
issue "$ca" revoked client_ext "$BROKEN_AGENCY" "$broken_uri"
issue "$ca" expired client_ext "$BROKEN_AGENCY" "$broken_uri" \
  -startdate 20200101000000Z -enddate 20210101000000Z
issue "$ca" future client_ext "$BROKEN_AGENCY" "$broken_uri" \
  -startdate 20400101000000Z -enddate 20410101000000Z
# The agency's name only in the subject's CN: identity is the SAN alone.
issue "$ca" no-san client_nosan_ext "$BROKEN_AGENCY" ""
# The agency's SAN on a key of its own, from the trusted CA: what a
# registry that pins the agency's certificate (identity.sha256) refuses.
issue "$ca" other-key client_ext "$BROKEN_AGENCY" "$broken_uri"
openssl ca -batch -config "$ca/ca.cnf" -revoke "$work/revoked.crt" \
  -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config "$ca/ca.cnf" -gencrl -out "$work/ca.crl" 2>/dev/null

# Another CA altogether, issuing a certificate with the same identity.
other="$work/other-ca"
make_ca "$other" "isagw example untrusted CA (throw-away)"
cp "$other/ca.crt" "$work/wrong-ca-ca.crt"
issue "$other" wrong-ca client_ext "$BROKEN_AGENCY" "$broken_uri"

# The CA a push recipient's HTTPS endpoint uses, for delivery tests.
receiver="$work/receiver-ca"
make_ca "$receiver" "isagw example webhook receiver CA (throw-away)"
cp "$receiver/ca.crt" "$work/receiver-ca.crt"
issue "$receiver" receiver server_ext localhost ""

# Pins for registries that want them: "<name> <sha256 hex>".
for name in server gateway-client "${AGENCIES[@]}" revoked expired future no-san other-key \
  wrong-ca receiver; do
  fp="$(openssl x509 -in "$work/$name.crt" -noout -fingerprint -sha256)"
  fp="${fp#*=}"
  echo "$name ${fp//:/}" | tr 'A-F' 'a-f'
done >"$work/fingerprints.txt"

# Certificates and CRL are public; keys stay 0600.
for f in $(expected_files); do
  case "$f" in
    *.key | *.p12) chmod 0600 "$work/$f" ;;
    *) chmod 0644 "$work/$f" ;;
  esac
  mv -f "$work/$f" "$out/$f"
done
echo "$LAYOUT_VERSION" >"$out/.layout-version"
chmod 0644 "$out/.layout-version"
echo "make-certs: wrote $out" >&2
