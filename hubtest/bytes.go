package hubtest

import "sync/atomic"

// bodyBytes counts the response body bytes of both listeners.
type bodyBytes struct{ n atomic.Int64 }

// BodyBytes returns how many response body bytes the server has written
// since it started or since the last [Server.ResetRequests]. A byte is
// counted before it is sent, so once a client has read a response, its
// bytes are in the count (unlike [Server.Requests], which logs a request
// when its handler returns).
func (s *Server) BodyBytes() int64 { return s.body.n.Load() }
