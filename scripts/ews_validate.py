#!/usr/bin/env python3
"""Validates EWS SOAP requests against Microsoft's schema (messages.xsd / types.xsd).

    python3 scripts/ews_validate.py [--schema DIR] FILE...

Each FILE is one whole request as the client sends it. The envelope is checked by hand (SOAP 1.1
namespace, a RequestServerVersion header, exactly one operation in the body), the header
element and the operation element against the schema. The schema is loaded with
validation='lax' because Microsoft's files break the unique-particle rule and strict loaders
refuse them; the documents themselves are still validated strictly.

Exit status: 0 when every file is valid, 1 when any is not, 2 when the schema or xmlschema is
missing (the message names what is missing). Installs nothing itself: scripts/test does that.
"""
import argparse
import os
import sys
import xml.etree.ElementTree as ElementTree

SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"
TYPES = "{http://schemas.microsoft.com/exchange/services/2006/types}"
MESSAGES = "{http://schemas.microsoft.com/exchange/services/2006/messages}"


def default_schema_dir():
    repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.environ.get("SMARTYSALES_EWS_SCHEMA") or os.path.join(repository, "..", "shared", "ews-schema")


def load_schema(directory):
    path = os.path.normpath(os.path.join(directory, "messages.xsd"))
    if not os.path.isfile(path):
        print(f"ews_validate: schema not found: {path}", file=sys.stderr)
        sys.exit(2)
    try:
        import xmlschema
    except ImportError:
        print("ews_validate: the Python package xmlschema is missing (pip install xmlschema)", file=sys.stderr)
        sys.exit(2)
    return xmlschema.XMLSchema(path, validation="lax")


def envelope_problems(root):
    """What is wrong with the SOAP wrapping, before the schema looks at the operation."""
    if root.tag != SOAP + "Envelope":
        return [f"root element is {root.tag}, not a SOAP 1.1 Envelope"], None, None
    problems = []
    headers = [child for child in root if child.tag == SOAP + "Header"]
    bodies = [child for child in root if child.tag == SOAP + "Body"]
    names = [child.tag for child in root]
    if len(bodies) != 1:
        problems.append(f"expected one soap:Body, found {len(bodies)}")
    if headers and bodies and names.index(SOAP + "Header") > names.index(SOAP + "Body"):
        problems.append("soap:Header must come before soap:Body")
    version = None
    if len(headers) == 1:
        versions = [child for child in headers[0] if child.tag == TYPES + "RequestServerVersion"]
        version = versions[0] if len(versions) == 1 else None
    if version is None:
        problems.append("expected one t:RequestServerVersion in one soap:Header")
    operation = None
    if len(bodies) == 1:
        operations = list(bodies[0])
        if len(operations) != 1:
            problems.append(f"expected one operation inside soap:Body, found {len(operations)}")
        elif not operations[0].tag.startswith(MESSAGES):
            problems.append(f"operation {operations[0].tag} is not in the EWS messages namespace")
        else:
            operation = operations[0]
    return problems, version, operation


def shortened(reason, limit=400):
    """An enumeration error lists every allowed value: hundreds of FieldURIs say nothing more."""
    reason = str(reason)
    return reason if len(reason) <= limit else reason[:limit] + "…"


def validate_file(schema, path):
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError) as error:
        return [f"not well-formed XML: {error}"]
    problems, version, operation = envelope_problems(root)
    if version is not None:
        declaration = schema.maps.elements[TYPES + "RequestServerVersion"]
        problems += [f"RequestServerVersion: {shortened(error.reason)}" for error in declaration.iter_errors(version)]
    if operation is not None:
        if operation.tag not in schema.maps.elements:
            problems.append(f"{operation.tag} is not an element the schema declares")
        else:
            for error in schema.iter_errors(operation):
                problems.append(f"{shortened(error.reason)} (at {error.path})")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default=default_schema_dir(), help="folder holding messages.xsd and types.xsd")
    parser.add_argument("files", nargs="+")
    arguments = parser.parse_args()
    schema = load_schema(arguments.schema)
    failed = 0
    for path in arguments.files:
        problems = validate_file(schema, path)
        if problems:
            failed += 1
            print(f"INVALID {path}")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"valid {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
