package cmdutil

// Result reports a command's outcome: line on stdout, or data as the JSON
// document with --format json.
func (p *Printer) Result(line string, data any) error {
	if p.IsJSON() {
		return p.JSON(data)
	}
	p.Line("%s", line)
	return nil
}
