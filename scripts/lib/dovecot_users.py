"""Users of the throwaway Dovecot that scripts/lib/mailservers.sh starts, for the end-to-end
tests and the benchmarks that need a mailbox of their own: the product reads a mailbox's INBOX,
and the one test user's INBOX is shared by everything else.

Dovecot reads its passwd-file again whenever the file changes, so a user appended here can log
in at once. Users live as long as the Dovecot of the run (its directory is thrown away after it).
Needs what start_mail_servers exports (SMARTYSALES_TEST_DOVECOT_CONF, _PASSWD, _HOMES) and root,
as scripts/test and scripts/bench run.
"""
import os
import pwd
import secrets
import subprocess
import threading
import time

_lock = threading.Lock()
DOMAIN = "smartysales.test"


class Unavailable(RuntimeError):
    pass


def _variable(name):
    value = os.environ.get(name)
    if not value:
        raise Unavailable(f"{name} is not set: run this through scripts/test or scripts/bench, which start Dovecot "
                          "(scripts/lib/mailservers.sh)")
    return value


def add_user(prefix="user", password=None):
    """A new Dovecot user `PREFIX-RANDOM@smartysales.test`; returns (login, password)."""
    return add_users(prefix, 1, password)[0]


def add_users(prefix, count, password=None):
    """`count` new users in one write (one passwd-file reload); returns [(login, password)]."""
    passwd = _variable("SMARTYSALES_TEST_DOVECOT_PASSWD")
    homes = _variable("SMARTYSALES_TEST_DOVECOT_HOMES")
    dovecot = pwd.getpwnam("dovecot")
    tag = secrets.token_hex(4)
    users, lines = [], []
    for number in range(count):
        login = f"{prefix}-{tag}-{number}@{DOMAIN}" if count > 1 else f"{prefix}-{tag}@{DOMAIN}"
        secret = password or secrets.token_hex(12)
        home = os.path.join(homes, login.split("@")[0])
        os.makedirs(home, exist_ok=True)
        os.chown(home, dovecot.pw_uid, dovecot.pw_gid)
        # user:{scheme}password:uid:gid:gecos:home:shell, as start_mail_servers writes the first one
        lines.append(f"{login}:{{PLAIN}}{secret}:{dovecot.pw_uid}:{dovecot.pw_gid}::{home}::\n")
        users.append((login, secret))
    with _lock, open(passwd, "a") as handle:
        handle.write("".join(lines))
    # Dovecot's auth process looks at the file at most once a second (then reloads it when its
    # mtime or size changed): a login within the second of the previous look-up would not find
    # the new user yet.
    time.sleep(1.1)
    return users


def doveadm(*arguments):
    """Runs `doveadm -c <the run's configuration> ARGUMENTS…`; returns its standard output."""
    run = subprocess.run(["doveadm", "-c", _variable("SMARTYSALES_TEST_DOVECOT_CONF"), *arguments],
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        raise RuntimeError(f"doveadm {' '.join(arguments)} failed ({run.returncode}): {run.stderr.strip()}")
    return run.stdout


def recreate_inbox(login):
    """Deletes the user's INBOX with every message in it; Dovecot makes a new, empty one at once
    with a new UIDVALIDITY (what a mailbox restored from a backup or moved to another server
    looks like to a client). Returns the new UIDVALIDITY."""
    doveadm("mailbox", "delete", "-u", login, "INBOX")
    return inbox_status(login)["uidvalidity"]


def inbox_status(login):
    """{'messages': …, 'uidvalidity': …, 'uidnext': …} of the user's INBOX."""
    out = doveadm("-f", "flow", "mailbox", "status", "-u", login, "messages uidvalidity uidnext", "INBOX")
    return {key: int(value) for key, value in (pair.split("=", 1) for pair in out.split() if "=" in pair)}


def connections():
    """{login: number of IMAP connections} of every user connected now (`doveadm who`)."""
    counts = {}
    for line in doveadm("who", "-1").splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2 and fields[1] == "imap":
            counts[fields[0]] = counts.get(fields[0], 0) + 1
    return counts
