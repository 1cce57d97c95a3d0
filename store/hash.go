package store

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/internal/gitblob"
)

// GitBlobID returns the git blob id of content: sha1("blob <len>\x00" + content).
func GitBlobID(content []byte) string { return gitblob.ID(content) }

// gitObjectID returns the id of a git object of this kind ("tree",
// "commit"): the sha1 of "{kind} {len}\x00" followed by body.
func gitObjectID(kind string, body []byte) string {
	h := sha1.New()
	h.Write([]byte(kind + " " + strconv.Itoa(len(body)) + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// LFSPointer returns the git-lfs pointer file for content with this sha256
// and size, exactly as git-lfs writes it.
func LFSPointer(sha256 string, size int64) []byte {
	return []byte("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + strconv.FormatInt(size, 10) + "\n")
}

// treeEntry is one line of a git tree object.
type treeEntry struct {
	name string
	dir  bool
	oid  string // hex
}

// gitTreeID hashes entries as a git tree object.
func gitTreeID(entries []treeEntry) string {
	// Git sorts entries by name, comparing directories as if they ended in "/".
	key := func(e treeEntry) string {
		if e.dir {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	var body bytes.Buffer
	for _, e := range entries {
		mode := "100644"
		if e.dir {
			mode = "40000"
		}
		raw, _ := hex.DecodeString(e.oid) // oids are produced by this package: always valid hex
		body.WriteString(mode + " " + e.name + "\x00")
		body.Write(raw)
	}
	return gitObjectID("tree", body.Bytes())
}

// treeIDs computes the git tree id of every directory of files ("" is the
// root) and returns them keyed by directory path.
func treeIDs(files map[string]*File) map[string]string {
	children := map[string]map[string]treeEntry{"": {}}
	for p, f := range files {
		dir, name := splitPath(p)
		ensureDir(children, dir)
		children[dir][name] = treeEntry{name: name, oid: f.BlobID}
	}
	ids := make(map[string]string, len(children))
	// Hash deepest directories first so parents can reference them.
	dirs := make([]string, 0, len(children))
	for d := range children {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool {
		di, dj := strings.Count(dirs[i], "/"), strings.Count(dirs[j], "/")
		if dirs[i] == "" {
			di = -1
		}
		if dirs[j] == "" {
			dj = -1
		}
		if di != dj {
			return di > dj
		}
		return dirs[i] < dirs[j]
	})
	for _, d := range dirs {
		entries := make([]treeEntry, 0, len(children[d]))
		for _, e := range children[d] {
			entries = append(entries, e)
		}
		id := gitTreeID(entries)
		ids[d] = id
		if d != "" {
			parent, name := splitPath(d)
			children[parent][name] = treeEntry{name: name, dir: true, oid: id}
		}
	}
	return ids
}

func ensureDir(children map[string]map[string]treeEntry, dir string) {
	for {
		if _, ok := children[dir]; ok {
			return
		}
		children[dir] = map[string]treeEntry{}
		if dir == "" {
			return
		}
		dir, _ = splitPath(dir)
	}
}

// splitPath splits "a/b/c" into ("a/b", "c") and "c" into ("", "c").
func splitPath(p string) (dir, name string) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

// gitCommitID hashes a git commit object.
func gitCommitID(tree string, parents []string, author string, date time.Time, message string) string {
	var b strings.Builder
	b.WriteString("tree " + tree + "\n")
	for _, p := range parents {
		b.WriteString("parent " + p + "\n")
	}
	sig := fmt.Sprintf("%s <%s@users.noreply.huggingface.co> %d +0000", author, author, date.Unix())
	b.WriteString("author " + sig + "\n")
	b.WriteString("committer " + sig + "\n\n")
	b.WriteString(message)
	return gitObjectID("commit", []byte(b.String()))
}

// isHex40 reports whether s is a full lowercase commit id.
func isHex40(s string) bool { return isLowerHex(s, 40) }

// isHex64 reports whether s is a lowercase sha256 in hex.
func isHex64(s string) bool { return isLowerHex(s, 64) }

// isLowerHex reports whether s is n lowercase hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
