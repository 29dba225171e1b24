//! Which loop devices a regular file backs. A file behind a mounted or in-use loop device is as
//! much in use as the loop device itself: wiping it would pull a file system out from under the
//! kernel. Files are compared by device and inode, never by path string (a hard link, a bind
//! mount or another spelling of the path is the same file).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::device::{list_dir, read_attr};

/// (device, inode) of a file, from `stat`.
pub type FileId = (u64, u64);

/// Kernel names of the loop devices below `root/sys/block` whose backing file is `file`.
pub fn loops_backed_by(root: &Path, file: FileId) -> Vec<String> {
    let block = root.join("sys/block");
    let mut names: Vec<String> = list_dir(&block)
        .filter(|name| name.starts_with("loop"))
        .filter(|name| {
            read_attr(&block.join(name).join("loop/backing_file"))
                .is_some_and(|backing| is_file(Path::new(&backing), file))
        })
        .collect();
    names.sort();
    names
}

/// True if `path` names the file `file`.
pub fn is_file(path: &Path, file: FileId) -> bool {
    fs::metadata(path).is_ok_and(|m| (m.dev(), m.ino()) == file)
}
