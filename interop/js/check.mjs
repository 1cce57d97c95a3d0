// Runs the official @huggingface/hub client against a Hub-compatible server and
// checks every answer against a manifest written by interop-fixtures.
//
//   node check.mjs --manifest FILE [--endpoint URL] [--hf PATH] [--verbose]
//
// With --hf (our hf binary) it also checks that the JS client and `hf
// download` share one cache: each finds what the other downloaded without
// the network.
//
// Each check prints "ok   <name>" or "FAIL <name>: <why>" followed by the
// requests the client made during that check. The last line is
// "interop-js: N passed, N failed"; the exit code is 1 when any check failed.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readlink, readdir, lstat, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, relative, sep, basename } from "node:path";
import { parseArgs } from "node:util";
import * as hub from "@huggingface/hub";

const { values: args } = parseArgs({
  options: {
    manifest: { type: "string" },
    endpoint: { type: "string" },
    verbose: { type: "boolean", default: false },
    hf: { type: "string" },
    keep: { type: "boolean", default: false },
    "page-size": { type: "string" },
    // --xet: the server runs with --xet; LFS downloads must go through
    // /v2/reconstructions and presigned xorb ranges (without Authorization).
    xet: { type: "boolean", default: false },
  },
});
if (!args.manifest) {
  console.error("usage: node check.mjs --manifest FILE [--endpoint URL] [--verbose]");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(args.manifest, "utf8"));
// --page-size N: the server answers N items per page (hf serve --page-size).
const pageSize = args["page-size"] ? Number(args["page-size"]) : 0;
const hubUrl = (args.endpoint || manifest.endpoint || "").replace(/\/+$/, "");
if (!hubUrl) {
  console.error("check.mjs: no endpoint: pass --endpoint or put one in the manifest");
  process.exit(2);
}
// downloadFileToCacheDir logs every download with console.debug.
console.debug = () => {};

// ---- request log: every request the client sends, per check -------------
let requestLog = [];
const loggingFetch = async (input, init = {}) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : String(input.url);
  const method = init.method || (typeof input === "object" && input.method) || "GET";
  const headers = new Headers(init.headers || {});
  const range = headers.get("range");
  const entry = `${method} ${url.replace(hubUrl, "")}${range ? ` [Range: ${range}]` : ""}`;
  try {
    const resp = await fetch(input, init);
    const extra = [];
    for (const h of ["x-error-code", "content-range", "etag", "x-repo-commit"]) {
      const v = resp.headers.get(h);
      if (v) extra.push(`${h}: ${v}`);
    }
    requestLog.push(`${entry} -> ${resp.status}${resp.redirected ? " (redirected)" : ""}${extra.length ? " {" + extra.join(", ") + "}" : ""}`);
    return resp;
  } catch (err) {
    requestLog.push(`${entry} -> network error: ${err.message}`);
    throw err;
  }
};
const common = { hubUrl, fetch: loggingFetch };

// ---- tiny check framework -----------------------------------------------
let passed = 0;
let failed = 0;
const failures = [];
async function check(name, fn) {
  requestLog = [];
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
    if (args.verbose) for (const r of requestLog) console.log(`       ${r}`);
  } catch (err) {
    failed++;
    const msg = err && err.stack && !(err instanceof CheckError) ? err.stack.split("\n").slice(0, 3).join(" | ") : err && err.message ? err.message : String(err);
    console.log(`FAIL ${name}: ${msg}`);
    for (const r of requestLog) console.log(`       ${r}`);
    failures.push(name);
  }
}
class CheckError extends Error {}
function expect(cond, msg) {
  if (!cond) throw new CheckError(msg);
}
function expectEqual(got, want, what) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new CheckError(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}
async function expectThrows(fn, what, pred) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${what}: expected an error, got success`);
  if (pred) pred(err);
  return err;
}
const sha256 = (buf) => createHash("sha256").update(Buffer.from(buf)).digest("hex");
const sorted = (xs) => [...xs].sort();
const isSha = (s) => typeof s === "string" && /^[0-9a-f]{40}$/.test(s);

// ---- helpers ---------------------------------------------------------------
const designation = (r) => ({ type: r.type, name: r.id });
const repoFolder = (r) => `${r.type}s--${r.id.replaceAll("/", "--")}`;
async function info(r, extra = {}) {
  const fn = r.type === "dataset" ? hub.datasetInfo : r.type === "space" ? hub.spaceInfo : hub.modelInfo;
  return fn({ ...common, name: r.id, additionalFields: ["sha", "siblings"], ...extra });
}
async function walk(dir) {
  const out = [];
  for (const ent of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, ent.name);
    if (ent.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
// topLevel returns the entries directly under folder prefix ("" for the root)
// of a manifest file map: files and the directories that contain files.
function topLevel(files, prefix) {
  const entries = new Map();
  for (const p of Object.keys(files)) {
    if (prefix && !p.startsWith(prefix + "/")) continue;
    const rest = prefix ? p.slice(prefix.length + 1) : p;
    const i = rest.indexOf("/");
    const name = (prefix ? prefix + "/" : "") + (i < 0 ? rest : rest.slice(0, i));
    entries.set(name, i < 0 ? "file" : "directory");
  }
  return entries;
}
// folderSizes returns, for each folder of a manifest file map, how many
// direct entries (files and folders) it has.
function folderSizes(files) {
  const entries = new Map();
  for (const p of Object.keys(files)) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (!entries.has(folder)) entries.set(folder, new Set());
      entries.get(folder).add(parts[i]);
    }
  }
  return new Map([...entries].map(([f, set]) => [f, set.size]));
}
// checkCacheFile checks that path is a relative symlink to ../../blobs/<etag>
// (with as many ../ as the file is deep) and that its content is right.
async function checkCacheFile(cacheRoot, r, commit, path, fi, pointer) {
  const folder = join(cacheRoot, repoFolder(r));
  if (commit) {
    expectEqual(relative(folder, pointer).split(sep).join("/"), `snapshots/${commit}/${path}`, `cache path of ${path}`);
  }
  const st = await lstat(pointer);
  expect(st.isSymbolicLink(), `${pointer} is not a symlink`);
  const target = await readlink(pointer);
  const depth = path.split("/").length;
  expectEqual(target.split(sep).join("/"), `${"../".repeat(depth + 1)}blobs/${fi.etag}`, `symlink target of ${path}`);
  expectEqual(sha256(await readFile(pointer)), fi.sha256, `sha256 of cached ${path}`);
}

// ---- the checks ------------------------------------------------------------
const cacheRoot = await mkdtemp(join(tmpdir(), "interop-js-cache-"));

async function checkRepo(r) {
  const label = `${r.type}s/${r.id}`;
  const main = r.revisions[0];
  let mainSha = main.commit;

  await check(`${label}: ${r.type}Info (default revision)`, async () => {
    const got = await info(r);
    expectEqual(got.name, r.id, "name");
    expect(typeof got.id === "string" && got.id.length > 0, `id (from _id) missing: ${JSON.stringify(got.id)}`);
    expect(isSha(got.sha), `sha is not a commit id: ${JSON.stringify(got.sha)}`);
    if (main.commit) expectEqual(got.sha, main.commit, "sha");
    mainSha = got.sha;
    expectEqual(sorted((got.siblings || []).map((s) => s.rfilename)), sorted(Object.keys(main.files)), "siblings");
    expectEqual(got.private, !!r.private, "private");
  });

  await check(`${label}: repoExists`, async () => {
    expectEqual(await hub.repoExists({ ...common, repo: designation(r) }), true, "repoExists");
  });

  const revs = [...r.revisions];
  // The same content addressed by its commit id.
  if (mainSha) revs.push({ ...main, rev: mainSha, kind: "sha", commit: mainSha });

  for (const rv of revs) {
    const at = `${label}@${rv.rev}`;
    let commit = rv.commit;
    const files = rv.files;
    const paths = sorted(Object.keys(files));

    await check(`${at}: ${r.type}Info(revision)`, async () => {
      const got = await info(r, { revision: rv.rev });
      expect(isSha(got.sha), `sha is not a commit id: ${JSON.stringify(got.sha)}`);
      if (commit) expectEqual(got.sha, commit, "sha");
      commit = got.sha;
      expectEqual(sorted((got.siblings || []).map((s) => s.rfilename)), paths, "siblings");
    });

    await check(`${at}: listFiles recursive`, async () => {
      const got = [];
      for await (const e of hub.listFiles({ ...common, repo: designation(r), revision: rv.rev, recursive: true })) got.push(e);
      const gotFiles = got.filter((e) => e.type === "file");
      expectEqual(sorted(gotFiles.map((e) => e.path)), paths, "file paths");
      for (const e of gotFiles) {
        const fi = files[e.path];
        expectEqual(e.size, fi.size, `size of ${e.path}`);
        if (fi.lfs) {
          expect(e.lfs, `${e.path} should be an LFS file (lfs missing in tree entry)`);
          expectEqual(e.lfs.oid, fi.sha256, `lfs.oid of ${e.path}`);
          expectEqual(e.lfs.size, fi.size, `lfs.size of ${e.path}`);
          expect(e.lfs.pointerSize > 0, `lfs.pointerSize of ${e.path}`);
        } else {
          expect(!e.lfs, `${e.path} should not be an LFS file`);
          expectEqual(e.oid, fi.gitOid, `oid of ${e.path}`);
        }
      }
      const dirs = new Set();
      for (const p of paths) {
        const parts = p.split("/");
        for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
      }
      expectEqual(sorted(got.filter((e) => e.type === "directory").map((e) => e.path)), sorted(dirs), "directories");
    });

    await check(`${at}: listFiles top level (not recursive)`, async () => {
      const got = [];
      for await (const e of hub.listFiles({ ...common, repo: designation(r), revision: rv.rev })) got.push(e);
      const want = topLevel(files, "");
      expectEqual(sorted(got.map((e) => `${e.type}:${e.path}`)), sorted([...want].map(([p, t]) => `${t}:${p}`)), "entries");
    });

    const nested = paths.find((p) => p.split("/").length >= 3) || paths.find((p) => p.includes("/"));
    if (nested) {
      const folder = nested.slice(0, nested.lastIndexOf("/"));
      await check(`${at}: listFiles path=${folder} expand=true`, async () => {
        const got = [];
        for await (const e of hub.listFiles({ ...common, repo: designation(r), revision: rv.rev, path: folder, expand: true })) got.push(e);
        const want = topLevel(files, folder);
        expectEqual(sorted(got.map((e) => `${e.type}:${e.path}`)), sorted([...want].map(([p, t]) => `${t}:${p}`)), "entries");
        for (const e of got) {
          expect(e.lastCommit && isSha(e.lastCommit.id), `lastCommit.id of ${e.path}: ${JSON.stringify(e.lastCommit)}`);
          if (e.type === "file") expect(e.securityFileStatus, `securityFileStatus of ${e.path} missing`);
        }
      });
    }

    // A folder with more direct entries than a page of an expanded listing
    // (50): the client must follow the Link header.
    for (const [folder, n] of folderSizes(files)) {
      if (n <= 50) continue;
      await check(`${at}: listFiles path=${folder} expand=true (${n} entries, paginated)`, async () => {
        const got = [];
        for await (const e of hub.listFiles({ ...common, repo: designation(r), revision: rv.rev, path: folder, expand: true })) got.push(e);
        const want = topLevel(files, folder);
        expectEqual(sorted(got.map((e) => `${e.type}:${e.path}`)), sorted([...want].map(([p, t]) => `${t}:${p}`)), "entries");
        const pages = requestLog.filter((l) => l.includes("/tree/")).length;
        expect(pages >= 2, `${n} entries came in ${pages} page(s); a page of an expanded listing holds at most 50`);
      });
    }

    await check(`${at}: pathsInfo expand=true`, async () => {
      const ask = [...paths.filter((p) => files[p].lfs).slice(0, 2), paths.find((p) => !files[p].lfs), ...(nested ? [nested.slice(0, nested.indexOf("/"))] : []), manifest.missingFile];
      const got = await hub.pathsInfo({ ...common, repo: designation(r), revision: rv.rev, paths: ask, expand: true });
      const byPath = new Map(got.map((e) => [e.path, e]));
      expect(!byPath.has(manifest.missingFile), "a missing path was listed");
      for (const p of ask) {
        if (p === manifest.missingFile) continue;
        const e = byPath.get(p);
        expect(e, `${p} missing from the answer (got ${JSON.stringify([...byPath.keys()])})`);
        expect(e.lastCommit && isSha(e.lastCommit.id), `lastCommit of ${p}: ${JSON.stringify(e.lastCommit)}`);
        expect(e.lastCommit.date instanceof Date && !isNaN(e.lastCommit.date), `lastCommit.date of ${p} is not a date`);
        const fi = files[p];
        if (!fi) {
          expectEqual(e.type, "directory", `type of ${p}`);
          continue;
        }
        expectEqual(e.type, "file", `type of ${p}`);
        expectEqual(e.size, fi.size, `size of ${p}`);
        if (fi.lfs) expectEqual(e.lfs && e.lfs.oid, fi.sha256, `lfs.oid of ${p}`);
        else expectEqual(e.oid, fi.gitOid, `oid of ${p}`);
      }
    });

    await check(`${at}: fileExists`, async () => {
      for (const p of [paths.find((p) => files[p].lfs), paths.find((p) => !files[p].lfs)].filter(Boolean)) {
        expectEqual(await hub.fileExists({ ...common, repo: designation(r), revision: rv.rev, path: p }), true, `fileExists(${p})`);
      }
      expectEqual(await hub.fileExists({ ...common, repo: designation(r), revision: rv.rev, path: manifest.missingFile }), false, `fileExists(${manifest.missingFile})`);
    });

    await check(`${at}: downloadFile (every file, sha256)`, async () => {
      for (const p of paths) {
        const blob = await hub.downloadFile({ ...common, repo: designation(r), revision: rv.rev, path: p });
        expect(blob, `downloadFile(${p}) returned null`);
        expectEqual(blob.size, files[p].size, `blob.size of ${p}`);
        const buf = await blob.arrayBuffer();
        expectEqual(buf.byteLength, files[p].size, `bytes of ${p}`);
        expectEqual(sha256(buf), files[p].sha256, `sha256 of ${p}`);
      }
      if (args.xet && paths.some((p) => files[p].lfs)) {
        expect(requestLog.some((l) => l.includes("/v2/reconstructions/") && / -> 200/.test(l)), "--xet: no /v2/reconstructions answered 200: the LFS files did not come through Xet");
        expect(requestLog.some((l) => l.includes("/xet-xorb/") && / -> 20[06]/.test(l)), "--xet: no presigned xorb range fetched");
      }
    });

    const big = paths.filter((p) => files[p].lfs).sort((a, b) => files[b].size - files[a].size)[0];
    if (big && rv === revs[0]) {
      await check(`${at}: downloadFile slice (Range) of ${big}`, async () => {
        const blob = await hub.downloadFile({ ...common, repo: designation(r), revision: rv.rev, path: big });
        const whole = Buffer.from(await blob.arrayBuffer());
        const [a, b] = [1000, 1000 + 65536];
        const part = Buffer.from(await blob.slice(a, b).arrayBuffer());
        expectEqual(part.length, b - a, "slice length");
        expect(part.equals(whole.subarray(a, b)), "slice bytes differ from the whole file's");
        const tail = Buffer.from(await blob.slice(files[big].size - 10).arrayBuffer());
        expect(tail.equals(whole.subarray(files[big].size - 10)), "last 10 bytes differ");
      });
    }

    await check(`${at}: downloadFile missing path -> null`, async () => {
      const blob = await hub.downloadFile({ ...common, repo: designation(r), revision: rv.rev, path: manifest.missingFile });
      expectEqual(blob, null, "result");
    });

    await check(`${at}: downloadFileToCacheDir (every file)`, async () => {
      for (const p of paths) {
        const pointer = await hub.downloadFileToCacheDir({ ...common, repo: designation(r), revision: rv.rev, path: p, cacheDir: cacheRoot });
        // With a branch or tag the JS client names the snapshot after the
        // file's last commit; with a commit id, after that commit.
        await checkCacheFile(cacheRoot, r, rv.kind === "sha" ? rv.rev : null, p, files[p], pointer);
      }
    });

    await check(`${at}: snapshotDownload`, async () => {
      const snap = await hub.snapshotDownload({ ...common, repo: designation(r), revision: rv.rev, cacheDir: cacheRoot });
      if (commit) expectEqual(basename(snap), commit, "snapshot folder name");
      const got = (await walk(snap)).map((f) => relative(snap, f).split(sep).join("/"));
      expectEqual(sorted(got), paths, "snapshot files");
      for (const p of paths) await checkCacheFile(cacheRoot, r, basename(snap), p, files[p], join(snap, ...p.split("/")));
      if (rv.kind !== "sha") {
        // snapshotDownload resolves the revision first, like Python, and
        // writes refs/<revision>.
        const ref = (await readFile(join(cacheRoot, repoFolder(r), "refs", ...rv.rev.split("/")), "utf8")).trim();
        expectEqual(ref, basename(snap), `refs/${rv.rev}`);
      }
    });
  }

  await check(`${label}: unknown revision is an error`, async () => {
    await expectThrows(() => info(r, { revision: "no-such-branch" }), "info(no-such-branch)", (e) => {
      expect(e instanceof hub.HubApiError, `not a HubApiError: ${e}`);
      expectEqual(e.statusCode, 404, "status");
    });
    await expectThrows(() => hub.downloadFile({ ...common, repo: designation(r), revision: "no-such-branch", path: Object.keys(main.files)[0] }), "downloadFile(no-such-branch)", (e) => {
      expect(e instanceof hub.HubApiError, `not a HubApiError: ${e}`);
      expectEqual(e.statusCode, 404, "status");
    });
  });
}

async function checkPrivate(r) {
  const label = `${r.type}s/${r.id} (private)`;
  const token = manifest.tokens && manifest.tokens.read;
  const file = Object.keys(r.revisions[0].files).sort()[0];
  await check(`${label}: hidden without a token`, async () => {
    expectEqual(await hub.repoExists({ ...common, repo: designation(r) }), false, "repoExists without token");
    await expectThrows(() => info(r), "info without token", (e) => {
      expect(e instanceof hub.HubApiError, `not a HubApiError: ${e}`);
      expect([401, 404].includes(e.statusCode), `status ${e.statusCode}, want 401 or 404`);
    });
    await expectThrows(() => hub.downloadFile({ ...common, repo: designation(r), path: file }), "downloadFile without token");
  });
  if (!token) return;
  await check(`${label}: readable with the owner's token`, async () => {
    expectEqual(await hub.repoExists({ ...common, repo: designation(r), accessToken: token }), true, "repoExists with token");
    const got = await info(r, { accessToken: token });
    expectEqual(got.private, true, "private");
    for (const [p, fi] of Object.entries(r.revisions[0].files)) {
      const blob = await hub.downloadFile({ ...common, repo: designation(r), path: p, accessToken: token });
      expect(blob, `downloadFile(${p}) returned null`);
      expectEqual(sha256(await blob.arrayBuffer()), fi.sha256, `sha256 of ${p}`);
    }
    const snap = await hub.snapshotDownload({ ...common, repo: designation(r), cacheDir: cacheRoot, accessToken: token });
    expectEqual(sorted((await walk(snap)).map((f) => relative(snap, f).split(sep).join("/"))), sorted(Object.keys(r.revisions[0].files)), "snapshot files");
  });
  const other = manifest.tokens && manifest.tokens.other;
  if (other) {
    await check(`${label}: hidden from another user's token`, async () => {
      expectEqual(await hub.repoExists({ ...common, repo: designation(r), accessToken: other }), false, "repoExists with another user's token");
    });
  }
}

async function checkGated(r) {
  const label = `${r.type}s/${r.id} (gated)`;
  const file = Object.keys(r.revisions[0].files).sort()[0];
  await check(`${label}: info is public, files need access`, async () => {
    const got = await info(r);
    expect(got.gated === "manual" || got.gated === "auto" || got.gated === true, `gated: ${JSON.stringify(got.gated)}`);
    await expectThrows(() => hub.downloadFile({ ...common, repo: designation(r), path: file }), "downloadFile without access", (e) => {
      expect(e instanceof hub.HubApiError, `not a HubApiError: ${e}`);
      expect([401, 403].includes(e.statusCode), `status ${e.statusCode}, want 401 or 403`);
    });
  });
}

await check(`missing repo: repoExists false, modelInfo 404/401, downloadFile throws`, async () => {
  const r = { type: "model", id: manifest.missingRepo };
  expectEqual(await hub.repoExists({ ...common, repo: designation(r) }), false, "repoExists");
  await expectThrows(() => info(r), "modelInfo", (e) => {
    expect(e instanceof hub.HubApiError, `not a HubApiError: ${e}`);
    expect([401, 404].includes(e.statusCode), `status ${e.statusCode}, want 401 or 404`);
  });
  await expectThrows(() => hub.downloadFile({ ...common, repo: designation(r), path: "config.json" }), "downloadFile");
});

// Listings with the filters a local Hub serves: author, search.
await check(`listModels / listDatasets by owner and by search`, async () => {
  const publicIds = (type) => sorted(manifest.repos.filter((r) => r.type === type && !r.private && r.id.startsWith(manifest.owner + "/")).map((r) => r.id));
  const models = [];
  for await (const m of hub.listModels({ ...common, search: { owner: manifest.owner } })) models.push(m.name);
  for (const id of publicIds("model")) expect(models.includes(id), `listModels(owner=${manifest.owner}) lacks ${id}: ${JSON.stringify(models)}`);
  for (const r of manifest.repos.filter((r) => r.private)) expect(!models.includes(r.id), `listModels without a token lists private ${r.id}`);
  expect(models.every((id) => id.startsWith(manifest.owner + "/")), `listModels(owner) lists other owners: ${JSON.stringify(models)}`);
  const datasets = [];
  for await (const d of hub.listDatasets({ ...common, search: { owner: manifest.owner } })) datasets.push(d.name);
  expectEqual(sorted(datasets.filter((id) => publicIds("dataset").includes(id))), publicIds("dataset"), "listDatasets(owner)");
  const found = [];
  for await (const m of hub.listModels({ ...common, search: { query: "tiny-mod" } })) found.push(m.name);
  expect(found.includes("interop/tiny-model"), `listModels(query=tiny-mod): ${JSON.stringify(found)}`);
  expect(!found.includes("tinylegacy"), `listModels(query=tiny-mod) lists tinylegacy`);
});

await check(`listModels filters (task, tags), listCommits and paging (hf serve --page-size 2)`, async () => {
  const byTask = [];
  for await (const m of hub.listModels({ ...common, search: { owner: manifest.owner, task: "text-generation" } })) byTask.push(m.name);
  expect(byTask.includes("interop/tiny-model"), `listModels(task=text-generation): ${JSON.stringify(byTask)}`);
  const none = [];
  for await (const m of hub.listModels({ ...common, search: { owner: manifest.owner, task: "text-to-image" } })) none.push(m.name);
  expectEqual(none, [], "listModels(task=text-to-image)");
  const tagged = [];
  for await (const m of hub.listModels({ ...common, search: { tags: ["interop"] } })) tagged.push(m.name);
  expect(tagged.includes("interop/tiny-model") && !tagged.includes("tinylegacy"), `listModels(tags=[interop]): ${JSON.stringify(tagged)}`);
  const all = [];
  for await (const m of hub.listModels({ ...common })) all.push(m.name);
  expectEqual(all.length, new Set(all).size, "listModels over pages lists each model once");
  const commits = [];
  for await (const c of hub.listCommits({ ...common, repo: { type: "model", name: "interop/tiny-model" } })) commits.push(c);
  expect(commits.length >= 1 && commits.every((c) => isSha(c.oid)), `listCommits: ${JSON.stringify(commits.map((c) => c.oid))}`);
  const files = [];
  requestLog = [];
  for await (const f of hub.listFiles({ ...common, repo: { type: "model", name: "interop/tiny-model" }, recursive: true })) files.push(f.path);
  const pages = requestLog.filter((r) => r.includes("/tree/"));
  if (pageSize) expect(pages.length >= Math.ceil(files.length / pageSize), `${files.length} tree entries came in ${pages.length} page(s) with --page-size ${pageSize}`);
});

for (const mv of manifest.renames || []) {
  await check(`renamed ${mv.from} -> ${mv.to}: the old id still works (307)`, async () => {
    const r = { type: mv.type, id: mv.from };
    const got = await info(r);
    expectEqual(got.name, mv.to, "name after the redirect");
    if (mv.revision.commit) expectEqual(got.sha, mv.revision.commit, "sha");
    for (const [p, fi] of Object.entries(mv.revision.files)) {
      const blob = await hub.downloadFile({ ...common, repo: designation(r), path: p });
      expect(blob, `downloadFile(${p}) via the old id returned null`);
      expectEqual(sha256(await blob.arrayBuffer()), fi.sha256, `sha256 of ${p}`);
    }
    const listed = [];
    for await (const e of hub.listFiles({ ...common, repo: designation(r), recursive: true })) listed.push(e.path);
    expectEqual(sorted(listed), sorted(Object.keys(mv.revision.files)), "listFiles via the old id");
  });
}

for (const r of manifest.repos) {
  if (r.private) await checkPrivate(r);
  else if (r.gated) await checkGated(r);
  else await checkRepo(r);
}

// ---- the write API (hubtest fixtures carry a write token) -------------------
async function checkWrites() {
  const token = manifest.tokens.write;
  const name = `${manifest.owner}/js-upload-${Math.random().toString(16).slice(2, 10)}`;
  const repo = { type: "model", name };
  const w = { ...common, repo, accessToken: token };
  const small = new TextEncoder().encode("hello from the JS client\n");
  const big = new Uint8Array(11 << 20).map((_, i) => (i * 2654435761) >>> 24); // > 10 MiB: LFS
  const st = new Uint8Array(4096).map((_, i) => (i * 40503) >>> 8); // *.safetensors: LFS
  const state = {};
  const bytesOf = async (path, revision) => {
    const blob = await hub.downloadFile({ ...common, repo, path, revision, accessToken: token });
    expect(blob, `downloadFile(${path}) returned null`);
    return Buffer.from(await blob.arrayBuffer());
  };

  await check(`write: createRepo`, async () => {
    const got = await hub.createRepo({ ...w });
    expect(got.repoUrl && got.repoUrl.endsWith(name), `repoUrl: ${JSON.stringify(got)}`);
    expectEqual(await hub.repoExists({ ...common, repo, accessToken: token }), true, "repoExists after createRepo");
    await expectThrows(() => hub.createRepo({ ...w }), "createRepo of an existing repo", (e) => {
      expect(e instanceof hub.HubApiError && e.statusCode === 409, `want HubApiError 409, got ${e}`);
    });
  });
  await check(`write: uploadFile (small, regular)`, async () => {
    const out = await hub.uploadFile({ ...w, file: { path: "hello.txt", content: new Blob([small]) }, commitTitle: "add hello" });
    expect(out && isSha(out.commit.oid), `commit: ${JSON.stringify(out)}`);
    state.c1 = out.commit.oid;
    expect((await bytesOf("hello.txt")).equals(Buffer.from(small)), "hello.txt bytes differ");
  });
  await check(`write: uploadFiles (LFS by size and by pattern, nested)`, async () => {
    const out = await hub.uploadFiles({
      ...w,
      files: [
        { path: "weights/big.dat", content: new Blob([big]) },
        { path: "model.safetensors", content: new Blob([st]) },
        { path: "sub/deeper/notes.txt", content: new Blob(["nested\n"]) },
      ],
    });
    expect(out && isSha(out.commit.oid), `commit: ${JSON.stringify(out)}`);
    const tree = new Map();
    for await (const e of hub.listFiles({ ...common, repo, recursive: true, accessToken: token })) tree.set(e.path, e);
    for (const [path, data] of [["weights/big.dat", big], ["model.safetensors", st]]) {
      const e = tree.get(path);
      expect(e, `${path} missing from the tree`);
      expect(e.lfs, `${path} is not stored in LFS`);
      expectEqual(e.lfs.oid, sha256(data), `lfs.oid of ${path}`);
      expect((await bytesOf(path)).equals(Buffer.from(data)), `${path} bytes differ`);
    }
    expect(tree.has("sub/deeper/notes.txt") && !tree.get("sub/deeper/notes.txt").lfs, "sub/deeper/notes.txt missing or LFS");
  });
  await check(`write: deleteFile`, async () => {
    await hub.deleteFile({ ...w, path: "hello.txt" });
    expectEqual(await hub.fileExists({ ...common, repo, path: "hello.txt", accessToken: token }), false, "fileExists after deleteFile");
  });
  await check(`write: createBranch and a commit to it`, async () => {
    await hub.createBranch({ ...w, branch: "feature", revision: state.c1 });
    const got = await hub.modelInfo({ ...common, name, revision: "feature", additionalFields: ["sha"], accessToken: token });
    expectEqual(got.sha, state.c1, "feature's commit");
    await hub.uploadFile({ ...w, branch: "feature", file: { path: "feature.txt", content: new Blob(["on feature\n"]) } });
    expectEqual(await hub.fileExists({ ...common, repo, path: "feature.txt", revision: "feature", accessToken: token }), true, "feature.txt on feature");
    expectEqual(await hub.fileExists({ ...common, repo, path: "feature.txt", accessToken: token }), false, "feature.txt on main");
  });
  await check(`write: refused with a read token`, async () => {
    await expectThrows(() => hub.uploadFile({ ...common, repo, accessToken: manifest.tokens.read, file: { path: "x.txt", content: new Blob(["x"]) } }), "uploadFile with a read token", (e) => {
      expect(e instanceof hub.HubApiError && [401, 403].includes(e.statusCode), `want HubApiError 401/403, got ${e}`);
    });
  });
}
if (manifest.tokens && manifest.tokens.write) await checkWrites();

// ---- one cache shared with our hf -----------------------------------------
// hf runs with HF_HUB_OFFLINE=1 and an endpoint where nothing listens, and
// the JS client with a fetch that fails, so any request is an error.
function hf(argv, offline, cache) {
  const env = { ...process.env, HF_HUB_CACHE: cache };
  if (offline) Object.assign(env, { HF_HUB_OFFLINE: "1", HF_ENDPOINT: "http://127.0.0.1:9" });
  else env.HF_ENDPOINT = hubUrl;
  try {
    const out = execFileSync(args.hf, ["download", ...argv, "--cache-dir", cache, "--quiet"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return out.trim().split("\n").pop().trim();
  } catch (err) {
    throw new CheckError(`hf download ${argv.join(" ")} (${offline ? "offline" : "online"}) failed: ${String(err.stderr || err.message).trim().slice(-400)}`);
  }
}
const noNetwork = async (input) => {
  throw new Error(`unexpected request to ${typeof input === "string" ? input : input.url || input.href}`);
};

if (args.hf) {
  const model = manifest.repos.find((r) => !r.private && !r.gated && r.type === "model" && Object.values(r.revisions[0].files).some((f) => f.lfs));
  const files = model.revisions[0].files;
  const paths = sorted(Object.keys(files));
  await check(`cache: JS snapshotDownload -> hf download offline finds it`, async () => {
    const jsCache = await mkdtemp(join(tmpdir(), "interop-js-wrote-"));
    try {
      const snap = await hub.snapshotDownload({ ...common, repo: designation(model), cacheDir: jsCache });
      const got = hf([model.id], true, jsCache);
      expectEqual(got, snap, "snapshot folder printed by hf download");
      for (const p of paths) {
        const f = hf([model.id, p], true, jsCache);
        expectEqual(f, join(snap, ...p.split("/")), `path of ${p} printed by hf download`);
        expectEqual(sha256(await readFile(f)), files[p].sha256, `sha256 of ${p}`);
      }
    } finally {
      await rm(jsCache, { recursive: true, force: true });
    }
  });
  await check(`cache: hf download -> JS finds it without the network`, async () => {
    const goCache = await mkdtemp(join(tmpdir(), "interop-hf-wrote-"));
    try {
      const snap = hf([model.id], false, goCache);
      const sha = basename(snap);
      expect(isSha(sha), `hf download printed ${snap}, not a snapshot folder`);
      for (const p of paths) {
        const got = await hub.downloadFileToCacheDir({ hubUrl, fetch: noNetwork, repo: designation(model), revision: sha, path: p, cacheDir: goCache });
        await checkCacheFile(goCache, model, sha, p, files[p], got);
      }
      const scan = await hub.scanCacheDir(goCache);
      expectEqual(scan.warnings.map(String), [], "scanCacheDir warnings");
      const repo = scan.repos.find((r) => r.id.name === model.id && r.id.type === model.type);
      expect(repo, `scanCacheDir does not list ${model.id}: ${JSON.stringify(scan.repos.map((r) => r.id))}`);
      const rev = repo.revisions.find((x) => x.commitOid === sha);
      expect(rev, `scanCacheDir has no revision ${sha}`);
      expect(rev.refs.includes("main"), `refs of ${sha}: ${JSON.stringify(rev.refs)}`);
    } finally {
      await rm(goCache, { recursive: true, force: true });
    }
  });
}

if (!args.keep) await rm(cacheRoot, { recursive: true, force: true });
else console.log(`cache kept in ${cacheRoot}`);
if (failures.length) {
  console.log(`\nfailed checks:\n  ${failures.join("\n  ")}`);
}
console.log(`interop-js: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
