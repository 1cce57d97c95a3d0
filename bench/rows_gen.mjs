// Writes the benchmark Parquet file with DuckDB: N rows of an id, a ~60
// character text, a double, a bool, a low-cardinality string and a short
// list of strings; Snappy, row groups of 122,880 rows (DuckDB's default).
//
//   node bench/rows_gen.mjs FILE ROWS
import { DuckDBInstance } from '@duckdb/node-api';

const [file, rows] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
await db.run(`COPY (SELECT i AS id,
  'row ' || i || ' some text to make the string longer ' || (i * 7919) % 100003 AS text,
  i / 3.0 AS score, i % 2 = 0 AS flag, 'cat' || (i % 10) AS cat,
  ['t' || (i % 5), 'u' || (i % 3)][1:(i % 3)] AS tags
  FROM range(0, ${Number(rows)}) r(i)) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`);
