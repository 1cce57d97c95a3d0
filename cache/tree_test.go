package cache

import "testing"

func TestTreeFileEtagAndContentSize(t *testing.T) {
	const blobID, sha = "0123456789abcdef0123456789abcdef01234567", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		name     string
		f        TreeFile
		wantEtag string
		wantSize int64
	}{
		{"regular file is named by its git blob id", TreeFile{Size: 10, BlobID: blobID}, blobID, 10},
		{"LFS file is named by its sha256 and sized by its content", TreeFile{Size: 134, BlobID: blobID, LFSSHA256: sha, LFSSize: 1 << 20}, sha, 1 << 20},
		{"LFS entry without a size keeps the listed size", TreeFile{Size: 134, BlobID: blobID, LFSSHA256: sha}, sha, 134},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Etag(); got != tt.wantEtag {
				t.Errorf("Etag() = %q, want %q", got, tt.wantEtag)
			}
			if got := tt.f.ContentSize(); got != tt.wantSize {
				t.Errorf("ContentSize() = %d, want %d", got, tt.wantSize)
			}
		})
	}
}
