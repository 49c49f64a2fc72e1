"""`--reference-python`: Python's `email` package producing the JSON shape of
`smartysales mime inspect --structure`, so the comparators (and so the reading of each oracle)
can be checked without building the Swift parser. Where Python agrees with an oracle ~90%+,
the oracle is being read right.

The shape, per file:
  {"file", "subject", "from", "to", "cc",                      # as `mime inspect` prints them
   "structure": {"content_type", "parameters", "subject"?, "from"?, "to"?, "cc"?,
                 "children": [...], "size" (leaves), "text" (text/* leaves), "defects"},
   "bounce": {"recipient", "status", "hard", "reason"} or null,
   "bounce_recipients": [same objects]}

The bounce verdict here is a naive RFC 3464 reading (Final-Recipient, Status and
Diagnostic-Code of a message/delivery-status part; hard = status 5.x.x), a floor for what a
real detector should do, not a model of one.
"""
import codecs
import email
import email.header
import email.policy
import email.utils
import re


def _clean(text):
    """Python keeps undecodable header bytes as lone surrogates; JSON from Swift can only
    carry U+FFFD there."""
    if text is None:
        return None
    return re.sub("[\ud800-\udfff]", "\ufffd", str(text))


def _header_text(message, name):
    try:
        value = message[name]
    except Exception:
        value = None
    if value is None:
        return None
    return _clean(value)


def _addresses(message, name, first_only=False):
    mailboxes = []
    try:
        values = message.get_all(name) or []
    except Exception:
        return []
    if first_only:
        values = values[:1]
    for value in values:
        try:
            found = [(address.display_name, address.addr_spec) for address in value.addresses]
        except Exception:
            # Python's header classes raise on some broken lists; the compat32 reading still works.
            found = email.utils.getaddresses([str(value)])
        for display_name, addr_spec in found:
            addr_spec = _clean(addr_spec)
            # Like MailAddress.parseList: a mailbox without an address is skipped.
            if not addr_spec or "@" not in addr_spec:
                continue
            local, _, domain = addr_spec.rpartition("@")
            mailboxes.append({"name": _clean(display_name) or None, "address": f"{local}@{domain.lower()}"})
    return mailboxes


def _compat_text(part, name):
    """A header of a part parsed with compat32 (whose bodies keep their bytes), decoded."""
    value = part.get(name)
    if value is None:
        return None
    try:
        return _clean(str(email.header.make_header(email.header.decode_header(str(value)))))
    except Exception:
        return _clean(str(value))


def _compat_addresses(part, name, first_only=False):
    values = [str(value) for value in part.get_all(name) or []]
    if first_only:
        values = values[:1]
    mailboxes = []
    for display_name, addr_spec in email.utils.getaddresses(values):
        if "@" not in addr_spec:
            continue
        local, _, domain = addr_spec.rpartition("@")
        name_text = _clean(str(email.header.make_header(email.header.decode_header(display_name)))) if display_name else None
        mailboxes.append({"name": name_text or None, "address": f"{local}@{domain.lower()}"})
    return mailboxes


def _decode_text(part, payload):
    charset = part.get_content_charset()
    if charset:
        try:
            codecs.lookup(charset)
            return payload.decode(charset, errors="replace")
        except LookupError:
            pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _structure(part):
    node = {
        "content_type": part.get_content_type(),
        "parameters": {key.lower(): _clean(value) for key, value in (part.get_params() or [])[1:] if isinstance(value, str)},
        "children": [],
        "defects": [type(defect).__name__ for defect in part.defects],
    }
    if part.get("Subject") is not None:
        node["subject"] = _compat_text(part, "Subject")
    if part.get("From") is not None:
        node["from"] = _compat_addresses(part, "From", first_only=True)
    for key, name in (("to", "To"), ("cc", "Cc")):
        if part.get(name) is not None:
            node[key] = _compat_addresses(part, name)
    if part.is_multipart():
        node["children"] = [_structure(child) for child in part.get_payload()]
    else:
        payload = part.get_payload(decode=True) or b""
        node["size"] = len(payload)
        if node["content_type"].startswith("text/"):
            node["text"] = _decode_text(part, payload)
    return node


def _bounce_recipients(message):
    recipients = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        blocks = part.get_payload()
        if not isinstance(blocks, list):
            continue
        for block in blocks[1:]:  # the first block is per-message, the rest per-recipient
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient")
            if recipient is None:
                continue
            status = (str(block.get("Status") or "").split() or [""])[0]
            recipients.append({
                "recipient": str(recipient).split(";", 1)[-1].strip(),
                "status": status or None,
                "hard": status.startswith("5"),
                "reason": _clean(block.get("Diagnostic-Code")),
            })
    return recipients


def inspect(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    # Two readings: the default policy decodes headers best, but it rewrites CRLF in bodies to
    # LF, so the tree (sizes, text) comes from compat32, which keeps body bytes as they are.
    message = email.message_from_bytes(raw, policy=email.policy.default)
    tree = email.message_from_bytes(raw, policy=email.policy.compat32)
    recipients = _bounce_recipients(tree)
    return {
        "file": path,
        "subject": _header_text(message, "Subject"),
        "from": _addresses(message, "From", first_only=True),
        "to": _addresses(message, "To"),
        "cc": _addresses(message, "Cc"),
        "structure": _structure(tree),
        "bounce": recipients[0] if recipients else None,
        "bounce_recipients": recipients,
    }
