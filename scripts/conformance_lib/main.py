#!/usr/bin/env python3
"""scripts/conformance: our MIME parser against other parsers' oracles in ../shared/data.

  stalwart-rfc, stalwart-legacy  part structure, decoded Subject/From/To, bodies   (stalwart.py)
  mime4j                         part structure, decoded body sizes                (mime4j.py)
  sisimai                        bounce status and hard/soft per recipient          (sisimai.py)
  other corpora                  no crash, no hang                                  (crashfree.py)

Every message of every corpus goes through `smartysales mime inspect --structure` in batches
(runner.py), or through Python's `email` in the same JSON shape with --reference-python
(reference_python.py), which checks the oracle readers without a build.
Prints one line per corpus and a summary against the targets. Exit status: 2 when data is
missing or the binary cannot run, 1 when the parser crashed or hung on some file, else 0
(a target not met is reported, not failed).
"""
import argparse
import os
import sys
import time

# Run from the clone: no __pycache__ left beside the sources.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import classifier  # noqa: E402
import crashfree  # noqa: E402
import mime4j  # noqa: E402
import sisimai  # noqa: E402
import stalwart  # noqa: E402
from common import MissingData  # noqa: E402
from runner import BinaryParser, PythonReferenceParser  # noqa: E402

STALWART_TARGET = 0.98
SISIMAI_TARGET = 0.90
ORACLE_CORPORA = ["stalwart-rfc", "stalwart-legacy", "mime4j", "sisimai"]
CLASSIFIER_CORPORA = [f"classifier-{name}" for name in classifier.CORPORA]
ALL_CORPORA = ORACLE_CORPORA + list(crashfree.CORPORA) + CLASSIFIER_CORPORA


def corpus_files(corpus, data_dir):
    if corpus in stalwart.CORPORA:
        return stalwart.files(data_dir, corpus)
    if corpus == "mime4j":
        return mime4j.files(data_dir)
    if corpus == "sisimai":
        return sisimai.files(data_dir)
    return crashfree.files(data_dir, corpus)


def percent(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def verdict(met):
    return "met" if met else "NOT met"


def main():
    parser = argparse.ArgumentParser(prog="scripts/conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=os.environ.get("SMARTYSALES_DATA", "../shared/data"),
                        help="the shared data folder (default ../shared/data, or SMARTYSALES_DATA)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--binary", help="the smartysales executable to run")
    source.add_argument("--reference-python", action="store_true",
                        help="read with Python's email package instead, to check the oracle readers")
    parser.add_argument("--corpus", action="append", choices=ALL_CORPORA,
                        help="only this corpus (repeatable; default all)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the files that do not agree, and why")
    parser.add_argument("--batch-size", type=int, default=100, help="files per process (default 100)")
    parser.add_argument("--hang-seconds", type=float, default=10.0,
                        help="one message taking longer than this is a hang (default 10)")
    args = parser.parse_args()

    data_dir = os.path.abspath(args.data)
    if not os.path.isdir(data_dir):
        print(f"conformance: data folder missing: {data_dir} (the corpora live in ../shared/data beside "
              f"the clone; point --data or SMARTYSALES_DATA elsewhere)", file=sys.stderr)
        return 2

    corpora = args.corpus or ALL_CORPORA
    files_by_corpus, missing = {}, []
    for corpus in corpora:
        if corpus in CLASSIFIER_CORPORA:
            continue
        try:
            files_by_corpus[corpus] = corpus_files(corpus, data_dir)
        except MissingData as error:
            missing.append((corpus, str(error)))
    for corpus, path in missing:
        print(f"{corpus}: data missing: {path}")

    all_files = list(dict.fromkeys(path for paths in files_by_corpus.values() for path in paths))
    if args.reference_python:
        reader = PythonReferenceParser(verbose=args.verbose, hang_seconds=args.hang_seconds)
    else:
        reader = BinaryParser(os.path.abspath(args.binary), batch_size=args.batch_size,
                              hang_seconds=args.hang_seconds, verbose=args.verbose)
    if all_files:
        problem = reader.check_runs()
        if problem:
            print(f"conformance: {problem}", file=sys.stderr)
            return 2
    print(f"== {len(all_files)} files from {len(files_by_corpus)} corpora through {reader.label}")
    started = time.monotonic()
    results = reader.parse(all_files)
    elapsed = time.monotonic() - started

    reports = []
    for corpus in corpora:
        if corpus not in files_by_corpus:
            continue
        if corpus in stalwart.CORPORA:
            reports.append(stalwart.compare(corpus, data_dir, results, args.verbose))
        elif corpus == "mime4j":
            reports.append(mime4j.compare(data_dir, results, args.verbose))
        elif corpus == "sisimai":
            reports.append(sisimai.compare(data_dir, results, args.verbose))
        else:
            reports.append(crashfree.compare(corpus, files_by_corpus[corpus], results, reader.failures))

    for report in reports:
        print(report.line())
        for note in report.notes:
            print(f"  note: {note}")
        if args.verbose:
            for name, reasons in report.disagreements:
                print(f"  {os.path.relpath(name, data_dir) if os.path.isabs(name) else name}")
                for reason in reasons:
                    print(f"      {reason}")

    # The embedded classifier trains and tests in the binary itself: no files to parse here.
    classifier_reports = []
    for corpus in corpora:
        if corpus not in CLASSIFIER_CORPORA:
            continue
        name = corpus.removeprefix("classifier-")
        if args.reference_python:
            print(f"{corpus}: skipped (needs the binary)")
            continue
        try:
            classifier_reports.append(classifier.compare(os.path.abspath(args.binary), data_dir, name))
        except MissingData as error:
            missing.append((corpus, str(error)))
            print(f"{corpus}: data missing: {error}")
    for report in classifier_reports:
        print(report.line())
        for note in report.notes:
            print(f"  note: {note}")
        if args.verbose:
            for name, reasons in report.disagreements:
                print(f"  {os.path.relpath(name, data_dir)}: {'; '.join(reasons)}")

    # Crashes and hangs are listed whatever the verbosity: they fail the run.
    for failure in reader.failures:
        print(f"{failure.kind}: {os.path.relpath(failure.file, data_dir)}: {failure.detail}")

    by_name = {report.name: report for report in reports}
    summary = []
    stalwart_reports = [by_name[name] for name in stalwart.CORPORA if name in by_name]
    if stalwart_reports:
        agree = sum(report.agree for report in stalwart_reports)
        total = sum(report.total for report in stalwart_reports)
        met = total > 0 and agree / total >= STALWART_TARGET
        summary.append(f"stalwart {agree}/{total} agree ({percent(agree, total)}; target {STALWART_TARGET:.0%} {verdict(met)})")
    if "sisimai" in by_name:
        report = by_name["sisimai"]
        if report.skipped:
            summary.append("sisimai skipped (no bounce verdicts in the output)")
        else:
            status, hard = report.metrics["status"], report.metrics["hard/soft"]
            met = report.total > 0 and min(status, hard) / report.total >= SISIMAI_TARGET
            summary.append(f"sisimai status {percent(status, report.total)}, hard/soft {percent(hard, report.total)} "
                           f"(target {SISIMAI_TARGET:.0%} {verdict(met)})")
    if classifier_reports:
        summary.append(classifier.summary(classifier_reports))
    crashes = sum(1 for failure in reader.failures if failure.kind != "hang")  # "bad output" counts as a crash
    hangs = sum(1 for failure in reader.failures if failure.kind == "hang")
    summary.append(f"{len(all_files)} files in {elapsed:.1f} s, {crashes} crashes, {hangs} hangs")
    print("summary: " + "; ".join(summary))

    if missing:
        return 2
    return 1 if reader.failures else 0


if __name__ == "__main__":
    sys.exit(main())
