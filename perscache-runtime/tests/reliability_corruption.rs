//! Corruption injection (issue 7 point 3): every damaged, foreign or
//! misplaced entry ends in a miss, a recompute and a warning; never a panic
//! or a wrong value. Then the recomputed entry is stored again and served.

mod reliability_support;

use std::fs;
use std::path::{Path, PathBuf};

use perscache_runtime::{AnyFormat, Cache, Codec, LocalStorage};
use reliability_support::{call, entry_files, with_warnings, Value};

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache: Cache,
    format: AnyFormat,
    key: u32,
    value: Value,
    entry: PathBuf,
    good: Vec<u8>,
}

fn setup(format: AnyFormat) -> Setup {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let cache = Cache::builder()
        .storage(LocalStorage::new(&root))
        .format(format)
        .build();
    let key = 7;
    let value = Value::new(key, 1, 4);
    let (got, computed) = call(&cache, &format, key, None, || value.clone());
    assert!(computed && got == value);
    let entries = entry_files(&root);
    assert_eq!(entries.len(), 1, "one entry after one call: {entries:?}");
    let entry = entries[0].0.clone();
    let good = fs::read(&entry).expect("read entry");
    Setup {
        _dir: dir,
        root,
        cache,
        format,
        key,
        value,
        entry,
        good,
    }
}

impl Setup {
    /// Restores the good entry, applies `fault`, calls: the value must be
    /// right, computed, and warned about; then the next call must be a hit.
    fn expect_miss(&self, what: &str, fault: impl FnOnce(&Path)) {
        remove_any(&self.entry);
        fs::write(&self.entry, &self.good).expect("restore");
        fault(&self.entry);
        let ((got, computed), warnings) = with_warnings(|| {
            call(&self.cache, &self.format, self.key, None, || {
                self.value.clone()
            })
        });
        assert!(
            got.check(self.key) && got == self.value,
            "{what}: wrong value {got:?}"
        );
        assert!(computed, "{what}: served from a damaged entry");
        assert!(!warnings.is_empty(), "{what}: no warning");
        let (again, computed) = call(&self.cache, &self.format, self.key, None, || {
            self.value.clone()
        });
        assert!(again == self.value, "{what}: wrong value after recompute");
        assert!(
            !computed,
            "{what}: the recomputed entry was not stored again"
        );
    }

    /// Like `expect_miss` for faults that may legitimately still be a hit of
    /// the right value (permission bits do not stop root): never a wrong value.
    fn expect_right_value(&self, what: &str, fault: impl FnOnce(&Path)) {
        remove_any(&self.entry);
        fs::write(&self.entry, &self.good).expect("restore");
        fault(&self.entry);
        let ((got, _), _) = with_warnings(|| {
            call(&self.cache, &self.format, self.key, None, || {
                self.value.clone()
            })
        });
        assert!(got == self.value, "{what}: wrong value {got:?}");
    }
}

fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).expect("rm dir"),
        Ok(_) => fs::remove_file(path).expect("rm"),
        Err(_) => {}
    }
}

#[test]
fn every_truncation_of_a_binary_entry_is_a_miss() {
    let s = setup(AnyFormat::Binary);
    for len in 0..s.good.len() {
        s.expect_miss(&format!("truncated to {len}"), |p| {
            fs::write(p, &s.good[..len]).expect("truncate");
        });
    }
    // One byte more is damage too.
    s.expect_miss("extended", |p| {
        let mut longer = s.good.clone();
        longer.push(0);
        fs::write(p, longer).expect("extend");
    });
}

#[test]
fn every_bit_flip_of_a_binary_entry_is_a_miss() {
    let s = setup(AnyFormat::Binary);
    for bit in 0..s.good.len() * 8 {
        s.expect_miss(&format!("bit {bit} flipped"), |p| {
            let mut bad = s.good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            fs::write(p, bad).expect("flip");
        });
    }
}

#[test]
fn every_truncation_of_a_json_entry_is_a_miss() {
    // Text entries are stored bare (readable by any tool), so only damage
    // that breaks the syntax is detectable; a truncated JSON object always
    // does. Bit flips inside text are caught only with a signing secret
    // (see reliability_security.rs).
    let s = setup(AnyFormat::Json);
    for len in 0..s.good.len() {
        s.expect_miss(&format!("json truncated to {len}"), |p| {
            fs::write(p, &s.good[..len]).expect("truncate");
        });
    }
}

#[test]
fn foreign_bytes_are_a_miss() {
    let s = setup(AnyFormat::Binary);
    let mut json = Vec::new();
    Codec::<Value>::encode(&AnyFormat::Json, &s.value, &mut json).expect("json");
    s.expect_miss("JSON bytes in a binary entry", |p| {
        fs::write(p, &json).expect("write")
    });
    s.expect_miss("empty file", |p| fs::write(p, b"").expect("write"));
    s.expect_miss("random bytes", |p| {
        fs::write(p, [0x5a; 200]).expect("write")
    });

    let j = setup(AnyFormat::Json);
    let mut postcard = Vec::new();
    Codec::<Value>::encode(&AnyFormat::Binary, &j.value, &mut postcard).expect("bin");
    j.expect_miss("binary bytes in a JSON entry", |p| {
        fs::write(p, &postcard).expect("write")
    });
    j.expect_miss("a JSON value of another type", |p| {
        fs::write(p, b"[1,2,3]").expect("write")
    });
}

#[test]
fn a_directory_where_the_entry_should_be_is_a_miss() {
    let s = setup(AnyFormat::Binary);
    remove_any(&s.entry);
    fs::create_dir(&s.entry).expect("mkdir");
    for _ in 0..2 {
        let ((got, computed), warnings) =
            with_warnings(|| call(&s.cache, &s.format, s.key, None, || s.value.clone()));
        assert!(got == s.value && computed && !warnings.is_empty());
    }
}

#[cfg(unix)]
#[test]
fn wrong_permissions_are_a_miss_or_the_right_value() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup(AnyFormat::Binary);
    // Writable by others: someone else could have written it; refused even as root.
    for mode in [0o666, 0o620, 0o602] {
        s.expect_miss(&format!("mode {mode:o}"), |p| {
            fs::set_permissions(p, fs::Permissions::from_mode(mode)).expect("chmod")
        });
    }
    // Unreadable: a miss for ordinary users; root reads it anyway, and it is
    // the right value. Either way, never a wrong one.
    s.expect_right_value("mode 000", |p| {
        fs::set_permissions(p, fs::Permissions::from_mode(0o000)).expect("chmod")
    });
    assert!(fs::metadata(&s.entry).is_ok());
    let _ = &s.root;
}

#[cfg(unix)]
#[test]
fn links_and_fifos_are_a_miss_and_never_followed() {
    let s = setup(AnyFormat::Binary);
    let outside = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let planted = outside.path().join("planted.bin");
    // A link to a perfectly valid entry outside the cache folder is refused.
    fs::write(&planted, &s.good).expect("write");
    s.expect_miss("symlink to a file outside", |p| {
        fs::remove_file(p).expect("rm");
        std::os::unix::fs::symlink(&planted, p).expect("symlink");
    });
    assert_eq!(
        fs::read(&planted).expect("read"),
        s.good,
        "the link target was changed"
    );
    // A FIFO must not hang the reader.
    let status = std::process::Command::new("mkfifo")
        .arg(outside.path().join("probe"))
        .status();
    if status.is_ok_and(|s| s.success()) {
        s.expect_miss("fifo", |p| {
            fs::remove_file(p).expect("rm");
            let ok = std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .expect("mkfifo");
            assert!(ok.success());
        });
    }
}

#[test]
fn damaged_entries_counted() {
    // The figure RELIABILITY.md quotes: faults injected by this file.
    let s = setup(AnyFormat::Binary);
    let j = setup(AnyFormat::Json);
    // Truncations (+1 extension), bit flips, JSON truncations, then 5 foreign
    // contents, 1 directory, 4 modes, a link, a FIFO and a panicking decoder.
    let faults = s.good.len() + 1 + s.good.len() * 8 + j.good.len() + 5 + 1 + 4 + 2 + 1;
    println!("RELIABILITY corruption: {faults} faults on a {}-byte binary entry and a {}-byte JSON entry", s.good.len(), j.good.len());
}

/// A format whose decoder panics once told to: third-party parsers do on
/// hostile bytes, and the caller must not notice.
#[derive(Debug)]
struct Fragile(std::sync::atomic::AtomicBool);

impl perscache_runtime::Format for Fragile {
    fn name(&self) -> &str {
        "fragile"
    }
    fn extension(&self) -> &str {
        "fragile"
    }
}

impl Codec<Value> for Fragile {
    fn encode(
        &self,
        value: &Value,
        out: &mut Vec<u8>,
    ) -> Result<(), perscache_runtime::FormatError> {
        Codec::<Value>::encode(&AnyFormat::Binary, value, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<Value, perscache_runtime::FormatError> {
        if self.0.load(std::sync::atomic::Ordering::Relaxed) {
            panic!("decoder bug");
        }
        Codec::<Value>::decode(&AnyFormat::Binary, bytes)
    }
}

#[test]
fn a_panicking_decoder_is_a_miss() {
    use perscache_runtime::__private::{call_sync, Always, Options};
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let cache = Cache::builder()
        .storage(LocalStorage::new(dir.path()))
        .build();
    let fragile = Fragile(std::sync::atomic::AtomicBool::new(false));
    let key = || {
        let mut h = perscache_runtime::KeyHasher::new(
            reliability_support::SITE.function(),
            "fragile",
            "fragile",
        );
        h.arg("k", &1u32).map(|()| h.finish_call())
    };
    let right = Value::new(1, 1, 4);
    let run = |computed: &mut bool| {
        call_sync::<Value, Always, _>(
            &cache,
            &reliability_support::SITE,
            &key(),
            &fragile,
            Options::default(),
            || {
                *computed = true;
                right.clone()
            },
        )
    };
    let mut computed = false;
    assert_eq!(run(&mut computed), right);
    fragile.0.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut computed = false;
    let (got, warnings) = with_warnings(|| run(&mut computed));
    assert!(got == right && computed && !warnings.is_empty());
}
