#!/usr/bin/env python3
"""Validates every policies/safeguarding/*.yaml against
schemas/safeguarding-rules.schema.json.

Usage: check_safeguarding_schema.py SCHEMA RULES_DIR
Exits non-zero if the schema is not a valid draft 2020-12 schema, if any
rules file does not validate, or if a known-bad variant passes (the check
must be able to fail).
"""
import copy
import json
import pathlib
import sys

import yaml
from jsonschema import Draft202012Validator


def main() -> int:
    schema_path, rules_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    files = sorted(rules_dir.glob("*.yaml")) + sorted(rules_dir.glob("*.yml"))
    if not files:
        print(f"no rules files in {rules_dir}", file=sys.stderr)
        return 1

    failed = False
    documents = []
    for path in files:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        documents.append(document)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path.name}: /{where}: {error.message}", file=sys.stderr)
        failed = failed or bool(errors)
        if not errors:
            print(f"{path.name}: valid")

    # Damaged copies of the fullest example must be refused.
    full = max(documents, key=len)
    for key in ("rhi_due", "long_missing", "repeat_episodes", "high_risk", "urgent_alerts"):
        if key not in full:
            print(f"the fullest example has no {key}: the damaged copies need one", file=sys.stderr)
            return 1

    def damaged(change):
        doc = copy.deepcopy(full)
        change(doc)
        return doc

    bad = {
        "unknown key": damaged(lambda d: d.update(colour="blue")),
        "wrong format": damaged(lambda d: d.update(format="isagw.safeguarding/2")),
        "no areas": damaged(lambda d: d.update(areas=[])),
        "rule without clause": damaged(lambda d: d["rhi_due"].pop("clause")),
        "unknown role": damaged(lambda d: d["rhi_due"].update(notify=["host_la", "police"])),
        "role twice": damaged(lambda d: d["high_risk"].update(notify=["host_la", "host_la"])),
        "duration without unit": damaged(lambda d: d["long_missing"][0].update(after=72)),
        "count below 2": damaged(lambda d: d["repeat_episodes"][0].update(count=1)),
        "unknown risk": damaged(lambda d: d["high_risk"].update(risk_at_least="severe")),
        "unknown acknowledgement": damaged(lambda d: d["urgent_alerts"].update(acknowledge="read")),
        "notify on urgent alerts": damaged(lambda d: d["urgent_alerts"].update(notify=["host_la"])),
    }
    for what, doc in bad.items():
        if validator.is_valid(doc):
            print(f"a damaged rules file passed the schema: {what}", file=sys.stderr)
            failed = True
    if not failed:
        print(f"{len(bad)} damaged copies refused")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
