#!/usr/bin/env python3
"""Checks the example registry and gateway configuration against their JSON
Schemas (schemas/registry.schema.json, schemas/gateway-config.schema.json),
and that the schemas refuse a few known-bad variants, so they are not
vacuous. Usage: check_config_schemas.py SOURCE_DIR"""
import copy
import json
import pathlib
import sys

import jsonschema
import yaml


def validator(source, name):
    schema = json.loads((source / "schemas" / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def main():
    source = pathlib.Path(sys.argv[1])
    failures = []

    def expect_valid(v, doc, what):
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            failures.append(f"{what}: /{'/'.join(map(str, e.absolute_path))}: {e.message}")

    def expect_invalid(v, doc, what):
        if v.is_valid(doc):
            failures.append(f"{what}: schema accepted a document it should refuse")

    registry_v = validator(source, "registry.schema.json")
    registry = yaml.safe_load((source / "certs-example/registry.yaml").read_text())
    expect_valid(registry_v, registry, "certs-example/registry.yaml")

    def agency(doc, agency_id):
        return next(a for a in doc["agencies"] if a["id"] == agency_id)

    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["codes"]["la_number"] = 831  # unquoted in YAML
    expect_invalid(registry_v, bad, "registry: LA number as a number")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["colour"] = "blue"
    expect_invalid(registry_v, bad, "registry: unknown agency key")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["identity"]["san_uri"] = "urn:isagw:agency:police:derby"
    expect_invalid(registry_v, bad, "registry: SAN URI of another kind")
    bad = copy.deepcopy(registry)
    agency(bad, "police-derbys")["routing"] = {"postcode_districts": ["DE1"]}
    expect_invalid(registry_v, bad, "registry: police force without covers_las")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["delivery"] = {"mode": "push"}
    expect_invalid(registry_v, bad, "registry: push without url")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["formats"]["sends"] = ["pdf"]
    expect_invalid(registry_v, bad, "registry: unknown format")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby-edt")["codes"] = {"la_number": "831", "gss_code": "E06000015"}
    expect_invalid(registry_v, bad, "registry: duty endpoint with codes")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby-edt")["routing"] = {"postcode_districts": ["DE1"]}
    expect_invalid(registry_v, bad, "registry: duty endpoint with routing")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby-edt")["formats"]["sends"] = ["council-xml"]
    expect_invalid(registry_v, bad, "registry: duty endpoint that sends")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby-edt")["identity"]["san_uri"] = "urn:isagw:agency:police:derby-edt"
    expect_invalid(registry_v, bad, "registry: duty endpoint SAN URI of another kind")
    bad = copy.deepcopy(registry)
    agency(bad, "la-derby")["duty_contacts"] = []
    expect_invalid(registry_v, bad, "registry: empty duty_contacts")
    bad = copy.deepcopy(registry)
    del agency(bad, "la-derby")["routing"]
    expect_invalid(registry_v, bad, "registry: agency without routing")

    def person(doc, person_id):
        return next(p for p in doc["people"] if p["id"] == person_id)

    bad = copy.deepcopy(registry)
    person(bad, "gateway-operator")["agency"] = "la-derby"
    expect_invalid(registry_v, bad, "registry: operator of an agency")
    bad = copy.deepcopy(registry)
    del person(bad, "la-derby-coordinator")["agency"]
    expect_invalid(registry_v, bad, "registry: coordinator of no agency")
    bad = copy.deepcopy(registry)
    person(bad, "la-derby-auditor")["role"] = "admin"
    expect_invalid(registry_v, bad, "registry: unknown person role")
    bad = copy.deepcopy(registry)
    person(bad, "la-derby-auditor")["name"] = "A Person"
    expect_invalid(registry_v, bad, "registry: unknown person key")
    bad = copy.deepcopy(registry)
    person(bad, "la-derby-auditor")["identity"]["san_uri"] = "urn:isagw:agency:la:derby"
    expect_invalid(registry_v, bad, "registry: person with an agency's SAN URI")

    config_v = validator(source, "gateway-config.schema.json")
    config = yaml.safe_load((source / "certs-example/gateway.yaml").read_text())
    expect_valid(config_v, config, "certs-example/gateway.yaml")

    bad = copy.deepcopy(config)
    bad["listeners"]["admin"]["address"] = "0.0.0.0"
    expect_invalid(config_v, bad, "config: admin listener off loopback")
    bad = copy.deepcopy(config)
    bad["limits"]["read_timeout"] = 10
    expect_invalid(config_v, bad, "config: duration without unit")
    bad = copy.deepcopy(config)
    bad["tls"]["min_version"] = "TLSv1.1"
    expect_invalid(config_v, bad, "config: TLS 1.1")
    bad = copy.deepcopy(config)
    bad["policy_dir"] = "policies"
    expect_invalid(config_v, bad, "config: unknown key")
    bad = copy.deepcopy(config)
    del bad["store"]
    expect_invalid(config_v, bad, "config: no store")
    bad = copy.deepcopy(config)
    del bad["delivery"]["client_key_file"]
    expect_invalid(config_v, bad, "config: client certificate without its key")
    bad = copy.deepcopy(config)
    bad["delivery"]["breaker_failures"] = 0
    expect_invalid(config_v, bad, "config: breaker that never opens")
    bad = copy.deepcopy(config)
    bad["delivery"]["horizon"] = "5 days"
    expect_invalid(config_v, bad, "config: horizon in words")
    bad = copy.deepcopy(config)
    bad["audit"]["checkpoint"] = "5m"
    expect_invalid(config_v, bad, "config: unknown audit key")

    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        return 1
    print("registry.yaml and gateway.yaml match their schemas; 26 bad variants refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
