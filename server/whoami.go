package server

import (
	"crypto/sha1"
	"encoding/hex"
	"net/http"
)

// userObjectID is the stable 24-hex "_id" of a user.
func userObjectID(name string) string {
	sum := sha1.Sum([]byte("user/" + name))
	return hex.EncodeToString(sum[:12])
}

// handleWhoami serves GET /api/whoami-v2 for the token's user.
func (s *Server) handleWhoami(w http.ResponseWriter, r *http.Request) {
	user, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if user == nil {
		writeError(w, r, http.StatusUnauthorized, "", msgInvalidAuth)
		return
	}
	writeJSON(w, r, map[string]any{
		"type":          "user",
		"id":            userObjectID(user.Name),
		"name":          user.Name,
		"fullname":      user.Name,
		"email":         nil,
		"emailVerified": false,
		"canPay":        false,
		"isPro":         false,
		"periodEnd":     nil,
		"avatarUrl":     "",
		"orgs":          []any{},
		"auth": map[string]any{
			"type": "access_token",
			"accessToken": map[string]any{
				"displayName": user.Name + "-token",
				"role":        user.Role.String(),
				"createdAt":   "1970-01-01T00:00:00.000Z",
			},
		},
	})
}
