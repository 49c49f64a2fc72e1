#!/usr/bin/env python3
"""Writes the product's reference tables, Sources/CompanyData/Reference/okved2.json and
regions.json, from the official lists in ../shared/data/reference (see its README).

Sources and licences
  okved2.csv   OKVED2 (OK 029-2014), Rosstat open data set 7708234640-okved2 of 2023-12-01, via
               hrustalevdev/okved-preparer: `"section";"code";"name"`, `;`-separated, UTF-8; a
               section row has the code " ". Official open data: the classifier is a state
               standard, published for free reuse.
  regions.csv  hflabs/region by DaData, CC BY-SA 4.0. regions.json is an adaptation of it and is
               therefore shared under CC BY-SA 4.0 too, with the attribution written into the file
               (keep both fields when editing it).

Rerun after the source lists change; the output is committed and read at run time through
Bundle.module (the CompanyData target copies the Reference folder):

    python3 scripts/data/make-reference-data.py [--source DIR] [--output DIR]

DIR defaults: ../shared/data/reference (next to the repository) and Sources/CompanyData/Reference.
The script checks what it reads (row counts, unique codes, every parent present) and stops with a
message rather than write a partial table.
"""
import argparse
import csv
import json
import pathlib
import re
import sys

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPOSITORY.parent / "shared" / "data" / "reference"
DEFAULT_OUTPUT = REPOSITORY / "Sources" / "CompanyData" / "Reference"

EXPECTED_OKVED_ROWS = 2899
CODE_PATTERN = re.compile(r"^\d\d(\.\d(\d(\.\d\d?)?)?)?$")

# hflabs/region stops at the 86 subjects it lists (85 federal subjects and Baikonur, which has a
# tax code of its own). Four regions got FNS codes after that list was issued and are missing
# from it: without them a company registered there (DaData returns their region_kladr_id) would
# have an "unknown region". Their names follow the source's style (short name, abbreviated type);
# all four keep Moscow time, and since 2023 belong to the Southern Federal District. The ISO
# field follows the source's own convention for 91 and 92 (the ISO 3166-2 code of the territory).
ADDED_REGIONS = [
    {"code": "90", "name": "Запорожская", "type": "обл", "name_with_type": "Запорожская обл", "iso": "UA-23"},
    {"code": "93", "name": "Донецкая Народная", "type": "Респ", "name_with_type": "Донецкая Народная Респ", "iso": "UA-14"},
    {"code": "94", "name": "Луганская Народная", "type": "Респ", "name_with_type": "Луганская Народная Респ", "iso": "UA-09"},
    {"code": "95", "name": "Херсонская", "type": "обл", "name_with_type": "Херсонская обл", "iso": "UA-65"},
]
ADDED_REGION_DISTRICT = "Южный"
ADDED_REGION_TIMEZONE = "UTC+3"

# The abbreviated types of name_with_type spelt out, so "Московская область" finds "Московская обл".
FULL_TYPE_NAMES = {
    "Респ": "Республика",
    "обл": "область",
    "край": "край",
    "г": "город",
    "АО": "автономный округ",
    "Аобл": "автономная область",
}


def fail(message):
    sys.exit(f"make-reference-data: {message}")


def clean(text):
    """One space between words: the source has a stray tab inside at least one name."""
    return re.sub(r"\s+", " ", text).strip()


def read_okved(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";", quotechar='"'))
    if len(rows) != EXPECTED_OKVED_ROWS:
        fail(f"{path} has {len(rows)} rows, expected {EXPECTED_OKVED_ROWS}")
    entries = []
    names = {}
    sections = {}
    for number, row in enumerate(rows, start=1):
        if len(row) != 3:
            fail(f"{path}:{number}: expected 3 fields, got {len(row)}")
        section, code, name = row[0].strip(), row[1].strip(), clean(row[2])
        if not re.fullmatch(r"[A-Z]", section) or not name:
            fail(f"{path}:{number}: bad section {row[0]!r} or empty name")
        if code == "":
            code = section
        elif not CODE_PATTERN.match(code):
            fail(f"{path}:{number}: {code!r} is not an OKVED2 code")
        if code in names:
            fail(f"{path}:{number}: {code} appears twice")
        names[code] = name
        sections[code] = section
        entries.append({"code": code, "name": name, "section": section})

    # A parent is found by shortening the code one digit at a time (dropping a trailing dot)
    # until an existing code is left: "01.11.1" -> "01.11", "01.1" -> "01". A two-digit class
    # hangs under its section letter. Shortening rather than a fixed table of levels keeps working
    # if a level is ever skipped.
    for entry in entries:
        code = entry["code"]
        if len(code) == 1:
            entry["parent"] = None
            continue
        candidate = code
        parent = None
        while len(candidate) > 2:
            candidate = candidate[:-1].rstrip(".")
            if candidate in names:
                parent = candidate
                break
        if parent is None:
            parent = entry["section"]
            if len(code) > 2:
                fail(f"{code} has no parent code in the list")
            if parent not in names:
                fail(f"section {parent} of {code} has no row of its own")
        elif entry["section"] != sections[parent]:
            fail(f"{code} is in section {entry['section']} but its parent {parent} is not")
        entry["parent"] = parent
    return entries


def utc_offset(text, where):
    if not re.fullmatch(r"UTC[+-]\d{1,2}", text):
        fail(f"{where}: time zone {text!r} is not UTC±H")
    return text


def full_name(name_with_type, region_type):
    full = FULL_TYPE_NAMES.get(region_type)
    if full is None:
        return name_with_type
    return " ".join(full if word == region_type else word for word in name_with_type.split(" "))


def read_regions(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    regions = []
    for number, row in enumerate(rows, start=2):
        kladr = row["kladr_id"].strip()
        if not re.fullmatch(r"\d{13}", kladr):
            fail(f"{path}:{number}: kladr_id {kladr!r} is not 13 digits")
        region_type = clean(row["type"])
        name_with_type = clean(row["name_with_type"])
        regions.append({
            "code": kladr[:2],
            "name": clean(row["name"]),
            "type": region_type,
            "name_with_type": name_with_type,
            "full_name": full_name(name_with_type, region_type),
            "federal_district": clean(row["federal_district"]) or None,
            "iso": clean(row["iso_code"]) or None,
            "timezone": utc_offset(row["timezone"].strip(), f"{path}:{number}"),
            "okato": row["okato"].strip() or None,
            "added": False,
        })
    known = {region["code"] for region in regions}
    for added in ADDED_REGIONS:
        if added["code"] in known:
            fail(f"region {added['code']} is in the source now: drop it from ADDED_REGIONS")
        regions.append({
            "code": added["code"],
            "name": added["name"],
            "type": added["type"],
            "name_with_type": added["name_with_type"],
            "full_name": full_name(added["name_with_type"], added["type"]),
            "federal_district": ADDED_REGION_DISTRICT,
            "iso": added["iso"],
            "timezone": ADDED_REGION_TIMEZONE,
            "okato": None,
            "added": True,
        })
    codes = [region["code"] for region in regions]
    if len(set(codes)) != len(codes):
        fail("two regions share a code")
    return sorted(regions, key=lambda region: region["code"])


def write_json(path, header, key, items):
    """Valid JSON with one item per line, so a change to the source shows as a readable diff."""
    lines = ["{"]
    for name, value in header.items():
        lines.append(f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append(f"  {json.dumps(key)}: [")
    for index, item in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append("    " + json.dumps(item, ensure_ascii=False, separators=(", ", ": ")) + comma)
    lines.append("  ]")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(path.read_text(encoding="utf-8"))  # what was written must parse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=pathlib.Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=pathlib.Path, default=DEFAULT_OUTPUT)
    arguments = parser.parse_args()
    arguments.output.mkdir(parents=True, exist_ok=True)

    okved = read_okved(arguments.source / "okved2.csv")
    write_json(arguments.output / "okved2.json", {
        "source": "OKVED2 (OK 029-2014), Rosstat open data 7708234640-okved2, 2023-12-01",
        "licence": "official open data",
        "generator": "scripts/data/make-reference-data.py",
        "count": len(okved),
    }, "entries", okved)

    regions = read_regions(arguments.source / "regions.csv")
    write_json(arguments.output / "regions.json", {
        "source": "hflabs/region (DaData, https://github.com/hflabs/region), 2022-12-19; "
                  "regions 90, 93, 94 and 95 added by scripts/data/make-reference-data.py",
        "licence": "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)",
        "attribution": "Регионы России © DaData.ru (hflabs), CC BY-SA 4.0; adapted: fields renamed, "
                       "full_name spelt out, four regions added",
        "generator": "scripts/data/make-reference-data.py",
        "count": len(regions),
    }, "regions", regions)

    sections = sum(1 for entry in okved if entry["parent"] is None)
    added = sum(1 for region in regions if region["added"])
    print(f"wrote {arguments.output / 'okved2.json'}: {len(okved)} entries ({sections} sections)")
    print(f"wrote {arguments.output / 'regions.json'}: {len(regions)} regions ({added} added)")


if __name__ == "__main__":
    main()
