#!/usr/bin/env python3
"""Checks that docs/api/openapi.yaml is a valid OpenAPI 3.1 document.

Debian 12 packages no OpenAPI validator (there is no
python3-openapi-spec-validator), so this script checks the document with
python3-jsonschema and python3-yaml alone:

1. its structure, against a JSON Schema for the parts of OpenAPI 3.1 the
   gateway uses (written here from the OpenAPI 3.1.0 specification; it
   refuses unknown keywords outside extensions, so typos are caught);
2. every embedded Schema Object, as a JSON Schema 2020-12 schema;
3. the rules a JSON Schema cannot express: every local $ref resolves,
   path templates and path parameters agree, operationIds are unique,
   security requirements name declared schemes, and every example is
   valid against its schema.

Usage: check_openapi.py openapi.yaml   (exit 0 when valid; errors on stderr)
"""
import re
import sys
import warnings

import jsonschema
import yaml

EXTENSION = {"^x-": {}}


def obj(properties, required=(), extensions=True):
    """A JSON Schema for an OpenAPI object with fixed fields."""
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if extensions:
        schema["patternProperties"] = EXTENSION
    if required:
        schema["required"] = list(required)
    return schema


def map_of(value_schema):
    return {"type": "object", "additionalProperties": value_schema}


REF = obj({"$ref": {"type": "string"}, "summary": {"type": "string"},
           "description": {"type": "string"}}, required=["$ref"], extensions=False)


def or_ref(schema):
    return {"oneOf": [REF, schema]} if schema.get("type") == "object" else schema


STRING = {"type": "string"}
# Schema Objects are JSON Schema 2020-12 documents: checked separately.
SCHEMA_OBJECT = {"type": ["object", "boolean"]}

EXAMPLE = obj({"summary": STRING, "description": STRING, "value": {},
               "externalValue": STRING})
HEADER = obj({
    "description": STRING, "required": {"type": "boolean"},
    "deprecated": {"type": "boolean"}, "schema": SCHEMA_OBJECT, "example": {},
    "examples": map_of(or_ref(EXAMPLE)), "style": {"const": "simple"},
    "explode": {"type": "boolean"}})
MEDIA_TYPE = obj({"schema": SCHEMA_OBJECT, "example": {},
                  "examples": map_of(or_ref(EXAMPLE)), "encoding": {"type": "object"}})
CONTENT = {"type": "object", "additionalProperties": MEDIA_TYPE,
           "propertyNames": {"pattern": r"^[a-z0-9.+-]+/[a-z0-9.+-]+$"}}
PARAMETER = obj({
    "name": STRING, "in": {"enum": ["query", "header", "path", "cookie"]},
    "description": STRING, "required": {"type": "boolean"},
    "deprecated": {"type": "boolean"}, "allowEmptyValue": {"type": "boolean"},
    "style": STRING, "explode": {"type": "boolean"}, "allowReserved": {"type": "boolean"},
    "schema": SCHEMA_OBJECT, "example": {}, "examples": map_of(or_ref(EXAMPLE)),
    "content": CONTENT}, required=["name", "in"])
REQUEST_BODY = obj({"description": STRING, "content": CONTENT,
                    "required": {"type": "boolean"}}, required=["content"])
LINK = {"type": "object"}
RESPONSE = obj({"description": STRING, "headers": map_of(or_ref(HEADER)),
                "content": CONTENT, "links": map_of(or_ref(LINK))},
               required=["description"])
RESPONSES = {
    "type": "object",
    "minProperties": 1,
    "patternProperties": {r"^[1-5](?:[0-9]{2}|XX)$": or_ref(RESPONSE), "^x-": {}},
    "properties": {"default": or_ref(RESPONSE)},
    "additionalProperties": False,
}
SECURITY_REQUIREMENT = map_of({"type": "array", "items": STRING})
SERVER = obj({"url": STRING, "description": STRING, "variables": {"type": "object"}},
             required=["url"])
EXTERNAL_DOCS = obj({"description": STRING, "url": STRING}, required=["url"])
OPERATION = obj({
    "tags": {"type": "array", "items": STRING}, "summary": STRING, "description": STRING,
    "externalDocs": EXTERNAL_DOCS, "operationId": STRING,
    "parameters": {"type": "array", "items": or_ref(PARAMETER)},
    "requestBody": or_ref(REQUEST_BODY), "responses": RESPONSES,
    "callbacks": {"type": "object"}, "deprecated": {"type": "boolean"},
    "security": {"type": "array", "items": SECURITY_REQUIREMENT},
    "servers": {"type": "array", "items": SERVER}})
METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
PATH_ITEM = obj(dict(
    {m: OPERATION for m in METHODS},
    **{"$ref": STRING, "summary": STRING, "description": STRING,
       "servers": {"type": "array", "items": SERVER},
       "parameters": {"type": "array", "items": or_ref(PARAMETER)}}))
SECURITY_SCHEME = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"enum": ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"]}},
    "allOf": [
        {"if": {"properties": {"type": {"const": "mutualTLS"}}},
         "then": obj({"type": STRING, "description": STRING})},
        {"if": {"properties": {"type": {"const": "http"}}},
         "then": {"required": ["scheme"]}},
        {"if": {"properties": {"type": {"const": "apiKey"}}},
         "then": {"required": ["name", "in"]}},
    ],
}
COMPONENTS = obj({
    "schemas": map_of(SCHEMA_OBJECT), "responses": map_of(or_ref(RESPONSE)),
    "parameters": map_of(or_ref(PARAMETER)), "examples": map_of(or_ref(EXAMPLE)),
    "requestBodies": map_of(or_ref(REQUEST_BODY)), "headers": map_of(or_ref(HEADER)),
    "securitySchemes": map_of(or_ref(SECURITY_SCHEME)), "links": map_of(or_ref(LINK)),
    "callbacks": {"type": "object"}, "pathItems": map_of(PATH_ITEM)})
OPENAPI_31 = obj({
    "openapi": {"type": "string", "pattern": r"^3\.1\.\d+(-.+)?$"},
    "info": obj({
        "title": STRING, "summary": STRING, "description": STRING,
        "termsOfService": STRING, "version": STRING,
        "contact": obj({"name": STRING, "url": STRING, "email": STRING}),
        "license": obj({"name": STRING, "identifier": STRING, "url": STRING},
                       required=["name"]),
    }, required=["title", "version"]),
    "jsonSchemaDialect": STRING,
    "servers": {"type": "array", "items": SERVER},
    "paths": {"type": "object",
              "patternProperties": {"^/": PATH_ITEM, "^x-": {}},
              "additionalProperties": False},
    "webhooks": map_of(PATH_ITEM),
    "components": COMPONENTS,
    "security": {"type": "array", "items": SECURITY_REQUIREMENT},
    "tags": {"type": "array", "items": obj({"name": STRING, "description": STRING,
                                            "externalDocs": EXTERNAL_DOCS},
                                           required=["name"])},
    "externalDocs": EXTERNAL_DOCS,
}, required=["openapi", "info"])


def resolve(document, ref):
    """The object a local "#/..." reference names, or None."""
    if not ref.startswith("#/"):
        return None
    node = document
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def walk(node, path=""):
    """Yields (json path, node) for every dict in the document."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}/{i}")


def schema_objects(document):
    """Yields (json path, schema) for each top-level Schema Object."""
    for path, node in walk(document):
        for key in ("schema",):
            if key in node and isinstance(node[key], (dict, bool)):
                yield f"{path}/{key}", node[key]
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        yield f"/components/schemas/{name}", schema


def check(document):
    errors = []
    validator = jsonschema.Draft202012Validator(OPENAPI_31)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
        where = "/" + "/".join(str(p) for p in error.path)
        errors.append(f"structure at {where}: {error.message[:200]}")

    for path, schema in schema_objects(document):
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            errors.append(f"schema at {path}: {error.message[:200]}")

    for path, node in walk(document):
        ref = node.get("$ref")
        if isinstance(ref, str) and resolve(document, ref) is None:
            errors.append(f"unresolved $ref {ref} at {path}")

    operation_ids = set()
    schemes = document.get("components", {}).get("securitySchemes", {})
    requirements = list(document.get("security", []))
    for route, item in document.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        templated = set(re.findall(r"{([^}]+)}", route))
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {route}"
            op_id = operation.get("operationId")
            if op_id in operation_ids:
                errors.append(f"{where}: operationId {op_id} is used twice")
            operation_ids.add(op_id)
            requirements.extend(operation.get("security", []))
            params = []
            for param in shared + operation.get("parameters", []):
                if "$ref" in param:
                    param = resolve(document, param["$ref"]) or {}
                params.append(param)
            path_params = {p.get("name") for p in params if p.get("in") == "path"}
            for p in params:
                if p.get("in") == "path" and p.get("required") is not True:
                    errors.append(f"{where}: path parameter {p.get('name')} must be required")
            if templated != path_params:
                errors.append(f"{where}: path template names {sorted(templated)} but "
                              f"path parameters are {sorted(path_params)}")
            if method in ("get", "head", "delete") and "requestBody" in operation:
                errors.append(f"{where}: a {method.upper()} has no request body")
    for requirement in requirements:
        for name in requirement:
            if name not in schemes:
                errors.append(f"security requirement names undeclared scheme {name}")

    with warnings.catch_warnings():
        # RefResolver is deprecated in newer jsonschema, the only API in Debian 12's.
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver.from_schema(document)
    for path, node in walk(document):
        if "schema" in node and "example" in node and isinstance(node["schema"], dict):
            example_validator = jsonschema.Draft202012Validator(node["schema"], resolver=resolver)
            for error in example_validator.iter_errors(node["example"]):
                errors.append(f"example at {path} does not match its schema: "
                              f"{error.message[:200]}")
    return errors


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        document = yaml.safe_load(f)
    errors = check(document)
    for error in errors:
        print(f"{argv[1]}: {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s) found", file=sys.stderr)
        return 1
    print(f"{argv[1]}: valid OpenAPI {document['openapi']} "
          f"({len(document.get('paths', {}))} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
