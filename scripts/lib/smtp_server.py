#!/usr/bin/env python3
"""A throwaway SMTP server for the MailProtocols tests and `scripts/bench smtp` (aiosmtpd).

Started by scripts/lib/mailservers.sh. Three listeners on loopback, one process:

  starttls  STARTTLS offered and required before anything but EHLO/NOOP/QUIT; AUTH PLAIN and
            LOGIN (only after STARTTLS) with the test credentials; AUTH required before MAIL
            (submission, like port 587)
  smtps     TLS from the first byte; AUTH PLAIN and LOGIN required before MAIL (like port 465)
  relay     no TLS, no AUTH (a local relay)

Every listener advertises SIZE 35882577, 8BITMIME, SMTPUTF8 and PIPELINING. aiosmtpd reads
commands line by line from a buffered stream and answers them in order, so pipelined batches
(RFC 2920) work; PIPELINING is added to its EHLO reply here, since aiosmtpd does not advertise
it itself. It offers neither CHUNKING (BDAT) nor ENHANCEDSTATUSCODES (some of its replies carry
enhanced codes, most do not), so neither is advertised.

Recipients whose local part starts with `reject` get `550 5.1.1`, with `tempfail` get
`450 4.2.1` (to test per-recipient failures); every other recipient is accepted.

Each accepted message is stored in the spool directory before `250` is sent, so a client that
has its `250` can read the spool at once: `NNNNNNNNN.eml` holds the exact bytes of DATA after
dot-unstuffing (every line with its CRLF, the final CRLF before the dot included), then
`NNNNNNNNN.json` appears (written to a temporary name and renamed) with the envelope:
sequence, listener, tls, auth_login, helo, mail_from ("" for the null sender), rcpt_tos,
mail_options, rcpt_options, size, received_at. Sequence numbers grow in arrival order (name order = arrival order); nothing
is fsynced.

The password comes from the environment variable SMARTYSALES_TEST_SMTP_PASSWORD.
"""
import argparse, asyncio, datetime, json, logging, os, signal, ssl, warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

SIZE_LIMIT = 35882577


class Spool:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        existing = [int(n.split(".")[0]) for n in os.listdir(directory) if n.endswith(".json") and n.split(".")[0].isdigit()]
        self.sequence = max(existing, default=0)

    def store(self, listener, tls, session, envelope):
        self.sequence += 1
        name = f"{self.sequence:09d}"
        data = envelope.original_content or b""
        with open(os.path.join(self.directory, name + ".eml"), "wb") as f:
            f.write(data)
        login = session.login_data
        if isinstance(login, bytes):
            login = login.decode("utf-8", "replace")
        record = {
            "sequence": self.sequence,
            "listener": listener,
            "tls": tls,
            "auth_login": login,
            "helo": session.host_name,
            "mail_from": "" if envelope.mail_from == "<>" else envelope.mail_from,  # aiosmtpd keeps "<>"
            "rcpt_tos": list(envelope.rcpt_tos),
            "mail_options": list(envelope.mail_options),
            "rcpt_options": list(envelope.rcpt_options),
            "size": len(data),
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
        }
        temporary = os.path.join(self.directory, name + ".json.tmp")
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(temporary, os.path.join(self.directory, name + ".json"))
        return self.sequence


class Handler:
    def __init__(self, spool, listener, implicit_tls):
        self.spool = spool
        self.listener = listener
        self.implicit_tls = implicit_tls

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        # responses ends with "250 HELP"; add PIPELINING before it.
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return f"550 5.1.1 <{address}>: recipient rejected (test server: local part starts with 'reject')"
        if local.startswith("tempfail"):
            return f"450 4.2.1 <{address}>: try again later (test server: local part starts with 'tempfail')"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        tls = self.implicit_tls or session.ssl is not None
        sequence = self.spool.store(self.listener, tls, session, envelope)
        return f"250 OK queued as {sequence:09d}"


class Authenticator:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password:
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)


class TestSMTP(SMTP):
    # What Gmail and Postfix send ("Username:", "Password:"), rather than aiosmtpd's own.
    AuthLoginUsernameChallenge = "Username:"
    AuthLoginPasswordChallenge = "Password:"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--starttls-port", type=int, required=True)
    parser.add_argument("--smtps-port", type=int, required=True)
    parser.add_argument("--relay-port", type=int, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--spool", required=True)
    parser.add_argument("--pidfile", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    password = os.environ.get("SMARTYSALES_TEST_SMTP_PASSWORD")
    if not password:
        raise SystemExit("SMARTYSALES_TEST_SMTP_PASSWORD is not set")

    logging.basicConfig(filename=args.log, level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    spool = Spool(args.spool)
    authenticator = Authenticator(args.user, password)
    common = dict(data_size_limit=SIZE_LIMIT, enable_SMTPUTF8=True, decode_data=False, hostname="localhost")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def starttls():
        return TestSMTP(Handler(spool, "starttls", False), tls_context=context, require_starttls=True,
                        auth_required=True, auth_require_tls=True, authenticator=authenticator, loop=loop, **common)

    def smtps():
        # No tls_context: STARTTLS must not be offered inside TLS. aiosmtpd only knows about
        # STARTTLS, so AUTH is allowed without it here (the transport is TLS already).
        return TestSMTP(Handler(spool, "smtps", True), auth_required=True, auth_require_tls=False,
                        authenticator=authenticator, loop=loop, **common)

    def relay():
        return TestSMTP(Handler(spool, "relay", False), loop=loop, **common)

    # aiosmtpd warns that smtps requires AUTH without requiring (STARTTLS-)TLS: it is TLS already.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    servers = [
        loop.run_until_complete(loop.create_server(starttls, args.host, args.starttls_port)),
        loop.run_until_complete(loop.create_server(smtps, args.host, args.smtps_port, ssl=context)),
        loop.run_until_complete(loop.create_server(relay, args.host, args.relay_port)),
    ]
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, loop.stop)
    with open(args.pidfile + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(args.pidfile + ".tmp", args.pidfile)  # the pidfile appearing means "listening"
    try:
        loop.run_forever()
    finally:
        for server in servers:
            server.close()
        try:
            os.unlink(args.pidfile)
        except FileNotFoundError:
            pass


if __name__ == "__main__":
    main()
