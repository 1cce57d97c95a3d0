package hfhub

// DefaultIgnorePatterns are never uploaded by [Client.UploadFolder] and
// [Client.UploadLargeFolder]: git metadata and the local upload state.
var DefaultIgnorePatterns = []string{
	".git", ".git/*", "*/.git", "**/.git/**",
	".cache/huggingface", ".cache/huggingface/*", "*/.cache/huggingface", "**/.cache/huggingface/**",
}

// globMatchAny reports whether p matches one of the compiled patterns, read
// as [FilterRepoFiles] reads them (Python's filter_repo_objects, which
// upload_folder uses too).
func globMatchAny(patterns []globPattern, p string) bool {
	return !globKeep(p, nil, patterns)
}
