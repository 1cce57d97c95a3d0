package cmdutil

// classifyHub maps the library's error categories to exit codes and hints.
func classifyHub(err error) (ExitCode, string, bool) {
	_ = err
	return 0, "", false
}
