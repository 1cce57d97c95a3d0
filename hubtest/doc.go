// Package hubtest runs an in-process Hugging Face Hub on loopback for tests,
// the way net/http/httptest runs an HTTP server: the real server of package
// server over a temporary store, seeded with repositories from Go values,
// with knobs to inject faults and a log of the requests it answered.
//
//	func TestDownload(t *testing.T) {
//		hub := hubtest.NewServer(t, hubtest.WithRepo(hubtest.Repo{
//			ID:    "acme/tiny",
//			Files: map[string][]byte{"config.json": []byte(`{}`)},
//		}))
//		resp, err := http.Get(hub.URL + "/acme/tiny/resolve/main/config.json")
//		...
//	}
//
// Point a client at Server.URL (HF_ENDPOINT for the Python client). Like
// the real Hub, LFS files (.safetensors, .bin, files of 10 MiB or more, ...)
// are answered with a 302 to an absolute URL on a second listener, so
// clients must follow cross-host redirects and drop their Authorization
// header there.
//
// # Gated repositories
//
// A [Repo] with Gated set serves its files to the namespace owner and admin
// tokens only, others get 403 GatedRepo, until [Server.GrantAccess] lets a
// user in ([Server.RevokeAccess] shuts them out again).
//
// # Faults
//
// [Server.Fail] queues a fault for requests whose path contains a string:
// a status (with Retry-After), latency, a connection dropped or stalled
// after N body bytes, a flipped byte. [Server.SetIgnoreRange] makes the
// server answer Range requests with the whole body. [Server.Requests] lists
// what was asked, for assertions.
//
// hubtest never imports the hfhub client package, so the client's own tests
// can use it.
package hubtest
