//! A one-file FUSE file system whose file returns EIO (or hangs until the test lets it go) at
//! chosen byte ranges, so a loop device over it gives the wipe engine real kernel I/O errors and
//! a real hung device.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use fuser::{
    Config, Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, INodeNo, LockOwner,
    OpenFlags, ReplyAttr, ReplyData, ReplyEmpty, ReplyEntry, ReplyOpen, ReplyWrite, Request,
    SessionACL, WriteFlags,
};

pub const FILE_NAME: &str = "disk.img";
const FILE_INO: INodeNo = INodeNo(2);

/// What goes wrong, where.
#[derive(Debug, Clone)]
pub struct Fault {
    pub start: u64,
    pub end: u64,
    pub on_write: bool,
    pub on_read: bool,
    /// Hang until this gate opens (a hung drive) instead of failing.
    pub gate: Option<Gate>,
}

/// Holds hung requests until the test opens it; opening is final.
#[derive(Debug, Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn open(&self) {
        let (open, changed) = &*self.0;
        *open.lock().unwrap() = true;
        changed.notify_all();
    }

    fn wait(&self) {
        let (open, changed) = &*self.0;
        let guard = open.lock().unwrap();
        drop(changed.wait_while(guard, |open| !*open).unwrap());
    }

    /// Opens the gate when dropped, so a failing test never leaves a request hanging.
    pub fn open_on_drop(&self) -> OpenOnDrop {
        OpenOnDrop(self.clone())
    }
}

pub struct OpenOnDrop(Gate);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

impl Fault {
    pub fn eio_on_write(start: u64, len: u64) -> Self {
        Self {
            start,
            end: start + len,
            on_write: true,
            on_read: false,
            gate: None,
        }
    }
    pub fn eio_on_read_write(start: u64, len: u64) -> Self {
        Self {
            start,
            end: start + len,
            on_write: true,
            on_read: true,
            gate: None,
        }
    }
    /// The write touching `start` hangs until `gate` opens.
    pub fn hang_write(start: u64, gate: &Gate) -> Self {
        Self {
            start,
            end: start + 1,
            on_write: true,
            on_read: false,
            gate: Some(gate.clone()),
        }
    }
}

struct FaultFs {
    data: Mutex<Vec<u8>>,
    faults: Vec<Fault>,
}

impl FaultFs {
    fn attr(&self, ino: INodeNo) -> FileAttr {
        let size = self.data.lock().unwrap().len() as u64;
        let (kind, perm, size, nlink) = if ino == INodeNo::ROOT {
            (FileType::Directory, 0o755, 0, 2)
        } else {
            (FileType::RegularFile, 0o644, size, 1)
        };
        FileAttr {
            ino,
            size,
            blocks: size.div_ceil(512),
            atime: UNIX_EPOCH,
            mtime: UNIX_EPOCH,
            ctime: UNIX_EPOCH,
            crtime: UNIX_EPOCH,
            kind,
            perm,
            nlink,
            uid: 0,
            gid: 0,
            rdev: 0,
            flags: 0,
            blksize: 4096,
        }
    }

    /// Applies faults for an access of `[off, off+len)`; returns true if it must fail.
    fn fault(&self, off: u64, len: u64, write: bool) -> bool {
        let mut fail = false;
        for f in &self.faults {
            let hit =
                (if write { f.on_write } else { f.on_read }) && off < f.end && f.start < off + len;
            if !hit {
                continue;
            }
            match &f.gate {
                Some(gate) => gate.wait(),
                None => fail = true,
            }
        }
        fail
    }
}

impl Filesystem for FaultFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        if parent == INodeNo::ROOT && name == FILE_NAME {
            reply.entry(
                &Duration::from_secs(60),
                &self.attr(FILE_INO),
                fuser::Generation(0),
            );
        } else {
            reply.error(Errno::ENOENT);
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        if ino == INodeNo::ROOT || ino == FILE_INO {
            reply.attr(&Duration::from_secs(60), &self.attr(ino));
        } else {
            reply.error(Errno::ENOENT);
        }
    }

    fn open(&self, _req: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // Direct I/O: every read and write reaches us, none is served from the page cache.
        reply.opened(FileHandle(0), FopenFlags::FOPEN_DIRECT_IO);
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyData,
    ) {
        if self.fault(offset, u64::from(size), false) {
            return reply.error(Errno::EIO);
        }
        let data = self.data.lock().unwrap();
        let start = (offset as usize).min(data.len());
        let end = (start + size as usize).min(data.len());
        reply.data(&data[start..end]);
    }

    fn write(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        buf: &[u8],
        _wf: WriteFlags,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        if self.fault(offset, buf.len() as u64, true) {
            return reply.error(Errno::EIO);
        }
        let mut data = self.data.lock().unwrap();
        let start = offset as usize;
        if start + buf.len() > data.len() {
            return reply.error(Errno::ENOSPC);
        }
        data[start..start + buf.len()].copy_from_slice(buf);
        reply.written(buf.len() as u32);
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn fsync(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }
}

/// A mounted fault file system; unmounted on drop.
pub struct FaultMount {
    _session: fuser::BackgroundSession,
    pub file: PathBuf,
}

/// Mounts a file of `size` junk bytes with `faults` under `dir/mnt`.
pub fn mount(dir: &Path, size: usize, faults: Vec<Fault>) -> FaultMount {
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let fs = FaultFs {
        data: Mutex::new(vec![0x3C; size]),
        faults,
    };
    let mut config = Config::default();
    config.acl = SessionACL::All;
    config.n_threads = Some(2);
    let session = fuser::spawn_mount(fs, &mnt, &config)
        .expect("mount FUSE fault file system (needs /dev/fuse and root)");
    FaultMount {
        _session: session,
        file: mnt.join(FILE_NAME),
    }
}
