package server

import (
	"context"
	"errors"
	"net/http"
	"os"

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
	snap := &viewerserver.Snapshot{Commit: c.ID, Message: c.Title + "\n" + c.Message}
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

// StoreExport commits the Parquet export of a dataset to
// refs/convert/parquet, replacing what was there (a read-only server has
// no store and makes no export).
func (v viewerSource) StoreExport(ctx context.Context, id, sourceCommit string, files map[string]string) error {
	st := v.s.store
	if st == nil {
		return nil
	}
	req := store.CommitRequest{Revision: "refs/convert/parquet", Title: "Update parquet files", Message: viewerserver.ExportMessage(sourceCommit), Author: "parquet-converter"}
	if c, err := st.Resolve(store.Dataset, id, req.Revision); err == nil {
		req.ParentCommit = c.ID
		for _, f := range c.Files() {
			if _, keep := files[f.Path]; !keep {
				req.Ops = append(req.Ops, store.Op{Kind: store.OpDelete, Path: f.Path})
			}
		}
	}
	for path, local := range files {
		f, err := os.Open(local)
		if err != nil {
			return err
		}
		b, err := st.PutBlob(ctx, f)
		f.Close()
		if err != nil {
			return err
		}
		req.Ops = append(req.Ops, store.Op{Kind: store.OpAdd, Path: path, SHA256: b.SHA256, LFS: store.LFSAlways})
	}
	_, err := st.Commit(ctx, store.Dataset, id, req)
	return err
}
