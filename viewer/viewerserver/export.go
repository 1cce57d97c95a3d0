package viewerserver

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/hfhub-go/hfhub/dataset/rows"
)

// Exporter is implemented by a Source that can store a dataset's Parquet
// export on refs/convert/parquet, as the Hub does for datasets whose data
// are not Parquet.
type Exporter interface {
	// StoreExport makes files (export path -> local file to read) the
	// whole content of the dataset's refs/convert/parquet, in a commit
	// whose message names sourceCommit.
	StoreExport(ctx context.Context, dataset, sourceCommit string, files map[string]string) error
}

// exportMarker is the line of an export commit's message naming the
// commit it was converted from.
const exportMarker = "Converted from commit "

// ExportMessage is the commit message of an export made from commit.
func ExportMessage(commit string) string { return exportMarker + commit }

// export converts a CSV/JSON/text dataset commit to Parquet on
// refs/convert/parquet once: when the source can store it and the ref does
// not hold a conversion of this commit already.
func (s *Handler) export(r *http.Request, st *snapshotState) error {
	ex, ok := s.src.(Exporter)
	if !ok || st.err != nil {
		return nil
	}
	st.exportOnce.Do(func() { st.exportErr = s.doExport(r, ex, st) })
	return st.exportErr
}

func (s *Handler) doExport(r *http.Request, ex Exporter, st *snapshotState) error {
	type job struct{ path, config, split string }
	var jobs []job
	for _, c := range st.layout.Configs {
		for _, sp := range c.Splits {
			ss, err := st.split(c.Name, sp.Name)
			if err != nil {
				continue
			}
			switch ss.format {
			case rows.Parquet:
				return nil // Parquet data: /parquet lists the files themselves
			case "":
				continue
			}
			jobs = append(jobs, job{c.Name + "/" + sp.Name + "/0000.parquet", c.Name, sp.Name})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	if conv, err := s.src.Snapshot(r, st.dataset, parquetRef); err == nil && strings.Contains(conv.Message, exportMarker+st.snap.Commit) {
		return nil
	}
	tmp, err := os.MkdirTemp("", "hfhub-export-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files := map[string]string{}
	ctx := context.WithoutCancel(r.Context())
	for i, j := range jobs {
		ss, _ := st.split(j.config, j.split)
		p := filepath.Join(tmp, fmt.Sprintf("%d.parquet", i))
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		_, err = rows.WriteParquet(f, func() iter.Seq2[rows.Row, error] { return s.read(ctx, st, ss, 0, nil) })
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("converting config %q split %q to Parquet: %w", j.config, j.split, err)
		}
		files[j.path] = p
	}
	return ex.StoreExport(ctx, st.dataset, st.snap.Commit, files)
}
