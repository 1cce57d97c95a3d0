// Cross-checks hfhub's Parquet reader (package dataset/rows, through the
// rowsdump tool) with two readers no one here wrote: DuckDB and hyparquet.
//
//   node check.mjs --rowsdump PATH --dir TMPDIR
//
// 1. DuckDB writes Parquet files (several compressions, Parquet v1 and v2
//    encodings, dictionary and plain, nested lists/structs/maps, nulls,
//    dates, timestamps, decimals, small ints, floats); our reader, DuckDB
//    and hyparquet read each, and every row must agree.
// 2. rowsdump -write makes Parquet files with parquet-go, and converts
//    JSON Lines and CSV with rows.WriteParquet (what hf serve puts on
//    refs/convert/parquet); DuckDB and hyparquet must read the same rows
//    as our reader.
// Exits 1 on any disagreement.
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const rowsdump = args.rowsdump;
const dir = args.dir;
if (!rowsdump || !dir) {
  console.error('usage: node check.mjs --rowsdump PATH --dir TMPDIR');
  process.exit(2);
}

const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();

const table = `SELECT
  i::BIGINT AS id,
  'row ' || i || ' é' AS text,
  CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.5 END::DOUBLE AS score,
  (i::FLOAT / 4) AS f32,
  (i % 3 = 0) AS flag,
  i::SMALLINT AS small,
  i::INTEGER AS int32,
  (i * 1000003)::UBIGINT AS big,
  CASE WHEN i % 4 = 0 THEN NULL ELSE ['a' || i, NULL, 'b'] END AS strs,
  [i, i + 1][1:(i % 3)] AS ints,
  {'a': i, 'b': 'x' || (i % 10), 'c': CASE WHEN i % 6 = 0 THEN NULL ELSE [i * 0.5] END} AS st,
  CASE WHEN i % 9 = 0 THEN NULL ELSE MAP {'k' || (i % 3): i} END AS m,
  [{'x': i, 'y': ['q' || i]}, {'x': -i, 'y': []}] AS nested,
  DATE '2024-01-01' + (i % 400)::INTEGER AS d,
  TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1500123) AS ts,
  (i / 7)::DECIMAL(12, 3) AS dec,
  (['red', 'green', 'blue'])[1 + i % 3] AS cat,
  CASE WHEN i % 11 = 0 THEN NULL ELSE 'opt' || i END AS opt
FROM range(0, 5000) r(i)`;

const duckFiles = [
  ['duck-snappy', "COMPRESSION snappy, ROW_GROUP_SIZE 1000"],
  ['duck-zstd-v2', "COMPRESSION zstd, ROW_GROUP_SIZE 2048, PARQUET_VERSION v2"],
  ['duck-gzip', "COMPRESSION gzip, ROW_GROUP_SIZE 700"],
  ['duck-none', "COMPRESSION uncompressed"],
  ['duck-lz4-v2', "COMPRESSION lz4_raw, PARQUET_VERSION v2, ROW_GROUP_SIZE 4000"],
];
for (const [name, opts] of duckFiles) {
  await db.run(`COPY (${table}) TO '${join(dir, name + '.parquet')}' (FORMAT parquet, ${opts})`);
}
execFileSync(rowsdump, ['-write', dir]);

// norm maps a value of any of the three readers to one canonical form.
function norm(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (v instanceof Uint8Array) return 'bytes:' + Buffer.from(v).toString('base64');
  if (Array.isArray(v)) {
    // DuckDB's JSON form of a MAP is [{key, value}, ...].
    if (v.length > 0 && v.every((e) => e && typeof e === 'object' && !Array.isArray(e) && Object.keys(e).length === 2 && 'key' in e && 'value' in e)) {
      return norm(Object.fromEntries(v.map((e) => [String(e.key), e.value])));
    }
    return v.map(norm);
  }
  if (typeof v === 'object') {
    if (Object.keys(v).length === 0) return []; // an empty MAP: DuckDB [], ours and hyparquet {}
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = norm(v[k]);
    return out;
  }
  if (typeof v === 'string') {
    // timestamps and dates: ours RFC 3339, DuckDB "2024-01-01 00:00:01.5"
    if (/^\d{4}-\d\d-\d\d([ T]\d\d:\d\d:\d\d(\.\d+)?(Z|\+00)?)?$/.test(v)) {
      const iso = v.length === 10 ? v + 'T00:00:00Z' : v.replace(' ', 'T').replace(/(Z|\+00)?$/, 'Z');
      return Date.parse(iso);
    }
    if (/^-?\d+(\.\d+)?$/.test(v)) return norm(Number(v)); // decimals and big ints as text
    return v;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(7)); // float32 printed by each its own way
  return v;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function duckRows(file) {
  const reader = await db.runAndReadAll(`SELECT * FROM read_parquet('${file}')`);
  return reader.getRowObjectsJson();
}

async function hypRows(file) {
  const buf = await asyncBufferFromFile(file);
  return parquetReadObjects({ file: buf, compressors, utf8: true });
}

function ourRows(file) {
  const out = execFileSync(rowsdump, [file], { maxBuffer: 1 << 30 }).toString();
  return out.split('\n').filter((l) => l).map((l) => JSON.parse(l));
}

// Columns whose forms differ by design, per reader: blobs (ours base64,
// DuckDB escaped text), hyparquet's own decimal/uint forms are numbers.
const skipColumns = { duck: new Set(['blob']), hyp: new Set(['blob']) };

let failures = 0;
let compared = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.parquet')).sort()) {
  const file = join(dir, f);
  const ours = ourRows(file);
  for (const [peer, rowsOf] of [['duck', duckRows], ['hyp', hypRows]]) {
    let theirs;
    try {
      theirs = await rowsOf(file);
    } catch (e) {
      console.log(`FAIL ${f}: ${peer} cannot read it: ${e.message}`);
      failures++;
      continue;
    }
    if (theirs.length !== ours.length) {
      console.log(`FAIL ${f}: ${peer} reads ${theirs.length} rows, we read ${ours.length}`);
      failures++;
      continue;
    }
    let bad = 0;
    for (let i = 0; i < ours.length; i++) {
      for (const col of Object.keys(ours[i])) {
        if (skipColumns[peer].has(col)) continue;
        const a = norm(ours[i][col]);
        const b = norm(theirs[i][col]);
        compared++;
        if (!same(a, b)) {
          if (bad < 5) console.log(`FAIL ${f}: row ${i} column ${col}: ours ${JSON.stringify(a)}, ${peer} ${JSON.stringify(b)}`);
          bad++;
        }
      }
      if (Object.keys(theirs[i]).length !== Object.keys(ours[i]).length) {
        if (bad < 5) console.log(`FAIL ${f}: row ${i}: columns ours ${Object.keys(ours[i])}, ${peer} ${Object.keys(theirs[i])}`);
        bad++;
      }
    }
    if (bad > 0) failures++;
    console.log(`${bad ? 'FAIL' : 'ok  '} ${f}: ${ours.length} rows, ${peer === 'duck' ? 'DuckDB' : 'hyparquet'} ${bad ? bad + ' mismatches' : 'agrees'}`);
  }
}
console.log(`interop-duckdb: ${compared} cells compared, ${failures} failures`);
process.exit(failures ? 1 : 0);
