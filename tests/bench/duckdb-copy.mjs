// COPY lineitem FROM a CSV file into a fresh DuckDB database, timed inside
// the process (the peer of rdb-load):  node duckdb-copy.mjs FILE lineitem.csv
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'fs';
const [,, dbfile, csv] = process.argv;
rmSync(dbfile, { force: true }); rmSync(dbfile + '.wal', { force: true });
const inst = await DuckDBInstance.create(dbfile);
const con = await inst.connect();
await con.run(`CREATE TABLE lineitem (l_orderkey INTEGER NOT NULL, l_partkey INTEGER NOT NULL, l_suppkey INTEGER NOT NULL, l_linenumber INTEGER NOT NULL, l_quantity DECIMAL(15,2) NOT NULL, l_extendedprice DECIMAL(15,2) NOT NULL, l_discount DECIMAL(15,2) NOT NULL, l_tax DECIMAL(15,2) NOT NULL, l_returnflag CHAR(1) NOT NULL, l_linestatus CHAR(1) NOT NULL, l_shipdate DATE NOT NULL, l_commitdate DATE NOT NULL, l_receiptdate DATE NOT NULL, l_shipinstruct CHAR(25) NOT NULL, l_shipmode CHAR(10) NOT NULL, l_comment VARCHAR(44) NOT NULL)`);
const t0 = performance.now();
await con.run(`COPY lineitem FROM '${csv}' (HEADER)`);
await con.run('CHECKPOINT');
console.log(`copy ${((performance.now() - t0) / 1000).toFixed(3)} s`);
