# csvcmp.awk: compare two CSV files (RFC 4180) field by field; numbers
# with a decimal point or exponent may differ by 1e-9 relative (the
# TPC-H answers' rule for doubles), everything else must be equal.
#   awk -f csvcmp.awk got.csv want.csv
# Prints the first difference and exits 1, or exits 0.

function split_csv(s, f,    n, i, c, q, cur) {
	n = 0; cur = ""; q = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(s, i + 1, 1) == "\"") { cur = cur "\""; i++ }
				else q = 0
			} else cur = cur c
		} else if (c == "\"") q = 1
		else if (c == ",") { f[++n] = cur; cur = "" }
		else cur = cur c
	}
	f[++n] = cur
	return n
}

function isnum(s) {
	return s ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/
}

function close_enough(a, b,    d, m) {
	if (a == b) return 1
	if (!isnum(a) || !isnum(b)) return 0
	if (a !~ /[.eE]/ && b !~ /[.eE]/) return 0
	d = a - b; if (d < 0) d = -d
	m = a < 0 ? -a : a
	if ((b < 0 ? -b : b) > m) m = b < 0 ? -b : b
	return d <= 1e-9 * m || d < 1e-12
}

NR == FNR { got[FNR] = $0; ngot = FNR; next }
{
	nwant = FNR
	if (!(FNR in got)) { printf "line %d: missing; want: %s\n", FNR, $0; bad = 1; exit 1 }
	if (got[FNR] == $0) next
	n1 = split_csv(got[FNR], g); n2 = split_csv($0, w)
	if (n1 != n2) { printf "line %d: %d fields, want %d\n  got:  %s\n  want: %s\n", FNR, n1, n2, got[FNR], $0; bad = 1; exit 1 }
	for (i = 1; i <= n1; i++)
		if (!close_enough(g[i], w[i])) {
			printf "line %d field %d: got '%s', want '%s'\n", FNR, i, g[i], w[i]; bad = 1; exit 1
		}
}
END {
	if (bad) exit 1
	if (ngot != nwant) { printf "%d lines, want %d\n", ngot, nwant; exit 1 }
}
