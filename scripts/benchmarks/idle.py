#!/usr/bin/env python3
"""scripts/bench idle: what a mailbox held in IMAP IDLE costs a release `smartysales serve`.

scripts/bench starts a throwaway Dovecot (scripts/lib/mailservers.sh). This gives the run
MAILBOXES Dovecot users of their own (scripts/lib/dovecot_users.py), starts `serve` (web and
workers in one process, SQLite, no LLM key, polling only once an hour: --sync-interval-seconds
3600) on a fresh data directory, signs up a company and
reads the process's RSS (VmRSS in /proc) once it is warm. Then it adds every user's INBOX as an
IMAP mailbox through POST /mailboxes (implicit TLS, the throwaway CA as the custom CA) and waits
until the IDLE service holds all of them: Dovecot's own list of connections (`doveadm who`) shows
every user connected, in several checks a second apart (a sync's connection comes and goes; the
IDLE one stays). The IDLE service notices new mailboxes when it reads the list again, every 10
seconds (MailboxIdleService.Configuration.refreshInterval), so this takes some seconds after
the last mailbox was added.

With all of them idling the RSS is read again, for a while, and the last reading counts:
(after - before) / MAILBOXES is the memory per mailbox. It is an upper bound: besides the IDLE
connections it holds whatever the first syncs of the mailboxes left in the allocator. Last, a
message is APPENDed to one mailbox and the time until the inbox shows it is printed: IDLE must
bring it within IDLE_DEADLINE seconds, or the run fails. With the poll an hour apart, only a live
IDLE connection can.

Summary: `idle: ours X KB/mailbox` (no peer). Target (issue 7): < 1 MB per mailbox.
"""
import argparse, datetime, imaplib, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
from pipeline import Server, Web, add_mailbox, environment, imap_connect, sign_up  # noqa: E402
import dovecot_users  # noqa: E402

MAILBOXES = 200
TIMEOUT = 240
STEADY_CHECKS = 5
SETTLE_SECONDS = 15
# Polling an hour apart: the appended message can arrive in time only through IDLE.
POLL_SECONDS = 3600
IDLE_DEADLINE = 15


def rss_kb(srv):
    return srv.status()["VmRSS"]


def idling(logins):
    connected = dovecot_users.connections()
    return sum(1 for login in logins if connected.get(login)), connected


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True, help="release build of smartysales")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--mailboxes", type=int, default=MAILBOXES)
    args = parser.parse_args()
    server = environment()
    users = dovecot_users.add_users("bench-idle", args.mailboxes)
    logins = [login for login, _ in users]
    stray = {login: n for login, n in dovecot_users.connections().items() if login in logins}
    if stray:
        raise SystemExit(f"connections before the server runs: {stray}")

    srv = Server(args.binary, args.workdir, extra=("--sync-interval-seconds", str(POLL_SECONDS)))
    try:
        web = Web(srv.base)
        sign_up(web, "idle@romashka.ru")
        for path in ("/dashboard", "/mailboxes", "/mailboxes/new?kind=imap", "/inbox", "/inbox/progress", "/categories"):
            web.get(path)
        time.sleep(3)
        before = rss_kb(srv)
        print(f"{args.mailboxes} Dovecot users; release `smartysales serve` (SQLite) signed up and warm: RSS {before / 1024:.1f} MB")

        started = time.perf_counter()
        for number, (login, password) in enumerate(users, 1):
            add_mailbox(web, server, login, password, name=f"Ящик {number}")
        added = time.perf_counter()
        print(f"  {args.mailboxes} mailboxes added through POST /mailboxes in {added - started:.1f} s; "
              f"RSS {rss_kb(srv) / 1024:.1f} MB")

        steady, last_print, count = 0, added, 0
        while steady < STEADY_CHECKS:
            now = time.perf_counter()
            if now - started > TIMEOUT:
                raise SystemExit(f"after {TIMEOUT} s only {count} of {args.mailboxes} mailboxes have a connection; "
                                 f"logs in {srv.data}")
            count, _ = idling(logins)
            steady = steady + 1 if count == len(logins) else 0
            if now - last_print >= 10:
                print(f"    {now - started:5.0f} s: {count} of {args.mailboxes} connected, RSS {rss_kb(srv) / 1024:.1f} MB", flush=True)
                last_print = now
            time.sleep(1)
        held = time.perf_counter()
        print(f"  all {args.mailboxes} held by Dovecot ({STEADY_CHECKS} checks a second apart) {held - started:.0f} s after the first POST")

        samples = []
        for _ in range(SETTLE_SECONDS):
            samples.append(rss_kb(srv))
            time.sleep(1)
        count, connected = idling(logins)
        after = samples[-1]
        per_mailbox = (after - before) / args.mailboxes
        status = srv.status()
        print(f"  RSS with all idling: {after / 1024:.1f} MB (over {SETTLE_SECONDS} s: {min(samples) / 1024:.1f}–{max(samples) / 1024:.1f} MB); "
              f"peak (VmHWM) {status['VmHWM'] / 1024:.1f} MB; threads {status['Threads']}; "
              f"connections {sum(connected.get(login, 0) for login in logins)} for {count} mailboxes")
        print(f"  per mailbox: ({after} - {before}) kB / {args.mailboxes} = {per_mailbox:.0f} KB")

        # A new message in one mailbox reaches the inbox through its IDLE connection.
        login, password = users[len(users) // 2]
        imap = imap_connect(server, login, password)
        message = (f"From: client@example.ru\r\nTo: {login}\r\nSubject: IDLE check\r\nMessage-ID: <idle-check@bench.test>\r\n"
                   f"Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%a, %d %b %Y %H:%M:%S +0000')}\r\n\r\n"
                   "Прошу выставить счёт на поставку насосов.\r\n").encode()
        appended = time.perf_counter()
        imap.append("INBOX", None, imaplib.Time2Internaldate(time.time()), message)
        imap.logout()
        idle_live = True
        while web.progress()["totals"]["messages"] < 1:
            if time.perf_counter() - appended > IDLE_DEADLINE:
                print(f"  PROBLEM: the appended message was not in the inbox after {IDLE_DEADLINE} s: IDLE did not bring it")
                idle_live = False
                break
            time.sleep(0.2)
        else:
            print(f"  a message APPENDed to one mailbox was in the inbox {time.perf_counter() - appended:.1f} s later "
                  f"(through IDLE: the poll is {POLL_SECONDS} s apart)")

        verdict = "met" if per_mailbox < 1024 else "NOT met"
        print(f"  target check: {per_mailbox:.0f} KB per mailbox (target < 1024 KB) {verdict}")
        print(f"idle: ours {per_mailbox:.0f} KB/mailbox")
        if not idle_live:
            raise SystemExit(f"IDLE check failed: no new message within {IDLE_DEADLINE} s; logs in {srv.data}")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
