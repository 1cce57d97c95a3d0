package hfhub

import "sync/atomic"

// ProgressKind says what a [ProgressEvent] reports.
type ProgressKind int

// Progress event kinds, in the order a download emits them.
const (
	// SnapshotStarted opens a [Client.Snapshot]: Files and Total count what
	// the filtered listing holds (cached files included).
	SnapshotStarted ProgressKind = iota + 1
	// FileStarted: a transfer of Path begins; Total is its size (-1 if
	// unknown) and Resumed the bytes found on disk from an earlier run.
	FileStarted
	// FileAdvanced: Bytes more bytes of Path arrived (negative when data was
	// thrown away and will be fetched again).
	FileAdvanced
	// FileVerified: Path's digest matched; it is being put in place.
	FileVerified
	// FileDone: Path is in place. Cached is true when nothing was
	// downloaded.
	FileDone
	// FileFailed: Path could not be downloaded; Err says why.
	FileFailed
	// SnapshotDone closes a [Client.Snapshot].
	SnapshotDone
)

// String returns the kind's name, as used in JSON progress lines.
func (k ProgressKind) String() string {
	switch k {
	case SnapshotStarted:
		return "snapshot_started"
	case FileStarted:
		return "file_started"
	case FileAdvanced:
		return "file_advanced"
	case FileVerified:
		return "file_verified"
	case FileDone:
		return "file_done"
	case FileFailed:
		return "file_failed"
	case SnapshotDone:
		return "snapshot_done"
	}
	return "unknown"
}

// ProgressEvent is one progress report of a download.
type ProgressEvent struct {
	Kind   ProgressKind
	RepoID string
	Path   string // file path in the repo; empty for snapshot events
	// Total is the file's size (file events) or the sum of the sizes of the
	// files to fetch (SnapshotStarted); -1 when unknown.
	Total   int64
	Bytes   int64 // FileAdvanced: the increment
	Resumed int64 // FileStarted: bytes already on disk
	Files   int   // SnapshotStarted: number of files
	Cached  bool  // FileDone: served from the cache without a transfer
	Err     error // FileFailed
	// Transport (FileVerified) says how the bytes moved: TransportXet or
	// TransportHTTP; Xet then counts the bytes fetched and read from the
	// Xet chunk cache.
	Transport string
	Xet       *XetStats
}

// Transports of [ProgressEvent.Transport].
const (
	TransportHTTP = "http"
	TransportXet  = "xet"
)

// ProgressObserver receives progress events of downloads. The library never
// prints; the CLI renders these events as bars or JSON lines. Methods are
// called from several goroutines at once (parallel ranges, snapshot
// workers), so implementations must be safe for concurrent use, and quick:
// they run on the transfer's goroutines.
type ProgressObserver interface {
	OnProgress(ProgressEvent)
}

// ProgressFunc adapts a function to [ProgressObserver].
type ProgressFunc func(ProgressEvent)

// OnProgress calls f(ev).
func (f ProgressFunc) OnProgress(ev ProgressEvent) { f(ev) }

// ProgressCounter is a [ProgressObserver] that keeps running totals, for
// callers that poll instead of rendering each event. The zero value is
// ready; it is safe for concurrent use.
type ProgressCounter struct {
	files, done, failed atomic.Int64
	total, bytes        atomic.Int64
}

// OnProgress updates the totals.
func (p *ProgressCounter) OnProgress(ev ProgressEvent) {
	switch ev.Kind {
	case SnapshotStarted:
		p.files.Store(int64(ev.Files))
		p.total.Store(ev.Total)
	case FileStarted:
		p.bytes.Add(ev.Resumed)
	case FileAdvanced:
		p.bytes.Add(ev.Bytes)
	case FileDone:
		p.done.Add(1)
	case FileFailed:
		p.failed.Add(1)
	}
}

// Snapshot returns files done, files failed, bytes transferred (including
// resumed bytes) and the expected files and bytes (0 outside a snapshot).
func (p *ProgressCounter) Snapshot() (done, failed, bytes, files, total int64) {
	return p.done.Load(), p.failed.Load(), p.bytes.Load(), p.files.Load(), p.total.Load()
}

// fileProgress adapts a ProgressObserver to the transfer engine's observer
// for one file.
type fileProgress struct {
	obs  ProgressObserver
	repo string
	path string
}

func (f *fileProgress) Started(total, resumed int64) {
	f.obs.OnProgress(ProgressEvent{Kind: FileStarted, RepoID: f.repo, Path: f.path, Total: total, Resumed: resumed})
}

func (f *fileProgress) Advanced(n int64) {
	f.obs.OnProgress(ProgressEvent{Kind: FileAdvanced, RepoID: f.repo, Path: f.path, Bytes: n})
}

// emit sends ev to obs if it is set.
func emit(obs ProgressObserver, ev ProgressEvent) {
	if obs != nil {
		obs.OnProgress(ev)
	}
}
