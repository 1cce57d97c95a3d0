package cmdutil

// clientResult caches the lazily built library client and its error.
type clientResult struct {
	err error
}
