# shellcheck shell=bash
# scripts/lib.sh - the few shell functions the project's scripts share:
# processes, ports and medians. Sourced (never run) by policies/lib.sh (the
# training scripts), eval/, bench/, scripts/demo and the bats helpers
# (tests/integration/lib/core.bash), which is how make check tests it.
#
# Invariants: sourcing this file only defines functions; it sets no shell
# option, trap or variable, so a script may source it under any `set`
# options (errexit included: no function ends on a failing arithmetic or
# test that errexit would trip). Every wait is bounded by the caller's
# SECONDS argument (a whole number), measured on bash 5's microsecond clock:
# a wait lasts at least SECONDS, never the up-to-a-second-less that bash's
# whole-second $SECONDS would give. Processes are found and signalled by
# pid, never by name. Ports are read from /proc/net/tcp{,6}: no connection
# is made, nothing beyond bash and awk is needed.

# now_us - print the time in microseconds (EPOCHREALTIME always has six
# decimals; its decimal mark follows the locale, so drop any non-digit).
now_us() {
	printf '%s\n' "${EPOCHREALTIME//[!0-9]/}"
}

# proc_state PID - print the state letter of PID (R, S, t, Z, ...); nothing
# (and status 0) if there is no such process.
proc_state() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) } # comm may hold spaces and parentheses: cut at the last ")"
	printf '%s\n' "${s%% *}"
}

# proc_alive PID - status 0 iff PID exists and has not exited (a zombie, Z,
# or a dead task, X, has exited).
proc_alive() {
	local st
	st=$(proc_state "$1")
	[[ -n $st && $st != Z && $st != X ]]
}

# gone_within PID SECONDS - wait until PID has exited (gone or a zombie);
# status 1 if it still runs after SECONDS.
gone_within() {
	local deadline=$(($(now_us) + $2 * 1000000))
	while proc_alive "$1"; do
		(($(now_us) < deadline)) || return 1
		sleep 0.05
	done
	return 0
}

# wait_pid PID SECONDS - wait for the caller's child PID to end and return
# its exit status. After SECONDS it is sent SIGTERM, then SIGKILL 2 s later,
# and the status is 124 (timeout(1)'s).
wait_pid() {
	local st=0
	if ! gone_within "$1" "$2"; then
		echo "wait_pid: pid $1 still running after $2 s: stopping it" >&2
		kill -TERM "$1" 2>/dev/null || true
		gone_within "$1" 2 || kill -KILL "$1" 2>/dev/null || true
		wait "$1" 2>/dev/null || true
		return 124
	fi
	wait "$1" || st=$?
	return "$st"
}

# port_listening PORT - status 0 iff a TCP socket (v4 or v6) listens on PORT.
port_listening() {
	local hex
	printf -v hex ':%04X' "$1"
	# field 2: local address, HEX_IP:HEX_PORT; field 4: state, 0A = LISTEN
	awk -v h="$hex" 'FNR > 1 && substr($2, length($2) - 4) == h && $4 == "0A" { f = 1 }
		END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# poll_until SECONDS PID CMD... - run CMD every 50 ms until it succeeds
# (status 0). Status 1 as soon as PID, if not empty, has exited; 2 after
# SECONDS. The waits below say which in their own words.
poll_until() {
	local secs=$1 pid=$2
	local deadline=$(($(now_us) + secs * 1000000))
	shift 2
	until "$@"; do
		if [[ -n $pid ]] && ! proc_alive "$pid"; then
			return 1
		fi
		(($(now_us) < deadline)) || return 2
		sleep 0.05
	done
}

# wait_port PORT [SECONDS [PID]] - wait until something listens on PORT.
# Fails after SECONDS (default 30), or as soon as PID, if given, has exited.
wait_port() {
	local port=$1 secs=${2:-30} pid=${3:-} r=0
	poll_until "$secs" "$pid" port_listening "$port" || r=$?
	case $r in
	1) echo "wait_port: process $pid ended before port $port listened" >&2 ;;
	2) echo "wait_port: nothing listens on port $port after $secs s" >&2 ;;
	esac
	((r == 0))
}

# redis_pong PORT - status 0 iff the redis server on 127.0.0.1:PORT answers
# PING with PONG (the try bounded to 5 s).
redis_pong() {
	[[ $(timeout 5 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null) == PONG ]]
}

# wait_redis PORT [SECONDS [PID]] - wait until a redis server on
# 127.0.0.1:PORT answers PING with PONG. Fails after SECONDS (default 30), or
# as soon as PID, if given, has exited.
wait_redis() {
	local port=$1 secs=${2:-30} pid=${3:-} r=0
	poll_until "$secs" "$pid" redis_pong "$port" || r=$?
	case $r in
	1) echo "wait_redis: process $pid ended before redis answered on port $port" >&2 ;;
	2) echo "wait_redis: no PONG on port $port after $secs s" >&2 ;;
	esac
	((r == 0))
}

# median DECIMALS - print the median of the numbers on stdin, one a line.
# An odd count prints the middle value as written; an even count, the mean
# of the two middle values with DECIMALS decimals. No numbers: status 1 and
# a message.
median() {
	sort -g | awk -v d="$1" '
		NF { v[++n] = $1 }
		END {
			if (n == 0) { print "median: no values" > "/dev/stderr"; exit 1 }
			if (n % 2) print v[(n + 1) / 2]
			else printf "%.*f\n", d, (v[n / 2] + v[n / 2 + 1]) / 2
		}'
}
