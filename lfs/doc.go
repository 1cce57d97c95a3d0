// Package lfs holds the Git LFS pieces of the Hugging Face Hub upload protocol,
// usable on their own: content addresses ([OID]), upload information computed
// in one streaming pass ([UploadInfo]: size, sha256 and the 512-byte sample the
// preupload call wants), pointer files ([Pointer]), the batch API's request and
// response shapes ([BatchRequest], [BatchResponse]) and the transfers that move
// bytes to the URLs a batch answer hands out ([Uploader]: basic PUT, parallel
// multipart straight from disk, completion and verify).
//
// The package does no authentication of its own: give [Uploader] an
// *http.Client whose transport adds the Hub token for the endpoint host.
// Presigned upload URLs need no token.
//
// A short program that uploads one file given a batch answer:
//
//	info, err := lfs.InfoFromPath(ctx, "model.safetensors")
//	if err != nil { ... }
//	// POST a BatchRequest for info.OID / info.Size to <repo>.git/info/lfs/objects/batch,
//	// then for the returned object:
//	f, _ := os.Open("model.safetensors")
//	defer f.Close()
//	u := &lfs.Uploader{HTTPClient: hc}
//	err = u.Upload(ctx, obj, f)
//
// # Concurrency
//
// Every function is safe for concurrent use; an [Uploader] may be shared once
// configured.
package lfs
