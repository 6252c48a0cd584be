# shellcheck shell=bash
# policies/lib.sh - shared plumbing of the training scripts (sourced, not run).
#
# Environment:
#   SB_BUILD       directory holding sandbox-profile, sandbox-run and
#                  sandbox-policy (default: build)
#   SB_KEEP=1      keep the scratch directory (printed) for inspection
#   SB_VERBOSE=1   show the profiler's summaries and the workloads' output
#
# Every server started here listens on 127.0.0.1 only, every wait is bounded,
# and every process started is stopped by its own pid on exit.

set -eEuo pipefail
trap 'echo "${0##*/}: failed (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

SB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The functions the scripts share (wait_pid, wait_redis, ...).
# shellcheck source=../scripts/lib.sh
source "$SB_ROOT/scripts/lib.sh"
SB_BUILD=${SB_BUILD:-$SB_ROOT/build}
case $SB_BUILD in /*) ;; *) SB_BUILD=$SB_ROOT/$SB_BUILD ;; esac
SB_PROFILE=$SB_BUILD/sandbox-profile
SB_RUN=$SB_BUILD/sandbox-run
# The policy tool: set-header, roundtrip, merge, calls (sandbox-policy(1)).
SB_POLICY=$SB_BUILD/sandbox-policy
NOBODY_UID=65534
NOBODY_GID=65534

for _t in "$SB_PROFILE" "$SB_RUN" "$SB_POLICY"; do
	[[ -x $_t ]] || { echo "$0: $_t not built (run make, or set SB_BUILD)" >&2; exit 2; }
done

# Scratch directory. The policy being trained lives in $POLDIR, a directory
# anyone may write, so that runs as `nobody` (to meet EACCES) can merge into it.
WORK=$(mktemp -d /tmp/sb-train.XXXXXX)
chmod 755 "$WORK"
POLDIR=$WORK/policy
mkdir -m 777 "$POLDIR"
_PIDS=()

cleanup() {
	local p
	for p in "${_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	if [[ ${SB_KEEP:-0} == 1 ]]; then
		echo "scratch kept in $WORK" >&2
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "${0##*/}: [${SECONDS}s] $*" >&2; }
quiet() { if [[ ${SB_VERBOSE:-0} == 1 ]]; then "$@"; else "$@" >/dev/null 2>&1; fi; }

# profile POLICY [PROFILER-OPTIONS...] -- PROGRAM ARGS...
# Profile one run and merge it into POLICY (created by the first run). The
# program's exit status is returned (workloads with errors exit non-zero on
# purpose); a profiler error (125) aborts the training.
profile() {
	local pol=$1 rc=0
	shift
	local opts=(-M -o "$pol")
	[[ ${SB_VERBOSE:-0} == 1 ]] || opts+=(-q)
	"$SB_PROFILE" "${opts[@]}" "$@" || rc=$?
	if [[ $rc == 125 ]]; then
		say "sandbox-profile failed (125): $*"
		exit 125
	fi
	return $rc
}

# chk STATUS: abort the training if a profiled run (in a subshell) hit a
# profiler error; any other status is the workload's business.
chk() {
	if [[ $1 == 125 ]]; then
		say "aborting: profiler error"
		exit 1
	fi
}

# as_nobody CMD...: run CMD as uid/gid 65534 with no groups (to meet EACCES:
# root's CAP_DAC_OVERRIDE would hide every permission error).
as_nobody() { setpriv --reuid=$NOBODY_UID --regid=$NOBODY_GID --clear-groups -- "$@"; }

# bg CMD...: start CMD in the background, remember its pid in $BGPID.
bg() {
	"$@" &
	BGPID=$!
	_PIDS+=("$BGPID")
}

# finish POLICY HEADER-FILE DEST: put the header, check the policy with
# sandbox-run --check and the round trip, install it as DEST.
finish() {
	local pol=$1 hdr=$2 dest=$3
	"$SB_POLICY" set-header -o "$pol" "$pol" "$hdr"
	"$SB_POLICY" roundtrip "$pol"
	"$SB_RUN" --check --policy "$pol" >/dev/null
	cp "$pol" "$dest.tmp.$$"
	mv "$dest.tmp.$$" "$dest"
	local ph counts=
	for ph in init serving; do
		# [serving] only with a transition
		[[ $ph == init ]] || "$SB_POLICY" get "$dest" transition >/dev/null || continue
		counts+="${counts:+, }[$ph] $("$SB_POLICY" calls "$dest" "$ph" | wc -l)"
	done
	say "wrote $dest ($counts)"
}

# Common options of the training scripts: -o FILE.
parse_out() {
	OUT=$1
	shift
	while (($#)); do
		case $1 in
		-o) OUT=$2; shift 2 ;;
		-o*) OUT=${1#-o}; shift ;;
		--output=*) OUT=${1#--output=}; shift ;;
		-h | --help) usage; exit 0 ;;
		*) EXTRA+=("$1"); shift ;;
		esac
	done
	case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
}
EXTRA=()
