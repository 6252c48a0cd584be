#!/usr/bin/env bats
# packaging.bats - a package's view (issue 9 item 6): the project installed
# with `make install DESTDIR=... PREFIX=/usr`, the example package of
# contrib/packaging built into the same tree (its policy checked at build
# time, then installed with a systemd drop-in), and programs run by policy
# name from there. The build is the project's own Makefile, in a temporary
# build directory (not $SB_BUILD: PREFIX is compiled in).

bats_require_minimum_version 1.5.0

load helpers

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	ROOT=$BATS_FILE_TMPDIR/root
	export REPO ROOT
	bounded make -C "$REPO" -j2 BUILD="$BATS_FILE_TMPDIR/build" PREFIX=/usr DESTDIR="$ROOT" install \
		>"$BATS_FILE_TMPDIR/install.log" 2>&1 || {
		tail -n 30 "$BATS_FILE_TMPDIR/install.log" >&3
		return 1
	}
}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# package [MAKE-ARGS...] - build and install the example package into ROOT
# with the installed sandbox-policy.
package() {
	make -C "$REPO/contrib/packaging" SANDBOX_POLICY="$ROOT/usr/bin/sandbox-policy" DESTDIR="$ROOT" "$@"
}

@test "install: PREFIX=/usr puts programs, man pages and policies in DESTDIR; /usr/share is searched" {
	local f
	for f in usr/bin/sandbox-run usr/bin/sandbox-profile usr/bin/sandbox-policy \
		usr/share/man/man1/sandbox-run.1 usr/share/man/man5/sandbox-policy.5 \
		usr/share/sandbox/policies/ls.ini usr/share/sandbox/policies/redis-server.ini; do
		[ -e "$ROOT/$f" ] || {
			echo "missing $f" >&2
			false
		}
	done
	run "$ROOT/usr/bin/sandbox-run" --help
	[ "$status" -eq 0 ]
	assert_contains "$output" "/usr/share/sandbox/policies"
}

@test "package: the build checks the policy, installs it and the systemd drop-in" {
	run package install
	echo "$output" >&2
	[ "$status" -eq 0 ]
	cmp "$REPO/policies/redis-server.ini" "$ROOT/usr/share/sandbox/policies/redis-server.ini"
	grep -qx 'ExecStart=/usr/bin/sandbox-run -- /usr/bin/redis-server .*' \
		"$ROOT/usr/lib/systemd/system/redis-server.service.d/sandbox.conf"
}

@test "package: a policy that does not parse fails the build, and nothing is installed" {
	local dest=$BATS_TEST_TMPDIR/dest
	printf '[sandbox]\nversion = 1\ndefault = kill\n[init]\nno_such_call = allow\n' >bad.ini
	run make -C "$REPO/contrib/packaging" SANDBOX_POLICY="$ROOT/usr/bin/sandbox-policy" DESTDIR="$dest" \
		POLICY="$PWD/bad.ini" install
	echo "$output" >&2
	[ "$status" -ne 0 ]
	assert_contains "$output" "bad.ini:5"
	[ ! -e "$dest" ]
}

@test "run by name from the installed tree: SANDBOX_POLICY_PATH finds the packaged policy" {
	local share=$ROOT/usr/share/sandbox/policies
	run --separate-stderr bounded env SANDBOX_POLICY_PATH="$share" "$ROOT/usr/bin/sandbox-run" -v -- ls /
	echo "$stderr" >&2
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "sandbox-run: policy $share/ls.ini"
	assert_contains "$output" "usr"
	# the packaged redis policy, by name, validated as a package build would
	run --separate-stderr bounded env SANDBOX_POLICY_PATH="$share" "$ROOT/usr/bin/sandbox-run" -v --check \
		--policy redis-server
	[ "$status" -eq 0 ]
	assert_contains "$stderr" "sandbox-run: policy $share/redis-server.ini"
}
