package server

import (
	"errors"
	"net/http"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/viewer/viewerserver"
)

// registerViewerRoutes mounts the dataset viewer API (/is-valid, /rows,
// ...) on the same listener, computed from the datasets of the source (see
// package viewerserver), so a client's viewer endpoint can be the server
// itself.
func (s *Server) registerViewerRoutes() {
	h := viewerserver.New(viewerSource{s}, s.baseFor)
	for _, p := range viewerserver.Paths {
		s.mux.Handle("GET "+p, h)
	}
}

// viewerSource gives the viewer the datasets the caller may read.
type viewerSource struct{ s *Server }

func (v viewerSource) Snapshot(r *http.Request, id, rev string) (*viewerserver.Snapshot, error) {
	s := v.s
	var user *User
	if tok := bearer(r.Header.Get("Authorization")); tok != "" && len(s.tokens) > 0 {
		u, found := s.tokens[tok]
		if !found {
			return nil, viewerserver.ErrUnauthenticated
		}
		user = &u
	}
	info, err := s.src.Repo(store.Dataset, id)
	if err != nil {
		return nil, viewerserver.ErrNotFound
	}
	if info.Private && !user.CanRead(info.Namespace()) {
		if user == nil {
			return nil, viewerserver.ErrUnauthenticated
		}
		return nil, viewerserver.ErrNotFound
	}
	if rev == "" {
		rev = "main"
	}
	c, err := s.src.Resolve(store.Dataset, id, rev)
	if err != nil {
		if errors.Is(err, store.ErrRevisionNotFound) {
			return nil, viewerserver.ErrNotFound
		}
		return nil, err
	}
	snap := &viewerserver.Snapshot{Commit: c.ID}
	for _, f := range c.Files() {
		snap.Files = append(snap.Files, viewerserver.File{Path: f.Path, Size: f.Size})
	}
	return snap, nil
}

func (v viewerSource) Open(id, commit, path string) (viewerserver.ReadAtCloser, int64, error) {
	c, err := v.s.src.Resolve(store.Dataset, id, commit)
	if err != nil {
		return nil, 0, err
	}
	f, ok := c.File(path)
	if !ok {
		return nil, 0, viewerserver.ErrNotFound
	}
	b, err := v.s.src.OpenBlob(f.SHA256)
	if err != nil {
		return nil, 0, err
	}
	return b, f.Size, nil
}
