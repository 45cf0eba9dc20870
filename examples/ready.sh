# Sourced by examples/*/run: waits until the example application answers and its session store
# does, as examples/payara/run does, and says so once.
#
#   wait_until_ready PID PORT READY_URL FAILED_COMMAND
#
# PID is the server's process; PORT the application's; READY_URL a URL that answers 200 only
# while the session store does (the example's GET /api/store: one load from the store);
# FAILED_COMMAND a command that succeeds once the runtime has said the deployment failed.
# Returns 0 after printing "==> The example application answers at ...", 1 after printing why
# not (the deployment failed, or the server ended). While the application answers but its store
# does not, it says so once, naming the store, and keeps waiting (Ctrl-C stops).
wait_until_ready() {
  local pid="$1" port="$2" ready_url="$3" failed="$4" code ready warned=""
  while kill -0 "$pid" 2>/dev/null; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/whoami" || true)"
    if [[ "$code" == 200 ]]; then
      # /api/whoami never touches the store: the readiness check does (one load from it)
      ready="$(curl -s -w '\n%{http_code}' --max-time 5 "$ready_url" || true)"
      if [[ "${ready##*$'\n'}" == 200 ]]; then
        printf '\n==> The example application answers at http://127.0.0.1:%s/\n\n' "$port" >&2
        return 0
      fi
      if [[ -z "$warned" ]]; then
        warned=yes
        printf '\n==> The example application is deployed but its session store (SESSION_TYPE=%s) does not answer; waiting for it (Ctrl-C stops). GET %s said:\n%s\n\n' \
          "${SESSION_TYPE:-filesystem}" "$ready_url" "${ready%$'\n'*}" >&2
      fi
      sleep 1
      continue
    fi
    if eval "$failed"; then
      printf '\n==> The example application failed to deploy (see the errors above); stopping the server.\n' >&2
      return 1
    fi
    sleep 0.5
  done
  printf '\n==> The server ended before the example application answered (see above).\n' >&2
  return 1
}
