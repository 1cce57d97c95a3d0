package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AccessStatus is the state of a user's access to a gated repository, as
// the Hub's access-request lists name it.
type AccessStatus string

// Access statuses.
const (
	// AccessAccepted: the user may download the repo's files.
	AccessAccepted AccessStatus = "accepted"
	// AccessRejected: the user was refused (or their access revoked).
	AccessRejected AccessStatus = "rejected"
	// AccessPending: the user asked and awaits a decision.
	AccessPending AccessStatus = "pending"
)

// AccessRequest is one user's entry in a gated repository's access list.
type AccessRequest struct {
	User   string       `json:"user"`
	Status AccessStatus `json:"status"`
	// Time is when the status was last set.
	Time time.Time `json:"time"`
}

// HasAccess reports whether user was granted access to the gated files of
// the repository (owners and admins are decided by the caller).
func (r RepoInfo) HasAccess(user string) bool {
	for _, a := range r.Access {
		if a.User == user {
			return a.Status == AccessAccepted
		}
	}
	return false
}

// ValidateUserName checks a user name like the Hub's: letters, digits,
// '_', '-', '.', not starting or ending with '-' or '.', at most 96 bytes.
func ValidateUserName(user string) error {
	if user == "" || len(user) > 96 || !repoPartRE.MatchString(user) || strings.ContainsAny(user[:1]+user[len(user)-1:], "-.") {
		return fmt.Errorf("%w: user name %q (letters, digits, '_', '-', '.'; not starting or ending with '-' or '.')", ErrInvalid, user)
	}
	return nil
}

// SetAccess records user's access status for a repository (any repository,
// gated or not: the status matters only while it is gated). Setting
// [AccessAccepted] grants access; [AccessRejected] revokes it.
func (s *Store) SetAccess(ctx context.Context, t RepoType, id, user string, status AccessStatus) error {
	if err := ValidateUserName(user); err != nil {
		return err
	}
	switch status {
	case AccessAccepted, AccessRejected, AccessPending:
	default:
		return fmt.Errorf("%w: access status %q (want accepted, rejected or pending)", ErrInvalid, status)
	}
	return s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		old := r.Access
		// Copy on write: RepoInfo values handed out share the old slice.
		next := make([]AccessRequest, 0, len(old)+1)
		for _, a := range old {
			if a.User != user {
				next = append(next, a)
			}
		}
		next = append(next, AccessRequest{User: user, Status: status, Time: s.now().UTC().Truncate(time.Second)})
		slices.SortFunc(next, func(a, b AccessRequest) int { return strings.Compare(a.User, b.User) })
		r.Access = next
		return func() { r.Access = old }, nil
	})
}

// AccessRequests lists the repository's access entries with status st
// ("" = all), sorted by user.
func (s *Store) AccessRequests(t RepoType, id string, st AccessStatus) ([]AccessRequest, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookup(t, id)
	if err != nil {
		return nil, err
	}
	out := []AccessRequest{}
	for _, a := range r.Access {
		if st == "" || a.Status == st {
			out = append(out, a)
		}
	}
	return out, nil
}
