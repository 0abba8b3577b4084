#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12) with Debian's
python3-jsonschema: validate_json.py SCHEMA FILE...

Prints one line per error (the file, the place in it, the reason) and exits 1
if any file does not conform, 2 if the schema itself is not a valid schema."""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print("usage: validate_json.py SCHEMA FILE...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"{argv[1]}: not a valid schema: {e.message}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    failed = 0
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            document = json.load(f)
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for e in errors:
            place = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{name}: {place}: {e.message}")
        if errors:
            failed += 1
        else:
            print(f"{name}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
