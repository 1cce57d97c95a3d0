package hfhub

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzTreeEntries decodes arbitrary tree / paths-info answers the way the
// client does and checks the name rule applied before anything touches
// the disk: a listed path that cleanFilename accepts always stays inside
// the snapshot (or local) folder it is joined to.
func FuzzTreeEntries(f *testing.F) {
	f.Add([]byte(`[{"type":"file","oid":"a","size":1,"path":"a/b.txt","lfs":{"oid":"x","size":2,"pointerSize":3}}]`))
	f.Add([]byte(`[{"type":"file","path":"../x"},{"type":"directory","path":"/abs"},{"type":"file","path":"a\\..\\..\\x"}]`))
	f.Add([]byte(`[{"type":"file","path":"nul\u0000x","size":-1,"xetHash":"zz"}]`))
	f.Add([]byte(`[{"type":"file","path":"C:/x"},{"type":"file","path":"//host/share"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var page []TreeEntry
		if err := json.Unmarshal(data, &page); err != nil {
			return
		}
		root := filepath.Join(string(filepath.Separator)+"snap", "commit")
		for _, e := range page {
			name, err := cleanFilename("", e.Path)
			if err != nil {
				continue
			}
			p := filepath.Join(root, filepath.FromSlash(name))
			rel, err := filepath.Rel(root, p)
			if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
				t.Fatalf("cleanFilename accepted %q, which lands at %s outside %s", e.Path, p, root)
			}
			if strings.ContainsAny(name, "\\\x00") {
				t.Fatalf("cleanFilename accepted %q with a backslash or NUL", e.Path)
			}
		}
	})
}
