"""`smartysales mime build` checked against Python's `email` package, an independent parser: what
outreach sends must read back the same in a reader we did not write, and keep the wire rules
(CRLF lines of at most 998 octets, encoded words of at most 75 characters, no Bcc)."""
import base64
import datetime
import email
import email.policy
import json
import os
import re
import subprocess

import pytest
from email.message import EmailMessage

ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=")

SUBJECT = ("Коммерческое предложение для ООО «Ромашка»: поставка оборудования и сервис, " * 3)[:199] + "!"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 20
LONG_FILENAME = "Коммерческое предложение ООО «Ромашка» на поставку оборудования и сервисное обслуживание 2026.docx"


def build(description):
    out = subprocess.run([os.environ["SMARTYSALES_BIN"], "mime", "build"], input=json.dumps(description).encode(),
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def b64(data):
    return base64.b64encode(data).decode()


def check_wire_rules(raw, header_lines_within=78):
    assert raw.endswith(b"\r\n")
    header, _, _ = raw.partition(b"\r\n\r\n")
    for line in raw.split(b"\r\n")[:-1]:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 998, line
    for line in header.split(b"\r\n"):
        assert len(line) <= header_lines_within, line
    words = ENCODED_WORD.findall(raw)
    for word in words:
        assert len(word) <= 75, word
    return words


def display_names(header):
    # Python 3.11 reads the blank between two encoded words of a display name as a space (RFC 2047
    # §6.2 says to drop it), so a long name can come back with a doubled space: compare words.
    return [(" ".join(a.display_name.split()), a.addr_spec) for a in header.addresses]


@pytest.mark.parametrize("allow_8bit", [False, True])
def test_cyrillic_message_reads_back_in_python_email(allow_8bit):
    text = "Добрый день, Борис!\nНаправляем счёт №42 и коммерческое предложение.\n\nС уважением,\nАнна Петрова"
    raw = build({
        "from": {"name": "Анна Петрова", "address": "anna@romashka.ru"},
        "to": [{"name": "Борис Сидоров", "address": "boris@example.ru"}, {"name": "Petrova, Anna", "address": "petrova@example.ru"},
               {"address": "sales@example.ru"}],
        "cc": [{"name": "Отдел продаж ООО «Ромашка» (Москва)", "address": "sales@romashka.ru"}],
        "bcc": [{"name": "Скрытая копия", "address": "secret@romashka.ru"}],
        "subject": SUBJECT,
        "text": text,
        "html": "<p>Добрый день, Борис!</p><p>Направляем счёт №42.</p>",
        "attachments": [
            {"filename": "Счёт №42 от 29.11.2026.pdf", "content_type": "application/pdf", "data_base64": b64(PDF)},
            {"filename": LONG_FILENAME, "content_type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "data_base64": b64(b"PK\x03\x04 docx")},
            {"filename": "price-list.xlsx", "content_type": "application/vnd.ms-excel", "data_base64": b64(b"\x00\x01\x02")},
        ],
        "headers": [{"name": "List-Unsubscribe", "value": "<mailto:unsubscribe@romashka.ru?subject=unsubscribe>"}],
        "date": "2026-11-29T06:01:02Z",
        "allow_8bit": allow_8bit,
    })
    words = check_wire_rules(raw)
    assert len(SUBJECT) == 200 and len(words) > 5
    message = parse(raw)

    assert str(message["Subject"]) == SUBJECT
    assert display_names(message["From"]) == [("Анна Петрова", "anna@romashka.ru")]
    assert display_names(message["To"]) == [("Борис Сидоров", "boris@example.ru"), ("Petrova, Anna", "petrova@example.ru"),
                                             ("", "sales@example.ru")]
    assert display_names(message["Cc"]) == [("Отдел продаж ООО «Ромашка» (Москва)", "sales@romashka.ru")]
    assert "Bcc" not in message and b"secret@romashka.ru" not in raw and "Скрытая".encode() not in raw
    assert str(message["List-Unsubscribe"]) == "<mailto:unsubscribe@romashka.ru?subject=unsubscribe>"
    assert message["Date"].datetime == datetime.datetime(2026, 11, 29, 6, 1, 2, tzinfo=datetime.timezone.utc)
    assert re.fullmatch(r"<[0-9a-f]{32}@romashka\.ru>", str(message["Message-ID"]))

    plain = message.get_body(("plain",))
    assert plain.get_content().replace("\r\n", "\n") == text + "\n"
    assert plain["Content-Transfer-Encoding"] == ("8bit" if allow_8bit else "base64")
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == "<p>Добрый день, Борис!</p><p>Направляем счёт №42.</p>\n"
    attachments = [(part.get_filename(), part.get_content_type(), part.get_content()) for part in message.iter_attachments()]
    assert attachments == [
        ("Счёт №42 от 29.11.2026.pdf", "application/pdf", PDF),
        (LONG_FILENAME, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04 docx"),
        ("price-list.xlsx", "application/vnd.ms-excel", b"\x00\x01\x02"),
    ]
    # The name= form old Outlook reads says the same.
    assert [part["Content-Type"].params["name"] for part in message.iter_attachments()] == [a[0] for a in attachments]
    assert all(part.defects == [] for part in message.walk())
    if not allow_8bit:
        assert all(byte < 0x80 for byte in raw)


def test_reply_threads_under_its_parent():
    parent = EmailMessage()
    parent["From"] = "Борис Сидоров <boris@example.ru>"
    parent["To"] = "anna@romashka.ru"
    parent["Subject"] = "Счёт №42"
    parent["Message-ID"] = "<parent-2@example.ru>"
    parent["References"] = "<root-0@romashka.ru> <middle-1@example.ru>"
    parent.set_content("Когда оплатите?")
    raw = build({
        "from": {"name": "Анна Петрова", "address": "anna@romashka.ru"},
        "text": "Сегодня.",
        "parent_base64": b64(parent.as_bytes(policy=email.policy.SMTP)),
    })
    check_wire_rules(raw)
    reply = parse(raw)
    assert str(reply["Subject"]) == "Re: Счёт №42"
    assert display_names(reply["To"]) == [("Борис Сидоров", "boris@example.ru")]
    assert str(reply["In-Reply-To"]) == "<parent-2@example.ru>"
    assert str(reply["References"]).split() == ["<root-0@romashka.ru>", "<middle-1@example.ru>", "<parent-2@example.ru>"]

    # Ids given directly, and a subject that already says "Re:" is not prefixed again.
    raw = build({
        "from": {"address": "anna@romashka.ru"}, "to": [{"address": "boris@example.ru"}], "subject": "RE: Счёт", "text": "ok",
        "in_reply_to": ["b@example.ru"], "references": ["a@example.ru", "b@example.ru"], "message_id": "<fixed-1@romashka.ru>",
    })
    check_wire_rules(raw)
    reply = parse(raw)
    assert str(reply["Subject"]) == "RE: Счёт"
    assert str(reply["In-Reply-To"]) == "<b@example.ru>"
    assert str(reply["References"]) == "<a@example.ru> <b@example.ru>"
    assert str(reply["Message-ID"]) == "<fixed-1@romashka.ru>"


def test_body_encoding_follows_the_text_and_the_server():
    def sent(text, allow_8bit):
        raw = build({"from": {"address": "anna@romashka.ru"}, "to": [{"address": "boris@example.ru"}], "subject": "Hello",
                     "text": text, "allow_8bit": allow_8bit})
        check_wire_rules(raw)
        message = parse(raw)
        assert message.get_content().replace("\r\n", "\n") == text + "\n"
        return message["Content-Transfer-Encoding"]

    assert sent("Hello Boris,\nplain ASCII.", False) == "7bit"
    assert sent("Добрый день!", True) == "8bit"
    assert sent("Добрый день!", False) == "base64"
    assert sent("Hello Boris, the total is 1 200 € = 110 000 ₽.\nRegards", False) == "quoted-printable"
    assert sent("x" * 1500, True) == "quoted-printable"
    assert sent("Ж" * 600, True) == "base64"


def test_every_header_survives_random_unicode():
    # Cyrillic, emoji, look-alike encoded words, doubled blanks, tabs and long words, in every header.
    subjects = ["Re:  двойной  пробел", "=?utf-8?B?не-слово?=", "😀👨‍👩‍👧‍👦 семья " * 8, "a" * 120 + " хвост", "Tab\there"]
    for subject in subjects:
        filename = subject.replace("\t", " ").strip() + ".txt"
        name = subject.replace("\t", " ")[:60].strip()
        raw = build({
            "from": {"name": name, "address": "anna@romashka.ru"},
            "to": [{"address": "boris@example.ru"}], "subject": subject, "text": subject,
            "attachments": [{"filename": filename, "content_type": "text/plain", "data_base64": b64(b"x")}],
        })
        check_wire_rules(raw)
        message = parse(raw)
        assert str(message["Subject"]) == subject
        assert display_names(message["From"]) == [(" ".join(name.split()), "anna@romashka.ru")]
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == filename


def test_bad_input_is_refused_with_a_message():
    out = subprocess.run([os.environ["SMARTYSALES_BIN"], "mime", "build"], input=b"not json", capture_output=True, timeout=60)
    assert out.returncode != 0
    assert b"not a message description" in out.stderr
