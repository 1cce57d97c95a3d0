//go:build !unix

package cache

func isEINVAL(error) bool { return false }
