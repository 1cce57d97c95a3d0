//go:build !unix

package archive

// isNotEmpty reports whether err means the rename target is a non-empty
// directory; elsewhere than Unix that is reported as fs.ErrExist.
func isNotEmpty(error) bool { return false }
