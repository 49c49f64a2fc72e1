"""What every comparator shares: the report of one corpus, and the normalisations that decide
when two readings of a message "agree".

Agreement is deliberately narrow and the same for every oracle:
  - content types: lower-cased, parameters and comments dropped; a value that is not
    `type/subtype` counts as the default of its context (RFC 2045 §5.2: text/plain, or
    message/rfc822 inside multipart/digest), on both sides alike;
  - structure: the same tree of content types, children in order (a message/rfc822 part has the
    enclosed message as its one child);
  - text (subjects, display names, bodies): Unicode NFC, runs of whitespace collapsed to one
    space, ends trimmed. Where the oracle wrote U+FFFD it says it could not decode that byte
    (raw 8-bit text without a charset), so there any one character of ours is accepted;
  - bodies: a text part's decoded text equal line by line (CRLF or LF alike, trailing blanks
    and blank lines at either end dropped: decoders differ there, e.g. on whether a
    quoted-printable hard line break is CRLF); any other leaf equal in decoded size. A multipart
    without parts holds no leaf on either side;
  - addresses: the same mailboxes in order, domain compared case-insensitively, display names
    as text above. An oracle mailbox with a name but no address (`From: Whomever`) is left out:
    our MailAddress has no such form and skips it.
"""
import re
import unicodedata
from dataclasses import dataclass, field

REPLACEMENT = "\ufffd"
TYPE_PATTERN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9a-z]+/[!#$%&'*+\-.^_`|~0-9a-z]+$")


class MissingData(Exception):
    """A corpus folder or oracle file that is not where the data README says it is."""


@dataclass
class CorpusReport:
    name: str
    total: int = 0
    agree: int = 0
    # Metric name -> how many messages (or parts, as the label says) agree on it, in print order.
    metrics: dict = field(default_factory=dict)
    # (file, [reasons]) for every message that does not agree.
    disagreements: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    # Set when the corpus could not be compared at all (its oracle is not in the output yet).
    skipped: str = ""
    agree_label: str = "agree"

    def line(self):
        if self.skipped:
            return f"{self.name}: skipped ({self.skipped})"
        details = ", ".join(f"{name} {value}" for name, value in self.metrics.items())
        return f"{self.name}: {self.agree}/{self.total} {self.agree_label}" + (f" ({details})" if details else "")


def normalise_text(value):
    if value is None:
        return None
    value = unicodedata.normalize("NFC", str(value))
    return " ".join(value.split())


def text_matches(ours, oracle):
    """Equal after normalisation; U+FFFD in the oracle stands for any one character of ours."""
    ours, oracle = normalise_text(ours), normalise_text(oracle)
    if ours is None or oracle is None:
        return (ours or "") == (oracle or "")
    if REPLACEMENT not in oracle:
        return ours == oracle
    pattern = ".".join(re.escape(piece) for piece in oracle.split(REPLACEMENT))
    return re.fullmatch(pattern, ours, re.DOTALL) is not None


def normalise_body(value):
    """Bodies keep their lines: CRLF and CR become LF, trailing blanks per line and blank
    lines at either end are dropped, then the text normalisation applies line by line."""
    if value is None:
        return None
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(normalise_text(line) for line in lines).strip("\n")


def body_matches(ours, oracle):
    ours, oracle = normalise_body(ours), normalise_body(oracle)
    if REPLACEMENT not in (oracle or ""):
        return ours == oracle
    pattern = ".".join(re.escape(piece) for piece in oracle.split(REPLACEMENT))
    return re.fullmatch(pattern, ours or "", re.DOTALL) is not None


def normalise_address(address):
    if not address or "@" not in address:
        return None
    local, _, domain = "".join(address.split()).rpartition("@")
    return f"{local}@{domain.lower()}"


def mailbox_list(entries):
    """[(name, address)] from [{"name":…, "address":…}], mailboxes without an address left out."""
    result = []
    for entry in entries or []:
        address = normalise_address(entry.get("address"))
        if address is None:
            continue
        name = normalise_text(entry.get("name")) or None
        result.append((name, address))
    return result


def addresses_match(ours, oracle):
    ours, oracle = mailbox_list(ours), mailbox_list(oracle)
    if len(ours) != len(oracle):
        return False
    return all(o_addr == r_addr and text_matches(o_name or "", r_name or "")
               for (o_name, o_addr), (r_name, r_addr) in zip(ours, oracle))


def declared_type(raw_value):
    """`Text/Plain; charset=x (comment)` -> `text/plain`, from a raw Content-Type value."""
    value = re.sub(r"\([^)]*\)", "", raw_value or "").split(";", 1)[0]
    return "".join(value.split()).lower()


def effective_type(declared, parent_type):
    declared = (declared or "").strip().lower()
    if TYPE_PATTERN.match(declared):
        return declared
    return "message/rfc822" if parent_type == "multipart/digest" else "text/plain"


def tree_string(node):
    """(type, [children]) -> `multipart/mixed(text/plain,image/png)`: comparable and readable."""
    content_type, children = node
    if not children:
        return content_type
    return content_type + "(" + ",".join(tree_string(child) for child in children) + ")"


def ours_tree(structure, parent_type=None):
    content_type = effective_type(structure.get("content_type"), parent_type)
    children = [ours_tree(child, content_type) for child in structure.get("children") or []]
    return (content_type, children)


def ours_leaves(structure):
    """Leaf parts of our structure in document order. A multipart without parts is not a leaf
    (on either side): what it holds is preamble to one parser and a broken body to another."""
    children = structure.get("children") or []
    if not children:
        return [] if (structure.get("content_type") or "").startswith("multipart/") else [structure]
    return [leaf for child in children for leaf in ours_leaves(child)]


def short(value, limit=100):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
