package hfhub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// CardValidation is the Hub's verdict on the metadata of a README.md (see
// [Client.ValidateRepoCard]).
type CardValidation struct {
	// Warnings are the Hub's remarks on accepted metadata (for example
	// "empty or missing yaml metadata in repo card").
	Warnings []string
}

// CardMetadataError is the Hub's refusal of the metadata of a README.md
// (POST /api/validate-yaml answered 400). It matches [ErrBadRequest].
type CardMetadataError struct {
	// Errors are the Hub's messages, one per problem.
	Errors []string
	// Warnings are its other remarks.
	Warnings []string
	// Err is the Hub's answer.
	Err *HubError
}

// Error implements error: "invalid metadata in README.md: <the Hub's
// messages, separated by "; ">".
func (e *CardMetadataError) Error() string {
	msgs := e.Errors
	if len(msgs) == 0 && e.Err != nil {
		msgs = []string{e.Err.Message}
	}
	return "invalid metadata in README.md: " + strings.Join(msgs, "; ") + " (fix the YAML front matter and try again)"
}

// Unwrap returns the Hub's answer.
func (e *CardMetadataError) Unwrap() error { return e.Err }

// ValidateRepoCard asks the Hub whether content, the text of a README.md,
// has valid metadata for a repo of type rt, like
// RepoCard.validate in Python. Invalid metadata is a [*CardMetadataError];
// the warnings of accepted metadata are returned and logged. A server
// without the endpoint (404) validates nothing: the answer is then empty. CreateCommit
// and the uploads call it before committing a README.md.
//
// Hub API: POST /api/validate-yaml.
func (c *Client) ValidateRepoCard(ctx context.Context, content string, rt RepoType) (*CardValidation, error) {
	type issue struct {
		Message string `json:"message"`
	}
	var out struct {
		Errors   []issue `json:"errors"`
		Warnings []issue `json:"warnings"`
	}
	_, err := c.sendJSON(ctx, http.MethodPost, c.endpoint+"/api/validate-yaml",
		map[string]string{"content": content, "repoType": rt.String()}, &out, nil)
	if err != nil {
		if he, ok := errors.AsType[*HubError](err); ok {
			switch he.StatusCode {
			case http.StatusBadRequest:
				return nil, cardMetadataError(he)
			case http.StatusNotFound, http.StatusMethodNotAllowed:
				// A Hub-compatible server without the endpoint: the
				// commit itself is the check.
				c.logger.Debug("hfhub: the server does not validate README.md metadata", "status", he.StatusCode)
				return &CardValidation{}, nil
			}
		}
		return nil, fmt.Errorf("validate README.md metadata: %w", err)
	}
	v := &CardValidation{}
	for _, w := range out.Warnings {
		if w.Message != "" {
			v.Warnings = append(v.Warnings, w.Message)
		}
	}
	if len(v.Warnings) > 0 {
		c.logger.Warn("hfhub: warnings while validating metadata in README.md: " + strings.Join(v.Warnings, "; "))
	}
	return v, nil
}

// cardMetadataError reads the errors and warnings of a 400 answer; the
// request layer kept its messages in he.Message.
func cardMetadataError(he *HubError) *CardMetadataError {
	e := &CardMetadataError{Err: he}
	for _, m := range strings.Split(he.Message, "\n") {
		if m = strings.TrimSpace(m); m != "" {
			e.Errors = append(e.Errors, m)
		}
	}
	return e
}

// validateReadme validates the first README.md the commit adds (as Python
// does, before anything is hashed or uploaded). A streamed source is
// spooled first, so that it can be read twice.
func (cm *commitRun) validateReadme(ctx context.Context) error {
	for _, op := range cm.ops {
		if op.kind != opAdd || op.pathInRepo != RepoCardName {
			continue
		}
		if op.src.reader != nil {
			if err := cm.spool(ctx, op); err != nil {
				return err
			}
		}
		b, err := op.readSource()
		if err != nil {
			return fmt.Errorf("%s: %w", op.pathInRepo, err)
		}
		_, err = cm.c.ValidateRepoCard(ctx, string(b), cm.opts.RepoType)
		return err
	}
	return nil
}

// maxCardBytes bounds the README.md read for validation.
const maxCardBytes = 64 << 20

// readSource returns an add's whole content, before it is hashed.
func (op *preparedOp) readSource() ([]byte, error) {
	if op.src.hasData {
		return op.src.data, nil
	}
	ra, closeFn, err := op.openSource()
	if err != nil {
		return nil, err
	}
	defer closeFn() // read-only
	b, err := io.ReadAll(io.NewSectionReader(ra, 0, maxCardBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxCardBytes {
		return nil, fmt.Errorf("%w: a README.md of more than %d MiB cannot be validated", ErrValidation, maxCardBytes>>20)
	}
	return b, nil
}
