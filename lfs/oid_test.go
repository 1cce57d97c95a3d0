package lfs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseOID(t *testing.T) {
	const good = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"lowercase hex", good, true},
		{"uppercase hex is normalised", strings.ToUpper(good), true},
		{"too short", good[:63], false},
		{"too long", good + "0", false},
		{"not hex", "z" + good[1:], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseOID(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseOID(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadOID) {
				t.Errorf("error %v does not wrap ErrBadOID", err)
			}
			if tt.ok && o.String() != good {
				t.Errorf("String() = %s, want %s", o, good)
			}
		})
	}
}

func TestOIDJSON(t *testing.T) {
	o := OID{1, 2, 3}
	b, err := json.Marshal(ObjectSpec{OID: o, Size: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"oid":"0102030000000000000000000000000000000000000000000000000000000000","size":7}`
	if string(b) != want {
		t.Fatalf("Marshal = %s, want %s", b, want)
	}
	var back ObjectSpec
	if err := json.Unmarshal(b, &back); err != nil || back.OID != o {
		t.Fatalf("Unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"oid":"xyz","size":1}`), &back); !errors.Is(err, ErrBadOID) {
		t.Fatalf("Unmarshal of a bad oid: error = %v, want ErrBadOID", err)
	}
	if o.Short() != "010203000000" || !(OID{}).IsZero() || o.IsZero() {
		t.Errorf("Short/IsZero wrong: %s", o.Short())
	}
}
