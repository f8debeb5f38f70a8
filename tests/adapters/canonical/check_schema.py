#!/usr/bin/env python3
"""Checks schemas/canonical.schema.json against the canonical examples.

Usage: check_schema.py SOURCE_DIR

Fails (exit 1) when the schema is not a valid draft 2020-12 schema, when
any canonical example is invalid (docs/examples/canonical/*.json and every
docs/examples/*/*.canonical.json), when all-fields.json leaves out a
property the schema defines, or when the schema accepts documents it must
refuse.
"""
import copy
import json
import pathlib
import sys

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def resolve(schema, root):
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def missing_properties(schema, instance, root, pointer=""):
    """Properties the schema defines that `instance` does not use."""
    schema = resolve(schema, root)
    missing = []
    if isinstance(instance, dict):
        for name, sub in schema.get("properties", {}).items():
            if name not in instance:
                missing.append(pointer + "/" + name)
            else:
                missing += missing_properties(sub, instance[name], root, pointer + "/" + name)
    elif isinstance(instance, list) and "items" in schema:
        # every item property must appear in at least one item
        items = resolve(schema["items"], root)
        if items.get("type") == "object":
            used = set().union(*(set(i) for i in instance if isinstance(i, dict)))
            missing += [pointer + "/*/" + n for n in items.get("properties", {}) if n not in used]
    return missing


def set_at(document, pointer, value):
    parts = pointer.strip("/").split("/")
    target = document
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


DELETE = object()

# (description, example, pointer, value): each must make the document invalid.
MUST_REFUSE = [
    ("unknown top-level field", "all-fields", "/extra", 1),
    ("unknown nested field", "all-fields", "/child/placement/address", "x"),
    ("unknown field in a list item", "all-fields", "/rhi/with_whom/0/phone", "x"),
    ("missing model", "all-fields", "/model", DELETE),
    ("another model version", "all-fields", "/model", "isagw.canonical/2"),
    ("missing kind", "all-fields", "/kind", DELETE),
    ("unknown kind", "all-fields", "/kind", "lost"),
    ("timestamp with offset", "all-fields", "/header/sent_at", "2026-11-25T09:15:00+01:00"),
    ("date in UK order", "all-fields", "/child/date_of_birth", "04/05/2010"),
    ("NHS number with spaces", "all-fields", "/child/nhs_number", "999 000 0018"),
    ("postcode not normalised", "all-fields", "/child/home/postcode", "de22 3ab"),
    ("LA number of two digits", "all-fields", "/header/from_la", "86"),
    ("lower-case police ref", "all-fields", "/episode/police_ref", "st/21/2026/004512"),
    ("unknown legal status", "all-fields", "/child/legal_status", "C3"),
    ("police ethnicity code under the DfE scheme", "all-fields", "/child/ethnicity/code", "W1"),
    ("ethnicity without code", "all-fields", "/child/ethnicity/code", DELETE),
    ("record version zero", "all-fields", "/episode/record_version", 0),
    ("age over 120", "all-fields", "/rhi/with_whom/0/approx_age", 121),
    ("forename over 200 characters", "all-fields", "/child/forename", "a" * 201),
    ("empty forename", "all-fields", "/child/forename", ""),
    ("blank surname", "all-fields", "/child/surname", "  "),
    ("null child", "all-fields", "/child", None),
    ("text flag", "all-fields", "/episode/exploitation/cse", "Y"),
    ("missing report without police ref", "missing_reported", "/episode/police_ref", DELETE),
    ("found without found_at", "found", "/episode/found_at", DELETE),
    ("risk review without risk", "risk_reviewed", "/episode/risk", DELETE),
    ("interview record without outcome", "rhi_recorded", "/rhi/outcome", DELETE),
    ("escalation event without escalation", "escalation", "/escalation", DELETE),
    ("escalation on a missing report", "missing_reported", "/escalation", {"reason": "other"}),
    ("interview on a found report", "found", "/rhi", {"outcome": "completed"}),
]


def main():
    source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    schema = load(source / "schemas" / "canonical.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    failures = []

    canonical_dir = source / "docs" / "examples" / "canonical"
    examples = sorted(canonical_dir.glob("*.json"))
    examples += sorted(p for p in (source / "docs" / "examples").glob("*/*.canonical.json")
                       if p.parent != canonical_dir)
    if not examples:
        failures.append("no canonical examples found")
    for path in examples:
        document = load(path)
        # A batch example (compact NDJSON or CSV) expects a list of events.
        events = document if isinstance(document, list) else [document]
        if not events:
            failures.append(f"{path.relative_to(source)}: an empty batch")
        for index, event in enumerate(events):
            prefix = f"/{index}" if isinstance(document, list) else ""
            for error in validator.iter_errors(event):
                failures.append(f"{path.relative_to(source)}: {prefix}/"
                                f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")

    all_fields = load(canonical_dir / "all-fields.json")
    for pointer in missing_properties(schema, all_fields, schema):
        failures.append(f"all-fields.json does not use {pointer}")

    for description, example, pointer, value in MUST_REFUSE:
        document = copy.deepcopy(load(canonical_dir / f"{example}.json"))
        set_at(document, pointer, value)
        if validator.is_valid(document):
            failures.append(f"the schema accepts a document with {description}")

    for failure in failures:
        print(failure)
    print(f"checked {len(examples)} examples and {len(MUST_REFUSE)} refusals: "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
