package cmdutil

import (
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"syscall"
)

// IsNetworkError reports whether err was caused by the network: a failed
// request, a refused or reset connection, a DNS failure or a timeout on a
// socket. A failure of the local file system is never one, although
// [syscall.Errno] also implements [net.Error] (it has Timeout and
// Temporary): a full disk or a read-only cache must not be reported as
// "check your network connection".
func IsNetworkError(err error) bool {
	if _, ok := errors.AsType[*url.Error](err); ok {
		return true
	}
	if _, ok := errors.AsType[*net.OpError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return true
	}
	if _, local := LocalFSHint(err); local {
		return false
	}
	_, ok := errors.AsType[net.Error](err)
	return ok
}

// LocalFSHint reports whether err is a failure of the local file system (a
// path error, a link error or a bare errno of the kind the file system
// returns) and gives the hint to print with it: what to check or free.
func LocalFSHint(err error) (string, bool) {
	var errno syscall.Errno
	_, isPath := errors.AsType[*fs.PathError](err)
	_, isLink := errors.AsType[*os.LinkError](err)
	hasErrno := errors.As(err, &errno)
	if !isPath && !isLink && !(hasErrno && localErrno(errno)) {
		return "", false
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, syscall.EFBIG):
		return "free some disk space, or point HF_HOME (or --cache-dir / --local-dir) at a disk with room, and run again; finished parts are kept", true
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only: choose a writable place with HF_HOME, --cache-dir or --local-dir", true
	case errors.Is(err, fs.ErrPermission):
		return "check the permissions of the path, or choose another with HF_HOME, --cache-dir or --local-dir", true
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is a file, not a folder: fix the path", true
	case errors.Is(err, fs.ErrNotExist):
		return "check that the path exists", true
	}
	return "check the path named in the error", true
}

// localErrno reports whether e is an error the local file system gives (as
// opposed to a socket's).
func localErrno(e syscall.Errno) bool {
	switch e {
	case syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG, syscall.EROFS, syscall.EACCES,
		syscall.EPERM, syscall.ENOTDIR, syscall.EISDIR, syscall.ENOENT, syscall.EEXIST,
		syscall.ENAMETOOLONG, syscall.ELOOP, syscall.EMLINK, syscall.EXDEV, syscall.EIO:
		return true
	}
	return false
}
