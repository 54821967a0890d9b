// TPC-H queries in DuckDB, timed inside the process (the peer of
// rdb-query; start-up and loading are not counted):
//   node duckdb-tpch.mjs DBFILE schema.sql DATADIR RUNS QUERY.sql...
//   node duckdb-tpch.mjs DBFILE schema.sql DATADIR RUNS -
// Loads DATADIR/<table>.csv into DBFILE unless it already holds the
// tables (all eight are loaded in one transaction, so a database is
// either complete or empty), then runs each query RUNS times and prints
// "<query file name> <median seconds>" per query. With -, the query
// files come one a line on standard input, each answered as it comes:
// query.sh times DuckDB right after rdb-query on each query, so that
// both see the machine in the same state.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, rmSync } from 'fs';
import { basename } from 'path';
import { createInterface } from 'readline';
const [,, dbfile, schema, datadir, runs, ...queries] = process.argv;
const tables = ['nation', 'region', 'part', 'partsupp', 'supplier', 'customer', 'orders', 'lineitem'];

let inst = await DuckDBInstance.create(dbfile);
let con = await inst.connect();
const have = await con.runAndReadAll(
  `SELECT count(*) FROM duckdb_tables() WHERE table_name IN (${tables.map(t => `'${t}'`).join(',')})`);
if (Number(have.getRows()[0][0]) !== tables.length) {
  con.closeSync();
  inst.closeSync();
  rmSync(dbfile, { force: true }); rmSync(dbfile + '.wal', { force: true });
  inst = await DuckDBInstance.create(dbfile);
  con = await inst.connect();
  const t0 = performance.now();
  await con.run('BEGIN');
  for (const stmt of readFileSync(schema, 'utf8').split(';'))
    if (stmt.replace(/--.*$/gm, '').trim()) await con.run(stmt);
  for (const t of tables)
    await con.run(`COPY ${t} FROM '${datadir}/${t}.csv' (HEADER)`);
  await con.run('COMMIT');
  await con.run('CHECKPOINT');
  console.error(`duckdb-tpch: loaded ${datadir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function timeQuery(q) {
  const sql = readFileSync(q, 'utf8');
  const times = [];
  for (let i = 0; i < Number(runs); i++) {
    const t0 = performance.now();
    await con.runAndReadAll(sql);
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  // QUERY-duckdb.sql is DuckDB's own text of QUERY
  const id = basename(q, '.sql').replace(/-duckdb$/, '');
  console.log(`${id} ${times[(times.length - 1) >> 1].toFixed(4)}`);
}

if (queries.length === 1 && queries[0] === '-') {
  console.log('ready');
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    try {
      await timeQuery(line.trim());
    } catch (e) {
      console.error(`duckdb-tpch: ${line.trim()}: ${e.message}`);
      console.log(`${basename(line.trim(), '.sql')} err`);
    }
  }
} else {
  for (const q of queries)
    await timeQuery(q);
}
