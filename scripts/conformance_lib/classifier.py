#!/usr/bin/env python3
"""The embedded classifier on labelled corpora, through `smartysales classifier eval`.

  spam-ham      SpamAssassin easy-ham-1 vs spam-1: raw messages, read as the product stores
                them (sender, subject, 500-character snippet)             target accuracy 97%
  enron-intent  Enron sentences that need an action or an answer vs not   target accuracy 80%

Each corpus is split 80/20 per label by `--split 0.8 --seed 0` (a SplitMix64 shuffle, the same on
every machine); the binary trains on the 80%, tests on the 20% and prints accuracy, macro-F1 and
the confusion table as JSON. A target not met is reported, not failed.

Standalone: scripts/conformance_lib/classifier.py --binary PATH [--data DIR] [--seed N] [-v]
"""
import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import CorpusReport, MissingData  # noqa: E402

SPLIT = 0.8
SEED = 0
# corpus -> (accuracy target, [(label, path under the data folder)])
CORPORA = {
    "spam-ham": (0.97, [("ham", "classify/spamassassin/easy-ham-1"), ("spam", "classify/spamassassin/spam-1")]),
    "enron-intent": (0.80, [("action", "classify/enron-intent/intent_pos.txt"),
                            ("none", "classify/enron-intent/intent_neg.txt")]),
}


def labelled_paths(data_dir, corpus):
    pairs = []
    for label, relative in CORPORA[corpus][1]:
        path = os.path.join(data_dir, relative)
        if not os.path.exists(path):
            raise MissingData(path)
        pairs.append(f"{label}={path}")
    return pairs


def evaluate(binary, data_dir, corpus, seed=SEED, timeout=600):
    """The JSON object `classifier eval --json` prints, or raises RuntimeError."""
    command = [binary, "classifier", "eval", "--train", *labelled_paths(data_dir, corpus),
               "--split", str(SPLIT), "--seed", str(seed), "--json", "--list-errors"]
    try:
        out = subprocess.run(command, capture_output=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"cannot run {binary} classifier eval: {error}") from error
    if out.returncode != 0:
        raise RuntimeError(f"classifier eval exited with {out.returncode}: "
                           f"{out.stderr.decode(errors='replace').strip()[-500:]}")
    try:
        return json.loads(out.stdout.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise RuntimeError(f"classifier eval printed no JSON: {out.stdout[:200]!r}") from error


def compare(binary, data_dir, corpus, seed=SEED):
    """One CorpusReport: right/total, accuracy and macro-F1 against the corpus target."""
    target = CORPORA[corpus][0]
    report = CorpusReport(f"classifier {corpus}", agree_label="right")
    try:
        result = evaluate(binary, data_dir, corpus, seed)
    except RuntimeError as error:
        report.skipped = str(error)
        return report
    report.total, report.agree = result["total"], result["correct"]
    report.metrics = {
        "accuracy": f"{100 * result['accuracy']:.2f}%",
        "macro-F1": f"{result['macro_f1']:.4f}",
        "target": f"{target:.0%} {'met' if result['accuracy'] >= target else 'NOT met'}",
    }
    labels = result["labels"]
    rows = "; ".join(f"{truth}: " + ", ".join(f"{count} as {predicted}" for predicted, count in zip(labels, row))
                     for truth, row in zip(labels, result["confusion"]))
    report.notes.append(f"confusion (truth: predicted): {rows}")
    report.notes.append(f"{result['needs_review']} of {result['total']} need review at confidence "
                        f"{result['review_threshold']:.2f}; smoothing {result['smoothing']}, "
                        f"temperature {result['temperature']:.3f}; trained in {result['training_seconds']:.1f} s")
    report.disagreements = [(error["source"], [f"{error['truth']} taken for {error['prediction']} "
                                               f"(confidence {error['confidence']:.2f})"])
                            for error in result.get("errors", [])]
    return report


def met(report):
    """True, False, or None when the corpus could not be evaluated."""
    if report.skipped:
        return None
    corpus = report.name.removeprefix("classifier ")
    return report.total > 0 and report.agree / report.total >= CORPORA[corpus][0]


def summary(reports):
    parts = []
    for report in reports:
        corpus = report.name.removeprefix("classifier ")
        if report.skipped:
            parts.append(f"{corpus} skipped")
        else:
            parts.append(f"{corpus} {report.metrics['accuracy']} macro-F1 {report.metrics['macro-F1']} "
                         f"(target {CORPORA[corpus][0]:.0%} {'met' if met(report) else 'NOT met'})")
    return "classifier " + ", ".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True, help="the smartysales executable")
    parser.add_argument("--data", default=os.environ.get("SMARTYSALES_DATA", "../shared/data"))
    parser.add_argument("--corpus", action="append", choices=list(CORPORA), help="only this corpus (repeatable)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the split (default 0)")
    parser.add_argument("--verbose", "-v", action="store_true", help="list the misclassified examples")
    args = parser.parse_args()
    data_dir = os.path.abspath(args.data)
    reports = []
    for corpus in args.corpus or list(CORPORA):
        try:
            reports.append(compare(os.path.abspath(args.binary), data_dir, corpus, args.seed))
        except MissingData as error:
            print(f"classifier {corpus}: data missing: {error}")
            return 2
    for report in reports:
        print(report.line())
        for note in report.notes:
            print(f"  note: {note}")
        if args.verbose:
            for name, reasons in report.disagreements:
                print(f"  {os.path.relpath(name, data_dir)}: {'; '.join(reasons)}")
    print("summary: " + summary(reports))
    return 2 if any(report.skipped for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
