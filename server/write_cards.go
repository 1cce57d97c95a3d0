package server

import (
	"net/http"
	"strings"

	"github.com/hfhub-go/hfhub/card"
)

// registerCardRoutes adds POST /api/validate-yaml, which the official
// clients call before every commit that adds a README.md.
func (s *Server) registerCardRoutes() {
	s.mux.HandleFunc("POST /api/validate-yaml", s.handleValidateYAML)
}

// handleValidateYAML checks the front matter of {"content", "repoType"}
// with card.Validate: 200 {"errors": [], "warnings": [...]} when it is
// valid, 400 with the errors when not. A caller asking for text/plain (as
// huggingface_hub's RepoCard.validate does) gets "- Error: ..." lines.
func (s *Server) handleValidateYAML(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	var body struct {
		Content  *string `json:"content"`
		RepoType string  `json:"repoType"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Content == nil {
		writeError(w, r, http.StatusBadRequest, "", `"content" is required: send {"content": "<README.md text>", "repoType": "model"}`)
		return
	}
	v := card.Validate([]byte(*body.Content), body.RepoType)
	status := http.StatusOK
	if !v.OK() {
		status = http.StatusBadRequest
	}
	if wantsText(r) {
		var b strings.Builder
		for _, e := range v.Errors {
			b.WriteString("- Error: " + e.Message + "\n")
		}
		for _, e := range v.Warnings {
			b.WriteString("- Warning: " + e.Message + "\n")
		}
		writeText(w, r, status, "", "", b.String())
		return
	}
	writeJSONStatus(w, r, status, v)
}

// wantsText reports whether the Accept header asks for text/plain rather
// than JSON.
func wantsText(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "text/plain") && !strings.Contains(a, "json")
}
