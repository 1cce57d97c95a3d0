package hfhub

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzBodyMessages feeds arbitrary error bodies to the decoder that turns
// a Hub error answer into messages: it never panics, and a body that is
// not JSON yields at most one message of at most 1000 bytes (plus "…").
func FuzzBodyMessages(f *testing.F) {
	for _, s := range []string{
		`{"error":"Repository not found"}`, `{"error":["a","b"]}`, `{"errors":[{"message":"\"tags\" must be an array"}],"warnings":[]}`,
		`{"error":{"nested":1},"message":"m"}`, `{"error_description":"d","error":"e"}`, "<html>x</html>", "plain text", "", "{", `{"errors":null}`,
	} {
		f.Add("application/json", []byte(s))
		f.Add("text/plain", []byte(s))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		msgs := bodyMessages(ct, body)
		trimmed := strings.TrimSpace(string(body))
		if trimmed == "" && len(msgs) != 0 {
			t.Fatalf("empty body gave %q", msgs)
		}
		if !strings.HasPrefix(trimmed, "{") && len(msgs) > 0 {
			if len(msgs) != 1 || len(msgs[0]) > 1000+len("…") {
				t.Fatalf("a text body gave %d messages, the first %d bytes long", len(msgs), len(msgs[0]))
			}
		}
	})
}

// FuzzRepoInfoJSON decodes arbitrary repo info answers into the three info
// types (which keep the raw JSON and normalise gated, config and provider
// mappings): no panic, and what decodes encodes again.
func FuzzRepoInfoJSON(f *testing.F) {
	for _, s := range []string{
		`{"id":"a/b","sha":"0123456789abcdef0123456789abcdef01234567","gated":"manual","siblings":[{"rfilename":"x","size":1,"lfs":{"sha256":"s","size":1,"pointerSize":2}}]}`,
		`{"id":"a/b","gated":true,"config":{"architectures":["X"]},"inferenceProviderMapping":[{"provider":"p","providerId":"q"}]}`,
		`{"inferenceProviderMapping":{"p":{"status":"live","providerId":"q","task":"t"}},"safetensors":{"parameters":{"F32":3},"total":3}}`,
		`{"cardData":{"license":["mit"]},"securityRepoStatus":{"scansDone":true},"runtime":{"stage":"RUNNING"}}`,
		`{"gated":7,"config":[],"lastModified":"not a date","siblings":{}}`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m ModelInfo
		if json.Unmarshal(data, &m) == nil {
			if _, err := json.Marshal(&m); err != nil && utf8.Valid(data) {
				t.Fatalf("ModelInfo decoded but does not encode: %v", err)
			}
			_ = (&RepoInfo{Model: &m}).SHA()
		}
		var d DatasetInfo
		if json.Unmarshal(data, &d) == nil {
			_ = (&RepoInfo{Dataset: &d}).SHA()
		}
		var s SpaceInfo
		if json.Unmarshal(data, &s) == nil {
			_ = (&RepoInfo{Space: &s}).SHA()
		}
	})
}

// FuzzCardMetadataError reads arbitrary 400 answers of validate-yaml as
// the client does: one error per non-empty line, none blank.
func FuzzCardMetadataError(f *testing.F) {
	f.Add("\"tags\" must be an array\n\"license\" must be one of [mit]")
	f.Add("")
	f.Add("\n\n  \n")
	f.Fuzz(func(t *testing.T, msg string) {
		e := cardMetadataError(&HubError{StatusCode: http.StatusBadRequest, Message: msg, kind: ErrBadRequest})
		for _, m := range e.Errors {
			if strings.TrimSpace(m) == "" || strings.Contains(m, "\n") {
				t.Fatalf("error %q from %q", m, msg)
			}
		}
		if !strings.HasPrefix(e.Error(), "invalid metadata in README.md: ") {
			t.Fatalf("Error() = %q", e.Error())
		}
	})
}
