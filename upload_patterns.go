package hfhub

// DefaultIgnorePatterns are never uploaded by [Client.UploadFolder] and
// [Client.UploadLargeFolder]: git metadata and the local upload state.
var DefaultIgnorePatterns = []string{
	".git", ".git/*", "*/.git", "**/.git/**",
	".cache/huggingface", ".cache/huggingface/*", "*/.cache/huggingface", "**/.cache/huggingface/**",
}

// uploadMatchAny reports whether p matches one of the patterns, read as
// [FilterRepoFiles] reads them (Python's filter_repo_objects, which
// upload_folder uses too).
func uploadMatchAny(patterns []string, p string) bool {
	for _, pat := range patterns {
		if MatchPattern(pat, p) {
			return true
		}
	}
	return false
}
