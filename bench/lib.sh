# Shared pieces of the bench drivers (sourced). Everything generated lives in $BENCH_TMP,
# removed on exit; nothing is written into the source tree.

BENCH_PUBLIC_KEY="ucloudsomeone@example.com1296235120854146120"
BENCH_PRIVATE_KEY="46f09bb9fab4f12dfc160dae12273d5332b5debe"

bench_tmp_init() {
  BENCH_TMP="$(mktemp -d)"
  NGINX_PIDS=()
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local pid
  for pid in "${NGINX_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill -QUIT "$pid" 2>/dev/null || true
  done
  [ -n "${EMULATOR_PID:-}" ] && { kill -TERM "$EMULATOR_PID" 2>/dev/null; wait "$EMULATOR_PID" 2>/dev/null; } || true
  rm -rf "$BENCH_TMP"
}

bench_need() {  # exit 77 (CTest: skipped) when a tool is missing
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool not found, skipped" >&2; exit 77; }
  done
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The signed form body of one request, from its KEY=VALUE parameters (the public key added), as
# the plugin sends it.
bench_signed_body() {
  python3 - "$BENCH_PUBLIC_KEY" "$BENCH_PRIVATE_KEY" "$@" <<'PY'
import hashlib, sys, urllib.parse
pub, priv = sys.argv[1], sys.argv[2]
p = dict(arg.split("=", 1) for arg in sys.argv[3:])
p["PublicKey"] = pub
p["Signature"] = hashlib.sha1(("".join(k + p[k] for k in sorted(p)) + priv).encode()).hexdigest()
print("&".join(k + "=" + urllib.parse.quote(p[k], safe="-._~") for k in sorted(p)))
PY
}

# A throwaway self-signed certificate for localhost in $BENCH_TMP/{cert,key}.pem.
bench_make_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$BENCH_TMP/key.pem" -out "$BENCH_TMP/cert.pem" 2>/dev/null
}

# A hashed copy of the system trust store plus the test certificate, in $BENCH_TMP/store: what
# a real user's default store is, with the bench server's CA added (the machine's store is not
# touched). Needs bench_make_cert. Sets BENCH_STORE, BENCH_STORE_COUNT and BENCH_SYSTEM_BUNDLE
# (OpenSSL's default bundle file, X509_get_default_cert_file()).
bench_make_store() {
  local openssl_dir system
  openssl_dir="$(openssl version -d | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')"
  system="$openssl_dir/certs"
  BENCH_SYSTEM_BUNDLE="$openssl_dir/cert.pem"
  BENCH_STORE="$BENCH_TMP/store"
  mkdir -p "$BENCH_STORE"
  # The certificates themselves (Debian: one .pem symlink per CA), not the old hash links.
  find -L "$system" -maxdepth 1 -type f -name '*.pem' -exec cp -L {} "$BENCH_STORE/" \;
  cp "$BENCH_TMP/cert.pem" "$BENCH_STORE/bench-test-ca.pem"
  openssl rehash "$BENCH_STORE" 2>/dev/null
  BENCH_STORE_COUNT="$(find "$BENCH_STORE" -name '*.pem' | wc -l)"
}

# Starts nginx answering every request with a fixed answer: $2 (JSON without a single quote),
# by default DetachCompshareDisk's. $1 = "http" or "https" (then bench_make_cert must have run).
# Sets NGINX_URL.
bench_start_nginx() {
  local scheme="$1" dir="$BENCH_TMP/nginx-$1" port ssl="" certs=""
  local answer=${2:-'{"Action":"DetachCompshareDiskResponse","RetCode":0}'}
  port="$(bench_free_port)"
  mkdir -p "$dir/logs"
  if [ "$scheme" = https ]; then
    ssl=" ssl"
    certs="ssl_certificate $BENCH_TMP/cert.pem; ssl_certificate_key $BENCH_TMP/key.pem;"
  fi
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$port$ssl;
    $certs
    location / {
      default_type application/json;
      add_header X-UCLOUD-REQUEST-UUID 00000000-0000-4000-8000-000000000000;
      return 200 '$answer';
    }
  }
}
CONF
  # nginx binds its sockets before it daemonises: listening once this returns.
  ${BENCH_PIN:+taskset -c "$BENCH_PIN"} nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log"
  NGINX_PIDS+=("$(cat "$dir/nginx.pid")")
  if [ "$scheme" = https ]; then
    NGINX_URL="https://localhost:$port"
  else
    NGINX_URL="http://127.0.0.1:$port"
  fi
}

# Starts the compshare-emulator program ($1) with extra args; sets EMULATOR_URL, EMULATOR_PID.
bench_start_emulator() {
  local binary="$1"; shift
  coproc EMU { exec "$binary" --listen 127.0.0.1:0 "$@"; }
  EMULATOR_PID=$EMU_PID
  local line
  read -r line <&"${EMU[0]}"
  EMULATOR_URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$line")
}
