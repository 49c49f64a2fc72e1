#!/usr/bin/env python3
"""scripts/bench smtp: our SMTP client against Python's smtplib, sending to a real SMTP server.

scripts/bench starts the throwaway aiosmtpd server (scripts/lib/mailservers.sh,
SMARTYSALES_TEST_* in the environment). Both clients send the same MESSAGES messages (the
generator of imap.py: 3–5 KB, multipart text + HTML, about half Russian) over ONE connection to
the implicit-TLS listener, authenticating with AUTH PLAIN, one envelope per message (one sender,
one recipient; MAIL FROM with SIZE, and BODY=8BITMIME when the message has 8-bit bytes). Ours
pipelines MAIL/RCPT/DATA where the server offers PIPELINING (it does); smtplib waits for every
reply. The clock runs from connecting to the reply to QUIT on both sides. Each client runs
ROUNDS times with its own recipient, the best round counts, and the spool is checked: every
message must have arrived once, byte for byte.

aiosmtpd is Python too and costs more per message than smtplib (here about 1.6 ms of CPU per
4 KB message against smtplib's 0.4 ms), so the server bounds what any client can reach. To show
where that bound is, a third client runs too: a bare TLS socket that pipelines MAIL/RCPT/DATA
and sends the body after 354 — the least a client can do per message. Its rate is printed as the
server's ceiling; it is not the peer. Since the rates say more about the server than about the
clients, each client's own CPU time per message is shown too, and their ratio.
"""
import argparse, base64, glob, json, os, resource, smtplib, socket, ssl, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from imap import generate_messages  # noqa: E402

MESSAGES = 2_000
SENDER = "bench@smartysales.test"


def environment():
    env = os.environ
    names = ("SMARTYSALES_TEST_SMTP_HOST", "SMARTYSALES_TEST_SMTPS_PORT", "SMARTYSALES_TEST_SMTP_USER",
             "SMARTYSALES_TEST_SMTP_PASSWORD", "SMARTYSALES_TEST_CA_FILE", "SMARTYSALES_TEST_SMTP_SPOOL")
    missing = [n for n in names if not env.get(n)]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not set: run this through scripts/bench smtp, which starts the server")
    return {"host": env["SMARTYSALES_TEST_SMTP_HOST"], "port": int(env["SMARTYSALES_TEST_SMTPS_PORT"]),
            "user": env["SMARTYSALES_TEST_SMTP_USER"], "password": env["SMARTYSALES_TEST_SMTP_PASSWORD"],
            "ca": env["SMARTYSALES_TEST_CA_FILE"], "spool": env["SMARTYSALES_TEST_SMTP_SPOOL"]}


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(messages, started, started_cpu):
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - started_cpu
    return {"messages": len(messages), "seconds": seconds, "messages_per_s": len(messages) / seconds,
            "cpu_ms_per_message": cpu * 1000 / len(messages)}


def smtplib_send(server, messages, recipient):
    context = ssl.create_default_context(cafile=server["ca"])
    started, started_cpu = time.perf_counter(), cpu_seconds()
    smtp = smtplib.SMTP_SSL(server["host"], server["port"], context=context)
    smtp.login(server["user"], server["password"])  # AUTH PLAIN: the first mechanism smtplib tries
    for message in messages:
        options = ["BODY=8BITMIME"] if not message.isascii() else []
        refused = smtp.sendmail(SENDER, [recipient], message, mail_options=options)
        if refused:
            raise SystemExit(f"refused: {refused}")
    smtp.quit()
    return measured(messages, started, started_cpu)


def pipelined_socket_send(server, messages, recipient):
    """The server's ceiling: two round trips per message, no parsing beyond reply codes."""
    context = ssl.create_default_context(cafile=server["ca"])
    started, started_cpu = time.perf_counter(), cpu_seconds()
    sock = context.wrap_socket(socket.create_connection((server["host"], server["port"])), server_hostname=server["host"])
    replies = sock.makefile("rb")

    def expect(code, count=1):
        for _ in range(count):
            while True:
                line = replies.readline()
                if line[3:4] != b"-":
                    break
            if not line.startswith(code):
                raise SystemExit(f"pipelined socket: expected {code!r}, got {line!r}")

    expect(b"220")
    sock.sendall(b"EHLO bench\r\n")
    expect(b"250")
    credentials = f"\0{server['user']}\0{server['password']}".encode()
    sock.sendall(b"AUTH PLAIN " + base64.b64encode(credentials) + b"\r\n")
    expect(b"235")
    for message in messages:
        body = b" BODY=8BITMIME" if not message.isascii() else b""
        sock.sendall(b"MAIL FROM:<%s> SIZE=%d%s\r\nRCPT TO:<%s>\r\nDATA\r\n"
                     % (SENDER.encode(), len(message), body, recipient.encode()))
        expect(b"250", 2)
        expect(b"354")
        stuffed = message.replace(b"\r\n.", b"\r\n..")
        sock.sendall((b"." + stuffed if stuffed.startswith(b".") else stuffed) + b".\r\n")
        expect(b"250")
    sock.sendall(b"QUIT\r\n")
    expect(b"221")
    sock.close()
    return measured(messages, started, started_cpu)


def ours_send(binary, server, directory, count, recipient):
    command = [binary, "smtp", "--host", server["host"], "--port", str(server["port"]), "--user", server["user"],
               "--password", server["password"], "--ca", server["ca"], "--messages", directory,
               "--count", str(count), "--from", SENDER, "--to", recipient]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"mail-bench smtp failed (exit {run.returncode})")
    return json.loads(run.stdout.strip().splitlines()[-1])


def check_spool(spool, recipient, messages):
    """How many of `messages` arrived for `recipient`, in order and byte for byte."""
    arrived = []
    for path in sorted(glob.glob(os.path.join(spool, "*.json"))):
        with open(path, encoding="utf-8") as f:
            envelope = json.load(f)
        if recipient in envelope["rcpt_tos"]:
            with open(path[:-len(".json")] + ".eml", "rb") as f:
                arrived.append(f.read())
    exact = sum(1 for a, m in zip(arrived, messages) if a == m)
    return len(arrived), exact


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", help="release build of mail-bench (omit to run only the Python side)")
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    server = environment()
    messages = generate_messages(args.messages, seed=4242)
    sizes = [len(m) for m in messages]
    print(f"{len(messages)} messages, {sum(sizes) / 1e6:.1f} MB ({min(sizes)}–{max(sizes)} bytes), "
          f"to aiosmtpd over implicit TLS with AUTH PLAIN, one connection per client")

    results, problems = {}, []
    run_id = f"{os.getpid()}-{int(time.time())}"  # recipients unique even on a spool that is not fresh
    with tempfile.TemporaryDirectory(prefix="smartysales-smtp-bench.") as directory:
        for i, message in enumerate(messages):
            with open(os.path.join(directory, f"{i:06d}.eml"), "wb") as f:
                f.write(message)
        clients = []
        if args.binary:
            clients.append(("ours", lambda r: ours_send(args.binary, server, directory, len(messages), r)))
        clients.append(("smtplib", lambda r: smtplib_send(server, messages, r)))
        clients.append(("ceiling", lambda r: pipelined_socket_send(server, messages, r)))
        for name, send in clients:
            runs = []
            for round_ in range(args.rounds):
                recipient = f"{name}-{run_id}-{round_}@bench.smartysales.test"
                runs.append(send(recipient))
                count, exact = check_spool(server["spool"], recipient, messages)
                if count != len(messages) or exact != len(messages):
                    problems.append(f"{name} round {round_ + 1}: {count} of {len(messages)} arrived, {exact} byte for byte")
            results[name] = max(runs, key=lambda r: r["messages_per_s"])

    print(f"best of {args.rounds}:")
    labels = {"ours": "ours", "smtplib": "smtplib", "ceiling": "server ceiling (pipelining bare socket)"}
    for name, r in results.items():
        print(f"  {labels[name]:40} {r['messages']:6} messages  {r['seconds']:6.2f} s  {r['messages_per_s']:8.0f} messages/s"
              f"  CPU {r.get('cpu_ms_per_message', float('nan')):.3f} ms/message")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    peer = results["smtplib"]
    if "ours" not in results:
        print(f"smtp: smtplib {peer['messages_per_s']:.0f} messages/s (ours not run)")
        return
    ours = results["ours"]
    if "cpu_ms_per_message" in ours:
        print(f"  CPU per message, smtplib / ours: {peer['cpu_ms_per_message'] / ours['cpu_ms_per_message']:.2f}")
    print(f"smtp: ours {ours['messages_per_s']:.0f} messages/s; smtplib {peer['messages_per_s']:.0f} messages/s; "
          f"ratio {ours['messages_per_s'] / peer['messages_per_s']:.2f}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
