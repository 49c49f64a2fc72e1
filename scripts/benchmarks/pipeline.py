#!/usr/bin/env python3
"""scripts/bench pipeline: the whole inbox pipeline of a release `smartysales serve` (sync over
IMAP + MIME parsing + the embedded classifier + IMAP keywords written back + storage in SQLite)
on MESSAGES messages, beside Python's imaplib only fetching the same data bare.

scripts/bench starts a throwaway Dovecot (scripts/lib/mailservers.sh). This gives the run a
Dovecot user of its own (scripts/lib/dovecot_users.py; the product reads INBOX) and APPENDs the
messages of imap.py's generator (3–5 KB, text + HTML, about half Russian) to its INBOX with
internal dates in the last five days. Then it starts `serve` on a fresh data directory (SQLite,
no LLM key in its environment, so the embedded classifier classifies), signs up a company
(Russian, so its six default categories), and adds the mailbox through POST /mailboxes as the
IMAP form sends it (implicit TLS, the throwaway CA as the custom CA, a 7-day import window).

The clock starts just before that POST and stops when every message carries one of the
company's keywords in Dovecot (a category's label or "needs review"; counted with ESEARCH on a
separate read-only connection). On the way it notes when /inbox/progress first reports all
MESSAGES stored, and all of them classified. The server's peak RSS is VmHWM of its process at
the end, its CPU time from /proc. Then, with the server stopped, imaplib fetches the same
mailbox as imap.py does (UID FETCH 1:* of UID, flags, internal date, size, header and the first
2 KB of part 1, over TLS, parsed into per-message values), best of ROUNDS.

Summary: `pipeline: ours X messages/s; imaplib Y messages/s; ratio R` (more is better).
Targets (issue 7): ratio >= 0.67, >= 300 messages/s, peak RSS < 300 MB.
"""
import argparse, datetime, html, http.cookiejar, imaplib, json, os, re, signal, socket, ssl, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
from imap import generate_messages, imaplib_fetch  # noqa: E402
import dovecot_users  # noqa: E402
from keyword_mapping import keyword_for  # noqa: E402

MESSAGES = 10_000
ROUNDS = 3
IMPORT_WINDOW_DAYS = 7
TIMEOUT = 900
PASSWORD = "bench owner phrase 1"
LLM_VARIABLES = [f"SMARTYSALES_{provider}_{suffix}" for provider in ("OPENAI", "ANTHROPIC", "DEEPSEEK")
                 for suffix in ("API_KEY", "MODEL", "BASE_URL")]


def environment():
    env = os.environ
    names = ("SMARTYSALES_TEST_IMAP_HOST", "SMARTYSALES_TEST_IMAPS_PORT", "SMARTYSALES_TEST_CA_FILE",
             "SMARTYSALES_TEST_SMTP_HOST", "SMARTYSALES_TEST_SMTPS_PORT", "SMARTYSALES_TEST_DOVECOT_CONF",
             "SMARTYSALES_TEST_DOVECOT_PASSWD", "SMARTYSALES_TEST_DOVECOT_HOMES")
    missing = [n for n in names if not env.get(n)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not set: run this through scripts/bench, which starts Dovecot")
    return {"host": env["SMARTYSALES_TEST_IMAP_HOST"], "port": int(env["SMARTYSALES_TEST_IMAPS_PORT"]),
            "ca": env["SMARTYSALES_TEST_CA_FILE"], "smtp_host": env["SMARTYSALES_TEST_SMTP_HOST"],
            "smtp_port": int(env["SMARTYSALES_TEST_SMTPS_PORT"])}


def mailbox_server(server, login, password):
    """imap.py's server description, for one Dovecot user."""
    return {"host": server["host"], "port": server["port"], "user": login, "password": password, "ca": server["ca"]}


def imap_connect(server, login, password):
    context = ssl.create_default_context(cafile=server["ca"])
    imap = imaplib.IMAP4_SSL(server["host"], server["port"], ssl_context=context, timeout=120)
    imap.login(login, password)
    return imap


def fill_inbox(server, login, password, messages, days=5, batch=500):
    """APPENDs to INBOX (MULTIAPPEND + LITERAL+), internal dates spread over the last `days` days."""
    imap = imap_connect(server, login, password)
    now = datetime.datetime.now(datetime.timezone.utc)
    step = datetime.timedelta(days=days) / max(len(messages), 1)
    for start in range(0, len(messages), batch):
        tag = imap._new_tag()
        parts = [tag + b" APPEND INBOX"]
        for i in range(start, min(start + batch, len(messages))):
            when = imaplib.Time2Internaldate(now - datetime.timedelta(days=days) + step * i)
            parts.append(f" () {when} {{{len(messages[i])}+}}\r\n".encode() + messages[i])
        imap.send(b"".join(parts) + b"\r\n")
        while True:
            line = imap.readline()
            if not line:
                raise SystemExit("Dovecot closed the connection during APPEND")
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise SystemExit(f"APPEND: {line!r}")
                break
    imap.logout()


# ---------------------------------------------------------------------------------------------
# The server and its web forms.

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A release `smartysales serve` on a fresh SQLite data directory, without any LLM key."""

    def __init__(self, binary, workdir, extra=()):
        self.data = tempfile.mkdtemp(prefix="data-", dir=workdir)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and k not in LLM_VARIABLES}
        self.log = open(os.path.join(self.data, "server.out"), "w")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--data-dir", self.data, "--log-level", "warning", *extra],
            env=env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except Exception:
                if self.process.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"the server did not start; see {self.data}/server.out")
                time.sleep(0.2)

    def status(self):
        """/proc/PID/status as {field: value in kB or text}."""
        fields = {}
        with open(f"/proc/{self.process.pid}/status") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                parts = value.split()
                fields[name] = int(parts[0]) if len(parts) == 2 and parts[1] == "kB" else value.strip()
        return fields

    def cpu_seconds(self):
        with open(f"/proc/{self.process.pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Web:
    """A signed-in browser without the browser: forms posted with their CSRF token."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
        self.token = None

    def request(self, path, fields=None):
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=120) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def get(self, path):
        status, _, text = self.request(path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status}\n{text[:1000]}")
        return text

    def post(self, path, fields, token_from=None):
        """The token of the page `token_from`, or the last one read (it lives as long as the session)."""
        if token_from or not self.token:
            self.token = re.search(r'name="csrf_token" value="([^"]+)"', self.get(token_from or "/dashboard")).group(1)
        status, headers, text = self.request(path, [*fields, ("csrf_token", self.token)])
        return status, headers.get("Location"), text

    def progress(self):
        return json.loads(self.get("/inbox/progress"))


def sign_up(web, email):
    status, location, text = web.post("/signup", [
        ("full_name", "Bench Owner"), ("email", email), ("password", PASSWORD), ("password_confirm", PASSWORD),
        ("company_name", "ООО Бенчмарк"), ("company_description", "benchmark"), ("locale", "ru")], token_from="/signup")
    if (status, location) != (303, "/dashboard"):
        raise SystemExit(f"sign-up: {status} {location}\n{text[:1000]}")
    web.token = None  # the session changed with the sign-in


def add_mailbox(web, server, login, password, name="Bench"):
    with open(server["ca"]) as handle:
        ca = handle.read()
    status, location, text = web.post("/mailboxes", [
        ("kind", "imap"), ("display_name", name), ("address", login), ("username", login),
        ("imap_host", server["host"]), ("imap_port", str(server["port"])), ("imap_tls", "implicit"),
        ("smtp_host", server["smtp_host"]), ("smtp_port", str(server["smtp_port"])), ("smtp_tls", "implicit"),
        ("custom_ca", ca), ("import_window_days", str(IMPORT_WINDOW_DAYS)), ("password", password)])
    if (status, location) != (303, "/mailboxes"):
        raise SystemExit(f"adding the mailbox {login}: {status} {location}\n{text[:2000]}")


def our_keywords(web):
    """The IMAP keywords the company's labels become (KeywordMapping), from the categories page."""
    page = web.get("/categories")
    labels = [html.unescape(label) for label in re.findall(r"<code>([^<]*)</code>", page)]
    review = re.search(r'name="needs_review_label"[^>]*value="([^"]*)"', page)
    if not labels or not review:
        raise SystemExit("the categories page shows no labels")
    return sorted({keyword_for(label) for label in labels + [html.unescape(review.group(1))]})


def labelled_count(imap, keywords):
    """Messages carrying any of `keywords`: one ESEARCH COUNT on a read-only connection."""
    criteria = f"KEYWORD {keywords[-1]}"
    for keyword in reversed(keywords[:-1]):
        criteria = f"OR KEYWORD {keyword} {criteria}"
    imap.untagged_responses.pop("ESEARCH", None)
    typ, data = imap.uid("SEARCH", "RETURN (COUNT)", criteria)
    if typ != "OK":
        raise SystemExit(f"SEARCH: {data}")
    for line in imap.untagged_responses.pop("ESEARCH", []):
        found = re.search(rb"COUNT (\d+)", line)
        if found:
            return int(found.group(1))
    return 0


# ---------------------------------------------------------------------------------------------


def run_ours(binary, workdir, server, login, password, count, sample):
    srv = Server(binary, workdir)
    try:
        web = Web(srv.base)
        sign_up(web, "bench@romashka.ru")
        keywords = our_keywords(web)
        watcher = imap_connect(server, login, password)
        watcher.select("INBOX", readonly=True)
        rss_before = srv.status()["VmRSS"]
        cpu_before = srv.cpu_seconds()
        started = time.perf_counter()
        add_mailbox(web, server, login, password)
        marks = {}
        peak_rss = 0
        last_print = started
        progress = None
        while True:
            now = time.perf_counter()
            if now - started > TIMEOUT:
                raise SystemExit(f"not labelled after {TIMEOUT} s: {json.dumps(progress)[:2000]}; logs in {srv.data}")
            progress = web.progress()
            box, totals = progress["mailboxes"][0], progress["totals"]
            if box["status"] == "error":
                raise SystemExit(f"the mailbox is in error: {json.dumps(progress, ensure_ascii=False)}; logs in {srv.data}")
            stored = max(box["messagesStored"], totals["messages"])
            if "stored" not in marks and stored >= count:
                marks["stored"] = now - started
            if "classified" not in marks and totals["messages"] >= count and totals["unclassified"] == 0:
                marks["classified"] = now - started
            watcher.noop()
            labelled = labelled_count(watcher, keywords)
            if labelled >= count:
                marks["labelled"] = time.perf_counter() - started
                break
            peak_rss = max(peak_rss, srv.status()["VmRSS"])
            if now - last_print >= 10:
                print(f"    {now - started:5.0f} s: stored {stored}, unclassified {totals['unclassified']}, labelled {labelled}, "
                      f"jobs {totals['queuedJobs']}, RSS {peak_rss / 1024:.0f} MB", flush=True)
                last_print = now
            time.sleep(sample)
        status = srv.status()
        cpu = srv.cpu_seconds() - cpu_before
        final = web.progress()
        watcher.logout()
        return {"marks": marks, "hwm_kb": status["VmHWM"], "rss_kb": status["VmRSS"], "rss_before_kb": rss_before,
                "cpu_seconds": cpu, "totals": final["totals"], "stored": final["mailboxes"][0]["messagesStored"],
                "status": final["mailboxes"][0]["status"], "data": srv.data}
    finally:
        srv.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="release build of smartysales")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="imaplib rounds (the best counts)")
    parser.add_argument("--sample", type=float, default=0.5, help="seconds between progress checks")
    args = parser.parse_args()
    server = environment()
    login, password = dovecot_users.add_user("bench-pipeline")

    started = time.perf_counter()
    messages = generate_messages(args.messages)
    generated = time.perf_counter()
    fill_inbox(server, login, password, messages)
    filled = time.perf_counter()
    sizes = [len(m) for m in messages]
    print(f"{len(messages)} messages, {sum(sizes) / 1e6:.1f} MB ({min(sizes)}–{max(sizes)} bytes), generated in "
          f"{generated - started:.1f} s, appended to the INBOX of {login} in {filled - generated:.1f} s")

    print("ours: release `smartysales serve` (SQLite, embedded classifier), from POST /mailboxes until every message "
          "carries its keyword in Dovecot:", flush=True)
    ours = run_ours(args.binary, args.workdir, server, login, password, len(messages), args.sample)
    marks = ours["marks"]
    for name in ("stored", "classified", "labelled"):
        if name in marks:
            print(f"  all {name:10} after {marks[name]:7.2f} s  ({len(messages) / marks[name]:6.0f} messages/s)")
    rate = len(messages) / marks["labelled"]
    print(f"  server CPU {ours['cpu_seconds']:.1f} s ({ours['cpu_seconds'] * 1000 / len(messages):.2f} ms/message); "
          f"RSS {ours['rss_before_kb'] / 1024:.0f} MB before, {ours['rss_kb'] / 1024:.0f} MB at the end, "
          f"peak (VmHWM) {ours['hwm_kb'] / 1024:.0f} MB")
    totals = ours["totals"]
    print(f"  end state: mailbox {ours['status']}, {ours['stored']} stored, needs review {totals['needsReview']}, "
          f"unclassified {totals['unclassified']}, failed labels {totals['failedLabels']}")
    if ours["stored"] != len(messages) or totals["messages"] != len(messages) or totals["failedLabels"]:
        print(f"  PROBLEM: expected {len(messages)} stored and labelled, no failures (logs in {ours['data']})")

    peer_server = mailbox_server(server, login, password)
    runs = [imaplib_fetch(peer_server, "INBOX", 0) for _ in range(args.rounds)]
    peer = max(runs, key=lambda r: r["messages_per_s"])
    print(f"imaplib: UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER] BODY.PEEK[1]<0.2048>) of the same "
          f"INBOX, parsed, best of {args.rounds}: {peer['messages']} messages in {peer['seconds']:.2f} s, "
          f"{peer['messages_per_s']:.0f} messages/s, CPU {peer['cpu_ms_per_message']:.3f} ms/message")
    if peer["messages"] != len(messages):
        print(f"  PROBLEM: imaplib fetched {peer['messages']} messages, not {len(messages)}")

    ratio = rate / peer["messages_per_s"]
    peak_mb = ours["hwm_kb"] / 1024
    checks = [f"ratio {ratio:.2f} (target >= 0.67) {'met' if ratio >= 0.67 else 'NOT met'}",
              f"{rate:.0f} messages/s (target >= 300) {'met' if rate >= 300 else 'NOT met'}",
              f"peak RSS {peak_mb:.0f} MB (target < 300) {'met' if peak_mb < 300 else 'NOT met'}"]
    print("  target check: " + "; ".join(checks))
    print(f"pipeline: ours {rate:.0f} messages/s; imaplib {peer['messages_per_s']:.0f} messages/s; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
