//! Canary and sampling verification on loop devices over files these tests create.
//!
//! - canaries survive when nothing erases them (the check fails), and vanish after a zero fill;
//! - sampling classifies zeros, ones and random contents, and finds leftover data.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

mod common;

use std::os::unix::fs::FileExt;

use common::LoopDev;
use tabula_wipe::canary;
use tabula_wipe::sampling::{self, ReadsAs};
use tabula_wipe::target::Target;

const MIB: u64 = 1 << 20;

fn fill(dev: &LoopDev, byte: Option<u8>) {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&dev.file)
        .unwrap();
    let len = f.metadata().unwrap().len();
    let mut block = vec![0u8; MIB as usize];
    let mut offset = 0;
    while offset < len {
        match byte {
            Some(b) => block.fill(b),
            None => getrandom::fill(&mut block).unwrap(),
        }
        f.write_all_at(&block, offset).unwrap();
        offset += MIB;
    }
    f.sync_all().unwrap();
}

#[test]
fn canaries_survive_when_nothing_erases_them() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "kept.img", 16 * MIB);
    let target = Target::open(&dev.dev).unwrap();
    let planted = canary::plant(&target, 32).unwrap();
    assert_eq!(planted.canaries.len(), 32);
    assert_eq!(planted.canaries[0].lba, 0);
    assert_eq!(planted.canaries[31].lba, (16 * MIB - 4096) / 512);
    let check = canary::check(&target, &planted);
    assert_eq!(check.written, 32);
    assert_eq!(check.survived.len(), 32);
    assert!(!check.passed());
}

#[test]
fn canaries_vanish_after_a_zero_fill_and_one_that_is_left_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "erased.img", 16 * MIB);
    let target = Target::open(&dev.dev).unwrap();
    let planted = canary::plant(&target, 16).unwrap();
    // Keep one canary's block aside, "erase" the drive (through the backing file, as a drive's
    // firmware would, behind the block layer's back), and put the block back.
    let kept = planted.canaries[5].lba * 512;
    let backing = std::fs::File::open(&dev.file).unwrap();
    let mut saved = vec![0u8; 4096];
    backing.read_exact_at(&mut saved, kept).unwrap();
    fill(&dev, Some(0));
    let check = canary::check(&target, &planted);
    assert!(check.passed(), "{check:?}");
    assert!(check.survived.is_empty());

    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&dev.file)
        .unwrap();
    f.write_all_at(&saved, kept).unwrap();
    f.sync_all().unwrap();
    let check = canary::check(&target, &planted);
    assert_eq!(check.survived, [planted.canaries[5].lba]);
    assert!(!check.passed());
}

#[test]
fn sampling_says_zeros_ones_random_or_data() {
    let dir = tempfile::tempdir().unwrap();
    let dev = LoopDev::new(dir.path(), "sample.img", 32 * MIB);
    let target = Target::open(&dev.dev).unwrap();

    // The junk the image starts with is data.
    let r = sampling::sample(&target, 0.05).unwrap();
    assert_eq!(r.reads_as, ReadsAs::Data);
    assert!(!r.passed());
    // 5 % of 32 MiB in 64 KiB samples.
    assert_eq!(r.samples, 26);
    assert_eq!(r.bytes_read, 26 * 65536);

    for (byte, expected) in [
        (Some(0u8), ReadsAs::Zeros),
        (Some(0xFF), ReadsAs::Ones),
        (None, ReadsAs::Random),
    ] {
        fill(&dev, byte);
        let r = sampling::sample(&target, 0.05).unwrap();
        assert_eq!(r.reads_as, expected, "{r:?}");
        assert!(r.passed());
        assert_eq!(r.other, 0);
    }

    // Zeros with data left in one place, sampled completely: found, with its LBA.
    fill(&dev, Some(0));
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&dev.file)
        .unwrap();
    f.write_all_at(b"leftover customer data", 20 * MIB + 100)
        .unwrap();
    f.sync_all().unwrap();
    let r = sampling::sample(&target, 1.0).unwrap();
    assert_eq!(r.reads_as, ReadsAs::Data);
    assert_eq!(r.other, 1);
    assert_eq!(r.other_lbas, [20 * MIB / 512]);
}
