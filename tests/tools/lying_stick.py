#!/usr/bin/env python3
"""A stick that lies: a FUSE passthrough of BACKING at MOUNT that stores
every byte as written but, when a file whose name ends with SUFFIX is read,
returns its byte at OFFSET changed. That is what a failing or fake-capacity
stick does to a copy: the write "succeeds", the data that comes back is not
what went in. Only the copy's read-back can notice.

Usage: lying_stick.py BACKING MOUNT SUFFIX OFFSET   (runs in the foreground;
unmount with `fusermount -u MOUNT` or `umount MOUNT`)
Needs fusepy (libfuse 2), installed into the test venv by tests/run.
"""
import errno
import os
import sys

from fuse import FUSE, FuseOSError, Operations


class Lying(Operations):
    def __init__(self, root, suffix, offset):
        self.root, self.suffix, self.offset = root, suffix, offset

    def _p(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def access(self, path, mode):
        if not os.access(self._p(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path, fh=None):
        st = os.lstat(self._p(path))
        return {k: getattr(st, k) for k in (
            "st_mode", "st_nlink", "st_size", "st_uid", "st_gid",
            "st_atime", "st_mtime", "st_ctime")}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._p(path))

    def statfs(self, path):
        s = os.statvfs(self._p(path))
        return {k: getattr(s, k) for k in (
            "f_bsize", "f_frsize", "f_blocks", "f_bfree", "f_bavail",
            "f_files", "f_ffree", "f_favail", "f_flag", "f_namemax")}

    def mkdir(self, path, mode):
        os.mkdir(self._p(path), mode)

    def rmdir(self, path):
        os.rmdir(self._p(path))

    def unlink(self, path):
        os.unlink(self._p(path))

    def rename(self, old, new):
        os.rename(self._p(old), self._p(new))

    def chmod(self, path, mode):
        os.chmod(self._p(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._p(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._p(path), times)

    def truncate(self, path, length, fh=None):
        os.truncate(self._p(path), length)

    def create(self, path, mode, fi=None):
        return os.open(self._p(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def open(self, path, flags):
        # The kernel handles O_DIRECT on its side; the backing file is opened plainly.
        return os.open(self._p(path), flags & ~getattr(os, "O_DIRECT", 0) & ~os.O_CREAT)

    def read(self, path, size, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        data = os.read(fh, size)
        at = self.offset - offset
        if path.endswith(self.suffix) and 0 <= at < len(data):
            data = data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1:]
        return data

    def write(self, path, data, offset, fh):
        os.lseek(fh, offset, os.SEEK_SET)
        return os.write(fh, data)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)

    def fsync(self, path, datasync, fh):
        os.fsync(fh)


if __name__ == "__main__":
    backing, mount, suffix, offset = sys.argv[1:5]
    FUSE(Lying(backing, suffix, int(offset)), mount, foreground=True, nothreads=True)
