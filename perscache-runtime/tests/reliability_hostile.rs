//! Hostile entries (issue 14 point 1): bytes someone else wrote into a shared
//! storage, correctly framed, built to crash or exhaust the reader. Each is
//! planted where a call's entry goes; the caller must get its own value,
//! with a warning, on a thread with the 2 MiB stack Rust gives threads.

mod reliability_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use perscache_runtime::__private::{call_sync, Always, Options, Site};
use perscache_runtime::testing::fuzz::{framed, Tree};
use perscache_runtime::{AnyFormat, Cache, Codec, Compression, Format, KeyHasher, Storage};
use perscache_runtime::{LocalStorage, MemoryStorage};
use reliability_support::with_warnings;

static SITE: Site = Site::new("hostile::tree", "0123456789abcdef", "0123456789abcdef");

/// Runs `f` on a thread with a 2 MiB stack, like any thread a user spawns.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("the call returned (no panic, no stack overflow)")
}

/// One call of the marked function in `format`; `value` is what it computes.
fn call<C: Codec<Tree> + Format>(cache: &Cache, format: &C, value: Tree) -> (Tree, bool) {
    let mut h = KeyHasher::new(SITE.function(), SITE.code_hash(), format.name());
    h.arg("n", &1u32).expect("key");
    let mut computed = false;
    let got = call_sync::<Tree, Always, _>(
        cache,
        &SITE,
        &Ok(h.finish_call()),
        format,
        Options::default(),
        || {
            computed = true;
            value
        },
    );
    (got, computed)
}

/// Where the entry of `call` sits in `storage`, after one call wrote it.
fn entry_path(storage: &dyn Storage) -> String {
    let list = pollster::block_on(storage.list("")).expect("list");
    list.into_iter()
        .map(|i| i.path)
        .find(|p| p.starts_with("hostile.tree/") && !p.contains("/_"))
        .expect("the call wrote an entry")
}

fn nested(levels: usize) -> Tree {
    let mut t = Tree::Leaf;
    for _ in 0..levels {
        t = Tree::Node(Box::new(t));
    }
    t
}

/// The built-in serde formats this build has, plain and compressed.
fn formats() -> Vec<AnyFormat> {
    perscache_runtime::testing::fuzz::formats()
        .into_iter()
        .filter(|f| !matches!(f.name(), "csv" | "parquet"))
        .collect()
}

/// `levels` nestings of `Tree::Node`, in `format`'s own bytes: the
/// encodings of zero and one level give the bytes one level adds before
/// and after the leaf.
fn deep_payload(format: &AnyFormat, levels: usize) -> Vec<u8> {
    let plain = |v: &Tree| {
        let mut buf = Vec::new();
        let inner = plain_format(format);
        Codec::<Tree>::encode(&inner, v, &mut buf).expect("encode");
        buf
    };
    let leaf = plain(&Tree::Leaf);
    let one = plain(&nested(1));
    let text = format.name().starts_with("yaml");
    let (before, after) = if text {
        // YAML writes `!Node Leaf`: a tag per level on one node.
        (b"!Node ".to_vec(), Vec::new())
    } else {
        let at = one
            .windows(leaf.len())
            .position(|w| w == leaf)
            .expect("one level holds the leaf");
        (one[..at].to_vec(), one[at + leaf.len()..].to_vec())
    };
    let mut out = Vec::with_capacity((before.len() + after.len()) * levels + leaf.len());
    for _ in 0..levels {
        out.extend_from_slice(&before);
    }
    out.extend_from_slice(&leaf);
    for _ in 0..levels {
        out.extend_from_slice(&after);
    }
    out
}

/// The format without its compression.
fn plain_format(format: &AnyFormat) -> AnyFormat {
    let name = format
        .name()
        .trim_end_matches("+zstd")
        .replace("postcard", "binary");
    name.parse().expect("a format")
}

/// `payload` as `format` stores it: compressed and framed as it says.
fn stored(format: &AnyFormat, payload: &[u8]) -> Vec<u8> {
    match format.compression() {
        #[cfg(feature = "zstd")]
        Compression::Zstd => framed(
            &perscache_runtime::testing::fuzz::zstd(payload),
            Compression::Zstd,
        ),
        _ if format.framed() => framed(payload, Compression::None),
        _ => payload.to_vec(),
    }
}

#[test]
fn deeply_nested_entries_are_a_miss_in_every_format() {
    for format in formats() {
        // YAML's parser is superlinear in depth (RELIABILITY.md); its reader
        // refuses past 128 levels anyway.
        let levels = if format.name().starts_with("yaml") {
            20_000
        } else {
            2_000_000
        };
        let name = format.name().to_owned();
        let (computed, warnings) = on_small_stack(move || {
            with_warnings(|| {
                let storage = MemoryStorage::new();
                let cache = Cache::builder()
                    .storage(storage.clone())
                    .format(format)
                    .build();
                assert_eq!(call(&cache, &format, Tree::Leaf), (Tree::Leaf, true));
                let path = entry_path(&storage);
                let hostile = stored(&format, &deep_payload(&format, levels));
                pollster::block_on(storage.write(&path, hostile.into())).expect("plant");
                call(&cache, &format, nested(3))
            })
        });
        assert_eq!(computed, (nested(3), true), "{name}");
        assert!(
            !warnings.is_empty(),
            "{name}: a hostile entry must be reported"
        );
    }
}

#[test]
fn values_as_deep_as_perscache_writes_read_back_on_a_small_stack() {
    // The depth limit must not refuse what the writer lets through: the
    // deepest value each format stores is a hit, on a 2 MiB stack.
    for format in formats() {
        let name = format.name().to_owned();
        let (hit, deepest) = on_small_stack(move || {
            let cache = Cache::builder()
                .storage(MemoryStorage::new())
                .format(format)
                .build();
            // Find the deepest nesting this format stores.
            let stores = |levels: usize| {
                let mut buf = Vec::new();
                Codec::<Tree>::encode(&format, &nested(levels), &mut buf).is_ok()
            };
            let (mut lo, mut hi) = (0, 4096);
            while lo + 1 < hi {
                let mid = (lo + hi) / 2;
                if stores(mid) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (_, computed) = call(&cache, &format, nested(lo));
            assert!(computed);
            let (value, computed) = call(&cache, &format, Tree::Leaf);
            (value == nested(lo) && !computed, lo)
        });
        assert!(hit, "{name}: a value {deepest} levels deep was not served");
    }
}

#[cfg(feature = "zstd")]
#[test]
fn a_decompression_bomb_is_a_miss() {
    // 256 MiB of one byte compresses to a few kilobytes; the cache takes
    // entries of up to 1 MiB, compressed or not.
    let format: AnyFormat = "binary+zstd".parse().expect("format");
    let storage = MemoryStorage::new();
    let cache = Cache::builder()
        .storage(storage.clone())
        .format(format)
        .max_entry_size(1 << 20)
        .build();
    assert_eq!(call(&cache, &format, Tree::Leaf), (Tree::Leaf, true));
    let path = entry_path(&storage);
    let bomb = perscache_runtime::testing::fuzz::zstd(&vec![0u8; 256 << 20]);
    assert!(bomb.len() < 64 << 10, "{} bytes", bomb.len());
    pollster::block_on(storage.write(&path, framed(&bomb, Compression::Zstd).into()))
        .expect("plant");
    let ((value, computed), warnings) = with_warnings(|| call(&cache, &format, nested(2)));
    assert_eq!((value, computed), (nested(2), true));
    assert!(
        warnings.iter().any(|w| w.contains("max_entry_size")),
        "{warnings:?}"
    );
}

#[test]
fn an_entry_larger_than_max_entry_size_is_not_read() {
    // A sparse file of 64 GiB where the entry goes: reading it would take
    // the machine's memory; its length is checked first.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let storage: Arc<dyn Storage> = Arc::new(LocalStorage::new(dir.path()));
    let format = AnyFormat::Binary;
    let cache = Cache::builder()
        .storage_arc(storage.clone())
        .format(format)
        .build();
    assert_eq!(call(&cache, &format, Tree::Leaf), (Tree::Leaf, true));
    let path = entry_path(&*storage);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join(&path))
        .expect("open");
    file.set_len(64 << 30).expect("sparse file");
    drop(file);
    let ((value, computed), warnings) = with_warnings(|| call(&cache, &format, nested(2)));
    assert_eq!((value, computed), (nested(2), true));
    assert!(
        warnings.iter().any(|w| w.contains("max_entry_size")),
        "{warnings:?}"
    );
    // And through a remote-like backend, where only `head` tells the size.
    let memory = MemoryStorage::new();
    let small = Cache::builder()
        .storage(memory.clone())
        .format(format)
        .max_entry_size(1024)
        .build();
    assert_eq!(call(&small, &format, Tree::Leaf), (Tree::Leaf, true));
    let path = entry_path(&memory);
    let big = framed(&vec![0u8; 4096], Compression::None);
    pollster::block_on(memory.write(&path, big.into())).expect("plant");
    assert_eq!(call(&small, &format, nested(1)), (nested(1), true));
    // A result larger than the limit is returned, not stored.
    let wide = Tree::Branches(vec![Tree::Leaf; 4096]);
    let fresh = Cache::builder()
        .storage(MemoryStorage::new())
        .max_entry_size(1024)
        .build();
    assert_eq!(call(&fresh, &format, wide.clone()), (wide.clone(), true));
    assert_eq!(call(&fresh, &format, Tree::Leaf), (Tree::Leaf, true));
}

#[test]
fn a_signed_store_checks_the_signature_before_decoding() {
    // A format that counts its decodes: a planted entry, however hostile,
    // never reaches the decoder when the signature is wrong.
    static DECODES: AtomicUsize = AtomicUsize::new(0);
    let counting = perscache_runtime::Custom::new(
        "counting-v1",
        "bin",
        |v: &Tree| Ok::<_, perscache_runtime::BoxError>(postcard_bytes(v)),
        |b: &[u8]| {
            DECODES.fetch_add(1, Ordering::SeqCst);
            Codec::<Tree>::decode(&AnyFormat::Binary, b).map_err(|e| e.0)
        },
    );
    let shared = Arc::new(MemoryStorage::new());
    let cache = Cache::builder()
        .storage_arc(shared.clone())
        .secret("team secret")
        .build();
    assert_eq!(call(&cache, &counting, Tree::Leaf), (Tree::Leaf, true));
    assert_eq!(call(&cache, &counting, nested(1)), (Tree::Leaf, false));
    let decodes = DECODES.load(Ordering::SeqCst);
    // The first write is read back once (`Codec::check`), then the hit.
    assert!(decodes >= 1, "the hit decoded");
    let path = entry_path(&*shared);
    // Unsigned, and signed with another secret.
    let hostile = framed(
        &deep_payload(&AnyFormat::Binary, 100_000),
        Compression::None,
    );
    for planted in [hostile.clone(), {
        let other = perscache_runtime::SignedStorage::new(MemoryStorage::new(), "guess");
        pollster::block_on(other.write(&path, hostile.clone().into())).expect("sign");
        pollster::block_on(other.inner().read(&path))
            .expect("read")
            .expect("some")
            .bytes
            .to_vec()
    }] {
        pollster::block_on(shared.write(&path, planted.into())).expect("plant");
        assert_eq!(call(&cache, &counting, nested(2)), (nested(2), true));
    }
    assert_eq!(
        DECODES.load(Ordering::SeqCst),
        decodes,
        "no planted entry was decoded"
    );
}

fn postcard_bytes(v: &Tree) -> Vec<u8> {
    let mut buf = Vec::new();
    Codec::<Tree>::encode(&AnyFormat::Binary, v, &mut buf).expect("encode");
    buf
}

#[test]
fn an_entry_from_the_future_is_expired() {
    // `touch -d 2100-01-01` on an entry: with a time to live it would
    // otherwise be served forever.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let format = AnyFormat::Binary;
    let cache = Cache::builder()
        .dir(dir.path())
        .ttl(std::time::Duration::from_secs(3600))
        .format(format)
        .build();
    assert_eq!(call(&cache, &format, Tree::Leaf), (Tree::Leaf, true));
    assert_eq!(call(&cache, &format, nested(1)), (Tree::Leaf, false));
    let path = entry_path(cache.storage().as_ref());
    let decade = std::time::Duration::from_secs(10 * 365 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(dir.path().join(path))
        .expect("open")
        .set_modified(std::time::SystemTime::now() + decade)
        .expect("mtime");
    assert_eq!(call(&cache, &format, nested(1)), (nested(1), true));
}
