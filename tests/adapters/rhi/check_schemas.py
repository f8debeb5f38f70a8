#!/usr/bin/env python3
"""Validates every docs/examples/rhi/*.json (not *.canonical.json) against
the JSON Schema its "form" names, after checking the schemas themselves.
Also checks that the schemas refuse a few documents the adapter refuses,
so a schema that accepts everything cannot pass. Exit status 1 on any
failure. Usage: check_schemas.py SOURCE_DIR"""

import copy
import json
import pathlib
import sys

import jsonschema

SCHEMA_FOR_FORM = {
    "return-home-interview": "rhi.schema.json",
    "rhi-referral": "rhi-referral.schema.json",
}


def load_validators(source):
    validators = {}
    for form, name in SCHEMA_FOR_FORM.items():
        schema = json.loads((source / "schemas" / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        validators[form] = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.FormatChecker())
    return validators


def errors_of(validators, document):
    validator = validators.get(document.get("form"))
    if validator is None:
        return ["no schema for form %r" % document.get("form")]
    return ["%s: %s" % ("/" + "/".join(str(p) for p in e.absolute_path), e.message)
            for e in validator.iter_errors(document)]


def main():
    source = pathlib.Path(sys.argv[1])
    validators = load_validators(source)
    failures = 0
    examples = sorted(p for p in (source / "docs" / "examples" / "rhi").glob("*.json")
                      if not p.name.endswith(".canonical.json"))
    if len(examples) < 5:
        print("expected at least 5 rhi examples, found %d" % len(examples))
        failures += 1
    documents = {}
    for path in examples:
        document = json.loads(path.read_text(encoding="utf-8"))
        documents[path.stem] = document
        for error in errors_of(validators, document):
            print("%s: %s" % (path.name, error))
            failures += 1

    # The schemas must refuse what the adapter refuses.
    def must_refuse(label, base, change):
        nonlocal failures
        document = copy.deepcopy(documents[base])
        change(document)
        if not errors_of(validators, document):
            print("schema accepted a document it must refuse: " + label)
            failures += 1

    must_refuse("unknown field", "full", lambda d: d.update(nickname="Al"))
    must_refuse("unknown child field", "full", lambda d: d["child"].update(nhs_number="9434765919"))
    must_refuse("both reference forms", "full",
                lambda d: d.update(police_references=["DB/21/2026/004513"]))
    must_refuse("no reference", "full", lambda d: d.pop("police_reference"))
    must_refuse("completed without completed_at", "full", lambda d: d.pop("completed_at"))
    must_refuse("completed_at when declined", "full", lambda d: d.update(outcome="declined"))
    must_refuse("version 2", "full", lambda d: d.update(version=2))
    must_refuse("bad outcome", "full", lambda d: d.update(outcome="interviewed"))
    must_refuse("age over 120", "full", lambda d: d["with_whom"][0].update(approx_age=121))
    must_refuse("repeated factor", "full", lambda d: d["pull_factors"].append("friends"))
    must_refuse("narrative too long", "full", lambda d: d.update(child_account="x" * 8001))
    must_refuse("bad timestamp", "declined", lambda d: d.update(returned_at="14/07/2026 18:20"))
    must_refuse("bad postcode", "full", lambda d: d["where_stayed"][1].update(postcode="ST4"))
    must_refuse("interview field in referral", "referral", lambda d: d.update(outcome="completed"))
    must_refuse("bad referring_la", "referral", lambda d: d.update(referring_la="83"))
    must_refuse("bad email", "referral", lambda d: d["social_worker"].update(email="pat@"))
    must_refuse("bad phone", "referral", lambda d: d["social_worker"].update(phone="01332 DERBY"))
    must_refuse("risk without level", "referral", lambda d: d["risk"].pop("level"))

    if failures:
        print("%d problem(s)" % failures)
        return 1
    print("%d rhi examples valid against their schemas" % len(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
