#!/usr/bin/env python3
"""Validates every policies/*.yaml against schemas/isa-policy.schema.json.

Usage: check_policy_schema.py SCHEMA POLICY_DIR
Exits non-zero if the schema is not a valid draft 2020-12 schema, if a
known-bad policy passes (the check must be able to fail), or if any policy
file does not validate.
"""
import copy
import json
import pathlib
import sys

import yaml
from jsonschema import Draft202012Validator


class PolicyLoader(yaml.SafeLoader):
    """SafeLoader that keeps YYYY-MM-DD dates as text, as the gateway does."""


PolicyLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main() -> int:
    schema_path, policy_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    files = sorted(policy_dir.glob("*.yaml")) + sorted(policy_dir.glob("*.yml"))
    if not files:
        print(f"no policy files in {policy_dir}", file=sys.stderr)
        return 1

    failed = False
    documents = []
    for path in files:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=PolicyLoader)
        documents.append(document)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path.name}: /{where}: {error.message}", file=sys.stderr)
        failed = failed or bool(errors)
        if not errors:
            print(f"{path.name}: valid")

    # The check must be able to fail: damaged copies of a valid policy.
    bad = copy.deepcopy(documents[0])
    bad["colour"] = "blue"
    bad_rule = copy.deepcopy(documents[0])
    bad_rule["flows"][0]["rules"][0] = {"mask": "child.home.postcode"}  # no "as"
    for damaged in (bad, bad_rule):
        if validator.is_valid(damaged):
            print("a damaged policy passed the schema", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
