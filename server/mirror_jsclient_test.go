package server_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/server"
)

// jsMirrorCheck runs in interop/js (where @huggingface/hub is installed):
// downloads through the mirror with the official JS client, checks sha256.
const jsMirrorCheck = `
import { createHash } from "node:crypto";
import * as hub from "@huggingface/hub";
const [hubUrl, ...want] = process.argv.slice(1);
const sha = (b) => createHash("sha256").update(b).digest("hex");
for (const pair of want) {
  const [path, digest] = pair.split("=");
  const blob = await hub.downloadFile({ repo: "org/model", path, hubUrl, xet: false });
  if (!blob) throw new Error(path + ": not found through the mirror");
  const got = sha(Buffer.from(await blob.arrayBuffer()));
  if (got !== digest) throw new Error(path + ": sha256 " + got + ", want " + digest);
  const part = await blob.slice(10, 20).arrayBuffer();
  if (part.byteLength !== 10) throw new Error(path + ": slice gave " + part.byteLength + " bytes");
}
const info = await hub.modelInfo({ name: "org/model", hubUrl });
if (info.name !== "org/model") throw new Error("modelInfo: " + JSON.stringify(info));
const files = [];
for await (const f of hub.listFiles({ repo: "org/model", hubUrl, recursive: true })) files.push(f.path);
if (!files.includes("model.safetensors")) throw new Error("listFiles: " + files);
console.log("ok");
`

func TestMirrorOfficialJSClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found; install Node.js to run the JS client through the mirror")
	}
	jsDir, _ := filepath.Abs(filepath.Join("..", "interop", "js"))
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "@huggingface", "hub", "package.json")); err != nil {
		t.Skip("interop/js/node_modules missing; run `npm ci` in interop/js (interop/run.sh does)")
	}
	rig := newMirrorRig(t, server.MirrorOptions{})
	cmd := exec.Command(node, "--input-type=module", "-e", jsMirrorCheck, rig.srv.URL,
		"model.safetensors="+sha(rig.weights), "config.json="+sha(rig.config))
	cmd.Dir = jsDir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("JS client through the mirror: %v\n%s", err, out)
	}
	if n := rig.upstreamCount("GET", "/lfs-content/"); n != 1 {
		t.Fatalf("upstream saw %d transfers of the LFS blob, want 1", n)
	}
}
