"""sisimai's bounce set: `bounces/sisimai/maildir/*.eml` and `expected.json`, which gives per file
name the list of bounced recipients as sisimai reads them: {"status", "reply_code", "reason",
"hard"} (no addresses). Files without an entry are only checked for no crash.

Our verdicts are read from each output object's "bounce_recipients" (a list) when present, else
from "bounce" (one object or null); each is {"recipient", "status", "hard", "reason"}. No
verdict counts as no status and not hard: right for sisimai's feedback reports and
auto-replies, wrong for real bounces.

What "correct" means here:
  - status: every expected recipient is matched by one of ours with the same DSN status.
    sisimai's own `X.0.9NN` codes (it makes them up when a bounce carries no usable status)
    match any status of the same class; an empty expected status matches only an empty one.
  - hard/soft: the same number of hard verdicts as sisimai. Note sisimai's `hard` is narrow:
    true only for reasons that say the address is bad (userunknown, hostunknown, hasmoved,
    notaccept); a full mailbox or a policy block is a permanent (5.x.x) failure yet "soft".
  - With only a single "bounce" in the output, a message with several expected recipients is
    compared on sisimai's first one.
"""
import json
import os
import re

from common import CorpusReport, MissingData

FOLDER = "bounces/sisimai"
PRIVATE_STATUS = re.compile(r"^([245])\.0\.9\d\d$")


def _paths(data_dir):
    folder = os.path.join(data_dir, FOLDER)
    maildir, expected = os.path.join(folder, "maildir"), os.path.join(folder, "expected.json")
    for path in (maildir, expected):
        if not os.path.exists(path):
            raise MissingData(path)
    return maildir, expected


def files(data_dir):
    maildir, _ = _paths(data_dir)
    return [os.path.join(maildir, name) for name in sorted(os.listdir(maildir)) if name.endswith(".eml")]


def status_matches(ours, expected):
    ours, expected = (ours or "").strip(), (expected or "").strip()
    if ours == expected:
        return True
    private = PRIVATE_STATUS.match(expected)
    return bool(private and ours[:1] == private.group(1))


def verdicts(obj):
    """(list of (status, hard), whether the output has any bounce key at all)."""
    if isinstance(obj.get("bounce_recipients"), list):
        found = obj["bounce_recipients"]
    elif obj.get("bounce"):
        found = [obj["bounce"]]
    else:
        found = []
    has_key = "bounce_recipients" in obj or "bounce" in obj
    return [((entry or {}).get("status") or "", bool((entry or {}).get("hard"))) for entry in found], has_key


def _status_correct(ours, expected):
    unused = list(ours)
    for status, _ in expected:
        match = next((candidate for candidate in unused if status_matches(candidate[0], status)), None)
        if match is None:
            return False
        unused.remove(match)
    return not unused


def compare(data_dir, results, verbose=False):
    maildir, expected_path = _paths(data_dir)
    with open(expected_path, encoding="utf-8") as handle:
        expected_all = json.load(handle)
    report = CorpusReport("sisimai", agree_label="correct")
    status_ok = hard_ok = 0
    any_key = False
    single_only = 0
    for name in sorted(expected_all):
        path = os.path.join(maildir, name)
        if not os.path.isfile(path):
            continue
        expected = [(entry.get("status") or "", bool(entry.get("hard"))) for entry in expected_all[name]]
        ours_obj = results.get(path)
        report.total += 1
        if ours_obj is None or "error" in ours_obj:
            report.disagreements.append((name, [ours_obj.get("error") if ours_obj else "no output (crash or hang)"]))
            continue
        ours, has_key = verdicts(ours_obj)
        any_key = any_key or has_key
        if not ours:
            ours = [("", False)] * len(expected)
        elif "bounce_recipients" not in ours_obj and len(expected) > 1:
            single_only += 1
            expected = expected[:1]
        status = _status_correct(ours, expected)
        hard = sum(h for _, h in ours) == sum(h for _, h in expected)
        status_ok += status
        hard_ok += hard
        if status and hard:
            report.agree += 1
        else:
            report.disagreements.append((name, [f"ours {ours} sisimai {expected} ({', '.join(e.get('reason', '') for e in expected_all[name])})"]))
    if not any_key:
        report.skipped = f"no \"bounce\" or \"bounce_recipients\" key in the output; {report.total} messages with verdicts were parsed"
    report.metrics = {"status": status_ok, "hard/soft": hard_ok}
    if single_only:
        report.notes.append(f"{single_only} messages with several recipients compared on the first (output has a single \"bounce\")")
    return report
