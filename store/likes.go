package store

import (
	"context"
	"slices"
	"time"
)

// Like is one user's like of a repository.
type Like struct {
	User string    `json:"user"`
	Time time.Time `json:"time"`
}

// LikedBy reports whether user likes the repository.
func (r RepoInfo) LikedBy(user string) bool {
	return slices.ContainsFunc(r.Likes, func(l Like) bool { return l.User == user })
}

// SetLike records that user likes (liked) or no longer likes the
// repository. Liking twice or unliking a repository not liked changes
// nothing.
func (s *Store) SetLike(ctx context.Context, t RepoType, id, user string, liked bool) error {
	if err := ValidateUserName(user); err != nil {
		return err
	}
	return s.updateRepo(ctx, t, id, func(r *repo) (func(), error) {
		old := r.Likes
		has := r.LikedBy(user)
		switch {
		case liked && !has:
			// Copy on write: RepoInfo values handed out share the old slice.
			r.Likes = append(slices.Clip(old), Like{User: user, Time: s.now().UTC().Truncate(time.Second)})
		case !liked && has:
			r.Likes = slices.DeleteFunc(slices.Clone(old), func(l Like) bool { return l.User == user })
		}
		return func() { r.Likes = old }, nil
	})
}
