package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hfhub-go/hfhub/store"
	"github.com/hfhub-go/hfhub/xet"
	"github.com/hfhub-go/hfhub/xet/cas"
)

// Xet CAS of the server (docs/xet.md). The CAS API lives under xetCASPrefix
// and the presigned xorb URLs under xetXorbPrefix, on the content listener
// when there is one (WithContentURL), like LFS content.
const (
	xetCASPrefix  = "/xet-cas"
	xetXorbPrefix = "/xet-xorb/default/"
	// DefaultXetTokenLifetime is how long a Xet read token is valid.
	DefaultXetTokenLifetime = time.Hour
	// xetURLLifetime is how long a presigned xorb URL is valid.
	xetURLLifetime = time.Hour
	// xetFileInfoType is the media type huggingface.js asks /resolve for.
	xetFileInfoType = "application/vnd.xet-fileinfo+json"
)

// xetConfig is the Xet side of a Server.
type xetConfig struct {
	cas      *cas.Store
	lifetime time.Duration
	urlLife  time.Duration
	opt      xet.ReconstructOptions
}

// WithXet serves every LFS file through Xet too, from the content store c:
// X-Xet-Hash and the xet-auth Link on /resolve, xetHash in tree and
// paths-info, read tokens, a CAS with /v2 and /v1 reconstructions, and
// presigned xorb URLs. Files are imported (chunked, deduplicated) when
// their content arrives and, for older content, on first use
// ([Server.ImportXet] imports everything up front).
func WithXet(c *cas.Store) Option {
	return func(s *Server) {
		s.xet = &xetConfig{cas: c, lifetime: DefaultXetTokenLifetime, urlLife: xetURLLifetime}
	}
}

// WithXetLifetimes sets the lifetime of Xet read tokens and of presigned
// xorb URLs (tests use seconds to force refreshes). Zero keeps a default.
func WithXetLifetimes(token, url time.Duration) Option {
	return func(s *Server) {
		if s.xet == nil {
			return
		}
		if token > 0 {
			s.xet.lifetime = token
		}
		if url > 0 {
			s.xet.urlLife = url
		}
	}
}

// WithXetTermLevel makes reconstructions keep whole terms at both ends of a
// range (as the production CAS sometimes does) instead of trimming them to
// chunks, so clients see offsets that span several chunks.
func WithXetTermLevel(on bool) Option {
	return func(s *Server) {
		if s.xet != nil {
			s.xet.opt.TermLevel = on
		}
	}
}

// XetStore returns the Xet content store, nil when Xet is off.
func (s *Server) XetStore() *cas.Store {
	if s.xet == nil {
		return nil
	}
	return s.xet.cas
}

func (s *Server) registerXetRoutes() {
	if s.xet == nil {
		return
	}
	s.handleRepoAPI("xet-read-token", accessRead, s.handleXetReadToken)
}

// xetImport imports one LFS file's content into the CAS.
func (s *Server) xetImport(ctx context.Context, f *store.File) (*cas.File, error) {
	return s.xet.cas.Import(ctx, f.SHA256, func() (io.ReadCloser, error) { return s.src.OpenBlob(f.SHA256) })
}

// xetImportCommit imports the LFS files of a new commit; a failure is
// logged (the file is imported again on first use).
func (s *Server) xetImportCommit(ctx context.Context, c *store.Commit) {
	if err := s.ImportXetCommit(ctx, c); err != nil && s.logger != nil {
		s.logger.Warn("xet import", "commit", c.ID, "error", err)
	}
}

// ImportXetCommit imports the LFS files of one commit into the Xet store.
func (s *Server) ImportXetCommit(ctx context.Context, c *store.Commit) error {
	if s.xet == nil {
		return nil
	}
	for _, f := range c.Files() {
		if f.LFS {
			if _, err := s.xetImport(ctx, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// ImportXet imports the LFS files of every branch and tag head of every
// repository, so tree listings carry xetHash from the start. It stops at
// the first error or when ctx is done.
func (s *Server) ImportXet(ctx context.Context) error {
	if s.xet == nil {
		return nil
	}
	for _, t := range store.RepoTypes {
		for _, info := range s.src.ListRepos(t) {
			refs, err := s.src.Refs(t, info.ID)
			if err != nil {
				continue
			}
			var heads []string
			for _, id := range refs.Branches {
				heads = append(heads, id)
			}
			for _, id := range refs.Tags {
				heads = append(heads, id)
			}
			for _, id := range heads {
				c, err := s.src.Resolve(t, info.ID, id)
				if err != nil {
					continue
				}
				if err := s.ImportXetCommit(ctx, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// xetHashOf returns the Xet hash of an LFS file already imported.
func (s *Server) xetHashOf(f *store.File) string {
	if s.xet == nil || !f.LFS {
		return ""
	}
	if xf, ok := s.xet.cas.File(f.SHA256); ok {
		return xf.XetHash.String()
	}
	return ""
}

// xetBase is the absolute base of the CAS and xorb URLs.
func (s *Server) xetBase(r *http.Request) string {
	if s.contentURL != "" {
		return s.contentURL
	}
	return s.baseFor(r)
}

// xetResolve adds the Xet headers to the /resolve answer of an LFS file.
// For a client asking for the Xet file info (huggingface.js), it answers
// 200 itself with absolute links and returns true.
func (s *Server) xetResolve(w http.ResponseWriter, r *http.Request, req *repoRequest, c *store.Commit, f *store.File) bool {
	if s.xet == nil {
		return false
	}
	xf, err := s.xetImport(r.Context(), f)
	if err != nil {
		if s.logger != nil {
			s.logger.Warn("xet import", "sha256", f.SHA256, "error", err)
		}
		return false // the 302 still serves the bytes
	}
	hash := xf.XetHash.String()
	tokenPath := "/api/" + req.Type.Plural() + "/" + req.ID + "/xet-read-token/" + c.ID
	recon := s.xetBase(r) + xetCASPrefix + "/v1/reconstructions/" + hash
	info := strings.Contains(r.Header.Get("Accept"), xetFileInfoType)
	auth := tokenPath
	if info {
		auth = s.baseFor(r) + tokenPath
	}
	h := w.Header()
	h.Set("X-Xet-Hash", hash)
	h.Set("Link", "<"+auth+`>; rel="xet-auth", <`+recon+`>; rel="xet-reconstruction-info"`)
	h.Add("Vary", "Accept")
	if !info {
		return false
	}
	h.Set("X-Linked-Etag", `"`+f.SHA256+`"`)
	h.Set("X-Linked-Size", strconv.FormatInt(f.Size, 10))
	h.Set("ETag", `"`+f.SHA256+`"`)
	body, _ := json.Marshal(map[string]any{"hash": hash, "etag": f.SHA256, "size": f.Size, "refreshUrl": auth, "reconstructionUrl": recon})
	h.Set("Content-Type", xetFileInfoType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return true
}

// xetClaims is what a Xet token carries (signed with the server secret).
type xetClaims struct {
	Scope string `json:"s"`
	Type  string `json:"t"`
	Repo  string `json:"r"`
	Rev   string `json:"v"`
	Exp   int64  `json:"e"`
}

func (s *Server) xetSign(kind string, parts ...string) []byte {
	m := hmac.New(sha256.New, s.secret)
	io.WriteString(m, kind)
	for _, p := range parts {
		io.WriteString(m, "\n"+p)
	}
	return m.Sum(nil)
}

func (s *Server) xetToken(c xetClaims) string {
	b, _ := json.Marshal(c) // a struct of strings and ints always marshals
	p := base64.RawURLEncoding.EncodeToString(b)
	return p + "." + base64.RawURLEncoding.EncodeToString(s.xetSign("xet-token", p))
}

// xetVerify checks a CAS request's bearer token: signature and expiry.
func (s *Server) xetVerify(r *http.Request) (xetClaims, string) {
	tok := bearer(r.Header.Get("Authorization"))
	if tok == "" {
		return xetClaims{}, "missing Xet access token: get one from the xet-read-token route"
	}
	p, sig, _ := strings.Cut(tok, ".")
	want := base64.RawURLEncoding.EncodeToString(s.xetSign("xet-token", p))
	var c xetClaims
	b, err := base64.RawURLEncoding.DecodeString(p)
	if subtle.ConstantTimeCompare([]byte(sig), []byte(want)) != 1 || err != nil || json.Unmarshal(b, &c) != nil {
		return xetClaims{}, "invalid Xet access token (not issued by this server)"
	}
	if time.Now().Unix() >= c.Exp {
		return xetClaims{}, "Xet access token expired: refresh it from the xet-read-token route"
	}
	return c, ""
}

// handleXetReadToken serves GET /api/{T}/{id}/xet-read-token/{rev}.
func (s *Server) handleXetReadToken(w http.ResponseWriter, r *http.Request, req *repoRequest) {
	if !allowMethods(w, r, http.MethodGet) || !s.checkGated(w, r, req) {
		return
	}
	rev, _, ok := splitRev(req.Rest)
	if !ok {
		rev = store.DefaultBranch
	}
	c, ok := s.resolveRev(w, r, req, rev)
	if !ok {
		return
	}
	exp := time.Now().Add(s.xet.lifetime).Unix()
	tok := s.xetToken(xetClaims{Scope: "read", Type: string(req.Type), Repo: req.ID, Rev: c.ID, Exp: exp})
	casURL := s.xetBase(r) + xetCASPrefix
	h := w.Header()
	h.Set("X-Xet-Access-Token", tok)
	h.Set("X-Xet-Cas-Url", casURL)
	h.Set("X-Xet-Token-Expiration", strconv.FormatInt(exp, 10))
	writeJSON(w, r, map[string]any{"accessToken": tok, "casUrl": casURL, "exp": exp})
}

// serveXet answers the CAS API and the presigned xorb URLs; it returns
// false for other paths.
func (s *Server) serveXet(w http.ResponseWriter, r *http.Request) bool {
	if s.xet == nil {
		return false
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, xetXorbPrefix):
		s.serveXorb(w, r, strings.TrimPrefix(p, xetXorbPrefix))
	case strings.HasPrefix(p, xetCASPrefix+"/"):
		s.serveCAS(w, r, strings.TrimPrefix(p, xetCASPrefix))
	default:
		return false
	}
	return true
}

func casText(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeText(w, r, status, "", "", "request_id: "+requestID(r)+"; "+msg)
}

// serveCAS serves the CAS API below xetCASPrefix.
func (s *Server) serveCAS(w http.ResponseWriter, r *http.Request, p string) {
	var version, hs string
	switch {
	case strings.HasPrefix(p, "/v2/reconstructions/"):
		version, hs = "v2", strings.TrimPrefix(p, "/v2/reconstructions/")
	case strings.HasPrefix(p, "/v1/reconstructions/"):
		version, hs = "v1", strings.TrimPrefix(p, "/v1/reconstructions/")
	case strings.HasPrefix(p, "/v1/files/"):
		version, hs = "file", strings.TrimPrefix(p, "/v1/files/")
	case strings.HasPrefix(p, "/v1/xorbs/default/"):
		version, hs = "xorb", strings.TrimPrefix(p, "/v1/xorbs/default/")
	default:
		casText(w, r, http.StatusNotFound, "(1) not found")
		return
	}
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	if _, msg := s.xetVerify(r); msg != "" {
		casText(w, r, http.StatusUnauthorized, msg)
		return
	}
	h, err := xet.ParseHash(hs)
	if err != nil {
		casText(w, r, http.StatusBadRequest, "(2) invalid hash: "+err.Error())
		return
	}
	if version == "xorb" {
		table, err := s.xet.cas.Chunks(h)
		if err != nil {
			casText(w, r, http.StatusNotFound, "(1) not found")
			return
		}
		end := uint32(0)
		if len(table) > 0 {
			end = table[len(table)-1].End
		}
		w.Header().Set("Content-Length", strconv.FormatUint(uint64(end), 10))
		w.WriteHeader(http.StatusOK)
		return
	}
	f, ok := s.xet.cas.FileByXet(h)
	if !ok {
		casText(w, r, http.StatusNotFound, "(1) not found")
		return
	}
	if version == "file" {
		w.Header().Set("Content-Length", strconv.FormatInt(f.Size, 10))
		w.WriteHeader(http.StatusOK)
		return
	}
	start, end := uint64(0), ^uint64(0)
	if rg := r.Header.Get("Range"); rg != "" {
		a, b, ok := parseSingleRange(rg)
		if !ok {
			casText(w, r, http.StatusBadRequest, "(12) invalid range: "+rg)
			return
		}
		start, end = a, b
	}
	rec, err := xet.Reconstruct(f.Terms, s.xet.cas.Chunks, start, end, s.xet.opt)
	if errors.Is(err, xet.ErrRangeNotSatisfiable) {
		casText(w, r, http.StatusRequestedRangeNotSatisfiable, "(12) invalid range")
		return
	}
	if err != nil {
		casText(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	base := s.xetBase(r)
	if version == "v1" {
		writeJSON(w, r, rec.V1(func(h xet.Hash, fr xet.FetchRange) string {
			return s.xorbURL(base, h, []xet.FetchRange{fr})
		}))
		return
	}
	for h, entries := range rec.Xorbs {
		for i := range entries {
			entries[i].URL = s.xorbURL(base, h, entries[i].Ranges)
		}
	}
	writeJSON(w, r, rec)
}

// parseSingleRange parses "bytes=a-b" or "bytes=a-".
func parseSingleRange(v string) (uint64, uint64, bool) {
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	as, bs, ok := strings.Cut(spec, "-")
	a, err := strconv.ParseUint(as, 10, 64)
	if !ok || err != nil {
		return 0, 0, false
	}
	if bs == "" {
		return a, ^uint64(0), true
	}
	b, err := strconv.ParseUint(bs, 10, 64)
	if err != nil || b < a {
		return 0, 0, false
	}
	return a, b, true
}

// xorbURL signs a URL that may fetch exactly these byte ranges of a xorb.
func (s *Server) xorbURL(base string, h xet.Hash, ranges []xet.FetchRange) string {
	var sb strings.Builder
	sb.WriteString("bytes=")
	for i, fr := range ranges {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatUint(fr.Bytes.Start, 10) + "-" + strconv.FormatUint(fr.Bytes.End, 10))
	}
	signed := sb.String()
	exp := strconv.FormatInt(time.Now().Add(s.xet.urlLife).Unix(), 10)
	sig := hex.EncodeToString(s.xetSign("xet-xorb", h.String(), signed, exp))
	return base + xetXorbPrefix + h.String() + "?X-Xet-Signed-Range=" + url.QueryEscape(signed) + "&Expires=" + exp + "&Signature=" + sig
}

// serveXorb serves a presigned xorb URL ("CDN"): no authentication, the
// signature is the credential; only the signed ranges may be fetched.
func (s *Server) serveXorb(w http.ResponseWriter, r *http.Request, hs string) {
	if !allowMethods(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	q := r.URL.Query()
	signed, exp, sig := q.Get("X-Xet-Signed-Range"), q.Get("Expires"), q.Get("Signature")
	want := hex.EncodeToString(s.xetSign("xet-xorb", hs, signed, exp))
	expUnix, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || subtle.ConstantTimeCompare([]byte(sig), []byte(want)) != 1 {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: invalid signature; query the reconstruction again")
		return
	}
	if time.Now().Unix() > expUnix {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: this xorb URL has expired; query the reconstruction again")
		return
	}
	allowed, ok := parseRanges(signed)
	asked, ok2 := parseRanges(r.Header.Get("Range"))
	if !ok || !ok2 || len(asked) == 0 {
		writeText(w, r, http.StatusForbidden, "", "", "Forbidden: send a Range inside the signed X-Xet-Signed-Range set")
		return
	}
	for _, a := range asked {
		in := false
		for _, b := range allowed {
			in = in || (b[0] <= a[0] && a[1] <= b[1])
		}
		if !in {
			writeText(w, r, http.StatusForbidden, "", "", "Forbidden: range outside the signed X-Xet-Signed-Range set")
			return
		}
	}
	h, err := xet.ParseHash(hs)
	if err != nil {
		writeText(w, r, http.StatusNotFound, "", "", "Not Found")
		return
	}
	f, err := s.xet.cas.OpenXorb(h)
	if err != nil {
		writeText(w, r, http.StatusNotFound, "", "", "Not Found")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// parseRanges parses "bytes=a-b,c-d" (closed ranges only).
func parseRanges(v string) ([][2]uint64, bool) {
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return nil, false
	}
	var out [][2]uint64
	for _, part := range strings.Split(spec, ",") {
		as, bs, ok := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.ParseUint(as, 10, 64)
		b, err2 := strconv.ParseUint(bs, 10, 64)
		if !ok || err1 != nil || err2 != nil || b < a {
			return nil, false
		}
		out = append(out, [2]uint64{a, b})
	}
	return out, true
}
