package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hfhub-go/hfhub/internal/fsutil"
)

// Store is a set of repositories kept under one directory.
// It is safe for concurrent use. Create it with [Open]; the zero value is
// not usable.
type Store struct {
	dir string
	now func() time.Time

	mu        sync.RWMutex // guards repos, redirects and every repo's state
	repos     map[repoKey]*repo
	redirects map[repoKey]string

	lastMu    sync.Mutex // guards lastCache
	lastCache map[string]map[string]*Commit

	hooks webhookSet // webhooks.go
	bkts  buckets    // buckets.go
}

type repoKey struct {
	t  RepoType
	id string
}

// repo is the in-memory state of one repository; guarded by Store.mu.
type repo struct {
	RepoInfo
	Refs    Refs  `json:"refs"`
	Seq     int64 `json:"seq"`
	commits map[string]*Commit
	// discussions are kept in discussions/{num}.json (discussions.go).
	discussions map[int]*Discussion
}

// Option configures a Store.
type Option func(*Store)

// WithClock makes the store date commits and repos with now instead of
// time.Now (tests use it for reproducible commit ids).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Open opens (creating it if needed) the store kept in dir and loads its
// repositories.
func Open(dir string, opts ...Option) (*Store, error) {
	s := &Store{
		dir:       dir,
		now:       time.Now,
		repos:     map[repoKey]*repo{},
		redirects: map[repoKey]string{},
		lastCache: map[string]map[string]*Commit{},
	}
	for _, o := range opts {
		o(s)
	}
	for _, d := range []string{"objects", "tmp", "repos"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("store: create %s: %w", d, err)
		}
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the directory the store lives in.
func (s *Store) Dir() string { return s.dir }

func (s *Store) load() error {
	for _, t := range RepoTypes {
		base := filepath.Join(s.dir, "repos", t.Plural())
		entries, err := os.ReadDir(base)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			r, err := loadRepo(filepath.Join(base, e.Name()))
			if err != nil {
				return err
			}
			r.Type = t
			s.repos[repoKey{t, r.ID}] = r
		}
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "redirects.json"))
	if err == nil {
		var list []redirect
		if err := json.Unmarshal(data, &list); err != nil {
			return fmt.Errorf("store: redirects.json: %w", err)
		}
		for _, r := range list {
			s.redirects[repoKey{r.Type, r.From}] = r.To
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

type redirect struct {
	Type RepoType `json:"type"`
	From string   `json:"from"`
	To   string   `json:"to"`
}

func loadRepo(dir string) (*repo, error) {
	data, err := os.ReadFile(filepath.Join(dir, "repo.json"))
	if err != nil {
		return nil, fmt.Errorf("store: read repo: %w", err)
	}
	r := &repo{commits: map[string]*Commit{}}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("store: %s: %w", filepath.Join(dir, "repo.json"), err)
	}
	r.Refs = r.Refs.clone() // turn nil maps into empty ones
	err = readJSONFiles(filepath.Join(dir, "commits"), func(name string, data []byte) error {
		c := &Commit{}
		if err := json.Unmarshal(data, c); err != nil {
			return fmt.Errorf("store: commit %s: %w", name, err)
		}
		c.index()
		r.commits[c.ID] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.discussions, err = loadDiscussions(dir); err != nil {
		return nil, err
	}
	return r, nil
}

// readJSONFiles calls fn with the name and content of every *.json file
// of dir (none when dir does not exist); other names are the temp files of
// interrupted writes and are skipped.
func readJSONFiles(dir string, fn func(name string, data []byte) error) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := fn(e.Name(), data); err != nil {
			return err
		}
	}
	return nil
}

// repoDir returns where a repo's files live: repos/<types>/<ns>--<name>.
func (s *Store) repoDir(t RepoType, id string) string {
	return filepath.Join(s.dir, "repos", t.Plural(), strings.ReplaceAll(id, "/", "--"))
}

// saveRepo persists r's metadata and refs. Caller holds s.mu for writing.
func (s *Store) saveRepo(r *repo) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	dir := s.repoDir(r.Type, r.ID)
	if err := os.MkdirAll(filepath.Join(dir, "commits"), 0o755); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(filepath.Join(dir, "repo.json"), data, 0o600)
}

// updateRepo checks ctx, then, under the store's write lock, applies change
// to the repo and saves it. When change fails nothing is saved; when the
// save fails, the undo that change returned puts the repo back as it was.
func (s *Store) updateRepo(ctx context.Context, t RepoType, id string, change func(r *repo) (undo func(), err error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return err
	}
	undo, err := change(r)
	if err != nil {
		return err
	}
	if err := s.saveRepo(r); err != nil {
		undo()
		return err
	}
	return nil
}

func (s *Store) saveCommit(r *repo, c *Commit) error {
	data, err := json.Marshal(c)
	if err != nil {
		return err
	}
	dir := filepath.Join(s.repoDir(r.Type, r.ID), "commits")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(filepath.Join(dir, c.ID+".json"), data, 0o600)
}

func (s *Store) saveRedirects() error {
	list := make([]redirect, 0, len(s.redirects))
	for k, to := range s.redirects {
		list = append(list, redirect{k.t, k.id, to})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Type != list[j].Type {
			return list[i].Type < list[j].Type
		}
		return list[i].From < list[j].From
	})
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(filepath.Join(s.dir, "redirects.json"), data, 0o600)
}

var repoPartRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// ValidateRepoID checks id like the Hub clients do: "name" or
// "namespace/name", parts of letters, digits, '_', '-', '.', not starting or
// ending with '-' or '.', no "--" or "..", name at most 96 characters, not
// ending in ".git".
func ValidateRepoID(id string) error {
	parts := strings.Split(id, "/")
	if len(parts) > 2 {
		return fmt.Errorf("%w: repo id %q has more than one '/' (want \"namespace/name\")", ErrInvalid, id)
	}
	for _, p := range parts {
		if p == "" || !repoPartRE.MatchString(p) || strings.ContainsAny(p[:1]+p[len(p)-1:], "-.") {
			return fmt.Errorf("%w: repo id %q: parts must use letters, digits, '_', '-', '.' and not start or end with '-' or '.'", ErrInvalid, id)
		}
	}
	if strings.Contains(id, "--") || strings.Contains(id, "..") || strings.HasSuffix(id, ".git") || len(parts[len(parts)-1]) > 96 {
		return fmt.Errorf("%w: repo id %q: no \"--\" or \"..\", no \".git\" suffix, name at most 96 characters", ErrInvalid, id)
	}
	return nil
}

// lookup returns the repo or ErrRepoNotFound. Caller holds s.mu.
func (s *Store) lookup(t RepoType, id string) (*repo, error) {
	r, ok := s.repos[repoKey{t, id}]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s", ErrRepoNotFound, t, id)
	}
	return r, nil
}

func (r *repo) info() RepoInfo {
	info := r.RepoInfo
	if head, ok := r.commits[r.Refs.Branches[DefaultBranch]]; ok {
		info.Head = head.ID
		info.LastModified = head.Date
	}
	return info
}

// Repo returns the repository's description, or ErrRepoNotFound.
// Renamed repositories are not followed: see [Store.Redirect].
func (s *Store) Repo(t RepoType, id string) (RepoInfo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return RepoInfo{}, err
	}
	return r.info(), nil
}

// Redirect returns the id a repository was moved to, following chains of
// moves, when id names no repository but used to.
func (s *Store) Redirect(t RepoType, id string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	to, ok := "", false
	for range 32 { // bounded: moves could form a cycle
		next, found := s.redirects[repoKey{t, id}]
		if !found {
			break
		}
		to, ok, id = next, true, next
		if _, exists := s.repos[repoKey{t, next}]; exists {
			break
		}
	}
	return to, ok
}

// ListRepos returns every repository of type t, sorted by id.
func (s *Store) ListRepos(t RepoType) []RepoInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []RepoInfo
	for k, r := range s.repos {
		if k.t == t {
			out = append(out, r.info())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// objectID derives a 24-hex id like the Hub's "_id" from the repo identity.
func objectID(t RepoType, id string, created time.Time) string {
	sum := sha1.Sum([]byte(string(t) + "/" + id + "@" + created.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(sum[:12])
}
