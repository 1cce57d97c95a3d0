package cmdutil

import (
	"encoding/json"
	"io"
	"sync"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
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
	Event string `json:"event"`           // "start", "progress", "done" or "error"
	File  string `json:"file"`            // path of the file in the repo
	Bytes int64  `json:"bytes"`           // bytes transferred so far
	Total int64  `json:"total,omitempty"` // expected size; 0 when unknown
	Error string `json:"error,omitempty"` // with "error"
}

// Progress renders transfer progress for several files at once. It is safe
// for concurrent use: the library calls it from its worker goroutines. Call
// Wait once all transfers have ended, before printing the result.
//
// A nil *Progress is valid and shows nothing.
type Progress struct {
	mode ProgressMode
	w    io.Writer

	mu    sync.Mutex
	bars  *mpb.Progress
	files map[string]*fileProgress
}

type fileProgress struct {
	bar       *mpb.Bar
	done      int64
	total     int64
	lastEvent int64 // bytes at the last JSON "progress" event
	ended     bool
}

// NewProgress returns a renderer in the given mode writing to w (stderr).
func NewProgress(mode ProgressMode, w io.Writer) *Progress {
	p := &Progress{mode: mode, w: w, files: map[string]*fileProgress{}}
	if mode == ProgressBars {
		p.bars = mpb.New(mpb.WithOutput(w), mpb.WithWidth(40))
	}
	return p
}

// Mode returns the renderer's mode (ProgressNone for a nil renderer).
func (p *Progress) Mode() ProgressMode {
	if p == nil {
		return ProgressNone
	}
	return p.mode
}

// Start announces a transfer of total bytes (0 if unknown) for file. Calling
// it again for the same file (a retry) restarts the count.
func (p *Progress) Start(file string, total int64) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fp := p.files[file]
	if fp != nil && !fp.ended {
		fp.done, fp.total = 0, total
		if fp.bar != nil {
			fp.bar.SetTotal(total, false)
			fp.bar.SetCurrent(0)
		}
	} else {
		fp = &fileProgress{total: total}
		p.files[file] = fp
		if p.bars != nil {
			fp.bar = p.bars.AddBar(total,
				mpb.PrependDecorators(decor.Name(shortName(file, 32), decor.WCSyncSpaceR)),
				mpb.AppendDecorators(
					decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
					decor.OnComplete(decor.Percentage(decor.WCSyncSpace), " done"),
				),
			)
		}
	}
	p.emit(ProgressEvent{Event: "start", File: file, Total: total})
}

// Add records n more bytes transferred for file.
func (p *Progress) Add(file string, n int64) {
	if p == nil || p.mode == ProgressNone || n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fp := p.files[file]
	if fp == nil || fp.ended {
		return
	}
	fp.done += n
	if fp.bar != nil {
		fp.bar.IncrInt64(n)
	}
	if p.mode == ProgressJSON && fp.done-fp.lastEvent >= eventStep(fp.total) {
		fp.lastEvent = fp.done
		p.emit(ProgressEvent{Event: "progress", File: file, Bytes: fp.done, Total: fp.total})
	}
}

// Done ends the transfer of file, with err nil on success.
func (p *Progress) Done(file string, err error) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fp := p.files[file]
	if fp == nil {
		fp = &fileProgress{}
		p.files[file] = fp
	}
	if fp.ended {
		return
	}
	fp.ended = true
	if err != nil {
		if fp.bar != nil {
			fp.bar.Abort(false)
		}
		p.emit(ProgressEvent{Event: "error", File: file, Bytes: fp.done, Total: fp.total, Error: err.Error()})
		return
	}
	if fp.bar != nil {
		fp.bar.SetTotal(-1, true) // complete at the current count
	}
	p.emit(ProgressEvent{Event: "done", File: file, Bytes: fp.done, Total: fp.total})
}

// Wait ends every bar still running and waits until the bars are drawn for
// the last time. It must be called once, after all transfers have ended.
func (p *Progress) Wait() {
	if p == nil || p.bars == nil {
		return
	}
	p.mu.Lock()
	for _, fp := range p.files {
		if !fp.ended && fp.bar != nil {
			fp.bar.Abort(false)
			fp.ended = true
		}
	}
	p.mu.Unlock()
	p.bars.Wait()
}

// emit writes one JSON line; p.mu is held.
func (p *Progress) emit(ev ProgressEvent) {
	if p.mode != ProgressJSON {
		return
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return // a struct of strings and ints always marshals
	}
	// Best effort: a broken stderr must not fail the transfer itself.
	_, _ = p.w.Write(append(b, '\n'))
}

// eventStep is how many bytes separate two JSON "progress" events: a
// twentieth of the file, at least 1 MiB, so a big file reports every 5 %.
func eventStep(total int64) int64 {
	step := total / 20
	if step < 1<<20 {
		step = 1 << 20
	}
	return step
}

// shortName keeps the end of a long path, which names the file.
func shortName(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}
