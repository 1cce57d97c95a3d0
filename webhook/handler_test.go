package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandlerRefusals(t *testing.T) {
	calls := 0
	h := NewHandler("k", func(_ context.Context, p *Payload) error {
		calls++
		if p.Repo.Name == "acme/fail" {
			return errors.New("boom")
		}
		return nil
	})
	h.MaxBody = 512
	srv := httptest.NewServer(h)
	defer srv.Close()
	ok := `{"event":{"action":"create","scope":"repo"},"repo":{"name":"acme/m","type":"model"}}`
	for _, c := range []struct {
		name, method, secret, ctype, body string
		want                              int
	}{
		{"ok", "POST", "k", "application/json", ok, 200},
		{"charset", "POST", "k", "application/json; charset=utf-8", ok, 200},
		{"get", "GET", "k", "application/json", "", 405},
		{"no secret", "POST", "", "application/json", ok, 401},
		{"wrong secret", "POST", "kk", "application/json", ok, 401},
		{"not json", "POST", "k", "text/plain", ok, 415},
		{"too big", "POST", "k", "application/json", `{"x":"` + strings.Repeat("a", 600) + `"}`, 413},
		{"malformed", "POST", "k", "application/json", `{"event":`, 400},
		{"no event", "POST", "k", "application/json", `{"repo":{"name":"acme/m"}}`, 400},
		{"callback fails", "POST", "k", "application/json", strings.Replace(ok, "acme/m", "acme/fail", 1), 500},
	} {
		req, _ := http.NewRequest(c.method, srv.URL, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		if c.secret != "" {
			req.Header.Set(SecretHeader, c.secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
	if calls != 3 {
		t.Errorf("callback ran %d times, want 3 (two accepted, one failing)", calls)
	}
}
