package store

import (
	"sort"
	"strings"
)

// Log returns the commits reachable from rev, newest first.
func (s *Store) Log(t RepoType, id, rev string) ([]*Commit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	return r.log(rev)
}

// log returns the commits reachable from rev, newest first. Caller holds
// s.mu (a [Memory] needs no lock).
func (r *repo) log(rev string) ([]*Commit, error) {
	head, err := r.resolve(rev)
	if err != nil {
		return nil, err
	}
	return r.ancestors(head), nil
}

// ancestors lists c and every commit reachable from it, newest first
// (parents are always created before their children). Caller holds s.mu.
func (r *repo) ancestors(c *Commit) []*Commit {
	seen := map[string]bool{c.ID: true}
	out := []*Commit{c}
	for i := 0; i < len(out); i++ {
		for _, p := range out[i].Parents {
			if pc, ok := r.commits[p]; ok && !seen[p] {
				seen[p] = true
				out = append(out, pc)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq > out[j].Seq })
	return out
}

// LastCommits returns, for every file and folder of commit commitID, the
// newest commit (at or before it) that changed it. The root is keyed "".
func (s *Store) LastCommits(t RepoType, id, commitID string) (map[string]*Commit, error) {
	s.mu.RLock()
	r, err := s.lookup(t, id)
	if err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	head, err := r.resolve(commitID)
	if err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	cacheKey := string(t) + "\x00" + id + "\x00" + head.ID
	s.lastMu.Lock()
	cached, ok := s.lastCache[cacheKey]
	s.lastMu.Unlock()
	if ok {
		s.mu.RUnlock()
		return cached, nil
	}
	history := r.ancestors(head)
	s.mu.RUnlock()

	last := lastCommitsOf(head, history)
	s.lastMu.Lock()
	if len(s.lastCache) > 1024 {
		clear(s.lastCache) // bounded memory; recomputed on demand
	}
	s.lastCache[cacheKey] = last
	s.lastMu.Unlock()
	return last, nil
}

// lastCommitsOf maps every file and folder of head to the newest commit of
// history (head and all its ancestors, newest first) that changed it. It
// reads only history, never the repo's commit map, so it runs unlocked.
func lastCommitsOf(head *Commit, history []*Commit) map[string]*Commit {
	commits := make(map[string]*Commit, len(history))
	for _, c := range history {
		commits[c.ID] = c
	}
	want := len(head.files) + len(head.dirs)
	last := make(map[string]*Commit, want)
	mark := func(p string, c *Commit) {
		if _, done := last[p]; done {
			return
		}
		if _, isFile := head.files[p]; !isFile {
			if _, isDir := head.dirs[p]; !isDir {
				return // not in the tree we describe
			}
		}
		last[p] = c
	}
	for _, c := range history {
		if len(last) == want {
			break
		}
		var parent *Commit
		if len(c.Parents) > 0 {
			parent = commits[c.Parents[0]]
		}
		for _, p := range changedPaths(c, parent) {
			mark(p, c)
			for dir, _ := splitPath(p); ; dir, _ = splitPath(dir) {
				mark(dir, c)
				if dir == "" {
					break
				}
			}
		}
	}
	return last
}

// changedPaths lists the files added, changed or removed by c relative to parent.
func changedPaths(c, parent *Commit) []string {
	var out []string
	for p, f := range c.files {
		if parent == nil {
			out = append(out, p)
			continue
		}
		if pf, ok := parent.files[p]; !ok || pf.BlobID != f.BlobID || pf.LFS != f.LFS {
			out = append(out, p)
		}
	}
	if parent != nil {
		for p := range parent.files {
			if _, ok := c.files[p]; !ok {
				out = append(out, p)
			}
		}
	}
	return out
}

// forgetHistory drops cached LastCommits results of a repo. Caller holds s.mu.
func (s *Store) forgetHistory(t RepoType, id string) {
	prefix := string(t) + "\x00" + id + "\x00"
	s.lastMu.Lock()
	for k := range s.lastCache {
		if strings.HasPrefix(k, prefix) {
			delete(s.lastCache, k)
		}
	}
	s.lastMu.Unlock()
}
