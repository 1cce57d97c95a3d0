// Times the official JS client (@huggingface/hub, installed in interop/js by
// `npm ci`) downloading from a Hub-compatible server, for comparison with
// `hf download` in the download benchmarks.
//
//   node bench/compare_js.mjs --endpoint URL --repo ORG/NAME [--type model|dataset]
//        [--file PATH] [--revision REV] [--cache-dir DIR]
//
// With --file it runs downloadFileToCacheDir for that file, otherwise
// snapshotDownload of the whole repo, into --cache-dir (default: a fresh
// temporary folder, removed afterwards). It prints one JSON line:
//   {"client":"@huggingface/hub","version":"2.17.5","op":"snapshotDownload",
//    "seconds":1.234,"files":1000,"bytes":12345678,"path":"..."}
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const pkgDir = new URL("../interop/js/node_modules/@huggingface/hub/", import.meta.url);
let hub;
try {
  hub = await import(new URL("dist/index.mjs", pkgDir));
} catch (err) {
  console.error(`compare_js: cannot load @huggingface/hub (${err.message}); run \`npm ci\` in interop/js first`);
  process.exit(2);
}
const version = JSON.parse(readFileSync(new URL("package.json", pkgDir), "utf8")).version;

const { values: a } = parseArgs({
  options: {
    endpoint: { type: "string" },
    repo: { type: "string" },
    type: { type: "string", default: "model" },
    file: { type: "string" },
    revision: { type: "string", default: "main" },
    "cache-dir": { type: "string" },
  },
});
if (!a.endpoint || !a.repo) {
  console.error("usage: node bench/compare_js.mjs --endpoint URL --repo ORG/NAME [--type model|dataset] [--file PATH] [--revision REV] [--cache-dir DIR]");
  process.exit(2);
}
console.debug = () => {};

const cacheDir = a["cache-dir"] || (await mkdtemp(join(tmpdir(), "compare-js-")));
const params = { repo: { type: a.type, name: a.repo }, hubUrl: a.endpoint.replace(/\/+$/, ""), revision: a.revision, cacheDir };

async function measure(path) {
  const s = await stat(path);
  if (!s.isDirectory()) return { files: 1, bytes: s.size };
  let files = 0;
  let bytes = 0;
  for (const ent of await readdir(path, { withFileTypes: true })) {
    const m = await measure(join(path, ent.name));
    files += m.files;
    bytes += m.bytes;
  }
  return { files, bytes };
}

const start = process.hrtime.bigint();
const op = a.file ? "downloadFileToCacheDir" : "snapshotDownload";
const path = a.file ? await hub.downloadFileToCacheDir({ ...params, path: a.file }) : await hub.snapshotDownload(params);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const { files, bytes } = await measure(path);
console.log(JSON.stringify({ client: "@huggingface/hub", version, op, seconds: Number(seconds.toFixed(3)), files, bytes, path }));
if (!a["cache-dir"]) await rm(cacheDir, { recursive: true, force: true });
