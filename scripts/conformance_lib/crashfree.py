"""Corpora without an oracle we read: every message must parse without a crash or a hang (the
runner finds the file that does either). Which files are messages differs per corpus; the rest
of each folder (TNEF blobs, expected attachment lists, golden outputs, licences) is skipped.
The oracle corpora are checked the same way, as a side effect of comparing them.
"""
import glob
import os

from common import CorpusReport, MissingData

# corpus name -> (folder under the data directory, glob patterns of message files in it)
CORPORA = {
    "mimekit": ("mime/mimekit", ["UnitTests/TestData/messages/*.txt", "UnitTests/TestData/messages/*.eml",
                                 "UnitTests/TestData/mbox/*.mbox.txt", "UnitTests/TestData/tnef/*.eml"]),
    "mikel-mail": ("mime/mikel-mail", ["**/*.eml"]),
    "enmime": ("mime/enmime", ["**/*.raw"]),
    "cpython-test_email": ("mime/cpython-test_email", ["*.txt"]),
    "thunderbird-samples": ("mime/thunderbird-samples", ["*.eml"]),
    "nodemailer-mailparser": ("mime/nodemailer-mailparser", ["**/*.eml"]),
    "spamassassin": ("classify/spamassassin", ["easy-ham-1/*.txt", "spam-1/*.txt"]),
}


def files(data_dir, corpus):
    folder, patterns = CORPORA[corpus]
    base = os.path.join(data_dir, folder)
    if not os.path.isdir(base):
        raise MissingData(base)
    found = set()
    for pattern in patterns:
        found.update(path for path in glob.glob(os.path.join(base, pattern), recursive=True) if os.path.isfile(path))
    return sorted(found)


def compare(corpus, paths, results, failures):
    """One line per corpus: how many of its messages came back parsed."""
    failed = {failure.file: failure for failure in failures}
    report = CorpusReport(corpus, agree_label="parsed")
    for path in paths:
        report.total += 1
        if path in failed:
            report.disagreements.append((path, [f"{failed[path].kind}: {failed[path].detail}"]))
        elif path in results and "error" not in results[path]:
            report.agree += 1
        else:
            reason = results[path]["error"] if path in results else "no output"
            report.disagreements.append((path, [reason]))
    crashes = sum(1 for path in paths if path in failed and failed[path].kind == "crash")
    hangs = sum(1 for path in paths if path in failed and failed[path].kind == "hang")
    report.metrics = {"crashes": crashes, "hangs": hangs}
    return report
