#!/usr/bin/env python3
"""scripts/bench imap: our IMAP client against Python's imaplib, fetching from a real Dovecot.

scripts/bench starts a throwaway Dovecot (scripts/lib/mailservers.sh, SMARTYSALES_TEST_* in the
environment). This appends MESSAGES generated messages (headers as real mail carries them,
multipart/alternative text + HTML, 3–5 KB, about half of them Russian) to a fresh mailbox with
imaplib, then has each client do what an initial sync does: over implicit TLS, log in, EXAMINE
the mailbox and

    UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[1]<0.2048>)

(or in UID ranges of --batch messages, the same for both), ending with every message's UID,
flags, internal date, size, header block and first 2 KB of its first part in memory. imaplib
returns the raw response pieces, so the peer parses them into per-message values (UID, flag
list, internal date as a datetime, size, the two literals) — roughly what our client hands back.
Each client runs ROUNDS times; the best round counts. The clock runs from connecting to having
the last message (logout not included) on both sides; beside the rate, each side's own CPU time
per message is shown (Dovecot's is in neither). A third line shows the server's ceiling: a bare
TLS socket sending the same commands and reading the responses without parsing them.
"""
import argparse, datetime, email.utils, imaplib, json, os, random, re, resource, socket, ssl, subprocess, sys, time

MESSAGES = 10_000
ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[1]<0.2048>)"

# ---------------------------------------------------------------------------------------------
# Messages. Also used by smtp.py (same directory).

RU_WORDS = ("предложение коммерческое поставка оборудования договор счёт оплата согласование "
            "сроки доставки склад логистика менеджер проект внедрение интеграция система заявка "
            "спецификация скидка партнёр встреча презентация условия гарантия сервис техническое "
            "задание бюджет квартал отчёт закупка тендер цена объём компания решение клиент").split()
EN_WORDS = ("proposal delivery equipment contract invoice payment approval schedule warehouse "
            "logistics manager project rollout integration system request specification discount "
            "partner meeting presentation terms warranty service requirements budget quarter "
            "report procurement tender price volume company solution customer").split()
RU_NAMES = ["Иван Петров", "Мария Смирнова", "Алексей Кузнецов", "Ольга Попова", "Дмитрий Соколов",
            "Екатерина Лебедева", "Сергей Козлов", "Анна Новикова"]
EN_NAMES = ["John Smith", "Emma Brown", "Oliver Jones", "Sophia Miller", "James Wilson"]
DOMAINS = ["example.ru", "torgservis.ru", "promsnab.example", "mail.example.com", "postavka.example"]
RU_SUBJECTS = ["Коммерческое предложение", "Счёт на оплату №", "Согласование договора", "Заявка на поставку",
               "Re: Встреча по проекту", "Отчёт за квартал", "Приглашение на презентацию"]
EN_SUBJECTS = ["Commercial proposal", "Invoice #", "Contract review", "Delivery request", "Re: Project meeting"]


def _text(rng, words, size):
    paragraphs, total = [], 0
    while total < size:
        sentence_count = rng.randint(2, 5)
        sentences = []
        for _ in range(sentence_count):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14)))
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph.encode())
    return paragraphs


def _wrap(line, width=76):
    out, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    return out


def generate_message(index, rng):
    """One message, CRLF line ends, 3–5 KB. Deterministic for a given rng state."""
    from email.header import Header
    russian = rng.random() < 0.5
    words, names = (RU_WORDS, RU_NAMES) if russian else (EN_WORDS, EN_NAMES)
    sender, recipient = rng.choice(names), rng.choice(names)
    sender_address = f"user{rng.randint(1, 500)}@{rng.choice(DOMAINS)}"
    subject = rng.choice(RU_SUBJECTS if russian else EN_SUBJECTS) + f" {index}"
    date = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=3))) + \
        datetime.timedelta(minutes=index * 7 + rng.randint(0, 5))
    boundary = f"----=_Part_{index}_{rng.getrandbits(40):010x}"
    paragraphs = _text(rng, words, rng.randint(380, 850) if russian else rng.randint(700, 1400))

    def mailbox(name, address):
        display = Header(name, "utf-8").encode() if not name.isascii() else f'"{name}"'
        return f"{display} <{address}>"

    plain_lines = []
    for p in paragraphs:
        plain_lines += _wrap(p) + [""]
    plain_lines += ["--", sender, "+7 495 123-45-67"]
    html = "<html><body>" + "".join(f"<p>{p}</p>\r\n" for p in paragraphs) + f"<p>--<br>{sender}</p></body></html>"
    if russian:
        import base64
        plain_part = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        plain_part += _b64_lines(base64, "\r\n".join(plain_lines).encode())
        html_part = ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", ""]
        html_part += _b64_lines(base64, html.encode())
    else:
        plain_part = ["Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 7bit", ""] + plain_lines
        html_part = ["Content-Type: text/html; charset=us-ascii", "Content-Transfer-Encoding: 7bit", ""] + \
            [line for chunk in html.split("\r\n") for line in _wrap(chunk)]
    message_id = f"<{index}.{rng.getrandbits(48):012x}@{sender_address.split('@')[1]}>"
    headers = [
        f"Return-Path: <{sender_address}>",
        f"Received: from mx{rng.randint(1, 9)}.{sender_address.split('@')[1]} (mx.{sender_address.split('@')[1]} "
        f"[203.0.113.{rng.randint(1, 254)}])",
        f"\tby mx.smartysales.test with ESMTPS id {rng.getrandbits(64):016x}",
        f"\tfor <sales@smartysales.test>; {email.utils.format_datetime(date)}",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + sender_address.split("@")[1] + "; s=mail;",
        "\th=from:to:subject:date:message-id:mime-version;",
        "\tbh=" + _b64(rng, 32) + ";",
        "\tb=" + _b64(rng, 96),
        f"Date: {email.utils.format_datetime(date)}",
        f"From: {mailbox(sender, sender_address)}",
        f"To: {mailbox(recipient, 'sales@smartysales.test')}",
        "Subject: " + (Header(subject, "utf-8").encode(maxlinelen=76, linesep="\r\n") if russian else subject),
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
    ]
    lines = headers + ["", "This is a multi-part message in MIME format.", "", f"--{boundary}"] + plain_part + \
        ["", f"--{boundary}"] + html_part + ["", f"--{boundary}--", ""]
    return "\r\n".join(lines).encode()


def _b64(rng, n):
    import base64
    return base64.b64encode(rng.getrandbits(8 * n).to_bytes(n, "big")).decode()


def _b64_lines(base64, data):
    encoded = base64.b64encode(data).decode()
    return [encoded[i:i + 76] for i in range(0, len(encoded), 76)]


def generate_messages(count, seed=20250101):
    rng = random.Random(seed)
    return [generate_message(i + 1, rng) for i in range(count)]


# ---------------------------------------------------------------------------------------------


def environment():
    env = os.environ
    missing = [n for n in ("SMARTYSALES_TEST_IMAP_HOST", "SMARTYSALES_TEST_IMAPS_PORT", "SMARTYSALES_TEST_IMAP_USER",
                           "SMARTYSALES_TEST_IMAP_PASSWORD", "SMARTYSALES_TEST_CA_FILE") if not env.get(n)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not set: run this through scripts/bench imap, which starts Dovecot")
    return {"host": env["SMARTYSALES_TEST_IMAP_HOST"], "port": int(env["SMARTYSALES_TEST_IMAPS_PORT"]),
            "user": env["SMARTYSALES_TEST_IMAP_USER"], "password": env["SMARTYSALES_TEST_IMAP_PASSWORD"],
            "ca": env["SMARTYSALES_TEST_CA_FILE"]}


def connect(server):
    context = ssl.create_default_context(cafile=server["ca"])
    imap = imaplib.IMAP4_SSL(server["host"], server["port"], ssl_context=context)
    imap.login(server["user"], server["password"])
    return imap


def fill_mailbox(server, mailbox, messages, batch=500):
    """APPENDs every message (some \\Seen, some \\Flagged or with a keyword), internal dates spread.

    imaplib sends one APPEND per round trip; to be quick this sends MULTIAPPEND commands of
    `batch` messages with LITERAL+ literals (both offered by Dovecot) on imaplib's connection."""
    rng = random.Random(7)
    imap = connect(server)
    typ, data = imap.create(mailbox)
    if typ != "OK":
        raise SystemExit(f"CREATE {mailbox}: {data}")
    capabilities = imap.capability()[1][-1].upper().split()
    if b"MULTIAPPEND" not in capabilities or b"LITERAL+" not in capabilities:
        raise SystemExit(f"the server offers no MULTIAPPEND or LITERAL+: {capabilities}")
    base = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    for start in range(0, len(messages), batch):
        tag = imap._new_tag()
        command = [tag + b" APPEND " + mailbox.encode()]
        for i in range(start, min(start + batch, len(messages))):
            flags = []
            if rng.random() < 0.7:
                flags.append("\\Seen")
            if rng.random() < 0.1:
                flags.append("\\Flagged")
            if rng.random() < 0.05:
                flags.append("Lead")
            when = imaplib.Time2Internaldate(base + datetime.timedelta(minutes=7 * i))
            command.append(f" ({' '.join(flags)}) {when} {{{len(messages[i])}+}}\r\n".encode() + messages[i])
        imap.send(b"".join(command) + b"\r\n")
        while True:
            line = imap.readline()
            if not line:
                raise SystemExit("Dovecot closed the connection during APPEND")
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise SystemExit(f"APPEND: {line!r}")
                break
    imap.logout()


FETCH_START = re.compile(rb"(\d+) \(")
UID_RE = re.compile(rb"\bUID (\d+)")
FLAGS_RE = re.compile(rb"\bFLAGS \(([^)]*)\)")
DATE_RE = re.compile(rb'\bINTERNALDATE "([^"]+)"')
SIZE_RE = re.compile(rb"\bRFC822\.SIZE (\d+)")
LITERAL_RE = re.compile(rb"(BODY\[[^\]]*\](?:<\d+>)?) \{\d+\}$")


def _attributes(text, message):
    if (m := UID_RE.search(text)):
        message["uid"] = int(m.group(1))
    if (m := FLAGS_RE.search(text)):
        message["flags"] = m.group(1).split()
    if (m := DATE_RE.search(text)):
        message["internal_date"] = datetime.datetime.strptime(m.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
    if (m := SIZE_RE.search(text)):
        message["size"] = int(m.group(1))


def parse_fetch(data):
    """imaplib's FETCH response pieces → one dict per message."""
    messages, current = [], None
    for item in data:
        text = item[0] if isinstance(item, tuple) else item
        m = FETCH_START.match(text)
        if m:
            current = {"sequence": int(m.group(1)), "header": b"", "text": b""}
            messages.append(current)
        _attributes(text, current)
        if isinstance(item, tuple):
            section = LITERAL_RE.search(text)
            name = section.group(1) if section else b""
            current["header" if name.startswith(b"BODY[HEADER]") else "text"] = item[1]
    return messages


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def imaplib_fetch(server, mailbox, batch):
    started, started_cpu = time.perf_counter(), cpu_seconds()
    imap = connect(server)
    typ, data = imap.select(mailbox, readonly=True)  # EXAMINE
    if typ != "OK":
        raise SystemExit(f"EXAMINE {mailbox}: {data}")
    messages = []
    if batch <= 0:
        typ, data = imap.uid("FETCH", "1:*", ITEMS)
        messages += parse_fetch(data)
    else:
        low = 1
        while True:
            typ, data = imap.uid("FETCH", f"{low}:{low + batch - 1}", ITEMS)
            part = parse_fetch([d for d in data if d is not None])
            if not part:
                break
            messages += part
            low += batch
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - started_cpu
    imap.logout()
    total = sum(len(m["header"]) + len(m["text"]) for m in messages)
    return {"messages": len(messages), "bytes": total, "seconds": seconds, "messages_per_s": len(messages) / seconds,
            "cpu_ms_per_message": cpu * 1000 / max(len(messages), 1)}


def ceiling_fetch(server, mailbox, batch):
    """Dovecot's ceiling: the same commands on a bare TLS socket, responses read but not parsed."""
    context = ssl.create_default_context(cafile=server["ca"])
    started, started_cpu = time.perf_counter(), cpu_seconds()
    sock = context.wrap_socket(socket.create_connection((server["host"], server["port"])), server_hostname=server["host"])
    buffer = bytearray()

    def until_tagged(tag):
        """The responses up to `tag`'s completion (which must be OK); keeps what follows it."""
        marker = b"\r\n" + tag + b" "
        searched = 0
        while True:
            at = buffer.find(marker, searched)
            if at >= 0:
                end = buffer.find(b"\r\n", at + 2)
                if end >= 0:
                    line = bytes(buffer[at + 2:end])
                    if not line.startswith(tag + b" OK"):
                        raise SystemExit(f"bare socket: {line!r}")
                    response = bytes(buffer[:at + 2])
                    buffer[:] = b"\r\n" + buffer[end + 2:]
                    return response
                searched = at
            else:
                searched = max(len(buffer) - len(marker), 0)
            data = sock.recv(1 << 20)
            if not data:
                raise SystemExit("bare socket: Dovecot closed the connection")
            buffer.extend(data)

    buffer.extend(b"\r\n")  # so the first tagged line is found after a CRLF as well
    login = f'L LOGIN "{server["user"]}" "{server["password"]}"\r\nE EXAMINE "{mailbox}"\r\n'
    sock.sendall(login.encode())
    until_tagged(b"L")
    until_tagged(b"E")
    count = 0
    ranges = ["1:*"] if batch <= 0 else (f"{low}:{low + batch - 1}" for low in range(1, 1 << 32, batch))
    for number, uids in enumerate(ranges):
        tag = f"F{number}".encode()
        sock.sendall(tag + f" UID FETCH {uids} {ITEMS}\r\n".encode())
        fetched = until_tagged(tag).count(b" FETCH (")
        if fetched == 0:
            break
        count += fetched
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - started_cpu
    sock.close()
    return {"messages": count, "seconds": seconds, "messages_per_s": count / seconds,
            "cpu_ms_per_message": cpu * 1000 / max(count, 1)}


def ours_fetch(binary, server, mailbox, batch):
    command = [binary, "imap", "--host", server["host"], "--port", str(server["port"]), "--user", server["user"],
               "--password", server["password"], "--ca", server["ca"], "--mailbox", mailbox, "--batch", str(batch)]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"mail-bench imap failed (exit {run.returncode})")
    return json.loads(run.stdout.strip().splitlines()[-1])


def best(runs):
    return max(runs, key=lambda r: r["messages_per_s"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", help="release build of mail-bench (omit to run only the Python side)")
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--batch", type=int, default=0, help="UIDs per UID FETCH (0: one UID FETCH 1:*)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = environment()
    mailbox = f"Bench-{os.getpid()}-{int(time.time())}"  # fresh even on a Dovecot that is not

    started = time.perf_counter()
    messages = generate_messages(args.messages)
    generated = time.perf_counter()
    fill_mailbox(server, mailbox, messages)
    filled = time.perf_counter()
    sizes = [len(m) for m in messages]
    print(f"{len(messages)} messages, {sum(sizes) / 1e6:.1f} MB ({min(sizes)}–{max(sizes)} bytes), "
          f"generated in {generated - started:.1f} s, appended in {filled - generated:.1f} s "
          f"({len(messages) / (filled - generated):.0f}/s)")

    results = {}
    if args.binary:
        results["ours"] = best([ours_fetch(args.binary, server, mailbox, args.batch) for _ in range(args.rounds)])
    results["imaplib"] = best([imaplib_fetch(server, mailbox, args.batch) for _ in range(args.rounds)])
    results["ceiling"] = best([ceiling_fetch(server, mailbox, args.batch) for _ in range(args.rounds)])
    fetch = "UID FETCH 1:*" if args.batch <= 0 else f"UID FETCH in ranges of {args.batch}"
    print(f"{fetch} {ITEMS}, best of {args.rounds}:")
    labels = {"ours": "ours", "imaplib": "imaplib", "ceiling": "server ceiling (bare socket, no parsing)"}
    for name, r in results.items():
        fetched = f"{r['bytes'] / 1e6:6.1f} MB fetched" if "bytes" in r else " " * 16
        print(f"  {labels[name]:40} {r['messages']:6} messages  {fetched}  "
              f"{r['seconds']:6.2f} s  {r['messages_per_s']:8.0f} messages/s  "
              f"CPU {r.get('cpu_ms_per_message', float('nan')):.3f} ms/message")
    peer = results["imaplib"]
    for name, r in results.items():
        if r["messages"] != len(messages):
            print(f"  PROBLEM: {labels[name]} fetched {r['messages']} messages, not {len(messages)}")
    if "ours" not in results:
        print(f"imap: imaplib {peer['messages_per_s']:.0f} messages/s (ours not run)")
        return
    ours = results["ours"]
    if ours["messages"] != peer["messages"] or ("bytes" in ours and ours["bytes"] != peer["bytes"]):
        print(f"  MISMATCH: ours {ours['messages']} messages / {ours.get('bytes')} bytes, "
              f"imaplib {peer['messages']} / {peer['bytes']}")
    if "cpu_ms_per_message" in ours:
        print(f"  CPU per message, imaplib / ours: {peer['cpu_ms_per_message'] / ours['cpu_ms_per_message']:.2f}")
    print(f"imap: ours {ours['messages_per_s']:.0f} messages/s; imaplib {peer['messages_per_s']:.0f} messages/s; "
          f"ratio {ours['messages_per_s'] / peer['messages_per_s']:.2f}")


if __name__ == "__main__":
    main()
