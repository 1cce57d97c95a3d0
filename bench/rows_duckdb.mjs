// Full scan of a Parquet file by DuckDB with one thread, for bench/rows.sh:
// every value of the asked columns is decoded (hashed and summed), nothing
// is answered from metadata.
//
//   node bench/rows_duckdb.mjs FILE [column]
import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';

const [file, column] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();
const what = column ? `hash("${column}")` : 'hash(t)';
const start = performance.now();
const reader = await db.runAndReadAll(`SELECT count(*)::BIGINT AS n, sum(${what})::HUGEINT AS h FROM read_parquet('${file}') t`);
const secs = (performance.now() - start) / 1000;
const n = Number(reader.getRowObjects()[0].n);
console.log(`rows=${n} seconds=${secs.toFixed(3)} rows_per_s=${(n / secs).toFixed(0)} mb_per_s=${(statSync(file).size / 1e6 / secs).toFixed(1)}`);
