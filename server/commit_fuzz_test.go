package server

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hfhub-go/hfhub/store"
)

// FuzzParseCommit feeds arbitrary NDJSON commit bodies to the commit
// parser and, when they parse, to the store. Neither may panic, and a
// commit the store accepts only names valid repository paths.
func FuzzParseCommit(f *testing.F) {
	seeds := []string{
		`{"key":"header","value":{"summary":"s","description":"d"}}` + "\n" +
			`{"key":"file","value":{"path":"a.txt","content":"aGk=","encoding":"base64"}}`,
		`{"key":"header","value":{"summary":"s"}}` + "\n" + `{"key":"file","value":{"path":"../x","content":"x"}}`,
		`{"key":"header","value":{"summary":"s"}}` + "\n" + `{"key":"deletedFolder","value":{"path":"/"}}`,
		`{"key":"header","value":{"summary":"s"}}` + "\n" + `{"key":"lfsFile","value":{"path":"w.bin","algo":"sha256","oid":"` + strings.Repeat("a", 64) + `","size":1}}`,
		`{"key":"header","value":{"summary":"s"}}` + "\n" + `{"key":"lfsFile","value":{"path":"b","oldPath":"a.txt"}}`,
		`{"key":"file","value":{}}`,
		`{"key":"header","value":{"summary":"s","parentCommit":"zz"}}`,
		"\n\n   \n",
		`{"key":"header","value":[]}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	st, err := store.Open(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	if _, err := st.CreateRepo(context.Background(), store.Model, "acme/fuzz", store.CreateOptions{}); err != nil {
		f.Fatal(err)
	}
	s := New(st)
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/models/acme/fuzz/commit/main", strings.NewReader(body))
		creq, err := s.parseCommit(r, "main")
		if err != nil {
			return
		}
		res, err := st.Commit(context.Background(), store.Model, "acme/fuzz", *creq)
		if err != nil {
			return
		}
		for _, op := range creq.Ops {
			if op.Kind == store.OpAdd {
				if verr := store.ValidatePath(op.Path); verr != nil {
					t.Fatalf("commit %s accepted the invalid path %q: %v", res.Commit.ID, op.Path, verr)
				}
			}
		}
	})
}
