//! The per-thread memos that keep a small key cheap, all behind
//! [`with_memo`]: the hasher state after each of a few recent function
//! identities, the keys of recent short argument streams, and the buffers of
//! the thread's last key. None of them changes a byte of what is hashed; when
//! the thread's memo is unavailable (being destroyed, or in use further up
//! the stack) the key is computed without it.

use std::cell::RefCell;

use super::stream::write_str;
use super::KEY_DOMAIN;

/// Identities whose hasher state each thread keeps (a thread calling more
/// marked functions than this in turn recomputes some, as before).
pub(super) const IDENTITY_SLOTS: usize = 8;
/// Keys remembered per identity, and the longest argument stream remembered:
/// at most about 4 kB per identity, 32 kB per thread.
const RECENT_SLOTS: usize = 32;
const RECENT_MAX: usize = 64;

/// The part of an identity that is the same for every call of a marked
/// function: the domain, then these two strings.
#[derive(Clone, Copy)]
pub(super) struct SiteIdentity {
    pub(super) function: &'static str,
    pub(super) code_hash: &'static str,
}

impl SiteIdentity {
    /// The function path's address and length, and the code hash's length.
    /// A `#[persist]` site's path is a `String` in a `static`, never freed,
    /// so no other path ever has its address. (A literal's address can come
    /// back with other bytes if a library is unloaded and another loaded:
    /// the code hash, a literal, is compared by its bytes as well.)
    fn addresses(&self) -> [usize; 3] {
        [
            self.function.as_ptr() as usize,
            self.function.len(),
            self.code_hash.len(),
        ]
    }

    /// Where the code hash's bytes are in the identity.
    fn code_hash_at(&self) -> std::ops::Range<usize> {
        let start = 3 * 8 + KEY_DOMAIN.len() + self.function.len();
        start..start + self.code_hash.len()
    }

    /// The length of this part of the identity.
    fn len(&self) -> usize {
        3 * 8 + KEY_DOMAIN.len() + self.function.len() + self.code_hash.len()
    }

    /// The whole identity, with `rest` (the format's part) after it.
    fn prefix(&self, rest: &[u8]) -> Vec<u8> {
        let mut prefix = Vec::with_capacity(self.len() + rest.len());
        for part in [KEY_DOMAIN, self.function, self.code_hash] {
            write_str(&mut prefix, part);
        }
        prefix.extend_from_slice(rest);
        prefix
    }
}

/// One function identity's shortcuts, in one thread.
struct Identity {
    prefix: Vec<u8>,
    /// [`SiteIdentity::addresses`] of the site this was made for, if any.
    site: Option<[usize; 3]>,
    /// The hasher after `prefix`.
    state: blake3::Hasher,
    /// Digests of recent short argument streams, by a hash of the stream.
    recent: [Option<Recent>; RECENT_SLOTS],
}

/// An argument stream and the digest it gave.
type Recent = (Box<[u8]>, [u8; 32]);

impl Identity {
    fn new(prefix: Vec<u8>, site: Option<[usize; 3]>) -> Identity {
        let mut state = blake3::Hasher::new();
        state.update(&prefix);
        Identity {
            prefix,
            site,
            state,
            recent: std::array::from_fn(|_| None),
        }
    }

    fn digest(&self, rest: &[u8]) -> [u8; 32] {
        let mut h = self.state.clone();
        h.update(rest);
        *h.finalize().as_bytes()
    }
}

/// Everything a thread remembers between keys.
struct Memo {
    /// Recent identities, the most recently added last.
    identities: Vec<Identity>,
    /// The stream buffer of this thread's last finished key, for the next.
    stream_buffer: Vec<u8>,
    /// The run buffer of this thread's last stream, for the next.
    run_buffer: Vec<u8>,
}

thread_local! {
    static MEMO: RefCell<Memo> = const {
        RefCell::new(Memo {
            identities: Vec::new(),
            stream_buffer: Vec::new(),
            run_buffer: Vec::new(),
        })
    };
}

/// The one door to this thread's memo: runs `f` on it, or returns `None`
/// when it is unavailable (being destroyed, or in use further up this
/// thread's stack), and the caller does without.
fn with_memo<R>(f: impl FnOnce(&mut Memo) -> R) -> Option<R> {
    MEMO.try_with(|cell| cell.try_borrow_mut().ok().map(|mut memo| f(&mut memo)))
        .ok()
        .flatten()
}

/// A buffer for a key's stream: the thread's last one, emptied, if any.
pub(super) fn take_stream_buffer() -> Vec<u8> {
    with_memo(|m| std::mem::take(&mut m.stream_buffer)).unwrap_or_default()
}

/// Keeps `buf` for the thread's next key.
pub(super) fn keep_stream_buffer(buf: Vec<u8>) {
    with_memo(|m| m.stream_buffer = buf);
}

/// A buffer for a run: the thread's last one, if any.
pub(super) fn take_run_buffer() -> Vec<u8> {
    with_memo(|m| std::mem::take(&mut m.run_buffer)).unwrap_or_default()
}

/// Keeps `buf` for the thread's next run.
pub(super) fn keep_run_buffer(buf: Vec<u8>) {
    with_memo(|m| m.run_buffer = buf);
}

/// How many identities this thread remembers (for the tests).
#[cfg(test)]
pub(super) fn identities_remembered() -> usize {
    with_memo(|m| m.identities.len()).unwrap_or_default()
}

/// Runs `f` on this thread's entry for the identity `prefix` (after `site`'s
/// part, if given), made if missing, or returns `None` when the thread's
/// memo is unavailable.
fn with_identity<R>(
    site: Option<SiteIdentity>,
    prefix: &[u8],
    f: impl FnOnce(&mut Identity) -> R,
) -> Option<R> {
    with_memo(|memo| {
        let ids = &mut memo.identities;
        let addresses = site.map(|s| s.addresses());
        let found = match (site, addresses) {
            // The same strings, then the same format's part.
            (Some(site), Some(a)) => {
                let head = site.len();
                ids.iter().position(|i| {
                    // Word by word: comparing the arrays whole reads
                    // `a` back in wider loads than it was written with.
                    matches!(i.site, Some([p, l, c]) if p == a[0] && l == a[1] && c == a[2])
                        && i.prefix.len() == head + prefix.len()
                        && i.prefix[head..] == *prefix
                        && i.prefix[site.code_hash_at()] == *site.code_hash.as_bytes()
                })
            }
            _ => ids.iter().position(|i| i.prefix == prefix),
        };
        let at = match found {
            Some(at) => at,
            None => {
                if ids.len() >= IDENTITY_SLOTS {
                    ids.remove(0);
                }
                ids.push(Identity::new(full_prefix(site, prefix), addresses));
                ids.len() - 1
            }
        };
        f(&mut ids[at])
    })
}

/// The identity's bytes: `site`'s part, if any, then `prefix`.
fn full_prefix(site: Option<SiteIdentity>, prefix: &[u8]) -> Vec<u8> {
    match site {
        Some(site) => site.prefix(prefix),
        None => prefix.to_vec(),
    }
}

/// The hasher state after the identity, and the identity's length.
pub(super) fn prefix_state(site: Option<SiteIdentity>, prefix: &[u8]) -> (blake3::Hasher, usize) {
    with_identity(site, prefix, |id| (id.state.clone(), id.prefix.len())).unwrap_or_else(|| {
        let prefix = full_prefix(site, prefix);
        let mut h = blake3::Hasher::new();
        h.update(&prefix);
        (h, prefix.len())
    })
}

/// The digest of the identity, then `rest`.
pub(super) fn digest_of(site: Option<SiteIdentity>, prefix: &[u8], rest: &[u8]) -> [u8; 32] {
    with_identity(site, prefix, |id| {
        if rest.len() > RECENT_MAX {
            return id.digest(rest);
        }
        let slot = (mix(rest) >> 59) as usize % RECENT_SLOTS;
        if let Some((bytes, digest)) = &id.recent[slot] {
            if **bytes == *rest {
                return *digest;
            }
        }
        let digest = id.digest(rest);
        id.recent[slot] = Some((rest.into(), digest));
        digest
    })
    .unwrap_or_else(|| {
        let mut h = blake3::Hasher::new();
        h.update(&full_prefix(site, prefix));
        h.update(rest);
        *h.finalize().as_bytes()
    })
}

/// A fast hash of a short byte string, to pick a slot (never to decide
/// equality: the bytes are compared).
fn mix(bytes: &[u8]) -> u64 {
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = step(h, u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut word = [0u8; 8];
        word[..tail.len()].copy_from_slice(tail);
        h = step(h, u64::from_le_bytes(word));
    }
    h
}
