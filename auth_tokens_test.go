package hfhub

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStoredTokensFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "stored_tokens")
	// As written by Python's configparser, with an OAuth section.
	python := "[zeta]\nhf_token = hf_z\n\n[oauth-alice]\nhf_token = hf_oauth_a\nrefresh_token = hf_oauth_refresh\nexpires_at = 1767225600\n\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(python), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := readStoredTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.get("oauth-alice"); !ok || v["refresh_token"] != "hf_oauth_refresh" || v["expires_at"] != "1767225600" {
		t.Fatalf("oauth-alice = %v", v)
	}
	f.set("my-token", map[string]string{"hf_token": "hf_m"})
	if err := f.write(path); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "[my-token]\nhf_token = hf_m\n\n[oauth-alice]\nhf_token = hf_oauth_a\nrefresh_token = hf_oauth_refresh\nexpires_at = 1767225600\n\n[zeta]\nhf_token = hf_z\n\n"
	if string(got) != want {
		t.Errorf("stored_tokens =\n%s\nwant\n%s", got, want)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temp files left: %v", entries)
	}
}

func TestStoredTokensTolerance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stored_tokens")
	os.WriteFile(path, []byte("# comment\n[A]\nHF_TOKEN: hf_a\n; other\n[A]\nextra=1\n"), 0o600)
	f, err := readStoredTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.get("A"); v["hf_token"] != "hf_a" || v["extra"] != "1" {
		t.Errorf("A = %v", v)
	}
	os.WriteFile(path, []byte("hf_token = x\n"), 0o600)
	if _, err := readStoredTokens(path); err == nil {
		t.Errorf("a key outside a section must be an error")
	}
	if f, err := readStoredTokens(filepath.Join(t.TempDir(), "none")); err != nil || len(f.sections) != 0 {
		t.Errorf("missing file: %v, %v", f, err)
	}
}
