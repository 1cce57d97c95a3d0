// Package hfuri parses and formats hf:// URIs, the one way hfhub names a
// location on the Hub: a repository (optionally at a revision), a file or
// folder inside it, or a bucket and a path inside it. The library and every
// hf command use this parser, so a URI accepted in one place means the same
// everywhere. It imports nothing of hfhub (a leaf package).
//
// The grammar is the one of the Python huggingface_hub (release 1.28,
// parse_hf_uri and HfFileSystem.resolve_path):
//
//	hf://[<TYPE>/]<NAMESPACE>/<NAME>[@<REVISION>][/<PATH>]
//
// TYPE is models/, datasets/, spaces/, kernels/ or buckets/ (always plural;
// no prefix means a model). The id is always "namespace/name". A revision
// is a branch, tag or commit; one containing "/" is written URL-encoded
// ("feature%2Ffoo"), except the special refs refs/pr/N and
// refs/convert/NAME, which are recognised as they are:
//
//	hf://my-org/my-model                        model, default revision
//	hf://datasets/my-org/data@v1.0/train.csv    dataset at v1.0, one file
//	hf://datasets/my-org/data@refs/pr/3/a/b.txt revision refs/pr/3, path a/b.txt
//	hf://my-org/my-model@feature%2Fx/config.json  revision feature/x
//	hf://buckets/my-org/logs/2026/01/           bucket, folder 2026/01
//
// [Parse] also takes the web URLs people copy from a browser
// (https://huggingface.co/datasets/org/name/blob/main/x.csv); [ParseEndpoint]
// adds the host of a self-hosted Hub. [ParsePath] takes a path with the
// scheme left out, as an fsspec-style filesystem does. [SplitTypePrefix] reads
// the "datasets/org/name" form that hf commands accept in place of a repo id
// and --type. [ParseMount] reads the volume form used by Jobs and Spaces
// (hf://…:/mount/path[:ro|:rw]).
//
// Every malformed input is an [*Error] naming what is wrong and how to write
// it instead; errors.Is(err, [ErrInvalid]) reports any of them.
//
// hfuri is a little stricter than Python where Python would only fail later
// at the Hub: repo and bucket ids are checked with the Hub's name rules, and
// "." or ".." path segments are rejected.
package hfuri
