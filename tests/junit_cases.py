#!/usr/bin/env python3
"""Parses a JUnit XML file with Python's XML parser and prints what a CI
would read from it, one test case a line:

    CLASSNAME<TAB>NAME<TAB>passed|failed|skipped<TAB>MESSAGE

then a last line `totals TESTS FAILURES SKIPPED` (the <testsuites>
attributes). Exits 1 if the file is not well-formed XML or its counts do not
match its cases."""
import sys
import xml.etree.ElementTree as ET


def main(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        print(f"{path}: root element is <{root.tag}>, not <testsuites>", file=sys.stderr)
        return 1
    cases = failures = skipped = 0
    for suite in root.findall("testsuite"):
        suite_failures = 0
        for case in suite.findall("testcase"):
            cases += 1
            outcome, message = "passed", ""
            if case.find("failure") is not None:
                outcome, message = "failed", case.find("failure").get("message", "")
                failures += 1
                suite_failures += 1
            elif case.find("skipped") is not None:
                outcome, message = "skipped", case.find("skipped").get("message", "")
                skipped += 1
            print("\t".join([case.get("classname", ""), case.get("name", ""), outcome, message.replace("\n", " ")]))
        if int(suite.get("failures")) != suite_failures or int(suite.get("tests")) != len(suite.findall("testcase")):
            print(f"{path}: suite {suite.get('name')}: counts do not match its cases", file=sys.stderr)
            return 1
    if (int(root.get("tests")), int(root.get("failures")), int(root.get("skipped"))) != (cases, failures, skipped):
        print(f"{path}: <testsuites> counts do not match its cases", file=sys.stderr)
        return 1
    print(f"totals {cases} {failures} {skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
