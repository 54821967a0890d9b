#!/usr/bin/env bats
# The examples of README.md run and print what the README says.

load helper

@test "README examples print what they show" {
	# Indented lines beginning with "$ " are commands; the indented lines
	# after each, up to the next command or blank line, its output.
	awk '
		/^    \$ / { if (n++) print "\036"; print "\035" substr($0, 7); next }
		/^    / && n { print substr($0, 5); next }
		{ if (n) { print "\036"; n = 0 } }
		END { if (n) print "\036" }
	' "$RDB_ROOT/README.md" > blocks
	[ -s blocks ]
	count=0
	cmd= want= inblock=0
	while IFS= read -r line; do
		if [[ $line == $'\035'* ]]; then
			cmd=${line#$'\035'}
			want=
			inblock=1
		elif [[ $line == $'\036' ]]; then
			[ "$inblock" = 1 ] || continue
			got=$(bash -c "$cmd" 2>&1)
			is "$got" "${want%$'\n'}" || fail "README command: $cmd" || return 1
			count=$((count + 1))
			inblock=0
		else
			want+=$line$'\n'
		fi
	done < blocks
	[ "$count" -ge 5 ] || fail "only $count README examples found"
}
