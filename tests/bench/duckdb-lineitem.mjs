// Load lineitem REPEAT times into a DuckDB file, checkpoint, and report
// the load time and the file size: the peer of storage-bench.
//   node duckdb-lineitem.mjs FILE lineitem.csv REPEAT
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync, rmSync } from 'fs';
const [,, dbfile, csv, repeat] = process.argv;
rmSync(dbfile, { force: true }); rmSync(dbfile + '.wal', { force: true });
const inst = await DuckDBInstance.create(dbfile);
const con = await inst.connect();
await con.run(`CREATE TABLE lineitem (l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL)`);
let t0 = performance.now();
for (let i = 0; i < Number(repeat); i++)
  await con.run(`INSERT INTO lineitem SELECT * FROM read_csv('${csv}', header=true)`);
await con.run('CHECKPOINT');
const load = (performance.now() - t0) / 1000;
t0 = performance.now();
const r = await con.runAndReadAll('SELECT sum(l_orderkey) FROM lineitem');
const scan = (performance.now() - t0) / 1000;
console.log(`duckdb_load ${load.toFixed(3)} s`);
console.log(`duckdb_file_bytes ${statSync(dbfile).size} bytes`);
console.log(`duckdb_sum_orderkey ${scan.toFixed(4)} s`);
