#!/usr/bin/env bats
# servers.bats - nginx and memcached under their SHIPPED policies
# (policies/nginx.ini, policies/memcached.ini): a short workload works, every
# process and thread of the server runs under both filters (Seccomp_filters
# 2 in /proc), and a call the serving phase does not list kills the server
# (a copy of the policy with that call removed from [serving]).
#
# Invariants: loopback only, nginx on port 6455, memcached on 6465; every
# wait bounded; every process started is killed by pid in teardown. Skips
# (fails in CI) when nginx, memcached, curl or python3 is absent; needs root
# (both start as root and drop to www-data / memcache).

load helpers
load run_helpers

NGINX_PORT=6455
MC_PORT=6465

setup() {
	require_file "$SB_RUN"
	[[ $(id -u) == 0 ]] || skip "needs root (nginx and memcached start as root)"
	T=$BATS_TEST_TMPDIR
}

teardown() {
	# nginx first, by its master: killed from the leaves up (kill_bg), a
	# master would respawn the workers killed before it.
	local w
	if [[ -n ${MASTER:-} ]] && proc_alive "$MASTER"; then
		w=$(pgrep -P "$MASTER")
		kill -TERM "$MASTER"
		# shellcheck disable=SC2086 # one argument per worker pid
		gone_within "$MASTER" 10 || kill -KILL "$MASTER" $w 2>/dev/null || true
	fi
	kill_bg
	[[ -z ${N:-} ]] || rm -rf "$N"
}

# filters_two PID: every thread of PID has two filters (F1 and F2).
filters_two() {
	local t n
	for t in /proc/"$1"/task/*; do
		n=$(awk '/^Seccomp_filters:/ { print $2 }' "$t/status")
		[[ $n == 2 ]] || { echo "$t: Seccomp_filters $n" >&2; return 1; }
	done
}
# without_serving POLICY CALL... : POLICY with each CALL's line removed
# from [serving], on stdout.
without_serving() {
	local pol=$1
	shift
	awk -v drop=" $* " '/^\[/ { s = ($1 == "[serving]") } !(s && index(drop, " " $1 " "))' "$pol"
}

# ---- nginx ------------------------------------------------------------------

nginx_setup() {
	require_programs nginx curl
	# The workers (www-data) must reach the document root: not under bats's
	# private (0700) temp directories.
	N=$(mktemp -d /tmp/sb-servers.XXXXXX)
	chmod 755 "$N"
	mkdir -p "$N/html"
	echo served >"$N/html/index.html"
	head -c 300000 /dev/zero >"$N/html/big"
	chmod 644 "$N/html/index.html" "$N/html/big"
	cat >"$N/nginx.conf" <<EOF
daemon off;
worker_processes 2;
user www-data;
pid $N/nginx.pid;
error_log $N/error.log;
events {}
http {
	access_log $N/access.log;
	sendfile on;
	client_body_temp_path $N/body;
	proxy_temp_path $N/proxy;
	fastcgi_temp_path $N/fastcgi;
	uwsgi_temp_path $N/uwsgi;
	scgi_temp_path $N/scgi;
	server { listen 127.0.0.1:$NGINX_PORT; root $N/html; }
}
EOF
}
# nginx_start POLICY: nginx under sandbox-run; $SRV (the launcher), $MASTER.
nginx_start() {
	bg_start SRV "$T/nginx-run" "$SB_RUN" --policy "$1" -- nginx -p "$N" -c "$N/nginx.conf" -e "$N/error.log"
	wait_port $NGINX_PORT 15 "$SRV"
	poll_until 10 "$SRV" test -s "$N/nginx.pid"
	MASTER=$(cat "$N/nginx.pid")
	poll_until 10 "$SRV" nginx_workers_up
}
nginx_workers() { pgrep -P "$MASTER" -f 'nginx: worker process$' | sort; }
nginx_workers_up() { [[ $(nginx_workers | wc -l) == 2 ]]; }
nginx_new_workers() { nginx_workers_up && [[ -z $(comm -12 <(echo "$1") <(nginx_workers)) ]]; }

@test "nginx under policies/nginx.ini: serves, reloads, both filters in master and workers" {
	nginx_setup
	nginx_start "$BATS_TEST_DIRNAME/../../policies/nginx.ini"
	[[ $(timeout 10 curl -s "http://127.0.0.1:$NGINX_PORT/") == served ]]
	[[ $(timeout 10 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/none") == 404 ]]
	local w old
	for w in "$MASTER" $(nginx_workers); do filters_two "$w"; done
	# SIGHUP: the serving master forks new workers, which inherit both filters
	old=$(nginx_workers)
	kill -HUP "$MASTER"
	poll_until 10 "$MASTER" nginx_new_workers "$old"
	for w in "$MASTER" $(nginx_workers); do filters_two "$w"; done
	[[ $(timeout 10 curl -s "http://127.0.0.1:$NGINX_PORT/big" | wc -c) == 300000 ]]
	kill -USR1 "$MASTER"
	kill -QUIT "$MASTER"
	wait_exit "$SRV" 20
	assert_same 0 "$EXIT_STATUS"
	refute_contains "$(cat "$T/nginx-run.err")" 'killed by seccomp'
	refute_contains "$(cat "$N/error.log")" 'exited on signal'
}

@test "nginx: a worker that dies is replaced by the serving master, under both filters" {
	nginx_setup
	nginx_start "$BATS_TEST_DIRNAME/../../policies/nginx.ini"
	local old gone w
	old=$(nginx_workers)
	gone=$(head -n1 <<<"$old")
	kill -KILL "$gone"
	# the master (serving, F1+F2) forks a new worker, which starts as its
	# workers do: setgid, setgroups, setuid, prctl, its epoll
	poll_until 10 "$MASTER" eval '[[ -z $(nginx_workers | grep -x "$gone") ]] && nginx_workers_up'
	for w in "$MASTER" $(nginx_workers); do filters_two "$w"; done
	[[ $(timeout 10 curl -s "http://127.0.0.1:$NGINX_PORT/") == served ]]
	[[ $(timeout 10 curl -s "http://127.0.0.1:$NGINX_PORT/big" | wc -c) == 300000 ]]
	kill -QUIT "$MASTER"
	wait_exit "$SRV" 20
	assert_same 0 "$EXIT_STATUS"
	refute_contains "$(cat "$T/nginx-run.err")" 'killed by seccomp'
	# the one death is the SIGKILL, no seccomp kill (signal 31)
	[[ $(grep -c 'exited on signal' "$N/error.log") == 1 ]]
	grep -q "worker process $gone exited on signal 9" "$N/error.log"
}

@test "nginx: a worker making a call its serving set lacks (sendfile) is killed" {
	nginx_setup
	local pol=$BATS_TEST_DIRNAME/../../policies/nginx.ini
	without_serving "$pol" sendfile >"$T/nosendfile.ini"
	"$SB_BUILD/sandbox-policy" calls "$pol" serving | grep -q '^sendfile	allow'
	! "$SB_BUILD/sandbox-policy" calls "$T/nosendfile.ini" serving | grep -q '^sendfile	' || false
	nginx_start "$T/nosendfile.ini"
	local w pid
	w=$(nginx_workers)
	timeout 10 curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/big" || true
	poll_until 10 "$MASTER" grep -q 'exited on signal 31' "$N/error.log"
	# the worker was let go at its transition: still reported, by its pid
	poll_until 10 "$MASTER" grep -q 'killed by seccomp in phase serving' "$T/nginx-run.err"
	pid=$(grep -oE '\(pid [0-9]+\) killed by seccomp' "$T/nginx-run.err" | grep -oE '[0-9]+' | head -n1)
	grep -qx "$pid" <<<"$w"
	assert_kill_report "$(cat "$T/nginx-run.err")" serving sendfile
	kill -QUIT "$MASTER"
	wait_exit "$SRV" 20
}

# ---- memcached --------------------------------------------------------------

# mc_start POLICY: memcached under sandbox-run; $SRV and $MC (the same
# pid: sandbox-run became memcached).
mc_start() {
	require_programs memcached python3
	local u=memcache
	id "$u" >/dev/null 2>&1 || u=nobody
	bg_start SRV "$T/mc-run" "$SB_RUN" --policy "$1" -- memcached -u "$u" -t 4 -l 127.0.0.1 -p $MC_PORT -U 0
	wait_port $MC_PORT 15 "$SRV"
	# sandbox-run execs memcached in place: the pid it started is memcached
	MC=$SRV
	[[ $(readlink "/proc/$MC/exe") == */memcached ]]
}
# mc CMDS: send CMDS (\r\n-separated) then quit; the replies on stdout.
mc() {
	timeout 10 python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode() + b"quit\r\n")
while True:
    d = s.recv(65536)
    if not d:
        break
    sys.stdout.write(d.decode())' "$MC_PORT" "$1"
}

@test "memcached under policies/memcached.ini: serves, every thread under both filters" {
	mc_start "$BATS_TEST_DIRNAME/../../policies/memcached.ini"
	local out
	out=$(mc $'set k 0 0 5\r\nhello\r\nget k\r\nincr n 1\r\nstats\r\nstats slabs\r\n')
	assert_contains "$out" $'VALUE k 0 5\r\nhello'
	assert_contains "$out" 'STAT curr_items 1'
	filters_two "$MC"
	local tasks=(/proc/"$MC"/task/*)
	((${#tasks[@]} >= 5)) # main, 4 workers, maintainers
	kill -TERM "$MC"
	wait_exit "$SRV" 20
	assert_same 0 "$EXIT_STATUS"
	refute_contains "$(cat "$T/mc-run.err")" 'killed by seccomp'
}

@test "memcached: accepting a client without accept/accept4 in serving is killed" {
	without_serving "$BATS_TEST_DIRNAME/../../policies/memcached.ini" accept accept4 >"$T/noaccept.ini"
	mc_start "$T/noaccept.ini"
	mc $'version\r\n' || true
	wait_exit "$SRV" 20
	assert_same $((128 + 31)) "$EXIT_STATUS"
	assert_contains "$(cat "$T/mc-run.err")" 'killed by seccomp in phase serving'
}
