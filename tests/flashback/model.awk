# The model of tests/bats/flashback-model.bats: a random workload on a
# table t and, independently of rdb, what every commit leaves in it.
#
#   awk -v mode=plan -v seed=S -v commits=N -f model.awk
#	prints the workload, one step a line, tab-separated:
#	KIND AGO COMMITS PAYLOAD, where KIND is sql (PAYLOAD is run by
#	rdb-query), restore (rdb-flashback restore to commit PAYLOAD),
#	undrop, checkpoint or compact; AGO is how many seconds the clock
#	is set back for the step (faketime); COMMITS is how many commits
#	the step makes (0 or 1).
#   awk -v mode=log ... -f model.awk
#	prints what rdb-flashback log --format tsv DIR t must list, as
#	commit, table, inserted, deleted and changes.
#   awk -v mode=expect -v seed=S -v commits=N -v times=FILE -v now=US
#	    -v points=P -v horizon=H -v pfile=FILE -v efile=FILE -f model.awk
#	draws P points to check (seeded by S and H) and writes them to
#	pfile, one a line, and what each must print to efile. TIMES holds
#	"commit <tab> microseconds since the epoch <tab> time as rdb-flashback
#	log prints it" for every commit; NOW is the present in microseconds;
#	H is the oldest readable commit (1 before any compaction with a
#	short retention).
#
# The table starts as t (id INTEGER, v TEXT, n INTEGER); id is never NULL
# and never the same for two rows at once, so ORDER BY id and diff --key
# id are exact. Columns are added, dropped and renamed; the model knows
# a column by its identity (a number), as rdb does, and keeps the value
# of every identity of every row version.
#
# The model state:
#	ord[1..nord]	the identities of the columns now, in order
#	cname[k], ctype[k]	name and type of identity k now
#	val[r, k]	value of identity k in row version r (unset: NULL)
#	ins[r], del[r]	the commits that inserted and deleted version r
#			(del 0: current)
#	live[r]		set while version r is current
# and for each commit c: exists[c] (t exists after c), sord[c] (its
# column identities, space-separated), shdr[c] (its CSV header), srows[c]
# (its current versions, by id), cins[c] and cdel[c] (rows of t
# inserted and deleted, as the log counts them: with those the commit
# inserted and deleted itself), cchg[c] (the change the log shows).
# A version a transaction made and ended itself has ins == del: no
# snapshot saw it, so it is no version (and net_counts leaves it out of
# what decides rdb_op).

function rnd(n) { return int(rand() * n) }

function getv(r, k) { return ((r, k) in val) ? val[r, k] : NUL }

function csv(x) {
	if (x == NUL)
		return ""
	if (x == "" || x ~ /[,"\r\n]/) {
		gsub(/"/, "\"\"", x)
		return "\"" x "\""
	}
	return x
}

# A random value of type ty ("INTEGER" or "TEXT"): NULL one time in six.
function randval(ty,   i) {
	if (rnd(6) == 0)
		return NUL
	if (ty == "INTEGER")
		return rnd(1200) - 100
	i = rnd(14)
	if (i < ntext)
		return texts[i]
	return "t" rnd(1000)
}

# An SQL text literal for a value of type ty.
function lit(x, ty) {
	if (x == NUL)
		return "NULL"
	if (ty == "INTEGER")
		return x
	gsub(/'/, "''", x)
	return "'" x "'"
}

function hdr(   s, i) {
	s = ""
	for (i = 1; i <= nord; i++)
		s = s (i > 1 ? "," : "") csv(cname[ord[i]])
	return s
}

function ordstr(   s, i) {
	s = ""
	for (i = 1; i <= nord; i++)
		s = s (i > 1 ? " " : "") ord[i]
	return s
}

# The live versions of t, sorted by id.
function livestr(   n, a, r, i, j, x, s) {
	n = 0
	for (r in live)
		a[++n] = r + 0
	for (i = 2; i <= n; i++) {
		x = a[i]
		for (j = i - 1; j >= 1 && val[a[j], 1] > val[x, 1]; j--)
			a[j + 1] = a[j]
		a[j + 1] = x
	}
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? " " : "") a[i]
	return s
}

function nlive(   r, n) {
	n = 0
	for (r in live)
		n++
	return n
}

# Steps and commits. A step is printed when it is done (step_end),
# with the number of commits it made; its commit is the next one.
function step_begin() {
	cnum = ncommit + 1
	cins[cnum] = 0
	cdel[cnum] = 0
	cchg[cnum] = ""
	ctouch = 0
	cother = 0
}

function step_end(kind, payload,   made) {
	made = (cins[cnum] + cdel[cnum] > 0 || cchg[cnum] != "" || cother) ? 1 : 0
	if (made) {
		ncommit = cnum
		exists[cnum] = texists
		sord[cnum] = ordstr()
		shdr[cnum] = hdr()
		srows[cnum] = texists ? livestr() : ""
		ttouch[cnum] = cins[cnum] + cdel[cnum] > 0 || cchg[cnum] != ""
	}
	if (mode == "plan")
		printf "%s\t%d\t%d\t%s\n", kind, ago, made, payload
}

function new_version(vals, n,   r, i) {
	r = ++nrid
	for (i = 1; i <= nord; i++)
		if (vals[ord[i]] != NUL)
			val[r, ord[i]] = vals[ord[i]]
	ins[r] = cnum
	del[r] = 0
	live[r] = 1
	idlive[val[r, 1]] = r
	everid[val[r, 1]] = 1
	cins[cnum]++
	return r
}

function end_version(r) {
	del[r] = cnum
	delete live[r]
	delete idlive[val[r, 1]]
	cdel[cnum]++
}

# A random live version; in a transaction it may be one the transaction
# made itself, which then is never current: no snapshot sees it.
function pick(   n, a, r) {
	n = 0
	for (r in live)
		a[++n] = r
	return n ? a[1 + rnd(n)] : 0
}

# An id for a new row: a fresh one, or now and then one deleted before.
function newid(   n, a, i) {
	if (rnd(5) == 0) {
		n = 0
		for (i in everid)
			if (!(i in idlive))
				a[++n] = i
		if (n)
			return a[1 + rnd(n)] + 0
	}
	return ++maxid
}

function colnamefree(nm,   i) {
	for (i = 1; i <= nord; i++)
		if (cname[ord[i]] == nm)
			return 0
	return 1
}

function freename(   nm, tries) {
	for (tries = 0; tries < 50; tries++) {
		nm = names[rnd(nnames)]
		if (colnamefree(nm))
			return nm
	}
	return "c" (++ncol)
}

# INSERT: 1 to 4 rows, all columns or some of them in any order.
function do_insert(   n, i, j, k, cols, ncols, vals, sql, rowsql, perm, x) {
	n = 1 + rnd(4)
	if (rnd(2)) {
		ncols = nord
		for (i = 1; i <= nord; i++)
			cols[i] = ord[i]
		sql = "INSERT INTO t VALUES "
	} else {
		# id and a random subset of the others, shuffled
		ncols = 0
		for (i = 1; i <= nord; i++)
			if (i == 1 || rnd(2))
				cols[++ncols] = ord[i]
		for (i = ncols; i > 1; i--) {
			j = 1 + rnd(i)
			x = cols[i]; cols[i] = cols[j]; cols[j] = x
		}
		sql = "INSERT INTO t ("
		for (i = 1; i <= ncols; i++)
			sql = sql (i > 1 ? ", " : "") cname[cols[i]]
		sql = sql ") VALUES "
	}
	for (j = 1; j <= n; j++) {
		for (i = 1; i <= nord; i++)
			vals[ord[i]] = NUL
		for (i = 1; i <= ncols; i++) {
			k = cols[i]
			vals[k] = k == 1 ? newid() : randval(ctype[k])
		}
		rowsql = ""
		for (i = 1; i <= ncols; i++)
			rowsql = rowsql (i > 1 ? ", " : "") lit(vals[cols[i]], ctype[cols[i]])
		sql = sql (j > 1 ? ", " : "") "(" rowsql ")"
		new_version(vals)
	}
	return sql
}

function idlist(rs, n,   i, s) {
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? ", " : "") val[rs[i], 1]
	return s
}

# Pick up to n distinct versions into rs; returns how many.
function picks(rs, n,   i, j, r, m, dup) {
	m = 0
	for (i = 0; i < n; i++) {
		r = pick()
		if (!r)
			break
		dup = 0
		for (j = 1; j <= m; j++)
			if (rs[j] == r)
				dup = 1
		if (!dup)
			rs[++m] = r
	}
	return m
}

# A non-id column of the table now, at random; of type ty if given.
function pickcol(ty,   i, a, n) {
	n = 0
	for (i = 2; i <= nord; i++)
		if (ty == "" || ctype[ord[i]] == ty)
			a[++n] = ord[i]
	return n ? a[1 + rnd(n)] : 0
}

function set_version(r, k, x,   vals, i) {
	for (i = 1; i <= nord; i++)
		vals[ord[i]] = getv(r, ord[i])
	vals[k] = x
	end_version(r)
	new_version(vals)
}

# UPDATE of listed ids, or of a column that is not NULL for ids with a
# given remainder (not in a transaction: it may match rows the
# transaction made).
function do_update(intxn,   rs, m, i, k, x, sql, md, rm, r, n, a) {
	k = pickcol("")
	if (!intxn && ctype[k] == "INTEGER" && rnd(3) == 0) {
		md = 2 + rnd(4)
		rm = rnd(md)
		x = rnd(20) - 5
		sql = "UPDATE t SET " cname[k] " = " cname[k] " + " x " WHERE " cname[k] " IS NOT NULL AND id % " md " = " rm
		n = 0
		for (r in live)
			if (getv(r, k) != NUL && val[r, 1] % md == rm)
				a[++n] = r
		for (i = 1; i <= n; i++)
			set_version(a[i], k, getv(a[i], k) + x)
		return sql
	}
	m = picks(rs, 1 + rnd(3))
	x = randval(ctype[k])
	# now and then an id that is not there
	sql = "UPDATE t SET " cname[k] " = " lit(x, ctype[k]) " WHERE id IN (" (m ? idlist(rs, m) : "") (m && rnd(4) ? "" : (m ? ", " : "") (maxid + 1000)) ")"
	for (i = 1; i <= m; i++)
		set_version(rs[i], k, x)
	return sql
}

function do_delete(intxn,   rs, m, i, k, sql, md, rm, r, n, a) {
	k = pickcol("")
	if (!intxn && rnd(4) == 0) {
		md = 3 + rnd(5)
		rm = rnd(md)
		sql = "DELETE FROM t WHERE " cname[k] " IS NULL AND id % " md " = " rm
		n = 0
		for (r in live)
			if (getv(r, k) == NUL && val[r, 1] % md == rm)
				a[++n] = r
		for (i = 1; i <= n; i++)
			end_version(a[i])
		return sql
	}
	m = picks(rs, 1 + rnd(3))
	sql = "DELETE FROM t WHERE id IN (" (m ? idlist(rs, m) : (maxid + 1000)) ")"
	for (i = 1; i <= m; i++)
		end_version(rs[i])
	return sql
}

function dml(intxn,   i) {
	i = rnd(10)
	if (i < 4 || nlive() < 8)
		return do_insert()
	if (i < 7)
		return do_update(intxn)
	return do_delete(intxn)
}

function do_ddl(   i, k, nm, ty, sql) {
	i = rnd(3)
	if (i == 1 && nord > 2) {
		k = pickcol("")
		sql = "ALTER TABLE t DROP COLUMN " cname[k]
		for (i = 1; i <= nord; i++)
			if (ord[i] == k)
				break
		for (; i < nord; i++)
			ord[i] = ord[i + 1]
		nord--
	} else if (i == 2) {
		k = pickcol("")
		nm = freename()
		sql = "ALTER TABLE t RENAME COLUMN " cname[k] " TO " nm
		cname[k] = nm
	} else {
		nm = freename()
		ty = rnd(2) ? "INTEGER" : "TEXT"
		k = ++nid
		cname[k] = nm
		ctype[k] = ty
		ord[++nord] = k
		sql = "ALTER TABLE t ADD COLUMN " nm " " ty
	}
	cchg[cnum] = "alter"
	return sql
}

# The clock: commits go from about commits * 3 hours ago to now, in
# steps of a second to six hours, with now and then a day's jump; at a
# few places the clock is set back (up to three days) for a commit or a
# few, which must still get increasing times.
function tick(i) {
	base -= 1 + rnd(rnd(8) ? 21600 : 86400)
	if (base < 0 || i >= commits - 3)
		base = 0
	if (backleft > 0) {
		backleft--
		ago = base + backby
	} else if (i > 5 && rnd(60) == 0) {
		backleft = rnd(3)
		backby = 60 + rnd(3 * 86400)
		ago = base + backby
	} else
		ago = base
}

# Restore t to a random earlier commit at which it existed, unless the
# table is empty both now and then.
function do_restore(   c, tries, rs, n, i, j, r, vals, ko, a) {
	for (tries = 0; tries < 20; tries++) {
		c = 1 + rnd(ncommit)
		if (exists[c] && (srows[c] != "" || nlive() > 0))
			break
	}
	if (!exists[c] || (srows[c] == "" && nlive() == 0))
		return 0
	for (r in live)
		end_version(r)
	n = split(srows[c], rs, " ")
	split(sord[c], ko, " ")
	for (i in ko)
		a[ko[i]] = 1
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= nord; j++)
			vals[ord[j]] = (ord[j] in a) ? getv(rs[i], ord[j]) : NUL
		new_version(vals)
	}
	return c
}

function workload(   i, sql, n, j, c, s) {
	NUL = "\034"
	ntext = split("a|pear||a,b|say \"hi\"|it's|x y|ünï|NULL|0|-", tt, "|")
	for (i = 1; i <= ntext; i++)
		texts[i - 1] = tt[i]
	nnames = split("w x y z n v note qty", nn, " ")
	for (i = 1; i <= nnames; i++)
		names[i - 1] = nn[i]
	srand(seed)
	base = commits * 15000
	ncommit = 0
	maxid = 0

	# t (id, v, n)
	tick(0)
	step_begin()
	nid = 3
	cname[1] = "id"; ctype[1] = "INTEGER"
	cname[2] = "v"; ctype[2] = "TEXT"
	cname[3] = "n"; ctype[3] = "INTEGER"
	nord = 3
	ord[1] = 1; ord[2] = 2; ord[3] = 3
	texists = 1
	cchg[cnum] = "create"
	step_end("sql", "CREATE TABLE t (id INTEGER, v TEXT, n INTEGER)")

	dropat = int(commits * (4 + rnd(3)) / 10)
	while (ncommit < commits) {
		tick(ncommit)
		if (rnd(25) == 0) {
			step_begin()
			step_end(rnd(3) ? "checkpoint" : "compact", "")
			continue
		}
		step_begin()
		i = rnd(100)
		if (ncommit >= dropat && !dropped) {
			# the drop, commits to another table, and the undrop
			dropped = 1
			texists = 0
			cchg[cnum] = "drop"
			step_end("sql", "DROP TABLE t")
			tick(ncommit); step_begin(); cother = 1
			step_end("sql", "CREATE TABLE u (x INTEGER)")
			n = 1 + rnd(6)
			for (j = 0; j < n; j++) {
				tick(ncommit); step_begin()
				if (j == 1)
					step_end("checkpoint", "")
				step_begin(); cother = 1
				step_end("sql", "INSERT INTO u VALUES (" j ")")
			}
			tick(ncommit); step_begin()
			texists = 1
			cchg[cnum] = "undrop"
			step_end(rnd(2) ? "undrop" : "sql", "FLASHBACK TABLE t TO BEFORE DROP")
		} else if (i < 4 && ncommit > 10) {
			c = do_restore()
			if (!c)
				continue
			if (rnd(2))
				step_end("restore", c)
			else
				step_end("sql", "FLASHBACK TABLE t TO COMMIT " c)
		} else if (i < 8) {
			step_end("sql", do_ddl())
		} else if (i < 20) {
			# a transaction of two to four statements, or a rollback
			if (rnd(12) == 0) {
				step_end("sql", "BEGIN; INSERT INTO t (id) VALUES (" (maxid + 5000) "); ROLLBACK")
				continue
			}
			n = 2 + rnd(3)
			s = "BEGIN"
			for (j = 0; j < n; j++)
				s = s "; " dml(1)
			step_end("sql", s "; COMMIT")
		} else {
			step_end("sql", dml(0))
		}
	}
}

# What rdb-flashback log --format tsv DIR t lists for t, less the time,
# program, user and message.
function print_log(   c) {
	for (c = 1; c <= ncommit; c++)
		if (ttouch[c])
			printf "%d\tt\t%d\t%d\t%s\n", c, cins[c], cdel[c],
			    cchg[c] == "" ? "\\N" : cchg[c]
}

# Times: microseconds since the epoch <-> text, in UTC (proleptic
# Gregorian, days from 1970-01-01 by the civil calendar algorithm).
function days_from_civil(y, m, d,   era, yoe, doy, doe) {
	y -= m <= 2
	era = int(y / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}

function parse_time(s,   a, sec, frac, us) {
	# 2026-11-26 22:17:03[.fraction]
	split(s, a, /[- :.]/)
	frac = a[7] ""
	while (length(frac) < 6)
		frac = frac "0"
	sec = days_from_civil(a[1] + 0, a[2] + 0, a[3] + 0) * 86400 + a[4] * 3600 + a[5] * 60 + a[6]
	return sec * 1000000 + frac
}

# style 0: all six digits; 1: as rdb prints times (no trailing zeros);
# 2: ISO with T and Z; 3: in another zone, with its offset.
function fmt_time(us, style,   off, sec, frac, z, era, doe, yoe, y, doy, mp, d, m, sod, s, f, sign) {
	off = 0
	if (style == 3) {
		off = zoneoff[rnd(nzones)]
		us += off * 60000000
	}
	sec = int(us / 1000000)
	if (sec * 1000000 > us)
		sec--
	frac = us - sec * 1000000
	z = int(sec / 86400)
	if (z * 86400 > sec)
		z--
	sod = sec - z * 86400
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	y += m <= 2
	s = sprintf("%04d-%02d-%02d%s%02d:%02d:%02d", y, m, d, style == 2 ? "T" : " ",
	    int(sod / 3600), int(sod % 3600 / 60), sod % 60)
	f = sprintf("%06d", frac)
	if (style == 1) {
		sub(/0+$/, "", f)
		return f == "" ? s : s "." f
	}
	s = s "." f
	if (style == 2)
		return s "Z"
	if (style == 3) {
		sign = off < 0 ? "-" : "+"
		if (off < 0)
			off = -off
		return s sprintf("%s%02d:%02d", sign, int(off / 60), off % 60)
	}
	return s
}

# A version r rendered in the columns cols (identities, space-separated);
# identities not in have (also space-separated, "" for all) are NULL.
function render(r, cols, have,   a, n, i, s, h, hh, m) {
	n = split(cols, a, " ")
	hh = have != ""
	if (hh) {
		m = split(have, h, " ")
		for (i = 1; i <= m; i++)
			hv[h[i]] = 1
	}
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? "," : "") ((hh && !(a[i] in hv)) ? "" : csv(getv(r, a[i])))
	if (hh)
		for (i = 1; i <= m; i++)
			delete hv[h[i]]
	return s
}

function snapshot(c,   rs, n, i, s) {
	s = shdr[c]
	n = split(srows[c], rs, " ")
	for (i = 1; i <= n; i++)
		s = s "\n" render(rs[i], sord[c], "")
	return s
}

# Points: a commit at or after the horizon, one at which t exists, a
# time that stands for a commit.
function randc() { return horizon + rnd(ncommit - horizon + 1) }

function randct(   c, tries) {
	for (tries = 0; tries < 100; tries++) {
		c = randc()
		if (exists[c])
			return c
	}
	return ncommit
}

# A time that stands for commit c, in tpick (microseconds) and its text
# in ttext; the kind of time in tkind.
function time_for(c,   i, gap) {
	i = rnd(4)
	if (c == ncommit && i >= 2) {
		tkind = "after the last"
		tpick = tus[c] + rnd(now - tus[c])
	} else if (i == 0 || c == ncommit || tus[c + 1] - tus[c] < 2) {
		tkind = "exact"
		tpick = tus[c]
	} else if (i == 1) {
		tkind = "just before the next"
		tpick = tus[c + 1] - 1
	} else {
		tkind = "between"
		gap = tus[c + 1] - tus[c]
		tpick = tus[c] + 1 + rnd(gap - 1)
	}
	ttext = fmt_time(tpick, rnd(4))
}

# SQL: FOR SYSTEM_TIME AS OF or AS OF, COMMIT c or TIMESTAMP.
function asof_sql(c, bytime,   f) {
	f = rnd(2) ? " FOR SYSTEM_TIME AS OF " : " AS OF "
	if (bytime) {
		time_for(c)
		return "SELECT * FROM t" f "TIMESTAMP '" ttext "' ORDER BY id"
	}
	return "SELECT * FROM t" f "COMMIT " c " ORDER BY id"
}

function sqlpoint(desc, stmt, want) {
	if (unmodelled) {
		unmodelled = 0
		return
	}
	np++
	printf "sql\tSELECT '%d: %s' AS point\nsql\t%s\n", np, desc, stmt > pfile
	printf "point\n%d: %s\n%s\n", np, desc, want >> efile
}

# A command: its arguments tab-separated in args, its exit status, what
# it prints on stdout (the lines after the header sorted when sorted)
# and on stderr.
function cmdpoint(desc, sorted, args, status, out, err,   a, n, i) {
	if (unmodelled) {
		unmodelled = 0
		return
	}
	np++
	printf "cmd\t%d: %s\t%d\t%s\n", np, desc, sorted, args > pfile
	printf "## %d: %s\nexit %d\n", np, desc, status >> efile
	if (out != "") {
		n = split(out, a, "\n")
		if (!sorted) {
			print out >> efile
		} else {
			print a[1] >> efile
			fflush(efile)
			for (i = 2; i <= n; i++)
				print a[i] | "LC_ALL=C sort >> " efile
			close("LC_ALL=C sort >> " efile)
		}
	}
	printf "## stderr\n" >> efile
	if (err != "")
		print err >> efile
}

# diff from a to b: rows of the snapshots in the columns of b.
function diff_out(a, b, key,   rs, n, i, x, cnt, dl, il, nd, ni, s, k, dk, ik) {
	s = "op," shdr[b]
	if (exists[a]) {
		n = split(srows[a], rs, " ")
		for (i = 1; i <= n; i++)
			cnt[render(rs[i], sord[b], sord[a])]++
	}
	n = split(srows[b], rs, " ")
	for (i = 1; i <= n; i++) {
		x = render(rs[i], sord[b], "")
		if (cnt[x] > 0)
			cnt[x]--
		else {
			il[++ni] = x
		}
	}
	for (x in cnt)
		while (cnt[x]-- > 0)
			dl[++nd] = x
	if (!key) {
		for (i = 1; i <= nd; i++)
			s = s "\nD," dl[i]
		for (i = 1; i <= ni; i++)
			s = s "\nI," il[i]
		return s
	}
	# id is the first column, never NULL, never quoted
	for (i = 1; i <= ni; i++) {
		k = il[i]
		sub(/,.*/, "", k)
		ik[k] = i
	}
	for (i = 1; i <= nd; i++) {
		k = dl[i]
		sub(/,.*/, "", k)
		if (k in ik)
			dk[k] = 1
		else
			s = s "\nD," dl[i]
	}
	for (i = 1; i <= ni; i++) {
		k = il[i]
		sub(/,.*/, "", k)
		s = s "\n" ((k in dk) ? "U," : "I,") il[i]
	}
	return s
}

# What each commit did to t, less the versions it made and ended itself
# (the log counts those): cinsn, cdeln.
function net_counts(   r) {
	for (r = 1; r <= nrid; r++) {
		if (del[r] == ins[r])
			continue
		cinsn[ins[r]]++
		if (del[r])
			cdeln[del[r]]++
	}
}

# Two gaps of rdb after a compaction moved the oldest readable commit to
# the horizon H, where the model cannot follow (it sets unmodelled; the
# point is not checked): compaction drops the rows deleted at or before
# H, so (1) a version a commit c <= H inserted is "U" again when c
# deleted only rows of its own (versions_open no longer sees those
# deletions), and (2) a range starting at H has no "D" rows for the
# deletions at H. See the report of the model test (issue 8).
function op_of(r) {
	if (horizon > 1 && ins[r] <= horizon && cdeln[ins[r]] == 0 && cdel[ins[r]] > 0)
		unmodelled = 1
	return cdeln[ins[r]] > 0 ? "U" : "I"
}

# The versions of ids lo..hi current at some commit from a to b, as the
# history stood at b; with D rows (SQL) or without (rdb-flashback).
function versions_out(lo, hi, a, b, drows,   s, r, id, n, key, line, i, j, x, kx, d, to) {
	s = shdr[b] ",rdb_valid_from,rdb_valid_to,rdb_commit_from,rdb_commit_to,rdb_op"
	if (b < a)
		return s
	n = 0
	for (r = 1; r <= nrid; r++) {
		id = val[r, 1]
		if (id < lo || id > hi || ins[r] == del[r])
			continue
		if (ins[r] <= b && (del[r] == 0 || del[r] > a)) {
			to = (del[r] && del[r] <= b) ? del[r] : 0
			n++
			key[n] = id * 10000000 + ins[r] * 10 + (op_of(r) == "I" ? 1 : 2)
			line[n] = render(r, sord[b], "") "," ttxt[ins[r]] "," (to ? ttxt[to] : "") "," ins[r] "," (to ? to : "") "," op_of(r)
		}
		d = del[r]
		if (drows && d && d >= a && d <= b && cinsn[d] == 0) {
			if (horizon > 1 && d == horizon)
				unmodelled = 1
			n++
			key[n] = id * 10000000 + d * 10
			line[n] = render(r, sord[b], "") "," ttxt[d] "," ttxt[d] "," d "," d ",D"
		}
	}
	for (i = 2; i <= n; i++) {
		x = line[i]
		kx = key[i]
		for (j = i - 1; j >= 1 && key[j] > kx; j--) {
			key[j + 1] = key[j]
			line[j + 1] = line[j]
		}
		key[j + 1] = kx
		line[j + 1] = x
	}
	for (i = 1; i <= n; i++)
		s = s "\n" line[i]
	return s
}

# A point as an argument of rdb-flashback: the commit, or a time that
# stands for it (then ptext is its text).
function fpoint(c) {
	if (rnd(3))
		return c
	time_for(c)
	return ttext
}

function expect_points(   i, k, c, a, b, s, sql, desc, key, id, lo, hi, e, t, col, pre, f, ids, nids) {
	srand(seed * 7 + horizon)
	nzones = split("60 330 -180 -600 0", zz, " ")
	for (i = 1; i <= nzones; i++)
		zoneoff[i - 1] = zz[i] + 0
	for (id in everid)
		ids[++nids] = id + 0
	np = 0
	while (np < points) {
		k = rnd(100)
		if (k < 40) {
			c = randc()
			b = rnd(2)
			sql = asof_sql(c, b)
			desc = "AS OF " (b ? tkind " time of " : "") "commit " c
			if (exists[c])
				sqlpoint(desc, sql, snapshot(c))
			else
				cmdpoint(desc " (dropped)", 0, "rdb-query\tdb\t" sql, 1, "",
				    "rdb-query: no such table 't' at commit " c " (at line 1, column 15)")
		} else if (k < 48) {
			c = randct()
			if (rnd(2))
				a = "--commit\t" c
			else {
				time_for(c)
				a = "--as-of\t" ttext
			}
			cmdpoint("query at commit " c, 0, "rdb-flashback\tquery\t" a "\tdb\tSELECT * FROM t ORDER BY id", 0, snapshot(c), "")
		} else if (k < 65) {
			b = randct()
			a = rnd(10) ? randc() : b
			key = rnd(2)
			cmdpoint("diff " a " " b (key ? " by id" : ""), 1,
			    "rdb-flashback\tdiff\tdb\tt\t--from\t" fpoint(a) "\t--to\t" fpoint(b) (key ? "\t--key\tid" : ""),
			    0, diff_out(a, b, key), "")
		} else if (k < 77) {
			id = ids[1 + rnd(nids)]
			if (rnd(3)) {
				cmdpoint("versions of " id, 1, "rdb-flashback\tversions\tdb\tt\t--where\tid = " id,
				    0, versions_out(id, id, horizon, ncommit, 0), "")
			} else {
				b = randct()
				a = rnd(5) ? horizon + rnd(b - horizon + 1) : randc()
				cmdpoint("versions of " id " between " a " " b, 1,
				    "rdb-flashback\tversions\tdb\tt\t--where\tid = " id "\t--between\t" fpoint(a) "\t" fpoint(b),
				    0, versions_out(id, id, a, b, 0), "")
			}
		} else if (k < 87) {
			lo = ids[1 + rnd(nids)]
			hi = lo + rnd(6)
			b = randct()
			a = rnd(8) ? horizon + rnd(b - horizon + 1) : randc()
			if (rnd(6) == 0) {
				a = horizon
				b = ncommit
				f = "ALL"
			} else if (rnd(3) == 0) {
				time_for(a)
				f = "BETWEEN TIMESTAMP '" ttext "' AND "
				time_for(b)
				f = f "TIMESTAMP '" ttext "'"
			} else
				f = "BETWEEN COMMIT " a " AND COMMIT " b
			if (!exists[b])
				continue
			sqlpoint("versions of " lo " to " hi " from " a " to " b,
			    "SELECT *, rdb_valid_from, rdb_valid_to, rdb_commit_from, rdb_commit_to, rdb_op FROM t FOR SYSTEM_TIME " f " WHERE id BETWEEN " lo " AND " hi " ORDER BY id, rdb_commit_from, rdb_op",
			    versions_out(lo, hi, a, b, 1))
		} else {
			# out of range: before the first commit, outside retained
			# history, in the future
			e = rnd(4)
			if (e == 0 && horizon == 1) {
				t = tus[1] - 1 - rnd(rnd(2) ? 1000 : 1e13)
				ttext = fmt_time(t, rnd(4))
				s = fmt_time(t, 1) " is before the first commit, commit 1 at " ttxt[1]
				f = "TIMESTAMP '" ttext "'"
				desc = "before the first"
			} else if (e == 0) {
				c = 1 + rnd(horizon - 1)
				t = tus[c] + rnd(tus[c + 1] - tus[c])
				ttext = fmt_time(t, rnd(4))
				s = fmt_time(t, 1) " is outside retained history: the oldest readable is commit " horizon " at " ttxt[horizon]
				f = "TIMESTAMP '" ttext "'"
				desc = "out of retention"
			} else if (e == 1 && horizon == 1) {
				ttext = "0"
				s = "commit 0 is before the first commit, commit 1"
				f = "COMMIT 0"
				desc = "commit 0"
			} else if (e == 1) {
				c = rnd(horizon)
				ttext = c
				s = "commit " c " is outside retained history: the oldest readable is " horizon
				f = "COMMIT " c
				desc = "commit " c " out of retention"
			} else if (e == 2) {
				t = now + 3600000000 + rnd(rnd(2) ? 1e9 : 1e15)
				ttext = fmt_time(t, rnd(4))
				s = fmt_time(t, 1) " is in the future: it is now NOW"
				f = "TIMESTAMP '" ttext "'"
				desc = "future"
			} else {
				c = ncommit + 1 + rnd(rnd(2) ? 2 : 1000)
				ttext = c
				s = "commit " c " is in the future: the latest is " ncommit
				f = "COMMIT " c
				desc = "commit " c " in the future"
			}
			i = rnd(4)
			if (i == 0) {
				pre = "SELECT * FROM t" (rnd(2) ? " FOR SYSTEM_TIME AS OF " : " AS OF ")
				col = length(pre) + 1 + (f ~ /^COMMIT/ ? 7 : 0)
				cmdpoint(desc " (SQL)", 0, "rdb-query\tdb\t" pre f, 6, "",
				    "rdb-query: " s " (at line 1, column " col ")")
			} else if (i == 1) {
				a = f ~ /^COMMIT/ ? "--commit\t" ttext : "--as-of\t" ttext
				cmdpoint(desc " (query)", 0, "rdb-flashback\tquery\t" a "\tdb\tSELECT * FROM t",
				    6, "", "rdb-flashback: " s)
			} else if (i == 2) {
				cmdpoint(desc " (diff)", 0, "rdb-flashback\tdiff\tdb\tt\t--from\t" ttext "\t--to\t" randct(),
				    6, "", "rdb-flashback: " s)
			} else {
				cmdpoint(desc " (versions)", 0, "rdb-flashback\tversions\tdb\tt\t--between\t" randct() "\t" ttext,
				    6, "", "rdb-flashback: " s)
			}
		}
	}
}

BEGIN {
	workload()
	if (mode == "log")
		print_log()
	else if (mode == "expect") {
		while ((getline line < times) > 0) {
			split(line, f, "\t")
			tus[f[1]] = f[2] + 0
			ttxt[f[1]] = f[3]
		}
		close(times)
		now += 0
		horizon += 0
		if (horizon < 1)
			horizon = 1
		net_counts()
		expect_points()
	}
}
