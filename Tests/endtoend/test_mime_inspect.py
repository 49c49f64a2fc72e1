"""`smartysales mime inspect` on files written here and checked against Python's `email`
package, an independent parser."""
import email
import email.policy
import json
import os
import subprocess
import tempfile
from email.message import EmailMessage


def inspect(*paths):
    out = subprocess.run([os.environ["SMARTYSALES_BIN"], "mime", "inspect", *paths], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    # LF only: splitlines() would also break inside strings holding U+2028 or U+0085.
    return [json.loads(line) for line in out.stdout.split("\n") if line]


def test_summary_agrees_with_python_email():
    message = EmailMessage()
    message["Subject"] = "Счёт на оплату №42 — срочно"
    message["From"] = "Анна Петрова <anna@romashka.ru>"
    message["To"] = "Борис <boris@example.ru>, sales@example.ru"
    message["Message-ID"] = "<id-1@romashka.ru>"
    message["In-Reply-To"] = "<outbound-7@smartysales.example>"
    message["Date"] = "Sun, 29 Nov 2026 09:01:02 +0300"
    message.set_content("Добрый день!\nПрошу оплатить счёт.", charset="koi8-r", cte="base64")
    message.add_alternative("<p>Добрый день!</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 test", maintype="application", subtype="pdf", filename="Счёт №42.pdf")
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "invoice.eml")
    with open(path, "wb") as handle:
        handle.write(message.as_bytes(policy=email.policy.SMTP))

    oracle = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    [ours] = inspect(path)
    assert ours["subject"] == str(oracle["Subject"])
    assert ours["from"] == [{"name": "Анна Петрова", "address": "anna@romashka.ru"}]
    assert [a["address"] for a in ours["to"]] == [a.addr_spec for a in oracle["To"].addresses]
    assert ours["message_id"] == "id-1@romashka.ru"
    assert ours["in_reply_to"] == ["outbound-7@smartysales.example"]
    assert ours["date"] == "2026-11-29T06:01:02Z"
    assert ours["snippet"] == oracle.get_body(("plain",)).get_content().strip()
    [attachment] = ours["attachments"]
    assert attachment == {"filename": "Счёт №42.pdf", "content_type": "application/pdf", "size": len(b"%PDF-1.4 test"), "inline": False, "tnef": False}
    assert ours["calendar"] is None
    assert ours["defects"] == []


def test_unreadable_files_are_reported_and_do_not_stop_the_rest():
    directory = tempfile.mkdtemp()
    good = os.path.join(directory, "good.eml")
    with open(good, "wb") as handle:
        handle.write(b"Subject: hi\r\n\r\nbody")
    results = inspect(os.path.join(directory, "missing.eml"), good)
    assert results[0]["error"] == "cannot read file"
    assert results[1]["subject"] == "hi" and results[1]["snippet"] == "body"
