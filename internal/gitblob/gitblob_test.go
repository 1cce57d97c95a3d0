package gitblob

import "testing"

func TestID(t *testing.T) {
	// Ids as `git hash-object` prints them.
	for in, want := range map[string]string{
		"":              "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
		"hello world\n": "3b18e512dba79e4c8300dd08aeb37f8e728b8dad",
	} {
		if got := ID([]byte(in)); got != want {
			t.Errorf("ID(%q) = %s, want %s", in, got, want)
		}
	}
}
