# Shared by scripts/test and scripts/bench (source it after common.sh): a throwaway Dovecot
# (IMAP) and a throwaway aiosmtpd server (scripts/lib/smtp_server.py) on free loopback ports,
# with a throwaway CA, for the MailProtocols tests and the imap/smtp benchmarks.
#
#   ensure_mail_servers        installs dovecot-imapd, openssl (Debian) and aiosmtpd (PyPI) when missing
#   start_mail_servers WORKDIR starts both under WORKDIR/mail and exports SMARTYSALES_TEST_*
#   stop_mail_servers WORKDIR  stops both (safe to call when they never started)
#
# Exported by start_mail_servers (what Tests/MailProtocolsTests/Support/TestServers.swift reads):
#   SMARTYSALES_TEST_IMAP_HOST        127.0.0.2 (see below; 127.0.0.1 where that address is unusable)
#   SMARTYSALES_TEST_IMAP_PORT        IMAP, STARTTLS offered; LOGIN/AUTHENTICATE only after it
#   SMARTYSALES_TEST_IMAPS_PORT       IMAP, TLS from the first byte
#   SMARTYSALES_TEST_IMAP_USER, SMARTYSALES_TEST_IMAP_PASSWORD   (password random per run)
#   SMARTYSALES_TEST_CA_FILE          PEM of the CA that signed the server certificate
#                                     (CN 127.0.0.1; SAN IP:127.0.0.1, IP:127.0.0.2, DNS:localhost)
#   SMARTYSALES_TEST_SMTP_HOST        127.0.0.1
#   SMARTYSALES_TEST_SMTP_PORT        SMTP, STARTTLS required, then AUTH PLAIN/LOGIN required
#   SMARTYSALES_TEST_SMTPS_PORT       SMTP, TLS from the first byte, AUTH PLAIN/LOGIN required
#   SMARTYSALES_TEST_SMTP_RELAY_PORT  SMTP, no TLS, no AUTH
#   SMARTYSALES_TEST_SMTP_USER, SMARTYSALES_TEST_SMTP_PASSWORD   (password random per run)
#   SMARTYSALES_TEST_SMTP_SPOOL       directory of received messages (see smtp_server.py)
#   SMARTYSALES_TEST_DOVECOT_CONF     Dovecot's configuration file (for `doveadm -c`)
#   SMARTYSALES_TEST_DOVECOT_PASSWD   its passwd-file, re-read by Dovecot when it changes: tests
#                                     and benchmarks that need a mailbox of their own (the product
#                                     reads INBOX) add users to it, see scripts/lib/dovecot_users.py
#   SMARTYSALES_TEST_DOVECOT_HOMES    the directory those users' homes go in
#
# Why Dovecot listens on 127.0.0.2: Dovecot 2.3 counts a connection whose remote address equals
# its local address as "secured" and then allows LOGIN/AUTHENTICATE without TLS, whatever
# disable_plaintext_auth says. Connecting to 127.0.0.2 on Linux goes out from 127.0.0.1, so the
# addresses differ and Dovecot behaves as a remote server does: LOGINDISABLED until STARTTLS.

dovecot_installed() {
  command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/imap-login ]
}

ensure_mail_servers() {
  if ! dovecot_installed || ! command -v openssl >/dev/null; then
    echo "installing dovecot-imapd and openssl from Debian"
    apt_install dovecot-imapd openssl
    # The package may start a system-wide Dovecot on ports 143/993; ours needs none of it.
    if [ -d /run/systemd/system ]; then
      systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
    elif [ -f /run/dovecot/master.pid ]; then
      service dovecot stop >/dev/null 2>&1 || kill "$(cat /run/dovecot/master.pid)" 2>/dev/null || true
    fi
  fi
  python3 -c "import aiosmtpd" 2>/dev/null || python3 -m pip install -q --root-user-action=ignore aiosmtpd
}

# The address Dovecot listens on: 127.0.0.2 when a client connecting to it comes from another
# address (Linux), else 127.0.0.1.
_mail_imap_host() {
  python3 - <<'EOF'
import socket
try:
    server = socket.socket()
    server.bind(("127.0.0.2", 0))
    server.listen()
    client = socket.create_connection(server.getsockname(), timeout=2)
    print("127.0.0.2" if client.getsockname()[0] != "127.0.0.2" else "127.0.0.1")
except OSError:
    print("127.0.0.1")
EOF
}

# N distinct free ports on address $1, one per line (all held open until every one is chosen).
_mail_free_ports() {
  python3 - "$1" "$2" <<'EOF'
import socket, sys
sockets = []
for _ in range(int(sys.argv[2])):
    s = socket.socket()
    s.bind((sys.argv[1], 0))
    sockets.append(s)
for s in sockets:
    print(s.getsockname()[1])
EOF
}

# Waits until every HOST:PORT given accepts connections.
_mail_wait_for_ports() {
  python3 - "$@" <<'EOF'
import socket, sys, time
deadline = time.time() + 20
for address in sys.argv[1:]:
    host, port = address.rsplit(":", 1)
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline:
                sys.exit(f"nothing listens on {address} after 20 s")
            time.sleep(0.05)
EOF
}

# A CA and a server certificate signed by it (EC P-256), valid for 127.0.0.1 and localhost.
_mail_make_certificates() {
  local tls="$1"
  mkdir -p "$tls"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" -subj "/CN=SmartySales throwaway test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,IP:127.0.0.2,DNS:localhost" >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 30 -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  # Dovecot 2.3 wants DH parameters for DHE suites; the RFC 7919 group costs nothing to make.
  openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$tls/dh.pem" 2>/dev/null
  chmod 644 "$tls"/*.pem
  chmod 600 "$tls"/*.key
}

_mail_write_dovecot_conf() {
  local dir="$1" tls="$2" host="$3" imap_port="$4" imaps_port="$5"
  cat >"$dir/dovecot.conf" <<EOF
# Generated by scripts/lib/mailservers.sh for one test or benchmark run; thrown away after it.
# Dovecot $(dovecot --version 2>/dev/null | cut -d' ' -f1).
protocols = imap
listen = $host
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
auth_verbose = yes

# Running as root: login processes as dovenull, internal ones and the test user as dovecot.
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
first_valid_gid = 1

ssl = yes
ssl_cert = <$tls/server.pem
ssl_key = <$tls/server.key
ssl_dh = <$tls/dh.pem
ssl_min_protocol = TLSv1.2
# Authentication only over TLS (STARTTLS or imaps): LOGINDISABLED before STARTTLS.
# (Dovecot 2.4 calls this auth_allow_cleartext = no.)
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $dir/passwd
}

mail_location = sdbox:~/mail
mail_fsync = never
# IDLE: notice other sessions' changes within a second even without inotify.
mailbox_idle_check_interval = 1 secs
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
}

# Generous limits: the tests run in parallel, all as one user from one address.
default_process_limit = 1000
default_client_limit = 10000
default_vsz_limit = 1G
protocol imap {
  mail_max_userip_connections = 200
  # "* OK Still here" during IDLE; longer than any test.
  imap_idle_notify_interval = 2 mins
}
service imap-login {
  inet_listener imap {
    port = $imap_port
  }
  inet_listener imaps {
    port = $imaps_port
    ssl = yes
  }
}
service anvil {
  client_limit = 20000
}
EOF
}

start_mail_servers() {
  local root="$1/mail" dovecot_uid dovecot_gid user password imap_host imap_ports ports
  local dir="$root/dovecot" tls="$root/tls" home="$root/home" smtp="$root/smtp"
  chmod 755 "$1"
  mkdir -p "$dir" "$home" "$smtp/spool"
  chmod 755 "$root" "$dir" "$home"
  _mail_make_certificates "$tls"

  imap_host=$(_mail_imap_host)
  imap_ports=($(_mail_free_ports "$imap_host" 2))
  ports=($(_mail_free_ports 127.0.0.1 3))
  dovecot_uid=$(id -u dovecot)
  dovecot_gid=$(id -g dovecot)
  user=tester@smartysales.test
  password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  # user:{scheme}password:uid:gid:gecos:home:shell
  printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$user" "$password" "$dovecot_uid" "$dovecot_gid" "$home/tester" >"$dir/passwd"
  chown root:dovecot "$dir/passwd"
  chmod 640 "$dir/passwd"
  mkdir -p "$home/tester"
  chown dovecot:dovecot "$home/tester"
  _mail_write_dovecot_conf "$dir" "$tls" "$imap_host" "${imap_ports[0]}" "${imap_ports[1]}"
  dovecot -c "$dir/dovecot.conf" || { cat "$dir/dovecot.log" >&2 2>/dev/null; return 1; }

  export SMARTYSALES_TEST_IMAP_HOST="$imap_host"
  export SMARTYSALES_TEST_IMAP_PORT="${imap_ports[0]}"
  export SMARTYSALES_TEST_IMAPS_PORT="${imap_ports[1]}"
  export SMARTYSALES_TEST_IMAP_USER="$user"
  export SMARTYSALES_TEST_IMAP_PASSWORD="$password"
  export SMARTYSALES_TEST_CA_FILE="$tls/ca.pem"
  export SMARTYSALES_TEST_SMTP_HOST=127.0.0.1
  export SMARTYSALES_TEST_SMTP_PORT="${ports[0]}"
  export SMARTYSALES_TEST_SMTPS_PORT="${ports[1]}"
  export SMARTYSALES_TEST_SMTP_RELAY_PORT="${ports[2]}"
  export SMARTYSALES_TEST_SMTP_USER=sender@smartysales.test
  SMARTYSALES_TEST_SMTP_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  export SMARTYSALES_TEST_SMTP_PASSWORD
  export SMARTYSALES_TEST_SMTP_SPOOL="$smtp/spool"
  export SMARTYSALES_TEST_DOVECOT_CONF="$dir/dovecot.conf"
  export SMARTYSALES_TEST_DOVECOT_PASSWD="$dir/passwd"
  export SMARTYSALES_TEST_DOVECOT_HOMES="$home"

  python3 scripts/lib/smtp_server.py --starttls-port "${ports[0]}" --smtps-port "${ports[1]}" \
    --relay-port "${ports[2]}" --cert "$tls/server.pem" --key "$tls/server.key" \
    --user "$SMARTYSALES_TEST_SMTP_USER" --spool "$smtp/spool" --pidfile "$smtp/smtp.pid" \
    --log "$smtp/smtp.log" </dev/null >>"$smtp/smtp.log" 2>&1 &
  echo $! >"$smtp/launched.pid"  # smtp.pid is the server's own, written once it listens

  _mail_wait_for_ports "$imap_host:${imap_ports[0]}" "$imap_host:${imap_ports[1]}" \
    "127.0.0.1:${ports[0]}" "127.0.0.1:${ports[1]}" "127.0.0.1:${ports[2]}" || { cat "$dir/dovecot.log" "$smtp/smtp.log" >&2 2>/dev/null; return 1; }
  _mail_check_servers || { cat "$dir/dovecot.log" "$smtp/smtp.log" >&2 2>/dev/null; return 1; }
  echo "== mail servers: Dovecot on $imap_host (imap ${imap_ports[0]}, imaps ${imap_ports[1]}); SMTP on 127.0.0.1 (starttls ${ports[0]}, smtps ${ports[1]}, relay ${ports[2]}); logs in $root"
}

# Log in to both once, over TLS, trusting only the throwaway CA.
_mail_check_servers() {
  python3 - <<'EOF'
import imaplib, os, smtplib, ssl
env = os.environ
context = ssl.create_default_context(cafile=env["SMARTYSALES_TEST_CA_FILE"])
imap = imaplib.IMAP4(env["SMARTYSALES_TEST_IMAP_HOST"], int(env["SMARTYSALES_TEST_IMAP_PORT"]), timeout=10)
if env["SMARTYSALES_TEST_IMAP_HOST"] != "127.0.0.1" and "LOGINDISABLED" not in imap.capabilities:
    raise SystemExit(f"Dovecot allows LOGIN before STARTTLS: {imap.capabilities}")
imap.starttls(context)
imap.login(env["SMARTYSALES_TEST_IMAP_USER"], env["SMARTYSALES_TEST_IMAP_PASSWORD"])
imap.logout()
imap = imaplib.IMAP4_SSL(env["SMARTYSALES_TEST_IMAP_HOST"], int(env["SMARTYSALES_TEST_IMAPS_PORT"]), ssl_context=context, timeout=10)
imap.login(env["SMARTYSALES_TEST_IMAP_USER"], env["SMARTYSALES_TEST_IMAP_PASSWORD"])
imap.logout()
smtp = smtplib.SMTP(env["SMARTYSALES_TEST_SMTP_HOST"], int(env["SMARTYSALES_TEST_SMTP_PORT"]), timeout=10)
smtp.starttls(context=context)
smtp.login(env["SMARTYSALES_TEST_SMTP_USER"], env["SMARTYSALES_TEST_SMTP_PASSWORD"])
smtp.quit()
EOF
}

stop_mail_servers() {
  local root="$1/mail" pid pidfile
  [ -d "$root" ] || return 0
  for pidfile in "$root/dovecot/run/master.pid" "$root/smtp/smtp.pid" "$root/smtp/launched.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || continue 2
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
}
