#!/usr/bin/env python3
"""Validates every compact example record against schemas/compact.schema.json.

Checks the schema itself (Draft 2020-12), then each record in
docs/examples/compact/: *.json (not *.canonical.json), every line of
*.ndjson, and every row of *.csv (empty cells are absent fields, integer
columns are read as integers, as the adapter does). A few records that must
be refused keep the schema from passing everything. Exit status 1 on any
failure.
"""
import csv
import io
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

INTEGER_COLUMNS = {"RecordVersion", "PreviousEpisodes"}

MUST_FAIL = [
    ("unknown field", {"Colour": "red"}),
    ("RecordVersion as a string", {"RecordVersion": "1"}),
    ("RecordVersion zero", {"RecordVersion": 0}),
    ("bad OccurrenceRef", {"OccurrenceRef": "DB-21-2026-004512"}),
    ("ISO date time", {"ReportedDateTime": "2026-11-22T21:40:00Z"}),
    ("gender in words", {"Gender": "Male"}),
    ("NHS number with spaces", {"NHSNumber": "943 476 5919"}),
    ("risk grading with underscore", {"RiskGrading": "VERY_LOW"}),
    ("empty forename", {"MisperForename": ""}),
    ("two-digit LA", {"ResponsibleLA": "86"}),
    ("intelligence field on a police record", {"LocationsVisited": "Derby"}),
]


def records(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        yield path.name, json.loads(text)
    elif path.suffix == ".ndjson":
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield f"{path.name} line {number}", json.loads(line)
    elif path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        for number, row in enumerate(reader, start=2):
            record = {}
            for column, cell in row.items():
                if cell == "":
                    continue
                record[column] = int(cell) if column in INTEGER_COLUMNS else cell
            yield f"{path.name} row {number}", record


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    schema = json.loads((root / "schemas/compact.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    failures = 0
    checked = 0
    examples = sorted((root / "docs/examples/compact").iterdir())
    for path in examples:
        if path.name.endswith(".canonical.json") or path.suffix not in (".json", ".ndjson", ".csv"):
            continue
        for where, record in records(path):
            checked += 1
            for error in validator.iter_errors(record):
                failures += 1
                print(f"FAIL {where}: {error.json_path}: {error.message}")

    base = json.loads((root / "docs/examples/compact/formats-example.json").read_text())
    for name, change in MUST_FAIL:
        record = dict(base, **change)
        if validator.is_valid(record):
            failures += 1
            print(f"FAIL the schema accepts a record with {name}")

    if checked < 8:
        failures += 1
        print(f"FAIL only {checked} example records found")
    print(f"{checked} example records checked, {len(MUST_FAIL)} invalid records refused"
          if not failures else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
