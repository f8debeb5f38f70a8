#!/usr/bin/env python3
"""Holds exchanges recorded from the running gateway against the API document.

tests/e2e/api_contract_test.cc records every request it makes (method, the
documented path template, status, response headers, and the body when it
is JSON). For each exchange this script finds the operation in
docs/api/openapi.yaml and checks:

- the status is documented for the operation (2xx explicitly; an error
  status may fall under `default`);
- a response documented without content has an empty body, and a response
  with content has one of the documented media types;
- a JSON body is valid against the documented schema (JSON Schema 2020-12,
  `$ref`s resolved in the document);
- every header documented as required is present and valid.

Then, coverage: every 2xx response the document lists must have been seen
at least once, so a success answer cannot be documented and never built.

Usage:
  check_contract.py openapi.yaml exchanges.json
      exit 0 when every exchange conforms and every 2xx was seen.
  check_contract.py --expect-drift openapi.yaml exchanges.json
      exit 0 only when every exchange is refused (each one a known drift);
      shows that the checker can fail. Coverage is not checked.
"""
import json
import re
import sys

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "patch")
JSON_TYPES = ("application/json", "application/problem+json")


def resolve(document, node):
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for token in node["$ref"][2:].split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def inline(document, node):
    """`node` with every local $ref replaced by what it names (the document
    has no recursive references). Validators then need no resolver, whose
    API differs between Debian 12's jsonschema and newer ones."""
    if isinstance(node, dict):
        if "$ref" in node:
            siblings = {k: v for k, v in node.items() if k not in ("$ref", "description")}
            target = inline(document, resolve(document, {"$ref": node["$ref"]}))
            if not siblings:
                return target
            return {"allOf": [target], **inline(document, siblings)}
        return {k: inline(document, v) for k, v in node.items()}
    if isinstance(node, list):
        return [inline(document, v) for v in node]
    return node


def media_type(headers):
    value = headers.get("content-type", "")
    return value.split(";", 1)[0].strip().lower()


class Checker:
    def __init__(self, document):
        self.document = document
        self.seen = set()

    def validate(self, schema, value):
        validator = jsonschema.Draft202012Validator(inline(self.document, schema))
        return [f"{'/' + '/'.join(str(p) for p in e.absolute_path)}: {e.message[:160]}"
                for e in validator.iter_errors(value)]

    def check(self, exchange):
        """The reasons `exchange` does not conform; empty when it does."""
        method = exchange["method"].lower()
        path = exchange["path"]
        status = str(exchange["status"])
        item = self.document.get("paths", {}).get(path)
        if item is None or method not in item:
            return [f"{method.upper()} {path} is not documented"]
        responses = item[method]["responses"]
        if status in responses:
            response = resolve(self.document, responses[status])
            self.seen.add((method, path, status))
        elif not status.startswith("2") and "default" in responses:
            response = resolve(self.document, responses["default"])
        else:
            return [f"status {status} is not documented"]

        errors = []
        headers = exchange.get("headers", {})
        content = response.get("content")
        has_body = "json" in exchange or exchange.get("text_length", 0) > 0
        if not content:
            if has_body:
                errors.append("a body is sent where the document says there is none")
        else:
            media = media_type(headers)
            if media not in content:
                errors.append(f"content type {media!r} is not one of {sorted(content)}")
            elif media in JSON_TYPES or media.endswith("+json"):
                if "json" not in exchange:
                    errors.append(f"the body is not JSON although it is {media}")
                elif "schema" in content[media]:
                    errors += self.validate(content[media]["schema"], exchange["json"])
        for name, header in response.get("headers", {}).items():
            header = resolve(self.document, header)
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    errors.append(f"required header {name} is missing")
                continue
            schema = resolve(self.document, header.get("schema", {}))
            if schema.get("type") == "integer":
                value = int(value) if re.fullmatch(r"-?\d+", value) else value
            errors += [f"header {name}: {e}" for e in self.validate(header.get("schema", {}), value)]
        return errors

    def unseen_successes(self):
        missing = []
        for path, item in self.document.get("paths", {}).items():
            for method in METHODS:
                for status in item.get(method, {}).get("responses", {}):
                    if status.startswith("2") and (method, path, status) not in self.seen:
                        missing.append(f"{method.upper()} {path} {status}")
        return missing


def main(argv):
    expect_drift = "--expect-drift" in argv
    args = [a for a in argv[1:] if a != "--expect-drift"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        document = yaml.safe_load(f)
    with open(args[1], encoding="utf-8") as f:
        exchanges = json.load(f)
    if not exchanges:
        print(f"{args[1]}: no exchanges recorded", file=sys.stderr)
        return 1
    checker = Checker(document)
    failures = 0
    for exchange in exchanges:
        where = f"{exchange['method']} {exchange.get('target', exchange['path'])} -> {exchange['status']}"
        errors = checker.check(exchange)
        if errors:
            failures += 1
            for error in errors:
                print(f"{where}: {error}", file=sys.stderr)
        elif expect_drift:
            print(f"{where}: conforms, but was recorded as drift", file=sys.stderr)
    if expect_drift:
        refused = failures == len(exchanges)
        print(f"{failures} of {len(exchanges)} drifted exchanges refused")
        return 0 if refused else 1
    unseen = checker.unseen_successes()
    for missing in unseen:
        print(f"documented but never seen: {missing}", file=sys.stderr)
    if failures or unseen:
        print(f"{failures} exchange(s) do not conform; {len(unseen)} success answer(s) unseen",
              file=sys.stderr)
        return 1
    print(f"{len(exchanges)} exchanges conform to {args[0]}; every documented 2xx seen")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
