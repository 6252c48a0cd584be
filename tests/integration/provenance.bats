#!/usr/bin/env bats
# provenance.bats - the policy's `binary` key (sandbox-policy(5)): the
# profiler records the executable it ran (resolved path, SHA-256);
# sandbox-run warns once when it runs another, and --strict-binary refuses
# (125, nothing run).

bats_require_minimum_version 1.5.0

load run_helpers

setup_file() {
	sbr_init
	learn "$POL/rare.ini" --phase-marker=accept -- "$FIX/rare" common
	# the same program, one byte longer: another binary that runs the same
	cp "$FIX/rare" "$POL/rare2"
	printf '\n' >>"$POL/rare2"
}

setup() {
	sbr_init
	TOOL=$SB_BUILD/sandbox-policy
}

@test "the profiler records the resolved path and the SHA-256 of the executable" {
	want="sha256:$(sha256sum "$FIX/rare" | cut -d' ' -f1) $(realpath "$FIX/rare")"
	[ "$("$TOOL" get "$POL/rare.ini" binary)" = "$want" ]
	# by name through PATH: the resolved file
	PATH=$FIX:$PATH learn "$POL/byname.ini" --phase-marker=accept -- rare common
	[ "$("$TOOL" get "$POL/byname.ini" binary)" = "$want" ]
	[ "$("$TOOL" get "$POL/byname.ini" program)" = rare ]
}

@test "the same binary: no word, with or without --strict-binary" {
	run_sb --strict-binary --policy "$POL/rare.ini" -- "$FIX/rare" common
	[ "$status" -eq 0 ]
	assert_contains "$output" "done"
	refute_contains "$stderr" "not the binary"
}

@test "another binary: one warning and the program runs; --strict-binary: 125 and nothing runs" {
	run_sb --policy "$POL/rare.ini" -- "$POL/rare2" common
	[ "$status" -eq 0 ]
	assert_contains "$output" "done"
	[ "$(grep -c "is not the binary $POL/rare.ini was learned on" <<<"$stderr")" -eq 1 ]
	run_sb --strict-binary --policy "$POL/rare.ini" -- "$POL/rare2" common
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	assert_contains "$stderr" "--strict-binary: $POL/rare2"
	assert_contains "$stderr" "nothing was run"
}

@test "--strict-binary refuses a policy that records no binary" {
	grep -v '^binary = ' "$POL/rare.ini" >"$POL/nobin.ini"
	run_sb --policy "$POL/nobin.ini" -- "$FIX/rare" common
	[ "$status" -eq 0 ]
	refute_contains "$stderr" "binary"
	run_sb --strict-binary --policy "$POL/nobin.ini" -- "$FIX/rare" common
	[ "$status" -eq 125 ]
	assert_contains "$stderr" "records no binary"
}
