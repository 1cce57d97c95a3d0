package xet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func mustHash(t *testing.T, s string) Hash {
	t.Helper()
	h, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// splitmix64 is the generator of the xet-core chunking tests.
func splitmix64(seed uint64, n int) []byte {
	out := make([]byte, 0, n+8)
	state := seed
	var b [8]byte
	for len(out) < n {
		state += 0x9E3779B97F4A7C15
		z := state
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		binary.LittleEndian.PutUint64(b[:], z^(z>>31))
		out = append(out, b[:]...)
	}
	return out[:n]
}

func makeData(size, a, b int) []byte {
	d := make([]byte, size)
	for i := range d {
		d[i] = byte(i*a + b)
	}
	return d
}

func TestHashHexVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Raw []int  `json:"raw_bytes"`
			Hex string `json:"xet_hex"`
		}
	}
	readJSON(t, "xet-core-hash-hex-vectors.json", &v)
	for _, c := range v.Cases {
		var h Hash
		for i, b := range c.Raw {
			h[i] = byte(b)
		}
		if got := h.String(); got != c.Hex {
			t.Errorf("String = %s, want %s", got, c.Hex)
		}
		p, err := ParseHash(c.Hex)
		if err != nil || p != h {
			t.Errorf("ParseHash(%s) = %x, %v", c.Hex, p, err)
		}
		if up, _ := ParseHash(string(bytes.ToUpper([]byte(c.Hex)))); up != h {
			t.Errorf("upper-case parse differs")
		}
		if hex.EncodeToString(h[:]) == c.Hex {
			t.Errorf("xet hex must differ from plain hex")
		}
	}
	for _, bad := range []string{"", "00", string(make([]byte, 64)), "zz" + c62()} {
		if _, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) accepted", bad)
		}
	}
}

func c62() string { return string(bytes.Repeat([]byte("0"), 62)) }

func TestMerkleVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Chunks []struct {
				Hash string
				Size uint64
			}
			XorbHash   string `json:"xorb_hash"`
			FileHashes []struct {
				Salt     string
				FileHash string `json:"file_hash"`
			} `json:"file_hashes"`
		}
	}
	readJSON(t, "xet-core-merkle-vectors.json", &v)
	if len(v.Cases) != 18 {
		t.Fatalf("%d cases, want 18", len(v.Cases))
	}
	for i, c := range v.Cases {
		leaves := make([]Leaf, len(c.Chunks))
		for j, ch := range c.Chunks {
			leaves[j] = Leaf{Hash: mustHash(t, ch.Hash), Size: ch.Size}
		}
		if got := XorbHash(leaves).String(); got != c.XorbHash {
			t.Errorf("case %d (%d leaves): root %s, want %s", i, len(leaves), got, c.XorbHash)
		}
		for _, f := range c.FileHashes {
			if got := FileHashWithSalt(leaves, mustHash(t, f.Salt)).String(); got != f.FileHash {
				t.Errorf("case %d salt %s: file hash %s, want %s", i, f.Salt[:8], got, f.FileHash)
			}
		}
	}
}

func TestChunkingVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Name       string
			Generator  string
			Seed       uint64
			Byte       byte
			N          int
			Samples    map[string]byte `json:"byte_samples"`
			Boundaries []int
		}
		Triggering struct {
			N       int
			Pattern []byte
			Cases   []struct {
				Padding    int
				ByteAt     byte `json:"byte_at_11111"`
				Boundaries []int
			}
		}
	}
	readJSON(t, "xet-core-chunking-vectors.json", &v)
	for _, c := range v.Cases {
		var data []byte
		switch c.Generator {
		case "splitmix64":
			data = splitmix64(c.Seed, c.N)
		case "const":
			data = bytes.Repeat([]byte{c.Byte}, c.N)
		default:
			t.Fatalf("unknown generator %s", c.Generator)
		}
		if c.Boundaries != nil {
			if got := Boundaries(data); !slices.Equal(got, c.Boundaries) {
				t.Errorf("%s: boundaries %v, want %v", c.Name, got, c.Boundaries)
			}
		}
		want := Boundaries(data)
		for _, piece := range []int{1, 37, 255, 100_000} {
			if got := streamBoundaries(t, data, piece); !slices.Equal(got, want) {
				t.Errorf("%s: in pieces of %d: %v, want %v", c.Name, piece, got, want)
			}
		}
	}
	if len(v.Triggering.Cases) != 128 {
		t.Fatalf("%d triggering cases, want 128", len(v.Triggering.Cases))
	}
	for _, c := range v.Triggering.Cases {
		unit := append(append([]byte(nil), v.Triggering.Pattern...), make([]byte, c.Padding)...)
		data := make([]byte, v.Triggering.N)
		for i := range data {
			data[i] = unit[i%len(unit)]
		}
		if data[11111] != c.ByteAt {
			t.Fatalf("padding %d: generator mismatch", c.Padding)
		}
		if got := Boundaries(data); !slices.Equal(got, c.Boundaries) {
			t.Errorf("padding %d: %v, want %v", c.Padding, got, c.Boundaries)
		}
	}
	if got := Boundaries(nil); len(got) != 0 {
		t.Errorf("empty input: %v", got)
	}
}

// oneByteReader returns at most n bytes per Read.
type pieceReader struct {
	r io.Reader
	n int
}

func (p pieceReader) Read(b []byte) (int, error) {
	if len(b) > p.n {
		b = b[:p.n]
	}
	return p.r.Read(b)
}

func streamBoundaries(t *testing.T, data []byte, piece int) []int {
	t.Helper()
	cr := NewChunkReader(pieceReader{bytes.NewReader(data), piece})
	var ends []int
	pos := 0
	for {
		c, err := cr.Next()
		if err == io.EOF {
			return ends
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c, data[pos:pos+len(c)]) {
			t.Fatalf("chunk content differs at %d", pos)
		}
		pos += len(c)
		ends = append(ends, pos)
	}
}

func TestReferenceVectors(t *testing.T) {
	var v struct {
		SM struct {
			Sha256      string
			Boundaries  []int
			ChunkHashes []string `json:"chunk_hashes"`
		} `json:"splitmix64_seed0_1000000"`
		MakeData []struct {
			Size, A, B int
			XorbHash   string `json:"xorb_hash"`
			FileHash   string `json:"file_hash"`
		} `json:"make_data"`
		Empty string `json:"empty_file_hash"`
		HMAC  struct{ Hash, Key, Result string }
		Ver   struct {
			ChunkHashes []string `json:"chunk_hashes"`
			Result      string
		} `json:"verification_hash"`
	}
	readJSON(t, "xetchunk-reference-vectors.json", &v)
	data := splitmix64(0, 1_000_000)
	if s := sha256.Sum256(data); hex.EncodeToString(s[:]) != v.SM.Sha256 {
		t.Fatalf("splitmix data sha256 mismatch")
	}
	ends := Boundaries(data)
	if !slices.Equal(ends, v.SM.Boundaries) {
		t.Fatalf("boundaries %v", ends)
	}
	start := 0
	hs := NewChunkHasher()
	for i, e := range ends {
		if got := hs.Hash(data[start:e]).String(); got != v.SM.ChunkHashes[i] {
			t.Errorf("chunk %d hash %s, want %s", i, got, v.SM.ChunkHashes[i])
		}
		start = e
	}
	for _, m := range v.MakeData {
		d := makeData(m.Size, m.A, m.B)
		leaves := leavesOf(d)
		if got := XorbHash(leaves).String(); got != m.XorbHash {
			t.Errorf("make_data(%d): xorb %s, want %s", m.Size, got, m.XorbHash)
		}
		if got := FileHash(leaves).String(); got != m.FileHash {
			t.Errorf("make_data(%d): file %s, want %s", m.Size, got, m.FileHash)
		}
		// The same through the xorb builder, under every compression mode.
		for _, mode := range []Compression{CompressBest, CompressNone, CompressLZ4, CompressBG4} {
			b := NewXorbBuilder(mode)
			for _, c := range chunksOf(d) {
				if _, err := b.Add(c); err != nil {
					t.Fatal(err)
				}
			}
			if got := b.Hash().String(); got != m.XorbHash {
				t.Errorf("builder mode %d: xorb %s", mode, got)
			}
			infos, err := ScanXorb(b.Bytes())
			if err != nil {
				t.Fatalf("mode %d: %v", mode, err)
			}
			if got := XorbHash(Leaves(infos)).String(); got != m.XorbHash {
				t.Errorf("scan mode %d: xorb %s", mode, got)
			}
		}
	}
	if FileHash(nil).String() != v.Empty {
		t.Errorf("empty file hash")
	}
	if got := HMAC(mustHash(t, v.HMAC.Hash), mustHash(t, v.HMAC.Key)).String(); got != v.HMAC.Result {
		t.Errorf("hmac %s, want %s", got, v.HMAC.Result)
	}
	var hashes []Hash
	for _, s := range v.Ver.ChunkHashes {
		hashes = append(hashes, mustHash(t, s))
	}
	if got := VerificationHash(hashes).String(); got != v.Ver.Result {
		t.Errorf("verification %s, want %s", got, v.Ver.Result)
	}
}

func chunksOf(d []byte) [][]byte {
	var out [][]byte
	start := 0
	for _, e := range Boundaries(d) {
		out = append(out, d[start:e])
		start = e
	}
	return out
}

func leavesOf(d []byte) []Leaf {
	var l []Leaf
	for _, c := range chunksOf(d) {
		l = append(l, Leaf{Hash: ChunkHash(c), Size: uint64(len(c))})
	}
	return l
}

func TestBG4Vectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Original, Grouped []int
		}
		RoundTrip [][]int `json:"roundtrip_only"`
	}
	readJSON(t, "bg4-vectors.json", &v)
	toBytes := func(x []int) []byte {
		b := make([]byte, len(x))
		for i, c := range x {
			b[i] = byte(c)
		}
		return b
	}
	for _, c := range v.Cases {
		o, g := toBytes(c.Original), toBytes(c.Grouped)
		got := make([]byte, len(o))
		BG4Split(got, o)
		if !bytes.Equal(got, g) {
			t.Errorf("split %v = %v, want %v", o, got, g)
		}
		BG4Regroup(got, g)
		if !bytes.Equal(got, o) {
			t.Errorf("regroup %v = %v, want %v", g, got, o)
		}
	}
	for _, r := range v.RoundTrip {
		o := toBytes(r)
		g, back := make([]byte, len(o)), make([]byte, len(o))
		BG4Split(g, o)
		BG4Regroup(back, g)
		if !bytes.Equal(back, o) {
			t.Errorf("round trip %v = %v", o, back)
		}
	}
}
