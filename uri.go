package hfhub

import "github.com/hfhub-go/hfhub/hfuri"

// URIRepoType returns the RepoType of a parsed hf:// URI (package hfuri):
// RepoModel for a model or an empty type (a bucket has no repo type).
func URIRepoType(u hfuri.URI) RepoType {
	rt, _ := ParseRepoType(string(u.RepoType))
	return rt
}

// URIType returns t as package hfuri spells it ("model", "dataset", ...).
func (t RepoType) URIType() hfuri.RepoType { return hfuri.RepoType(t.String()) }

// RepoURI returns the hf:// URI of a file or folder path (empty for the
// root) of repository id at revision rev (empty for the default); its
// String is the canonical form, hf://datasets/org/name@rev/path.
func RepoURI(rt RepoType, id, rev, path string) hfuri.URI {
	return hfuri.URI{Kind: hfuri.KindRepo, RepoType: rt.URIType(), ID: id, Revision: rev, Path: path}
}
