"""Apache James mime4j's test messages: `testmsgs` and `mimetools-testmsgs` (from Perl
MIME-tools), each `NAME.msg` with `NAME_decoded.xml`, the tree mime4j reads.

The oracle format: `<message>` and `<body-part>` elements hold a `<header>` of raw `<field>`s
("Name: value", not decoded) and then one of `<multipart>` (`<preamble>`, `<body-part>`…,
`<epilogue>`), a nested `<message>`, or a leaf `<text-body name=F/>` / `<binary-body name=F/>`
whose file F holds the transfer-decoded bytes (no charset decoding). `NAME.xml` is the same
tree with the raw bodies inline, `NAME.out` the message written back out; neither is used.

Content types come from the raw Content-Type field with the common rule (see common.py),
so a multipart without a boundary is a leaf of its declared type on both sides.
A message agrees when structure and every leaf body agree (common.py): for our text parts the
oracle's bytes are read in the part's declared charset (undecodable bytes become U+FFFD, which
accepts anything), for other parts the decoded sizes must be equal.
"""
import codecs
import glob
import os
import re
import xml.etree.ElementTree as ElementTree

from common import (CorpusReport, MissingData, body_matches, declared_type, effective_type, ours_leaves,
                    ours_tree, short, tree_string)

FOLDERS = ("testmsgs", "mimetools-testmsgs")
ROOT = "mime/mime4j/core/src/test/resources"


def message_files(data_dir):
    base = os.path.join(data_dir, ROOT)
    pairs = []
    for folder in FOLDERS:
        path = os.path.join(base, folder)
        if not os.path.isdir(path):
            raise MissingData(path)
        for message in sorted(glob.glob(os.path.join(path, "*.msg"))):
            oracle = message[:-len(".msg")] + "_decoded.xml"
            if os.path.isfile(oracle):
                pairs.append((message, oracle))
    return pairs


def files(data_dir):
    return [message for message, _ in message_files(data_dir)]


def _raw_content_type(entity):
    header = entity.find("header")
    for field in (header.findall("field") if header is not None else []):
        name, _, value = (field.text or "").lstrip("\r\n").partition(":")
        if name.strip().lower() == "content-type":
            return value
    return None


def _charset(raw_content_type):
    found = re.search(r';\s*charset\s*=\s*"?([^";\s]+)', raw_content_type or "", re.IGNORECASE)
    if not found:
        return None
    try:
        return codecs.lookup(found.group(1)).name
    except LookupError:
        return None


def _text(data, charset):
    if charset:
        return data.decode(charset, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _tree(entity, folder, parent_type=None):
    """(type, [children]) of a <message> or <body-part>, and its leaves in document order as
    (decoded bytes, charset)."""
    raw_type = _raw_content_type(entity)
    content_type = effective_type(declared_type(raw_type) if raw_type is not None else None, parent_type)
    leaves = []
    multipart = entity.find("multipart")
    nested = entity.find("message")
    if multipart is not None:
        children = []
        for part in multipart.findall("body-part"):
            child, child_leaves = _tree(part, folder, content_type)
            children.append(child)
            leaves += child_leaves
        return (content_type, children), leaves
    if nested is not None:
        child, leaves = _tree(nested, folder, content_type)
        return (content_type, [child]), leaves
    leaf = entity.find("text-body")
    if leaf is None:
        leaf = entity.find("binary-body")
    data = b""
    if leaf is not None and leaf.get("name"):
        with open(os.path.join(folder, leaf.get("name")), "rb") as handle:
            data = handle.read()
    if not content_type.startswith("multipart/"):
        leaves.append((data, _charset(raw_type)))
    return (content_type, []), leaves


def _leaf_agrees(ours, oracle):
    data, charset = oracle
    if "text" in ours:
        return body_matches(ours["text"], _text(data, charset))
    return ours.get("size") == len(data)


def compare(data_dir, results, verbose=False):
    report = CorpusReport("mime4j")
    structure_agree = bodies_agree = 0
    for message_path, oracle_path in message_files(data_dir):
        name = os.path.relpath(message_path, os.path.join(data_dir, ROOT))
        ours = results.get(message_path)
        report.total += 1
        if ours is None or "structure" not in ours:
            report.disagreements.append((name, [ours.get("error", "no structure") if ours else "no output (crash or hang)"]))
            continue
        oracle_root, oracle_leaves = _tree(ElementTree.parse(oracle_path).getroot(), os.path.dirname(oracle_path))
        our_root = ours_tree(ours["structure"])
        our_leaves = ours_leaves(ours["structure"])
        same_structure = tree_string(our_root) == tree_string(oracle_root)
        differing = [index for index, (leaf, oracle) in enumerate(zip(our_leaves, oracle_leaves))
                     if not _leaf_agrees(leaf, oracle)] if same_structure else []
        same_bodies = same_structure and len(our_leaves) == len(oracle_leaves) and not differing
        structure_agree += same_structure
        bodies_agree += same_bodies
        if same_bodies:
            report.agree += 1
        elif not same_structure:
            report.disagreements.append((name, [f"structure: ours {tree_string(our_root)} oracle {tree_string(oracle_root)}"]))
        else:
            reasons = []
            for index in differing:
                leaf, (data, charset) = our_leaves[index], oracle_leaves[index]
                ours_body = leaf["text"] if "text" in leaf else f"{leaf.get('size')} bytes"
                oracle_body = _text(data, charset) if "text" in leaf else f"{len(data)} bytes"
                reasons.append(f"leaf {index + 1}: ours {short(ours_body)} oracle {short(oracle_body)}")
            report.disagreements.append((name, reasons or ["leaf count differs"]))
    report.metrics = {"structure": structure_agree, "bodies": bodies_agree}
    return report
