//! Security (issue 7 point 6): arguments never become path components,
//! files and folders are private to their owner, and with a shared secret a
//! reader refuses entries that someone without it wrote: a poisoned shared
//! folder costs a recompute and a warning, never a planted value.
//! (Links in the cache folder: `reliability_corruption.rs`.)

mod reliability_support;

use std::fs;
use std::path::Path;

use perscache_runtime::__private::{call_sync, Always, Options};
use perscache_runtime::{AnyFormat, Cache, Format, KeyHasher, LocalStorage};
use reliability_support::{call, entry_files, files, with_warnings, Value, SITE};

fn cache(root: &Path, format: AnyFormat, secret: Option<&str>) -> Cache {
    let mut b = Cache::builder()
        .storage(LocalStorage::new(root))
        .format(format);
    if let Some(s) = secret {
        b = b.secret(s);
    }
    b.build()
}

#[test]
fn hostile_arguments_stay_out_of_paths() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let cache = cache(&root, AnyFormat::Binary, None);
    let hostile = [
        "../../../../etc/passwd",
        "/etc/passwd",
        "a/../../b",
        "nul\0byte",
        "..",
        ".hidden",
        "C:\\Windows\\system32",
        "very long ".repeat(1000).leak(),
    ];
    for arg in hostile {
        let mut h = KeyHasher::new(SITE.function(), SITE.code_hash(), AnyFormat::Binary.name());
        h.arg("path", arg).expect("key");
        let v = call_sync::<String, Always, _>(
            &cache,
            &SITE,
            &Ok(h.finish_call()),
            &AnyFormat::Binary,
            Options::default(),
            || arg.to_owned(),
        );
        assert_eq!(v, arg);
    }
    // Everything is under the root, named by a hex digest.
    for (path, _) in entry_files(&root) {
        let rel = path.strip_prefix(&root).expect("under the root");
        let name = rel
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let stem = name.strip_suffix(".bin").expect("extension");
        assert!(
            stem.len() >= 32 && stem.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}"
        );
        assert_eq!(rel.components().count(), 3, "{}", rel.display());
    }
    assert!(!dir.path().join("etc").exists());
}

#[cfg(unix)]
#[test]
fn files_and_folders_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let cache = cache(&root, AnyFormat::Binary, None);
    for k in 0..4 {
        let _ = call(&cache, &AnyFormat::Binary, k, None, || Value::new(k, 1, 4));
    }
    for (path, _) in files(&root, &|_| true) {
        let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| d.starts_with(&root)) {
            let mode = fs::metadata(d).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
            dir = d.parent();
        }
    }
}

#[test]
fn a_secret_refuses_planted_entries() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let honest = cache(&root, AnyFormat::Binary, Some("team secret"));
    let right = Value::new(1, 1, 4);
    // Someone without the secret plants a well-formed, checksummed entry
    // holding a value that would pass for this key's.
    let attacker = cache(&root, AnyFormat::Binary, None);
    let planted = Value::new(1, 666, 4);
    let _ = call(&attacker, &AnyFormat::Binary, 1, None, || planted.clone());
    let ((got, computed), warnings) =
        with_warnings(|| call(&honest, &AnyFormat::Binary, 1, None, || right.clone()));
    assert!(
        got == right && computed && !warnings.is_empty(),
        "planted entry served"
    );
    // Now signed: served to the secret's holders.
    let (got, computed) = call(&honest, &AnyFormat::Binary, 1, None, || right.clone());
    assert!(got == right && !computed);
    // Another secret is no better than none.
    let other = cache(&root, AnyFormat::Binary, Some("guessed"));
    let ((got, computed), warnings) =
        with_warnings(|| call(&other, &AnyFormat::Binary, 1, None, || planted.clone()));
    assert!(got == planted && computed && !warnings.is_empty());
    let ((got, computed), _) =
        with_warnings(|| call(&honest, &AnyFormat::Binary, 1, None, || right.clone()));
    assert!(got == right && computed);
    // A validly signed entry of another key, copied over this one.
    let _ = call(&honest, &AnyFormat::Binary, 2, None, || Value::new(2, 1, 4));
    let entries = entry_files(&root);
    let by_len = |n: &str| {
        entries
            .iter()
            .find(|(p, _)| p.ends_with(n))
            .map(|(p, _)| p.clone())
    };
    let key1 = reliability_support::key_of(&AnyFormat::Binary, 1)
        .expect("key")
        .digest()
        .to_hex();
    let key2 = reliability_support::key_of(&AnyFormat::Binary, 2)
        .expect("key")
        .digest()
        .to_hex();
    let (p1, p2) = (
        by_len(&format!("{key1}.bin")).expect("entry 1"),
        by_len(&format!("{key2}.bin")).expect("entry 2"),
    );
    fs::copy(&p2, &p1).expect("copy");
    let ((got, computed), warnings) =
        with_warnings(|| call(&honest, &AnyFormat::Binary, 1, None, || right.clone()));
    assert!(
        got == right && computed && !warnings.is_empty(),
        "moved entry served"
    );
}

#[test]
fn a_secret_catches_every_bit_flip_in_text_entries() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let honest = cache(&root, AnyFormat::Json, Some("team secret"));
    let right = Value::new(3, 1, 2);
    let _ = call(&honest, &AnyFormat::Json, 3, None, || right.clone());
    let entry = entry_files(&root)[0].0.clone();
    let good = fs::read(&entry).expect("read");
    for bit in 0..good.len() * 8 {
        let mut bad = good.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        fs::write(&entry, &bad).expect("write");
        let ((got, computed), warnings) =
            with_warnings(|| call(&honest, &AnyFormat::Json, 3, None, || right.clone()));
        assert!(
            got == right && computed && !warnings.is_empty(),
            "bit {bit}"
        );
    }
    println!(
        "RELIABILITY security: {} bit flips of a signed {}-byte JSON entry, all refused",
        good.len() * 8,
        good.len()
    );
}

/// Whether this process runs as root, which `chown` to another user needs;
/// says why the test is skipped otherwise.
#[cfg(unix)]
fn root_or_skip(test: &str) -> bool {
    // SAFETY: `geteuid` takes nothing and cannot fail.
    #[allow(unsafe_code)]
    let root = unsafe { libc::geteuid() } == 0;
    if !root {
        println!("{test}: skipped: chown to another user needs root");
    }
    root
}

/// The user and group these tests give files: `nobody`'s numbers, and a
/// group nobody here belongs to.
#[cfg(unix)]
const OTHER_USER: u32 = 65534;
#[cfg(unix)]
const TEAM_GROUP: u32 = 4242;

#[cfg(unix)]
#[test]
fn entries_and_folders_of_another_user_are_refused() {
    use std::os::unix::fs::chown;
    if !root_or_skip("entries_and_folders_of_another_user_are_refused") {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let f = AnyFormat::Binary;
    let cache = cache(&root, f, None);
    assert!(call(&cache, &f, 1, None, || Value::new(1, 1, 4)).1);
    assert!(
        !call(&cache, &f, 1, None, || Value::new(1, 2, 4)).1,
        "a hit"
    );
    // Another user's entry, as if they had planted it: refused even by
    // root, with a warning, then rewritten as ours.
    let (entry, _) = entry_files(&root).pop().expect("an entry");
    chown(&entry, Some(OTHER_USER), Some(OTHER_USER)).expect("chown");
    let ((value, computed), warnings) =
        with_warnings(|| call(&cache, &f, 1, None, || Value::new(1, 3, 4)));
    assert!(computed && value == Value::new(1, 3, 4));
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("belongs to another user")),
        "{warnings:?}"
    );
    assert!(
        !call(&cache, &f, 1, None, || Value::new(1, 4, 4)).1,
        "ours again"
    );
    // Another user's folder: nothing is written into it.
    let folder = entry.parent().expect("code folder").to_path_buf();
    chown(&folder, Some(OTHER_USER), Some(OTHER_USER)).expect("chown");
    let fresh = cache_at(&root, false);
    let ((_, computed), warnings) =
        with_warnings(|| call(&fresh, &f, 2, None, || Value::new(2, 1, 4)));
    assert!(computed);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("belongs to another user")),
        "{warnings:?}"
    );
    assert_eq!(
        entry_files(&root).len(),
        1,
        "nothing written in their folder"
    );
}

#[cfg(unix)]
fn cache_at(root: &Path, shared: bool) -> Cache {
    Cache::builder()
        .storage(LocalStorage::builder(root).shared(shared).build())
        .format(AnyFormat::Binary)
        .build()
}

#[cfg(unix)]
#[test]
fn a_root_others_can_write_is_refused_unless_shared() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    fs::create_dir(&root).expect("mkdir");
    // As `PERSCACHE_DIR=/tmp/shared-by-everyone` would be.
    fs::set_permissions(&root, fs::Permissions::from_mode(0o777)).expect("chmod");
    let f = AnyFormat::Binary;
    let private = cache_at(&root, false);
    for version in 1..=2 {
        let ((_, computed), warnings) =
            with_warnings(|| call(&private, &f, 1, None, || Value::new(1, version, 4)));
        assert!(computed, "nothing is served from it");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("writable by every user")),
            "{warnings:?}"
        );
    }
    assert!(entry_files(&root).is_empty(), "nothing is written to it");
    // Configured as shared, it is used.
    let shared = cache_at(&root, true);
    assert!(call(&shared, &f, 1, None, || Value::new(1, 3, 4)).1);
    assert!(!call(&shared, &f, 1, None, || Value::new(1, 4, 4)).1);
}

#[cfg(unix)]
#[test]
fn a_root_of_another_user_is_refused_and_a_shared_one_trusts_its_group() {
    use std::os::unix::fs::{chown, PermissionsExt};
    if !root_or_skip("a_root_of_another_user_is_refused_and_a_shared_one_trusts_its_group") {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    fs::create_dir(&root).expect("mkdir");
    chown(&root, Some(OTHER_USER), Some(TEAM_GROUP)).expect("chown");
    fs::set_permissions(&root, fs::Permissions::from_mode(0o2770)).expect("chmod");
    let f = AnyFormat::Binary;
    let ((_, computed), warnings) =
        with_warnings(|| call(&cache_at(&root, false), &f, 1, None, || Value::new(1, 1, 4)));
    assert!(computed);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("belongs to another user")),
        "{warnings:?}"
    );
    // Shared: the team's folder. A teammate's entry (their user, the
    // team's group) is served; a stranger's (another group) is not.
    let shared = cache_at(&root, true);
    assert!(call(&shared, &f, 1, None, || Value::new(1, 2, 4)).1);
    let (entry, _) = entry_files(&root).pop().expect("an entry");
    chown(&entry, Some(OTHER_USER), Some(TEAM_GROUP)).expect("chown");
    let ((value, computed), _) =
        with_warnings(|| call(&shared, &f, 1, None, || Value::new(1, 3, 4)));
    assert!(
        !computed && value == Value::new(1, 2, 4),
        "a teammate's entry is served"
    );
    chown(&entry, Some(OTHER_USER), Some(OTHER_USER)).expect("chown");
    let ((value, computed), warnings) =
        with_warnings(|| call(&shared, &f, 1, None, || Value::new(1, 4, 4)));
    assert!(
        computed && value == Value::new(1, 4, 4),
        "a stranger's is not"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("belongs to another user")),
        "{warnings:?}"
    );
}
