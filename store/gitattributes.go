package store

import (
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// LFSThreshold is the size at and above which a file is always stored as LFS.
const LFSThreshold = 10 << 20

// lfsPatternsModel are the LFS patterns of the .gitattributes the store seeds
// into new repositories (the same list the Hub uses for new repos).
var lfsPatternsModel = []string{
	"*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gguf", "*.gz", "*.h5",
	"*.joblib", "*.lfs.*", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz",
	"*.onnx", "*.ot", "*.parquet", "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth",
	"*.rar", "*.safetensors", "saved_model/**/*", "*.tar.*", "*.tar", "*.tflite",
	"*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*",
}

// lfsPatternsMedia are added for datasets: audio, image and video files.
var lfsPatternsMedia = []string{
	"*.mds", "*.mp3", "*.ogg", "*.flac", "*.wav", "*.jpg", "*.jpeg", "*.png",
	"*.webp", "*.mp4", "*.webm",
}

// DefaultGitattributes returns the .gitattributes content seeded into a new
// repository of type t.
func DefaultGitattributes(t RepoType) []byte {
	var b strings.Builder
	pats := lfsPatternsModel
	if t == Dataset {
		pats = append(append([]string(nil), pats...), lfsPatternsMedia...)
	}
	for _, p := range pats {
		b.WriteString(p + " filter=lfs diff=lfs merge=lfs -text\n")
	}
	return []byte(b.String())
}

// lfsRule is one .gitattributes line that sets or unsets filter=lfs.
type lfsRule struct {
	pattern string
	lfs     bool
}

// Attributes holds the LFS rules of a .gitattributes file.
// The zero value matches nothing.
type Attributes struct {
	rules []lfsRule
}

// ParseGitattributes reads the filter=lfs rules of a .gitattributes file.
// Lines that do not touch the filter attribute are ignored.
func ParseGitattributes(content []byte) Attributes {
	var a Attributes
	for _, line := range strings.Split(string(content), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		for _, attr := range fields[1:] {
			switch {
			case attr == "filter=lfs":
				a.rules = append(a.rules, lfsRule{fields[0], true})
			case strings.HasPrefix(attr, "filter="), attr == "-filter", attr == "!filter":
				a.rules = append(a.rules, lfsRule{fields[0], false})
			}
		}
	}
	return a
}

// IsLFS reports whether p (slash-separated, relative to the repo root)
// is an LFS path under these rules. The last matching rule wins, as in git.
func (a Attributes) IsLFS(p string) bool {
	lfs := false
	for _, r := range a.rules {
		if matchAttrPattern(r.pattern, p) {
			lfs = r.lfs
		}
	}
	return lfs
}

// matchAttrPattern applies git's rule: a pattern without a slash matches the
// base name at any depth; otherwise it matches the whole path from the root.
func matchAttrPattern(pattern, p string) bool {
	pattern = strings.TrimPrefix(pattern, "/")
	if !strings.Contains(pattern, "/") {
		ok, _ := doublestar.Match(pattern, path.Base(p)) // bad patterns match nothing
		return ok
	}
	ok, _ := doublestar.Match(pattern, p)
	return ok
}
