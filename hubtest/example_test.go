package hubtest_test

import (
	"fmt"
	"io"
	"log"
	"net/http"

	"github.com/hfhub-go/hfhub/hubtest"
)

// Listen starts a Hub for an example or a demo; tests use NewServer.
func ExampleListen() {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithRepo(hubtest.Repo{
		ID:    "acme/tiny",
		Files: map[string][]byte{"config.json": []byte(`{"model_type":"bert"}`)},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	resp, err := http.Get(hub.URL + "/acme/tiny/resolve/main/config.json")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.Header.Get("ETag"))
	fmt.Println(string(body))
	// Output:
	// 200 "3967ff7fee9d40eb77abadd6a292230496ca9f24"
	// {"model_type":"bert"}
}

// A Fault makes the next matching request fail; the request log shows what
// the client did about it.
func ExampleServer_Fail() {
	hub, err := hubtest.Listen("127.0.0.1:0", hubtest.WithRepo(hubtest.Repo{
		ID:    "acme/tiny",
		Files: map[string][]byte{"config.json": []byte(`{}`)},
	}))
	if err != nil {
		log.Fatal(err)
	}
	defer hub.Close()

	hub.Fail(hubtest.Fault{Match: "/resolve/", Status: http.StatusServiceUnavailable})
	for range 2 {
		resp, err := http.Get(hub.URL + "/acme/tiny/resolve/main/config.json")
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, r := range hub.Requests() {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// GET /acme/tiny/resolve/main/config.json 503
	// GET /acme/tiny/resolve/main/config.json 200
}
