#!/usr/bin/env python3
"""scripts/bench clients: the client list page with 100,000 clients in one tenant.

For each database (SQLite, then PostgreSQL) it starts a release build of `smartysales serve` on a
free loopback port, signs up a user through the real forms, fills the company with 100,000 made-up
clients (`smartysales admin seed-clients`: valid INNs, real region and OKVED codes), and runs wrk
against the list as a sales team uses it: the default page (newest first), a deep page sorted by
revenue, and a filtered one (region + status). It prints p50/p99 and throughput for each; the
summary line gives the worst p99 of the default page across both databases (target < 50 ms).
"""
import argparse, os, subprocess, sys, time

sys.path.insert(0, os.path.dirname(__file__))
from web import postgres_database, serving, sign_up, wrk  # noqa: E402

CLIENTS = 100_000
CONNECTIONS = 8
PAGES = [
    ("default", "/clients"),
    ("revenue p.500", "/clients?sort=revenue&dir=desc&page=500"),
    ("filtered", "/clients?region=77&status=new&sort=name&dir=asc"),
    ("search", "/clients?q=%D0%90%D0%BB%D1%8C%D1%84%D0%B0+%D0%A1%D0%BE%D1%84%D1%82"),
]


def run_engine(binary, workdir, label, database_url):
    with serving(binary, workdir, label, database_url, ["--no-workers"]) as (base, data, env):
        session = sign_up(base)
        started = time.time()
        subprocess.run([binary, "admin", "seed-clients", "--data-dir", data, "--email", "bench@example.ru", "--count", str(CLIENTS),
                        "--log-level", "warning"], env=env, check=True)
        print(f"  {label:10} seeded {CLIENTS} clients in {time.time() - started:.1f} s")
        results = {}
        for name, path in PAGES:
            wrk(base + path, session, CONNECTIONS)  # warm-up pass, discarded
            r = results[name] = wrk(base + path, session, CONNECTIONS)
            print(f"  {label:10} {name:14} {r['rps']:8.0f} req/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms  non-2xx {r['errors']}")
            if r["errors"]:
                raise SystemExit(f"{name} answered errors")
        return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--postgres", required=True)
    args = parser.parse_args()
    print(f"{CLIENTS} clients in one tenant; wrk -c{CONNECTIONS}, 10 s per page, release build, loopback")
    sqlite = run_engine(args.binary, args.workdir, "sqlite", None)
    postgres = run_engine(args.binary, args.workdir, "postgresql", postgres_database(args.postgres, "benchclients"))
    for label, results in (("sqlite", sqlite), ("postgresql", postgres)):
        worst = max(r["p99"] for r in results.values())
        print(f"  target check {label}: default page p99 {results['default']['p99']:.2f} ms, worst page p99 {worst:.2f} ms (target < 50)")
    p99 = max(sqlite["default"]["p99"], postgres["default"]["p99"])
    print(f"clients: ours {p99:.1f} ms p99")


if __name__ == "__main__":
    main()
