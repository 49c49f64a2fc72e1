"""stalwart mail-parser's test corpus: `mime/stalwart/{rfc,legacy}/NNN.eml` with the message as
that parser reads it in two forms: `NNN.json` for the message with LF line ends and
`NNN.crlf.json` with CRLF line ends (byte offsets and binary bodies differ between them). The
files are stored with either (rfc: LF, legacy: mostly CRLF), and we parse them as stored, so the
oracle used is the one whose root part ends at the file's size, else the one for the line ends
the file has.

The oracle format: {"parts": [...], "text_body", "html_body", "attachments"}; `parts` is flat
and the tree is in the bodies: `{"Multipart": [indexes of the direct children]}`,
`{"Message": {a whole nested message with its own parts}}`, or a leaf: `{"Text": str}`,
`{"Html": str}` (decoded text), `{"Binary": [bytes]}`, `{"InlineBinary": [bytes]}` (decoded).
Headers are `{"name": "subject" | … | {"other": "X-Name"}, "value": {...}}` with values
`{"Text": str}` (decoded), `{"Address": {"List": [{"name", "address"}]}}` (or `"Group"`),
`{"ContentType": {"c_type", "c_subtype", "attributes"}}`, `{"DateTime": …}` or `"Empty"`.

A message agrees when structure, Subject, From and To all agree (the target). Bodies are counted
per part besides: decoded text of the oracle's Text/Html leaves against our text, the length of
its Binary leaves against our size.
"""
import glob
import json
import os

from common import (CorpusReport, MissingData, addresses_match, body_matches, effective_type,
                    ours_leaves, ours_tree, short, text_matches, tree_string)

CORPORA = {"stalwart-rfc": "mime/stalwart/rfc", "stalwart-legacy": "mime/stalwart/legacy"}


def message_files(data_dir, corpus):
    folder = os.path.join(data_dir, CORPORA[corpus])
    if not os.path.isdir(folder):
        raise MissingData(folder)
    pairs = []
    for message in sorted(glob.glob(os.path.join(folder, "[0-9]*.eml"))):
        oracle = _oracle_for(message)
        if oracle:
            pairs.append((message, oracle))
    if not pairs:
        raise MissingData(os.path.join(folder, "NNN.eml + NNN.json"))
    return pairs


def _oracle_for(message):
    stem = message[:-len(".eml")]
    candidates = [path for path in (stem + ".json", stem + ".crlf.json") if os.path.isfile(path)]
    with open(message, "rb") as handle:
        raw = handle.read()
    for path in candidates:
        with open(path, encoding="utf-8") as handle:
            parts = json.load(handle).get("parts") or [{}]
        if parts[0].get("offset_end") == len(raw):
            return path
    preferred = stem + (".crlf.json" if b"\r\n" in raw else ".json")
    return preferred if preferred in candidates else (candidates[0] if candidates else None)


def files(data_dir, corpus):
    return [message for message, _ in message_files(data_dir, corpus)]


def _header_values(part, name):
    return [header["value"] for header in part.get("headers", []) if header.get("name") == name]


def _declared_type(part):
    for value in _header_values(part, "content_type"):
        if isinstance(value, dict) and "ContentType" in value:
            content_type = value["ContentType"]
            subtype = content_type.get("c_subtype")
            return f"{content_type.get('c_type')}/{subtype}" if subtype else str(content_type.get("c_type"))
        return ""  # present but unreadable: the default, as for ours
    return None


def _tree(message, parent_type=None):
    """(type, [children]) of a message's root part, and its leaves in document order."""
    parts = message["parts"]
    leaves = []

    def walk(index, parent):
        part = parts[index]
        content_type = effective_type(_declared_type(part), parent)
        body = part.get("body")
        kind, value = next(iter(body.items())) if isinstance(body, dict) else (str(body), None)
        if kind == "Multipart":
            return (content_type, [walk(child, content_type) for child in value])
        if kind == "Message" and isinstance(value, dict):
            nested, nested_leaves = _tree(value, content_type)
            leaves.extend(nested_leaves)
            return (content_type, [nested])
        if not content_type.startswith("multipart/"):
            leaves.append((kind, value))
        return (content_type, [])

    root = walk(0, parent_type)
    return root, leaves


def _mailboxes(values):
    """Every {"name", "address"} under Address values (lists and groups alike)."""
    found = []

    def collect(node):
        if isinstance(node, dict):
            if "address" in node and not isinstance(node.get("address"), (dict, list)):
                found.append({"name": node.get("name"), "address": node.get("address")})
                return
            for child in node.values():
                collect(child)
        elif isinstance(node, list):
            for child in node:
                collect(child)

    for value in values:
        if isinstance(value, dict) and "Address" in value:
            collect(value["Address"])
    return found


def _subject(part):
    for value in _header_values(part, "subject"):
        if isinstance(value, dict) and "Text" in value:
            return value["Text"]
        return ""
    return None


def compare(corpus, data_dir, results, verbose=False):
    report = CorpusReport(corpus)
    counts = {"structure": 0, "subject": 0, "from": 0, "to": 0}
    bodies_compared = bodies_agree = 0
    for message_path, oracle_path in message_files(data_dir, corpus):
        ours = results.get(message_path)
        name = os.path.relpath(message_path, os.path.join(data_dir, "mime/stalwart"))
        if ours is None or "structure" not in ours:
            report.total += 1
            report.disagreements.append((name, [ours.get("error", "no structure") if ours else "no output (crash or hang)"]))
            continue
        with open(oracle_path, encoding="utf-8") as handle:
            oracle = json.load(handle)
        report.total += 1
        reasons = []
        oracle_root, oracle_leaves = _tree(oracle)
        our_root = ours_tree(ours["structure"])
        checks = {
            "structure": tree_string(our_root) == tree_string(oracle_root),
            "subject": text_matches(ours.get("subject"), _subject(oracle["parts"][0])),
            "from": addresses_match(ours.get("from"), _mailboxes(_header_values(oracle["parts"][0], "from")[:1])),
            "to": addresses_match(ours.get("to"), _mailboxes(_header_values(oracle["parts"][0], "to"))),
        }
        if not checks["structure"]:
            reasons.append(f"structure: ours {tree_string(our_root)} oracle {tree_string(oracle_root)}")
        if not checks["subject"]:
            reasons.append(f"subject: ours {short(ours.get('subject'))} oracle {short(_subject(oracle['parts'][0]))}")
        for key in ("from", "to"):
            if not checks[key]:
                expected = _mailboxes(_header_values(oracle["parts"][0], key)[:1] if key == "from" else _header_values(oracle["parts"][0], key))
                reasons.append(f"{key}: ours {short(ours.get(key), 160)} oracle {short(expected, 160)}")
        for key, ok in checks.items():
            counts[key] += ok
        if all(checks.values()):
            report.agree += 1
        else:
            report.disagreements.append((name, reasons))
        # Bodies only where the trees agree, so that leaves pair up one to one.
        if checks["structure"]:
            for index, ((kind, value), leaf) in enumerate(zip(oracle_leaves, ours_leaves(ours["structure"]))):
                if kind in ("Text", "Html") and "text" in leaf:
                    same = body_matches(leaf["text"], value)
                elif kind in ("Binary", "InlineBinary") and "size" in leaf:
                    same = leaf["size"] == len(value)
                else:
                    continue
                bodies_compared += 1
                bodies_agree += same
                if not same and verbose:
                    report.notes.append(f"{name} leaf {index + 1} ({kind}) body differs")
    report.metrics = dict(counts)
    report.metrics["bodies"] = f"{bodies_agree}/{bodies_compared} parts"
    return report
