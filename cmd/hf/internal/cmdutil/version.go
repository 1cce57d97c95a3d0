package cmdutil

import (
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/hfhub-go/hfhub"
)

// BuildInfo describes the hf binary: what `hf version` prints. Field names
// are API (`hf version --format json`).
type BuildInfo struct {
	// Version is the module version hf was installed at (go install
	// ...@v1.2.3), else the commit it was built from (12 hex digits, with
	// "-dirty" when the work tree had changes), else "devel".
	Version string `json:"version"`
	// Commit is the full commit hash of a build from a git work tree.
	Commit string `json:"commit,omitempty"`
	// CommitTime is the commit's time (RFC 3339) of such a build.
	CommitTime string `json:"commit_time,omitempty"`
	// Modified reports uncommitted changes in the work tree at build time.
	Modified bool `json:"modified"`
	// Library is the version of the hfhub library (hfhub.Version).
	Library string `json:"library"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// Build returns the build information of the running binary, from
// runtime/debug.ReadBuildInfo.
func Build() BuildInfo {
	bi, _ := debug.ReadBuildInfo() // nil without module support: "devel"
	return buildInfoFrom(bi)
}

// Version returns the version of hf: [BuildInfo.Version].
func Version() string { return Build().Version }

// pseudoVersion matches the commit part of a Go pseudo-version
// (v0.0.0-20060102150405-abcdef123456), which the go command stamps on a
// build from a work tree that is not at a tag.
var pseudoVersion = regexp.MustCompile(`[-.]\d{14}-[0-9a-f]{12}(\+|$)`)

func buildInfoFrom(bi *debug.BuildInfo) BuildInfo {
	info := BuildInfo{Version: "devel", Library: hfhub.Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi == nil {
		return info
	}
	if bi.GoVersion != "" {
		info.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.CommitTime = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		case "GOOS":
			info.OS = s.Value
		case "GOARCH":
			info.Arch = s.Value
		}
	}
	mod := strings.TrimSpace(bi.Main.Version)
	tagged := mod != "" && mod != "(devel)" && !pseudoVersion.MatchString(mod) && !strings.Contains(mod, "+dirty")
	switch {
	case info.Commit == "" && mod != "" && mod != "(devel)":
		info.Version = mod // go install module@version: no VCS stamp
	case info.Commit != "" && tagged && !info.Modified:
		info.Version = mod // a clean work tree at a release tag
	case info.Commit != "":
		info.Version = info.Commit[:min(12, len(info.Commit))]
		if info.Modified {
			info.Version += "-dirty"
		}
	}
	return info
}
