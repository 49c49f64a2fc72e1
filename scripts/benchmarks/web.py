#!/usr/bin/env python3
"""scripts/bench web: wrk against a release build of `smartysales serve`.

For each database (SQLite, then PostgreSQL) it starts the server on a free loopback port, signs
up a user through the real forms, and runs wrk at 32 connections against
  - /healthz: a static route of the same server, the framework's ceiling,
  - /login: the sign-in page (anonymous, rendered),
  - /dashboard: a signed-in user's dashboard (session lookup, audit write, live counts).
It prints throughput and p50/p99 for each, and ends with the summary line, whose figure is the
dashboard's throughput on SQLite against the static route's (more is better for both).
"""
import argparse, contextlib, os, re, signal, socket, subprocess, tempfile, time, urllib.parse, urllib.request, http.cookiejar

DURATION = "10s"
CONNECTIONS = 32
THREADS = 2


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(base, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.3)
    raise SystemExit("server did not become ready")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_up(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/signup").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({
        "full_name": "Bench User", "email": "bench@example.ru", "password": "bench password 1",
        "password_confirm": "bench password 1", "company_name": "Bench LLC", "company_description": "benchmark",
        "locale": "en", "csrf_token": token}).encode()
    try:
        opener.open(base + "/signup", data=form)
    except urllib.error.HTTPError as e:
        if e.code != 303:
            raise
    session = next((c.value for c in jar if c.name == "ss_session"), None)
    if not session:
        raise SystemExit("sign-up did not produce a session")
    return session


def wrk(url, cookie=None, connections=CONNECTIONS):
    cmd = ["wrk", "-t", str(THREADS), "-c", str(connections), "-d", DURATION, "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: ss_session={cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "errors": int(non2xx.group(1)) if non2xx else 0}


@contextlib.contextmanager
def serving(binary, workdir, label, database_url, extra_args=()):
    """A release `serve` on a free loopback port with its own data directory (and `database_url`
    for PostgreSQL), ready; yields (base URL, data directory, environment) and stops it after."""
    data = tempfile.mkdtemp(prefix=f"data-{label}-", dir=workdir)
    port = free_port()
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    log = open(os.path.join(data, "server.out"), "w")
    server = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data, "--log-level", "warning", *extra_args],
                              env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base)
        yield base, data, env
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def postgres_database(admin_url, name):
    """A new database on the throwaway server; its URL."""
    subprocess.run(["psql", admin_url, "-qc", f"CREATE DATABASE {name}"], check=True, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
    return admin_url.replace("/postgres?", f"/{name}?")


def run_engine(binary, workdir, label, database_url):
    with serving(binary, workdir, label, database_url) as (base, _, _):
        session = sign_up(base)
        results = {}
        for name, path, cookie in [("static", "/healthz", None), ("login", "/login", None), ("dashboard", "/dashboard", session)]:
            wrk(base + path, cookie)  # warm-up pass, discarded
            results[name] = wrk(base + path, cookie)
            r = results[name]
            print(f"  {label:10} {name:9} {r['rps']:10.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  non-2xx {r['errors']}")
        for name in ("login", "dashboard"):
            print(f"  {label:10} {name:9} ratio to static route: {results[name]['rps'] / results['static']['rps']:.3f}")
        return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--postgres", required=True)
    args = parser.parse_args()
    print(f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}, release build, loopback")
    sqlite = run_engine(args.binary, args.workdir, "sqlite", None)
    postgres = run_engine(args.binary, args.workdir, "postgresql", postgres_database(args.postgres, "bench"))
    for label, results in (("sqlite", sqlite), ("postgresql", postgres)):
        d = results["dashboard"]
        print(f"  target check {label}: dashboard/static {d['rps'] / results['static']['rps']:.3f} (target >= 0.5), p99 {d['p99']:.2f} ms (target < 20)")
    d, s = sqlite["dashboard"], sqlite["static"]
    print(f"web: ours {d['rps']:.0f} req/s; static-route {s['rps']:.0f} req/s; ratio {d['rps'] / s['rps']:.3f}")


if __name__ == "__main__":
    main()
