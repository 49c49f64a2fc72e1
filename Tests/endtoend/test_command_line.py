"""The command line as an operator meets it: HTTPS served directly, the super-admin created
from a pipe, migrations listed, probe jobs run by a separate worker process."""
import os
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from conftest import Server, database_url_for_test, free_port


def run(binary, data_dir, *args, stdin=None):
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    return subprocess.run([binary, *args, "--data-dir", data_dir], input=stdin, capture_output=True, text=True, env=env, timeout=120)


def test_https_with_hsts_and_secure_cookies():
    binary = os.environ["SMARTYSALES_BIN"]
    data_dir = tempfile.mkdtemp(prefix="smartysales-tls-")
    cert, key = os.path.join(data_dir, "cert.pem"), os.path.join(data_dir, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    port = free_port()
    log = open(os.path.join(data_dir, "server.out"), "w")
    process = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data_dir, "--tls-cert", cert, "--tls-key", key],
                               stdout=log, stderr=log, env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"})
    try:
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        deadline = time.time() + 60
        response = None
        while time.time() < deadline and response is None:
            try:
                response = urllib.request.urlopen(f"https://127.0.0.1:{port}/login", context=context, timeout=3)
            except (urllib.error.URLError, ConnectionError, ssl.SSLError):
                time.sleep(0.3)
        assert response is not None, "HTTPS server did not answer"
        assert response.status == 200
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        cookies = response.headers.get_all("Set-Cookie")
        assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
        # Plain HTTP on the TLS port is refused, not served.
        with socket.create_connection(("127.0.0.1", port), timeout=3) as plain:
            plain.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
            plain.settimeout(3)
            try:
                answer = plain.recv(100)
            except (ConnectionResetError, socket.timeout):
                answer = b""
            assert not answer.startswith(b"HTTP/1.1 200")
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_super_admin_from_stdin_signs_in_to_the_platform_console():
    binary = os.environ["SMARTYSALES_BIN"]
    data_dir = tempfile.mkdtemp(prefix="smartysales-cli-")
    weak = run(binary, data_dir, "admin", "create-super-admin", "--email", "root@platform.ru", stdin="short\n")
    assert weak.returncode != 0 and "password" in weak.stderr.lower()
    made = run(binary, data_dir, "admin", "create-super-admin", "--email", "root@platform.ru", stdin="platform root phrase\n")
    assert made.returncode == 0, made.stderr
    assert "root@platform.ru" in made.stdout
    again = run(binary, data_dir, "admin", "create-super-admin", "--email", "ROOT@platform.ru", stdin="platform root phrase\n")
    assert again.returncode != 0 and "already registered" in again.stderr
    fresh = os.path.join(data_dir, "fresh")
    assert run(binary, fresh, "migrate").returncode == 0
    assert oct(os.stat(fresh).st_mode & 0o777) == "0o700", "a new data directory is owner-only"
    migrations = run(binary, data_dir, "migrate")
    assert migrations.returncode == 0
    assert "M0001CreateCompanies" in migrations.stdout and "M0008CreateJobs" in migrations.stdout
    for log_file in os.listdir(os.path.join(data_dir, "log")):
        with open(os.path.join(data_dir, "log", log_file), "rb") as handle:
            assert b"platform root phrase" not in handle.read()

    server = Server(binary, data_dir, free_port(), None)
    server.start()
    try:
        import http.cookiejar
        import re
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(server.base + "/login").read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"email": "root@platform.ru", "password": "platform root phrase", "csrf_token": token}).encode()
        landing = opener.open(server.base + "/login", data=data)
        assert landing.geturl().endswith("/admin/tenants")
    finally:
        server.stop()


def test_worker_process_runs_probe_jobs():
    binary = os.environ["SMARTYSALES_BIN"]
    data_dir = tempfile.mkdtemp(prefix="smartysales-worker-")
    database_url = database_url_for_test()
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    probe = subprocess.run([binary, "admin", "probe", "--count", "25", "--data-dir", data_dir], capture_output=True, text=True, env=env, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert "enqueued 25" in probe.stdout
    log = open(os.path.join(data_dir, "worker.out"), "w")
    worker = subprocess.Popen([binary, "worker", "--data-dir", data_dir], env=env, stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        done = 0
        while time.time() < deadline and done < 25:
            time.sleep(0.5)
            done = count_probe_runs(data_dir, database_url)
        assert done == 25
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0, "the worker shuts down cleanly on SIGTERM"


def count_probe_runs(data_dir, database_url):
    query = "SELECT COUNT(*) FROM probe_runs"
    if database_url:
        out = subprocess.run(["psql", database_url, "-tAc", query], capture_output=True, text=True)
        return int(out.stdout.strip() or 0)
    import sqlite3
    with sqlite3.connect(os.path.join(data_dir, "smartysales.sqlite")) as db:
        return db.execute(query).fetchone()[0]


def test_sync_interval_is_checked_before_anything_starts():
    binary = os.environ["SMARTYSALES_BIN"]
    data_dir = tempfile.mkdtemp(prefix="smartysales-interval-")
    for command in ("serve", "worker"):
        for wrong in ("9", "86401"):
            result = run(binary, data_dir, command, "--sync-interval-seconds", wrong)
            assert result.returncode != 0, f"{command} accepted --sync-interval-seconds {wrong}"
            assert "--sync-interval-seconds must be between 10 and 86400" in result.stderr, result.stderr
        help_text = run(binary, data_dir, command, "--help").stdout
        assert "--sync-interval-seconds" in help_text, help_text
        assert "--sync-batch-size" not in help_text, "the test-only option stays out of the help"


def test_set_quota_changes_one_company_and_refuses_what_it_cannot_resolve():
    binary = os.environ["SMARTYSALES_BIN"]
    data_dir = tempfile.mkdtemp(prefix="smartysales-quota-")
    server = Server(binary, data_dir, free_port(), None)
    server.start()
    try:
        import http.cookiejar
        import re
        for email, company in [("anna@romashka.ru", "Ромашка"), ("boris@lotos.ru", "Лотос"), ("olga@lotos-spb.ru", "Лотос")]:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            page = opener.open(server.base + "/signup").read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({
                "full_name": "Анна Петрова", "email": email, "password": "tenant owner phrase 1", "password_confirm": "tenant owner phrase 1",
                "company_name": company, "company_description": "", "locale": "ru", "csrf_token": token}).encode()
            opener.open(server.base + "/signup", data=data)
    finally:
        server.stop()

    import sqlite3

    def limits():
        with sqlite3.connect(os.path.join(data_dir, "smartysales.sqlite")) as db:
            return sorted(db.execute("SELECT name, enrichment_monthly_limit FROM companies").fetchall())

    assert limits() == [("Лотос", 1000), ("Лотос", 1000), ("Ромашка", 1000)]
    by_name = run(binary, data_dir, "admin", "set-quota", "--company", "Ромашка", "--limit", "250")
    assert by_name.returncode == 0, by_name.stderr
    assert "1000 -> 250" in by_name.stdout
    assert limits() == [("Лотос", 1000), ("Лотос", 1000), ("Ромашка", 250)]

    # Two companies share the name: refused, with their ids to choose from; then by id.
    shared = run(binary, data_dir, "admin", "set-quota", "--company", "Лотос", "--limit", "5")
    assert shared.returncode != 0 and "2 companies" in shared.stderr
    lotos_id = re.search(r"([0-9A-F]{8}-[0-9A-F-]{27})", shared.stderr).group(1)
    by_id = run(binary, data_dir, "admin", "set-quota", "--company", lotos_id, "--limit", "0")
    assert by_id.returncode == 0, by_id.stderr
    assert limits() == [("Лотос", 0), ("Лотос", 1000), ("Ромашка", 250)]

    unknown = run(binary, data_dir, "admin", "set-quota", "--company", "Василёк", "--limit", "5")
    assert unknown.returncode != 0 and "no company" in unknown.stderr
    bad = run(binary, data_dir, "admin", "set-quota", "--company", "Ромашка", "--limit", "lots")
    assert bad.returncode != 0 and "--limit" in bad.stderr
    assert limits() == [("Лотос", 0), ("Лотос", 1000), ("Ромашка", 250)], "refusals change nothing"

    with sqlite3.connect(os.path.join(data_dir, "smartysales.sqlite")) as db:
        audited = db.execute("SELECT COUNT(*) FROM audit_events WHERE kind = 'platform.quota_changed'").fetchone()[0]
    assert audited == 2, "each change is on the audit trail"
