"""The inbox pipeline end to end, against the real servers scripts/test starts: a Dovecot mailbox
filled with 500 generated messages, a company signed up through the web forms, the mailbox added
through POST /mailboxes, and the real `smartysales serve` syncing, classifying (the embedded
classifier: no LLM key is set) and labelling; the result read back through the web pages and,
over a separate IMAP connection, from Dovecot itself.

- test_mailbox_is_synced_classified_and_labelled: every message stored once, with its subject
  decoded from whichever charset it came in; the ones older than the import window left out;
  every message carrying exactly the keyword of its verdict (KeywordMapping of the category's
  label, or of the "needs review" label); the message card showing the category, a reply showing
  the message it answers. Twice: [embedded] with no LLM key, and [fake_openai] with the server
  pointed at fake_openai.py (a fake of OpenAI's Chat Completions on loopback) as the platform's
  LLM, on a smaller corpus: the fake got every message in the window (and none outside it) with
  the platform key, and each message carries the category the fake chose from its subject
  (invoice or lead), from the model (not the embedded classifier standing in), and its keyword.
- test_killed_in_the_middle_of_a_sync: SIGKILL while the sync is under way (small sync batches,
  so the kill lands between two of them; what the kill left is read from a server started without
  workers, and must be some of the messages but not all), start again on the same data: 500
  stored, each with exactly one keyword.
- test_new_uidvalidity_imports_nothing_twice: the mailbox's INBOX deleted and made again with the
  same messages in reverse order (a new UIDVALIDITY; the UIDs from 1 handed out again, to other
  messages), "sync now": still one copy of each, every message carrying its verdict's keyword again
  (the new INBOX starts without keywords; the labels done before are written again under the new
  UIDs), and a correction afterwards relabels the message under its new identity.

Each test has a Dovecot user of its own (scripts/lib/dovecot_users.py: the product reads INBOX).
Without the SMARTYSALES_TEST_* variables of scripts/lib/mailservers.sh the tests fail, naming
the missing one.
"""
import base64
import datetime
import email.utils
import html
import http.cookiejar
import imaplib
import json
import os
import quopri
import random
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
import dovecot_users  # noqa: E402  (scripts/lib)
from keyword_mapping import keyword_for  # noqa: E402  (scripts/lib)
from fake_openai import REASONS, FakeOpenAI, category_kind  # noqa: E402  (Tests/endtoend)

MESSAGES = 500
# Older than the import window: must never be imported.
OLD_MESSAGES = 10
IMPORT_WINDOW_DAYS = 7
PIPELINE_TIMEOUT = 180
# Messages per IMAP fetch in the kill test (serve's hidden --sync-batch-size, for tests): the
# import is many batches, each stored in its own transaction, so the kill lands between two.
KILL_TEST_BATCH = 20
OWNER_PASSWORD = "inbox owner phrase 1"
# The fake LLM variant: 20 calls of 10 messages, well inside the tenant's 60 calls a minute.
LLM_MESSAGES = 200
# The Russian starter categories the fake answers with (sign_up picks Russian).
FAKE_CATEGORY_NAMES = {"invoice": "Счёт", "lead": "Заявка"}

REQUIRED = ("SMARTYSALES_TEST_IMAP_HOST", "SMARTYSALES_TEST_IMAPS_PORT", "SMARTYSALES_TEST_CA_FILE",
            "SMARTYSALES_TEST_SMTP_HOST", "SMARTYSALES_TEST_SMTPS_PORT",
            "SMARTYSALES_TEST_DOVECOT_CONF", "SMARTYSALES_TEST_DOVECOT_PASSWD", "SMARTYSALES_TEST_DOVECOT_HOMES")


@pytest.fixture
def llm(request):
    """The LLM the server classifies with: None (no key: the embedded classifier) unless a test
    asks for "fake_openai" by indirect parametrisation, then a started FakeOpenAI."""
    if getattr(request, "param", "embedded") != "fake_openai":
        yield None
        return
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def server_environment(llm):
    """Overrides conftest's: the server under test is pointed at the fake LLM when there is one."""
    return llm.server_environment() if llm else {}


@pytest.fixture
def mail():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: run the end-to-end tests through scripts/test, which starts "
                    "Dovecot and the SMTP server (scripts/lib/mailservers.sh)", pytrace=False)
    env = os.environ
    return {"host": env["SMARTYSALES_TEST_IMAP_HOST"], "port": int(env["SMARTYSALES_TEST_IMAPS_PORT"]),
            "ca_file": env["SMARTYSALES_TEST_CA_FILE"], "smtp_host": env["SMARTYSALES_TEST_SMTP_HOST"],
            "smtp_port": int(env["SMARTYSALES_TEST_SMTPS_PORT"])}


# ---------------------------------------------------------------------------------------------
# The corpus: what a Russian B2B sales inbox receives, in the charsets Russian mail comes in.

RU_NAMES = ["Иван Петров", "Мария Смирнова", "Алексей Кузнецов", "Ольга Попова", "Дмитрий Соколов", "Екатерина Лебедева"]
EN_NAMES = ["John Smith", "Emma Brown", "Oliver Jones", "Sophia Miller"]
RU_DOMAINS = ["torgservis.ru", "promsnab.ru", "stroymontazh.ru", "agrokom.ru", "mail.ru"]
EN_DOMAINS = ["example.com", "globex.example", "initech.example"]

# kind → (Russian subjects, Russian sentences, English subjects, English sentences)
TEXTS = {
    "lead": (["Запрос КП на поставку", "Заявка на оборудование", "Прошу выставить коммерческое предложение"],
             ["Добрый день! Просим выставить коммерческое предложение на поставку кабеля ВВГнг с доставкой.",
              "Интересует ваше оборудование, пришлите, пожалуйста, прайс-лист и сроки поставки.",
              "Хотим заключить договор на ежемесячное обслуживание, кто может с нами связаться?",
              "Нужна цена на 300 штук насосов и условия оплаты, рассматриваем закупку в этом квартале."],
             ["Request for a quote", "Price enquiry", "Interested in your equipment"],
             ["Good afternoon! Please send us a quote for 200 m of cable delivered to Kazan.",
              "We are interested in your equipment, could you send your price list and lead times?",
              "We would like to sign a monthly service contract. Who can get in touch with us?"]),
    "invoice": (["Счёт на оплату", "Акт сверки", "Напоминание об оплате"],
                ["Направляем счёт на оплату, срок оплаты пять банковских дней.",
                 "Во вложении акт сверки взаиморасчётов за квартал, просим подписать и вернуть скан.",
                 "Напоминаем о задолженности по договору, просим погасить до конца недели.",
                 "Высылаем УПД и счёт-фактуру по отгрузке прошлой недели."],
                ["Invoice for payment", "Reconciliation statement", "Payment reminder"],
                ["Please find attached the invoice payable within 5 banking days.",
                 "Attached is the reconciliation statement for Q1, please sign it and send back a scan.",
                 "A reminder of the outstanding balance under the contract, please settle it by Friday."]),
    "support": (["Возврат заказа", "Проблема с поставкой", "Рекламация"],
                ["Заказ пришёл с повреждённой упаковкой, как оформить возврат?",
                 "Второй день не можем войти в личный кабинет, помогите, пожалуйста.",
                 "Поставленный насос не выходит на рабочее давление, нужна консультация инженера."],
                ["Damaged order", "Delivery problem", "Complaint about quality"],
                ["The order arrived with damaged packaging, how do we return it?",
                 "We have not been able to sign in to our account for two days, please help.",
                 "The pump you delivered does not reach its working pressure, we need an engineer's advice."]),
    "cv": (["Резюме на вакансию менеджера", "Отклик на вакансию", "Резюме: инженер-сметчик"],
           ["Добрый день! Откликаюсь на вакансию менеджера по продажам, резюме во вложении.",
            "Меня заинтересовала вакансия инженера-сметчика, прошу рассмотреть мою кандидатуру.",
            "Направляю резюме на позицию бухгалтера, опыт работы 7 лет, готов выйти через две недели."],
           ["Application: sales manager", "My CV for the engineer position", "Job application"],
           ["Good afternoon! I am applying for the sales manager vacancy, my CV is attached.",
            "I am interested in the cost engineer position and would like you to consider my application."]),
    "newsletter": (["Дайджест недели", "Приглашение на вебинар", "Новости отрасли"],
                   ["Дайджест недели: пять трендов B2B-продаж. Чтобы отписаться от рассылки, перейдите по ссылке.",
                    "Приглашаем на вебинар по закупкам 223-ФЗ в 11:00 по московскому времени.",
                    "Ваш отчёт в личном кабинете сформирован. Это письмо отправлено автоматически."],
                   ["Weekly digest", "Join our webinar", "Industry news"],
                   ["Weekly digest: five B2B sales trends. To unsubscribe from this newsletter, follow the link.",
                    "Join our webinar on procurement on 15 April at 11:00 Moscow time."]),
    "spam": (["Раскрутка сайта в ТОП-10", "Базы данных предприятий", "Ваш аккаунт будет заблокирован"],
             ["Раскрутка сайта в ТОП-10 за 3 дня! Гарантия результата, звоните прямо сейчас.",
              "Базы данных всех предприятий России с телефонами директоров - со скидкой 90%.",
              "Ваш аккаунт будет заблокирован через 24 часа, подтвердите пароль по ссылке."],
             ["Top 10 in 3 days", "Company databases 90% off", "Your account will be blocked"],
             ["Get your website into the top 10 in 3 days! Guaranteed results, call now.",
              "Your account will be blocked in 24 hours, confirm your password by following the link."]),
}

# Russian mail: (charset, Content-Transfer-Encoding); English mail is us-ascii 7bit or utf-8 base64.
RUSSIAN_ENCODINGS = [("utf-8", "base64"), ("windows-1251", "quoted-printable"), ("koi8-r", "8bit")]
ENGLISH_ENCODINGS = [("us-ascii", "7bit"), ("utf-8", "base64")]
CODECS = {"utf-8": "utf-8", "windows-1251": "cp1251", "koi8-r": "koi8_r", "us-ascii": "ascii"}


class Message:
    def __init__(self, message_id, subject, raw, when, kind, answers=None):
        self.message_id, self.subject, self.raw, self.when, self.kind, self.answers = message_id, subject, raw, when, kind, answers


def encoded_words(text, charset):
    """RFC 2047 B-words of at most 75 characters each, folded onto continuation lines."""
    if text.isascii():
        return text
    charset = "utf-8" if charset == "us-ascii" else charset
    codec = CODECS[charset]
    words, chunk = [], ""
    for character in text:
        candidate = chunk + character
        if len(f"=?{charset}?B?{base64.b64encode(candidate.encode(codec)).decode()}?=") > 75:
            words.append(chunk)
            chunk = character
        else:
            chunk = candidate
    words.append(chunk)
    return "\r\n ".join(f"=?{charset}?B?{base64.b64encode(w.encode(codec)).decode()}?=" for w in words)


def mailbox_header(name, address, charset):
    return f"{encoded_words(name, charset)} <{address}>" if not name.isascii() else f'"{name}" <{address}>'


def body_lines(text, charset, encoding):
    data = text.replace("\n", "\r\n").encode(CODECS[charset])
    if encoding == "base64":
        encoded = base64.b64encode(data).decode()
        return "\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76)).encode()
    if encoding == "quoted-printable":
        return quopri.encodestring(data).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return data  # 7bit / 8bit


def text_part(text, charset, encoding):
    return (f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n").encode() + \
        body_lines(text, charset, encoding)


def build(headers, body):
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body + b"\r\n"


def make_corpus(count, now, tag, rng):
    """`count` messages dated over the last five days, oldest first: about 10% replies to earlier
    ones, 2% bounces (multipart/report), the rest leads, invoices (with a PDF), support, CVs
    (with a PDF named in Russian), newsletters (List-Unsubscribe, text + HTML) and spam."""
    start = now - datetime.timedelta(days=5)
    step = datetime.timedelta(days=4.5) / count
    moscow = datetime.timezone(datetime.timedelta(hours=3))
    messages = []
    for number in range(1, count + 1):
        when = (start + step * number).astimezone(moscow).replace(microsecond=0)
        roll = rng.random()
        if number > 20 and roll < 0.10:
            answered = {m.answers.message_id for m in messages if m.answers}
            candidates = [m for m in messages if m.kind not in ("bounce", "reply") and m.message_id not in answered]
            messages.append(reply(number, when, tag, rng, rng.choice(candidates)))
        elif number > 5 and roll < 0.12:
            messages.append(bounce(number, when, tag, rng))
        else:
            messages.append(business(number, when, tag, rng, rng.choice(sorted(TEXTS))))
    return messages


def business(number, when, tag, rng, kind):
    russian = rng.random() < 0.7
    ru_subjects, ru_sentences, en_subjects, en_sentences = TEXTS[kind]
    subject = f"{rng.choice(ru_subjects if russian else en_subjects)} {number}"
    sentences = rng.sample(ru_sentences if russian else en_sentences, k=min(2, len(ru_sentences if russian else en_sentences)))
    name = rng.choice(RU_NAMES if russian else EN_NAMES)
    domain = rng.choice(RU_DOMAINS if russian else EN_DOMAINS)
    signature = f"\n\n--\n{name}\n+7 495 123-45-{number % 100:02d}"
    text = " ".join(sentences) + (f" Номер обращения {number}." if russian else f" Reference {number}.") + signature
    charset, encoding = rng.choice(RUSSIAN_ENCODINGS if russian else ENGLISH_ENCODINGS)
    sender = "news@" + domain if kind == "newsletter" else f"{name.split()[0].lower()}{number}@{domain}"
    if not sender.isascii():
        sender = f"client{number}@{domain}"
    message_id = f"{kind}-{number}-{tag}@{domain}"
    headers = [
        f"Return-Path: <{sender}>",
        f"Received: from mx.{domain} (mx.{domain} [203.0.113.{number % 250 + 1}])\r\n\tby mx.smartysales.test; "
        f"{email.utils.format_datetime(when)}",
        f"Date: {email.utils.format_datetime(when)}",
        f"From: {mailbox_header(name if kind != 'newsletter' else 'Рассылка ' + domain, sender, charset)}",
        f"To: {mailbox_header('Отдел продаж', 'sales@smartysales.test', charset)}",
        f"Subject: {encoded_words(subject, charset)}",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
    ]
    if kind == "newsletter":
        headers += [f"List-Unsubscribe: <https://{domain}/unsubscribe?u={number}>, <mailto:unsubscribe@{domain}>",
                    "List-Unsubscribe-Post: List-Unsubscribe=One-Click", f"List-Id: <news.{domain}>", "Precedence: bulk"]
        boundary = f"alt-{number}-{tag}"
        page = "<html><body>" + "".join(f"<p>{html.escape(s)}</p>" for s in sentences) + "</body></html>"
        body = (f"--{boundary}\r\n").encode() + text_part(text, charset, encoding) + \
            (f"\r\n--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n").encode() + \
            body_lines(page, "utf-8", "base64") + f"\r\n--{boundary}--".encode()
        headers.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        return Message(message_id, subject, build(headers, body), when, kind)
    if kind in ("invoice", "cv"):
        boundary = f"mixed-{number}-{tag}"
        filename = f"Резюме {name}.pdf" if kind == "cv" else f"schet-{number}.pdf"
        pdf = b"%PDF-1.4\n% generated for the SmartySales pipeline test\n" + bytes(rng.getrandbits(8) for _ in range(600)) + b"\n%%EOF\n"
        disposition = f"attachment; filename*=utf-8''{urllib.parse.quote(filename)}"
        encoded_pdf = base64.b64encode(pdf).decode()
        body = (f"This is a multi-part message in MIME format.\r\n--{boundary}\r\n").encode() + text_part(text, charset, encoding) + \
            (f"\r\n--{boundary}\r\nContent-Type: application/pdf\r\nContent-Disposition: {disposition}\r\n"
             "Content-Transfer-Encoding: base64\r\n\r\n").encode() + \
            "\r\n".join(encoded_pdf[i:i + 76] for i in range(0, len(encoded_pdf), 76)).encode() + f"\r\n--{boundary}--".encode()
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        return Message(message_id, subject, build(headers, body), when, kind)
    headers += [f"Content-Type: text/plain; charset={charset}", f"Content-Transfer-Encoding: {encoding}"]
    return Message(message_id, subject, build(headers, body_lines(text, charset, encoding)), when, kind)


def reply(number, when, tag, rng, original):
    """An answer to an earlier message: Re: its subject, In-Reply-To and References naming it."""
    russian = not original.subject.isascii()
    charset, encoding = rng.choice(RUSSIAN_ENCODINGS if russian else ENGLISH_ENCODINGS)
    subject = "Re: " + original.subject
    name = rng.choice(RU_NAMES if russian else EN_NAMES)
    text = ("Спасибо, получили. Ждём ответа по срокам." if russian else "Thank you, received. We are waiting for your answer.") + \
        f"\n\n> {original.subject}\n"
    message_id = f"reply-{number}-{tag}@{rng.choice(RU_DOMAINS)}"
    headers = [
        f"Date: {email.utils.format_datetime(when)}",
        f"From: {mailbox_header(name, f'reply{number}@{rng.choice(RU_DOMAINS)}', charset)}",
        "To: sales@smartysales.test",
        f"Subject: {encoded_words(subject, charset)}",
        f"Message-ID: <{message_id}>",
        f"In-Reply-To: <{original.message_id}>",
        f"References: <{original.message_id}>",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    return Message(message_id, subject, build(headers, body_lines(text, charset, encoding)), when, "reply", answers=original)


def bounce(number, when, tag, rng):
    """A delivery status notification (RFC 3464) for something we sent."""
    boundary = f"report-{number}-{tag}"
    message_id = f"bounce-{number}-{tag}@mx.smartysales.test"
    recipient = f"nobody{number}@{rng.choice(RU_DOMAINS)}"
    subject = f"Undelivered Mail Returned to Sender {number}"
    headers = [
        f"Date: {email.utils.format_datetime(when)}",
        "From: MAILER-DAEMON@mx.smartysales.test (Mail Delivery System)",
        "To: sales@smartysales.test",
        f"Subject: {subject}",
        f"Message-ID: <{message_id}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
    ]
    body = "\r\n".join([
        f"--{boundary}", "Content-Type: text/plain; charset=us-ascii", "",
        "This is the mail system at host mx.smartysales.test.", "",
        f"<{recipient}>: host mx.example.ru said: 550 5.1.1 User unknown", "",
        f"--{boundary}", "Content-Type: message/delivery-status", "",
        "Reporting-MTA: dns; mx.smartysales.test", "",
        f"Final-Recipient: rfc822; {recipient}", "Action: failed", "Status: 5.1.1",
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown", "",
        f"--{boundary}", "Content-Type: text/rfc822-headers", "",
        "From: sales@smartysales.test", f"To: {recipient}", f"Subject: Commercial proposal {number}",
        f"Message-ID: <outbound-{number}-{tag}@smartysales.test>", "",
        f"--{boundary}--",
    ]).encode()
    return Message(message_id, subject, build(headers, body), when, "bounce")


def old_corpus(count, now, tag):
    """Messages from a month ago: outside the import window."""
    result = []
    for number in range(1, count + 1):
        when = (now - datetime.timedelta(days=30, hours=number)).replace(microsecond=0)
        message_id = f"old-{number}-{tag}@archive.example.com"
        subject = f"Old correspondence {number}"
        headers = [f"Date: {email.utils.format_datetime(when)}", "From: archive@example.com", "To: sales@smartysales.test",
                   f"Subject: {subject}", f"Message-ID: <{message_id}>", "MIME-Version: 1.0",
                   "Content-Type: text/plain; charset=us-ascii"]
        result.append(Message(message_id, subject, build(headers, b"An old letter, long answered."), when, "old"))
    return result


def corpus(now, count=MESSAGES, old=OLD_MESSAGES, seed=20260101):
    rng = random.Random(seed)
    tag = f"{rng.getrandbits(32):08x}"
    return make_corpus(count, now, tag, rng), old_corpus(old, now, tag)


# ---------------------------------------------------------------------------------------------
# Dovecot, through imaplib over TLS, trusting only the run's throwaway CA.

def imap_connect(mail, login, password):
    context = ssl.create_default_context(cafile=mail["ca_file"])
    connection = imaplib.IMAP4_SSL(mail["host"], mail["port"], ssl_context=context, timeout=60)
    connection.login(login, password)
    return connection


def append_all(mail, login, password, messages):
    """APPENDs the messages to INBOX with their dates as INTERNALDATE (what the import window
    looks at): MULTIAPPEND commands of 100 with LITERAL+ literals, on imaplib's connection."""
    imap = imap_connect(mail, login, password)
    capabilities = imap.capability()[1][-1].upper().split()
    assert b"MULTIAPPEND" in capabilities and b"LITERAL+" in capabilities, capabilities
    for start in range(0, len(messages), 100):
        tag = imap._new_tag()
        parts = [tag + b" APPEND INBOX"]
        for message in messages[start:start + 100]:
            when = imaplib.Time2Internaldate(message.when)
            parts.append(f" () {when} {{{len(message.raw)}+}}\r\n".encode() + message.raw)
        imap.send(b"".join(parts) + b"\r\n")
        while True:
            line = imap.readline()
            assert line, "Dovecot closed the connection during APPEND"
            if line.startswith(tag + b" "):
                assert line.startswith(tag + b" OK"), line
                break
    imap.logout()


FETCH_UID = re.compile(rb"UID (\d+)")
FETCH_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")
MESSAGE_ID = re.compile(rb"Message-ID:\s*<([^>]+)>", re.IGNORECASE)


def keywords_by_message_id(mail, login, password):
    """{Message-ID: [keywords]} of every message in INBOX, read-only (EXAMINE); system flags left out."""
    imap = imap_connect(mail, login, password)
    try:
        typ, data = imap.select("INBOX", readonly=True)
        assert typ == "OK", data
        if int(data[0]) == 0:
            return {}
        typ, data = imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        assert typ == "OK", data
    finally:
        imap.logout()
    result, duplicates = {}, []
    for item in data:
        if not isinstance(item, tuple):
            continue
        flags = FETCH_FLAGS.search(item[0])
        found = MESSAGE_ID.search(item[1])
        assert flags and found, item
        message_id = found.group(1).decode()
        if message_id in result:
            duplicates.append(message_id)
        result[message_id] = sorted(f.decode() for f in flags.group(1).split() if not f.startswith(b"\\"))
    assert not duplicates, f"the test's own corpus has a Message-ID twice in Dovecot: {duplicates[:5]}"
    return result


def test_keyword_mapping_port_matches_the_swift_tests():
    """scripts/lib/keyword_mapping.py gives what Tests/MailProtocolsTests/IMAPKeywordTests.swift
    expects of the Swift original, so the keywords checked below are the product's."""
    for label, keyword in [("Lead", "Lead"), ("follow-up.2024_Q1", "follow-up.2024_Q1"), ("Горячий лид", "Goryachij_lid-yb7rg"),
                           ("Лид", "Lid-ubshg"), ("Счёт/Оплата", "Schyot_Oplata-5m6wh"), ("Съезд", "Sezd-oyvg4"),
                           ("ЖУРНАЛ", "ZhURNAL-rkizo"), ("Custom Label", "Custom_Label-f4mfq"), ("日本語", "label-heqhk")]:
        assert keyword_for(label) == keyword, label


# ---------------------------------------------------------------------------------------------
# The web side: forms with their CSRF token, as a browser posts them.

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Web:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def request(self, path, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=60) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def get(self, path):
        status, _, text = self.request(path)
        assert status == 200, f"GET {path}: {status}\n{text[:2000]}"
        return text

    def post(self, path, fields, token_from):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get(token_from)).group(1)
        status, headers, text = self.request(path, [*fields, ("csrf_token", token)])
        return status, headers.get("Location"), text

    def progress(self):
        return json.loads(self.get("/inbox/progress"))


def sign_up(web, email_address):
    status, location, text = web.post("/signup", [
        ("full_name", "Анна Петрова"), ("email", email_address), ("password", OWNER_PASSWORD),
        ("password_confirm", OWNER_PASSWORD), ("company_name", "ООО Ромашка"),
        ("company_description", "Оптовые поставки насосов и кабеля"), ("locale", "ru")], token_from="/signup")
    assert (status, location) == (303, "/dashboard"), f"sign-up: {status} {location}\n{text[:2000]}"


def add_imap_mailbox(web, mail, login, password):
    """POST /mailboxes as the "IMAP/SMTP" form sends it; returns the new mailbox's id."""
    with open(mail["ca_file"]) as handle:
        ca = handle.read()
    status, location, text = web.post("/mailboxes", [
        ("kind", "imap"), ("display_name", "Отдел продаж"), ("address", login), ("username", login),
        ("imap_host", mail["host"]), ("imap_port", str(mail["port"])), ("imap_tls", "implicit"),
        ("smtp_host", mail["smtp_host"]), ("smtp_port", str(mail["smtp_port"])), ("smtp_tls", "implicit"),
        ("custom_ca", ca), ("import_window_days", str(IMPORT_WINDOW_DAYS)), ("password", password)],
        token_from="/mailboxes/new?kind=imap")
    assert (status, location) == (303, "/mailboxes"), f"adding the mailbox: {status} {location}\n{text[:3000]}"
    mailboxes = web.progress()["mailboxes"]
    assert len(mailboxes) == 1, mailboxes
    return mailboxes[0]["id"]


ROW = re.compile(r'<a href="/inbox/([0-9A-Fa-f-]{36})(?:\?back=[^"]*)?">(.*?)</a>.*?<td>(.*?)</td>', re.S)
CHIP = re.compile(r"</svg>([^<]*)</span>")
NEXT = re.compile(r'href="([^"]+)" rel="next"')


def inbox_rows(web):
    """Every row of the inbox list, page after page: [(id, subject, category name or None, needs review)]."""
    rows, path, pages = [], "/inbox", 0
    while path:
        page = web.get(path)
        pages += 1
        assert pages <= 100, "the inbox list does not end"
        for message_id, subject, category_cell in ROW.findall(page):
            chip = CHIP.search(category_cell)
            rows.append((message_id, html.unescape(subject), html.unescape(chip.group(1)) if chip else None,
                         "badge-soon" in category_cell))
        following = NEXT.search(page)
        path = html.unescape(following.group(1)) if following else None
    return rows


def label_names(web):
    """{category name: label name} and the "needs review" label, from the categories page."""
    page = web.get("/categories")
    names = {html.unescape(name): html.unescape(label) for name, label in
             re.findall(r"<strong>([^<]+)</strong></span>.*?<code>([^<]*)</code>", page, re.S)}
    review = re.search(r'name="needs_review_label"[^>]*value="([^"]*)"', page)
    assert names and review, "the categories page shows no categories or no needs-review label"
    return names, html.unescape(review.group(1))


# ---------------------------------------------------------------------------------------------
# Waiting, bounded, with what was last seen in the failure.

def wait_for(what, condition, timeout, interval=0.5):
    deadline = time.time() + timeout
    last = None
    while True:
        ok, last = condition()
        if ok:
            return last
        if time.time() > deadline:
            pytest.fail(f"{what}: not after {timeout} s; last seen: {json.dumps(last, ensure_ascii=False)[:3000]}", pytrace=False)
        time.sleep(interval)


def pipeline_done(web, count):
    """Stored, every one classified, and no job left but the polling schedule's."""
    def condition():
        progress = web.progress()
        mailbox = progress["mailboxes"][0]
        totals = progress["totals"]
        if mailbox["status"] == "error":
            pytest.fail(f"the mailbox is in error: {json.dumps(progress, ensure_ascii=False)}", pytrace=False)
        done = mailbox["messagesStored"] == count and totals["messages"] == count and totals["unclassified"] == 0
        return done, progress
    return condition


def all_keyworded(mail, login, password, expected_ids):
    def condition():
        keywords = keywords_by_message_id(mail, login, password)
        missing = [mid for mid in expected_ids if not keywords.get(mid)]
        return not missing, {"without a keyword": len(missing), "for example": missing[:3]}
    return condition


def server_log_hint(server):
    return f"(server output in {os.path.join(server.data_dir, 'server.out')}, logs in {os.path.join(server.data_dir, 'log')})"


def check_one_copy_each(web, messages, old):
    rows = inbox_rows(web)
    subjects = [subject for _, subject, _, _ in rows]
    repeated = sorted({s for s in subjects if subjects.count(s) > 1})
    assert not repeated, f"stored more than once: {repeated[:5]}"
    assert len(rows) == len(messages), f"{len(rows)} rows in the inbox list, {len(messages)} messages in the mailbox's window"
    expected = {m.subject for m in messages}
    assert set(subjects) == expected, (
        f"subjects not as sent (charset decoding?): unexpected {sorted(set(subjects) - expected)[:5]}, "
        f"missing {sorted(expected - set(subjects))[:5]}")
    assert not {m.subject for m in old} & set(subjects), "a message older than the import window was imported"
    return rows


def check_keywords(web, mail, login, password, messages, rows):
    """Every message carries exactly the keyword of its verdict, and nothing else of ours."""
    labels, review_label = label_names(web)
    by_subject = {m.subject: m for m in messages}
    keywords = keywords_by_message_id(mail, login, password)
    wrong = []
    for _, subject, category, needs_review in rows:
        if needs_review:
            expected = keyword_for(review_label)
        else:
            assert category is not None, f"{subject!r}: classified, yet neither a category nor needs review"
            expected = keyword_for(labels[category])
        found = keywords.get(by_subject[subject].message_id)
        if found != [expected]:
            wrong.append((subject, category, needs_review, expected, found))
    assert not wrong, f"{len(wrong)} messages without exactly their verdict's keyword, for example {wrong[:3]}"
    return keywords


# ---------------------------------------------------------------------------------------------


def check_fake_llm_verdicts(web, fake, messages, old, rows):
    """The fake OpenAI was asked about every message in the window, with the platform key, and
    every message carries the category it chose: from the model, not the embedded classifier."""
    requests = fake.received()
    assert requests, "the fake OpenAI received no request: the server did not classify through the configured provider"
    unauthorised = [(r.status, r.authorization[:20]) for r in requests if r.authorization != f"Bearer {fake.api_key}"]
    assert not unauthorised, f"requests without the platform key's Bearer header: {unauthorised[:3]}"
    assert {(r.method, r.path, r.status) for r in requests} == {("POST", "/v1/chat/completions", 200)}, \
        sorted({(r.method, r.path, r.status) for r in requests})
    assert {r.model for r in requests} == {fake.model}, {r.model for r in requests}
    assert not fake.problems(), f"requests not as the product's prompt and schema promise: {fake.problems()[:3]}"
    decided = fake.decisions()
    asked = {m.subject for m in messages}
    assert asked <= set(decided), f"never asked the fake about: {sorted(asked - set(decided))[:5]}"
    assert not {m.subject for m in old} & set(decided), "the fake was asked about a message outside the import window"

    wrong = []
    for _, subject, category, needs_review in rows:
        expected = FAKE_CATEGORY_NAMES[category_kind(subject)]
        if needs_review or category != expected:
            wrong.append((subject, category, needs_review, expected))
    assert not wrong, f"{len(wrong)} messages without the fake's category, for example {wrong[:3]}"
    chosen = {category for _, _, category, _ in rows}
    assert chosen == set(FAKE_CATEGORY_NAMES.values()), f"the corpus should reach both of the fake's categories: {chosen}"

    # The card names the model and shows the fake's reason.
    card_id, subject, _, _ = rows[0]
    card = html.unescape(web.get(f"/inbox/{card_id}"))
    verdict = card[card.index('id="message-verdict-title"'):]
    assert f"openai / {fake.model}" in verdict, f"the card of {subject!r} does not name the fake's model as the source"
    assert REASONS[category_kind(subject)] in verdict, f"the card of {subject!r} does not show the fake's reason"


@pytest.mark.parametrize("llm", ["embedded", "fake_openai"], indirect=True)
def test_mailbox_is_synced_classified_and_labelled(mail, llm, server):
    count = MESSAGES if llm is None else LLM_MESSAGES
    now = datetime.datetime.now(datetime.timezone.utc)
    messages, old = corpus(now, count=count)
    login, password = dovecot_users.add_user("inbox")
    append_all(mail, login, password, old + messages)

    web = Web(server.base)
    sign_up(web, "anna@romashka.ru")
    started = time.time()
    add_imap_mailbox(web, mail, login, password)
    progress = wait_for(f"{count} messages stored and classified {server_log_hint(server)}",
                        pipeline_done(web, count), PIPELINE_TIMEOUT)
    stored = time.time()
    wait_for("every message labelled in Dovecot", all_keyworded(mail, login, password, [m.message_id for m in messages]),
             PIPELINE_TIMEOUT - (stored - started))
    print(f"\n{count} messages stored and classified in {stored - started:.1f} s, labelled in {time.time() - started:.1f} s; "
          f"needs review {progress['totals']['needsReview']}; "
          f"{'the embedded classifier' if llm is None else f'{len(llm.received())} calls to the fake OpenAI'}")

    rows = check_one_copy_each(web, messages, old)
    keywords = check_keywords(web, mail, login, password, messages, rows)
    old_keywords = {m.message_id: keywords.get(m.message_id) for m in old}
    assert not any(old_keywords.values()), f"a message outside the import window was labelled: {old_keywords}"
    final = web.progress()
    assert final["totals"]["failedLabels"] == 0, final
    assert final["mailboxes"][0]["status"] == "connected", final

    # The message card shows the verdict; a reply's card shows the message it answers.
    by_subject = {m.subject: m for m in messages}
    card_id, subject, category, needs_review = next(row for row in rows if row[2] is not None)
    card = web.get(f"/inbox/{card_id}")
    verdict = card[card.index('id="message-verdict-title"'):]
    assert f"</svg>{html.escape(category, quote=False)}</span>" in verdict, f"the card of {subject!r} does not show {category!r}"
    assert html.escape(by_subject[subject].message_id, quote=False) in card
    reply_row = next(row for row in rows if by_subject[row[1]].kind == "reply")
    original = by_subject[reply_row[1]].answers
    reply_card = web.get(f"/inbox/{reply_row[0]}")
    assert html.escape(original.message_id, quote=False) in reply_card, "the reply's card lacks In-Reply-To"
    assert html.escape(original.subject, quote=False) in reply_card, \
        f"the card of {reply_row[1]!r} does not link the message it answers ({original.subject!r})"
    if llm is not None:
        check_fake_llm_verdicts(web, llm, messages, old, rows)


def test_killed_in_the_middle_of_a_sync(mail, server):
    now = datetime.datetime.now(datetime.timezone.utc)
    messages, old = corpus(now, seed=20260202)
    login, password = dovecot_users.add_user("restart")
    append_all(mail, login, password, old + messages)
    server.stop()
    server.start("--sync-batch-size", str(KILL_TEST_BATCH))

    web = Web(server.base)
    sign_up(web, "boris@romashka.ru")
    add_imap_mailbox(web, mail, login, password)

    # SIGKILL as soon as the first stored batch shows, before the sync is through.
    def some_stored():
        progress = web.progress()
        return progress["mailboxes"][0]["messagesStored"] > 0 or progress["totals"]["messages"] > 0, progress
    at_kill = wait_for("the first messages stored", some_stored, PIPELINE_TIMEOUT, interval=0.02)
    server.process.kill()
    server.process.wait(timeout=20)
    keywords = keywords_by_message_id(mail, login, password)
    labelled = sum(1 for k in keywords.values() if k)
    # What the kill left in the database, read by a server without workers (nothing moves on).
    server.start("--no-workers")
    left = web.progress()
    server.stop()
    stored_at_kill = left["totals"]["messages"]
    print(f"\nkilled with {stored_at_kill} stored (the first seen: {at_kill['totals']['messages']}), "
          f"{left['totals']['unclassified']} of them unclassified, {labelled} labelled")
    assert stored_at_kill < MESSAGES, "the sync was through before the kill: the test proves nothing"
    assert labelled < MESSAGES, "the pipeline was through before the kill: the test proves nothing"

    server.start()
    started = time.time()
    wait_for(f"{MESSAGES} messages stored and classified after the restart {server_log_hint(server)}",
             pipeline_done(web, MESSAGES), PIPELINE_TIMEOUT)
    wait_for("every message labelled after the restart",
             all_keyworded(mail, login, password, [m.message_id for m in messages]), PIPELINE_TIMEOUT - (time.time() - started))
    print(f"done {time.time() - started:.1f} s after the restart")

    rows = check_one_copy_each(web, messages, old)
    keywords = check_keywords(web, mail, login, password, messages, rows)
    twice = {mid: k for mid, k in keywords.items() if len(k) > 1}
    assert not twice, f"messages with more than one keyword: {list(twice.items())[:5]}"
    final = web.progress()
    assert final["totals"]["failedLabels"] == 0 and final["mailboxes"][0]["status"] == "connected", final


def test_new_uidvalidity_imports_nothing_twice(mail, server):
    count = 150
    now = datetime.datetime.now(datetime.timezone.utc)
    messages, old = corpus(now, count=count, old=3, seed=20260303)
    login, password = dovecot_users.add_user("uidvalidity")
    append_all(mail, login, password, old + messages)
    before = dovecot_users.inbox_status(login)

    web = Web(server.base)
    sign_up(web, "vera@romashka.ru")
    mailbox_id = add_imap_mailbox(web, mail, login, password)
    wait_for(f"{count} messages stored and classified {server_log_hint(server)}", pipeline_done(web, count), PIPELINE_TIMEOUT)
    wait_for("every message labelled", all_keyworded(mail, login, password, [m.message_id for m in messages]), PIPELINE_TIMEOUT)
    first_sync = web.progress()["mailboxes"][0]["lastSyncAt"]

    # The INBOX deleted and made again with the same messages in another order: a new
    # UIDVALIDITY, and the UIDs 1… handed out again, to other messages than before.
    new_validity = dovecot_users.recreate_inbox(login)
    while new_validity == before["uidvalidity"]:
        time.sleep(1)
        new_validity = dovecot_users.recreate_inbox(login)
    append_all(mail, login, password, list(reversed(old + messages)))
    assert dovecot_users.inbox_status(login)["messages"] == len(old) + count

    time.sleep(1.1)  # lastSyncAt has whole seconds
    status, location, text = web.post(f"/mailboxes/{mailbox_id}/sync", [], token_from="/mailboxes")
    assert (status, location) == (303, "/mailboxes"), f"sync now: {status} {location}\n{text[:2000]}"

    def synced_again():
        progress = web.progress()
        mailbox = progress["mailboxes"][0]
        if mailbox["status"] == "error":
            pytest.fail(f"the mailbox is in error after the new UIDVALIDITY: {json.dumps(progress, ensure_ascii=False)}", pytrace=False)
        done = mailbox["lastSyncAt"] != first_sync and mailbox["status"] == "connected" and progress["totals"]["queuedJobs"] <= 1
        return done, progress
    progress = wait_for(f"the sync after the new UIDVALIDITY {server_log_hint(server)}", synced_again, 120)
    assert progress["totals"]["messages"] == count, f"after the new UIDVALIDITY: {progress['totals']}"
    assert progress["mailboxes"][0]["messagesStored"] == count, progress
    rows = check_one_copy_each(web, messages, old)

    # The new INBOX came without keywords: the labels done before are carried out again under the
    # new UIDs, each message getting exactly its verdict's keyword back.
    wait_for(f"every message labelled again after the new UIDVALIDITY {server_log_hint(server)}",
             all_keyworded(mail, login, password, [m.message_id for m in messages]), PIPELINE_TIMEOUT)
    check_keywords(web, mail, login, password, messages, rows)

    # The stored messages follow their new UIDs: a correction relabels the message in its new place.
    labels, review_label = label_names(web)
    by_subject = {m.subject: m for m in messages}
    card_id, subject, category, needs_review = rows[0]
    card = web.get(f"/inbox/{card_id}")
    choices = re.findall(r'<option value="([0-9A-Fa-f-]{36})"( selected)?>([^<]+)</option>', card)
    target_id, _, target_name = next(choice for choice in choices if html.unescape(choice[2]) != category)
    target_name = html.unescape(target_name)
    status, location, text = web.post(f"/inbox/{card_id}/category", [("category_id", target_id)], token_from=f"/inbox/{card_id}")
    assert status == 303, f"correcting the category: {status}\n{text[:2000]}"
    expected = [keyword_for(labels[target_name])]
    message_id = by_subject[subject].message_id

    def relabelled():
        found = keywords_by_message_id(mail, login, password).get(message_id)
        return found == expected, {"keywords": found, "expected": expected}
    wait_for(f"{subject!r} relabelled as {target_name!r} under its new UID (the stored item id must follow the "
             f"renumbered message) {server_log_hint(server)}", relabelled, 60)
