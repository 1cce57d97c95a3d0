package cmdutil

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/hfhub-go/hfhub"
)

// ProgressMode says how transfer progress is shown.
type ProgressMode int

// Progress modes.
const (
	ProgressNone ProgressMode = iota // nothing: --quiet, HF_HUB_DISABLE_PROGRESS_BARS, or stderr is not a terminal
	ProgressBars                     // mpb bars on stderr (a terminal)
	ProgressJSON                     // JSON lines on stderr (--format json)
)

// String returns "none", "bars" or "json".
func (m ProgressMode) String() string {
	switch m {
	case ProgressBars:
		return "bars"
	case ProgressJSON:
		return "json"
	}
	return "none"
}

// ProgressEvent is one JSON line written to stderr with --format json. Field
// names are API: scripts parse them.
type ProgressEvent struct {
	// Event is snapshot_started, file_started, file_progress, file_done,
	// file_failed or snapshot_done.
	Event  string `json:"event"`
	Repo   string `json:"repo,omitempty"`
	File   string `json:"file,omitempty"`   // path in the repo; empty for snapshot events
	Bytes  int64  `json:"bytes"`            // bytes of File on disk so far (resumed ones included)
	Total  int64  `json:"total"`            // expected size; -1 when unknown
	Files  int    `json:"files,omitempty"`  // snapshot_started: files in the snapshot
	Cached bool   `json:"cached,omitempty"` // file_done: nothing had to be downloaded
	Error  string `json:"error,omitempty"`  // file_failed: why
	// Transport (file_done after a transfer) is how the bytes moved: "xet"
	// (native Xet) or "http" (one or more GETs of the file); with xet,
	// XetFetchedBytes and ChunkCacheBytes count the xorb bytes fetched and
	// read from the Xet chunk cache.
	Transport       string `json:"transport,omitempty"`
	XetFetchedBytes int64  `json:"xet_fetched_bytes,omitempty"`
	ChunkCacheBytes int64  `json:"chunk_cache_bytes,omitempty"`
}

// Progress renders the library's download progress events: bars on a
// terminal, JSON lines with --format json, or nothing. It implements
// [hfhub.ProgressObserver] and is safe for concurrent use (the library calls
// it from its worker goroutines). Call Wait after the download returns,
// before printing the result.
//
// A nil *Progress is valid and shows nothing.
type Progress struct {
	mode ProgressMode
	w    io.Writer

	mu      sync.Mutex
	bars    *mpb.Progress
	files   map[string]*fileProgress
	pending [][]byte // lines written while the bars run, printed by Wait
	closing bool     // Wait has started
	waited  bool     // the bars are gone: Write goes straight to w
}

var _ hfhub.ProgressObserver = (*Progress)(nil)

type fileProgress struct {
	bar       *mpb.Bar
	done      int64
	total     int64
	lastEvent int64 // bytes at the last JSON file_progress event
	ended     bool
	verified  hfhub.ProgressEvent // the FileVerified event (transport)
}

// NewProgress returns a renderer in the given mode writing to w (stderr).
func NewProgress(mode ProgressMode, w io.Writer) *Progress {
	p := &Progress{mode: mode, w: w, files: map[string]*fileProgress{}}
	if mode == ProgressBars {
		p.bars = mpb.New(mpb.WithOutput(w), mpb.WithWidth(40),
			mpb.WithConsoleWriter(sizedConsole{cupwriter.New(w, false)}))
	}
	return p
}

// sizedConsole is mpb's terminal writer with a fallback size: a terminal
// that reports 0 columns or rows (a pseudo-terminal nobody sized, as under
// script(1) or some CI runners) would otherwise make mpb draw nothing.
type sizedConsole struct{ mpb.ConsoleWriter }

// GetTermSize returns the terminal's size, 80x24 where it reports zero.
func (c sizedConsole) GetTermSize() (width, height int, err error) {
	width, height, err = c.ConsoleWriter.GetTermSize()
	if err == nil && width <= 0 {
		width = 80
	}
	if err == nil && height <= 0 {
		height = 24
	}
	return width, height, err
}

// Mode returns the renderer's mode (ProgressNone for a nil renderer).
func (p *Progress) Mode() ProgressMode {
	if p == nil {
		return ProgressNone
	}
	return p.mode
}

// Observer returns p as an [hfhub.ProgressObserver] for the library's
// options, or nil when nothing is shown (so the library skips the calls).
func (p *Progress) Observer() hfhub.ProgressObserver {
	if p.Mode() == ProgressNone {
		return nil
	}
	return p
}

// OnProgress renders one library event.
func (p *Progress) OnProgress(ev hfhub.ProgressEvent) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	key := ev.RepoID + "\x00" + ev.Path
	switch ev.Kind {
	case hfhub.SnapshotStarted:
		p.emit(ProgressEvent{Event: "snapshot_started", Repo: ev.RepoID, Total: ev.Total, Files: ev.Files})
	case hfhub.SnapshotDone:
		p.emit(ProgressEvent{Event: "snapshot_done", Repo: ev.RepoID, Bytes: p.repoBytes(ev.RepoID), Total: ev.Total, Files: ev.Files})
	case hfhub.FileStarted:
		p.start(key, ev)
	case hfhub.FileAdvanced:
		p.advance(key, ev)
	case hfhub.FileVerified:
		if fp := p.files[key]; fp != nil {
			fp.verified = ev
		}
	case hfhub.FileDone, hfhub.FileFailed:
		p.end(key, ev)
	}
}

// repoBytes is the bytes in place of the files of repo seen so far, cached
// ones included; p.mu is held.
func (p *Progress) repoBytes(repo string) int64 {
	var n int64
	for key, fp := range p.files {
		if r, _, _ := strings.Cut(key, "\x00"); r == repo && fp.ended {
			n += fp.done
		}
	}
	return n
}

// start opens (or, on a retry, resets) the bar of a file; p.mu is held.
func (p *Progress) start(key string, ev hfhub.ProgressEvent) {
	fp := p.files[key]
	if fp == nil || fp.ended {
		fp = &fileProgress{}
		p.files[key] = fp
	}
	fp.total, fp.done, fp.lastEvent, fp.ended = ev.Total, ev.Resumed, ev.Resumed, false
	if p.bars != nil {
		total := max(ev.Total, 0)
		if fp.bar == nil {
			fp.bar = p.bars.AddBar(total,
				mpb.PrependDecorators(decor.Name(shortName(ev.Path, 32), decor.WCSyncSpaceR)),
				mpb.AppendDecorators(
					decor.Any(func(s decor.Statistics) string { // the sizes of every other hf output
						return HumanSize(s.Current) + " / " + HumanSize(s.Total)
					}, decor.WCSyncSpace),
					decor.OnComplete(decor.Percentage(decor.WCSyncSpace), " done"),
				),
			)
		} else {
			fp.bar.SetTotal(total, false)
		}
		fp.bar.SetCurrent(fp.done)
	}
	p.emit(ProgressEvent{Event: "file_started", Repo: ev.RepoID, File: ev.Path, Bytes: fp.done, Total: fp.total})
}

// advance counts bytes (negative when data is thrown away); p.mu is held.
func (p *Progress) advance(key string, ev hfhub.ProgressEvent) {
	fp := p.files[key]
	if fp == nil || fp.ended {
		return
	}
	fp.done = max(fp.done+ev.Bytes, 0)
	if fp.bar != nil {
		fp.bar.SetCurrent(fp.done)
	}
	if fp.done-fp.lastEvent >= eventStep(fp.total) || fp.done < fp.lastEvent {
		fp.lastEvent = fp.done
		p.emit(ProgressEvent{Event: "file_progress", Repo: ev.RepoID, File: ev.Path, Bytes: fp.done, Total: fp.total})
	}
}

// end closes a file's bar with success or failure; p.mu is held.
func (p *Progress) end(key string, ev hfhub.ProgressEvent) {
	fp := p.files[key]
	if fp == nil {
		fp = &fileProgress{total: ev.Total}
		if ev.Kind == hfhub.FileDone && ev.Total > 0 {
			fp.done = ev.Total
		}
		p.files[key] = fp
	}
	if fp.ended {
		return
	}
	fp.ended = true
	if ev.Kind == hfhub.FileFailed {
		if fp.bar != nil {
			fp.bar.Abort(false)
		}
		msg := "failed"
		if ev.Err != nil {
			msg = ev.Err.Error()
		}
		p.emit(ProgressEvent{Event: "file_failed", Repo: ev.RepoID, File: ev.Path, Bytes: fp.done, Total: fp.total, Error: msg})
		return
	}
	if fp.bar != nil {
		fp.bar.SetTotal(-1, true) // complete at the current count
	}
	out := ProgressEvent{Event: "file_done", Repo: ev.RepoID, File: ev.Path, Bytes: fp.done, Total: fp.total, Cached: ev.Cached, Transport: fp.verified.Transport}
	if st := fp.verified.Xet; st != nil {
		out.XetFetchedBytes, out.ChunkCacheBytes = st.Fetched, st.FromCache
	}
	p.emit(out)
}

// Wait ends every bar still running, waits until the bars are drawn for
// the last time, then prints the lines written to p meanwhile (warnings).
// Call it after the download has returned; later calls do nothing.
func (p *Progress) Wait() {
	if p == nil || p.bars == nil {
		return
	}
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return
	}
	p.closing = true
	for _, fp := range p.files {
		if !fp.ended && fp.bar != nil {
			fp.bar.Abort(false)
			fp.ended = true
		}
	}
	p.mu.Unlock()
	p.bars.Wait()
	p.mu.Lock()
	p.waited = true
	pending := p.pending
	p.pending = nil
	p.mu.Unlock()
	for _, b := range pending {
		_, _ = p.w.Write(b) // best effort, like the bars themselves
	}
}

// Write writes b (whole lines) to stderr. While bars are drawn it keeps
// them for Wait to print after the last frame: a line written in between
// would be overwritten by the next frame, and one handed to the bars after
// their last frame would be lost.
func (p *Progress) Write(b []byte) (int, error) {
	if p.bars != nil {
		p.mu.Lock()
		if !p.waited {
			p.pending = append(p.pending, bytes.Clone(b))
			p.mu.Unlock()
			return len(b), nil
		}
		p.mu.Unlock()
	}
	return p.w.Write(b)
}

// emit writes one JSON line in JSON mode; p.mu is held.
func (p *Progress) emit(ev ProgressEvent) {
	if p.mode != ProgressJSON {
		return
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return // a struct of strings and numbers always marshals
	}
	// Best effort: a broken stderr must not fail the download itself.
	_, _ = p.w.Write(append(b, '\n'))
}

// eventStep is how many bytes separate two JSON file_progress events: a
// twentieth of the file, at least 1 MiB, so a big file reports every 5 %.
func eventStep(total int64) int64 {
	return max(total/20, 1<<20)
}

// shortName keeps the end of a long path, which names the file.
func shortName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}
