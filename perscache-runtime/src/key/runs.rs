//! Runs of numbers: consecutive same-kind numbers among a compound's
//! elements, written inline when short and as a summary (kind, count,
//! digest) when they hold at least [`RUN_MIN_BYTES`].

use super::stream::{tag, Sink};
use super::typed::Scalar;

/// The least data (in bytes) of a run of same-kind numbers written as a
/// summary rather than inline. Below it the summary (42 bytes and a second
/// BLAKE3 finalization) would cost more than the tags it saves; 1 KiB is one
/// BLAKE3 chunk, the size from which its SIMD starts to pay.
pub(super) const RUN_MIN_BYTES: usize = 1024;

/// The pieces a run's digest is fed in: whole, aligned 16-chunk subtrees, which
/// BLAKE3 hashes with its widest SIMD (see `HashSink::flush_aligned`). Every
/// number's width divides it, so a piece never splits a number.
pub(super) const RUN_PIECE: usize = 16 * 1024;

/// A run of same-kind numbers among a compound's elements, not written yet.
///
/// Its data is buffered (up to [`RUN_PIECE`] bytes) and, when the buffer is
/// full, hashed into the run's own BLAKE3 hasher from offset 0, so memory is
/// bounded and every update is a whole, aligned 16 KiB piece. When the run
/// ends, [`flush`](Run::flush) writes it inline if it is short, else as a
/// summary.
pub(super) struct Run {
    /// The kind's tag; 0 when there is no pending run.
    pub(super) kind: u8,
    /// The kind's width in bytes.
    width: usize,
    /// The run's data not hashed yet: at most [`RUN_PIECE`] bytes.
    buf: Vec<u8>,
    /// Bytes of the run already hashed into `hasher`.
    hashed: u64,
    /// Made when a run first outgrows `buf`, reset and reused after.
    hasher: Option<Box<blake3::Hasher>>,
}

impl Run {
    pub(super) fn new() -> Run {
        Run {
            kind: 0,
            width: 0,
            buf: Vec::new(),
            hashed: 0,
            hasher: None,
        }
    }

    /// Adds one number of kind `kind` (its tag) to the run. The common case,
    /// same kind and room in the buffer, is one branch and a copy: a large
    /// argument makes one such call per element.
    #[inline]
    pub(super) fn push(&mut self, out: &mut impl Sink, kind: u8, bytes: &[u8]) {
        if kind == self.kind && self.buf.len() + bytes.len() <= RUN_PIECE {
            self.buf.extend_from_slice(bytes);
            return;
        }
        self.push_slow(out, kind, bytes);
    }

    /// A number that starts a run, or that finds the buffer full.
    #[inline(never)]
    fn push_slow(&mut self, out: &mut impl Sink, kind: u8, bytes: &[u8]) {
        if kind == self.kind {
            // The buffer is full (every width divides its size): one piece.
            let hasher = self.hasher.get_or_insert_with(Default::default);
            hasher.update(&self.buf);
            self.hashed += self.buf.len() as u64;
            self.buf.clear();
        } else {
            self.flush(out);
            self.kind = kind;
            self.width = bytes.len();
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Writes the pending run, if any: inline when its data is shorter than
    /// [`RUN_MIN_BYTES`], else as a summary.
    pub(super) fn flush(&mut self, out: &mut impl Sink) {
        if self.kind == 0 {
            return;
        }
        let total = self.hashed + self.buf.len() as u64;
        if total >= RUN_MIN_BYTES as u64 {
            let digest = match &mut self.hasher {
                Some(h) if self.hashed > 0 => {
                    h.update(&self.buf);
                    let digest = h.finalize();
                    h.reset();
                    digest
                }
                _ => blake3::hash(&self.buf),
            };
            let count = total / self.width.max(1) as u64;
            write_summary(out, self.kind, count, digest.as_bytes());
        } else {
            write_inline(out, self.kind, self.width, &self.buf);
        }
        self.kind = 0;
        self.buf.clear();
        self.hashed = 0;
    }
}

/// Writes a short run element by element, a tag before each number, as any
/// number is written outside a run. `data` holds whole numbers of `width`
/// bytes. Staged, so that a run is a few puts rather than one per number.
pub(super) fn write_inline(out: &mut impl Sink, tag: u8, width: usize, data: &[u8]) {
    let mut stage = [0u8; 544];
    let per_put = stage.len() / (width + 1);
    for group in data.chunks(per_put * width) {
        let mut n = 0;
        for (dst, number) in stage
            .chunks_exact_mut(width + 1)
            .zip(group.chunks_exact(width))
        {
            dst[0] = tag;
            dst[1..].copy_from_slice(number);
            n += width + 1;
        }
        out.put(&stage[..n]);
    }
}

/// Writes a long run's summary: the `RUN` tag, the kind's tag, the number of
/// elements, and the digest of their data.
pub(super) fn write_summary(out: &mut impl Sink, kind: u8, count: u64, digest: &[u8; 32]) {
    let mut summary = [0u8; 42];
    summary[0] = tag::RUN;
    summary[1] = kind;
    summary[2..10].copy_from_slice(&count.to_le_bytes());
    summary[10..].copy_from_slice(digest);
    out.put(&summary);
}

/// Writes the elements of a container of numbers exactly as the serializer
/// would (one run, short or long), reading long data straight from memory.
pub(super) fn write_scalars<E: Scalar>(out: &mut impl Sink, data: &[E]) {
    let width = std::mem::size_of::<E>();
    if data.is_empty() {
        return;
    }
    if std::mem::size_of_val(data) >= RUN_MIN_BYTES {
        let mut hasher = blake3::Hasher::new();
        le_pieces(data, |piece| {
            hasher.update(piece);
        });
        write_summary(out, E::TAG, data.len() as u64, hasher.finalize().as_bytes());
    } else {
        le_pieces(data, |piece| write_inline(out, E::TAG, width, piece));
    }
}

/// Calls `f` with the little-endian bytes of `data`, in order, in pieces of
/// whole numbers: on a little-endian target that is `data`'s own memory, in
/// one piece (BLAKE3 splits it into its widest subtrees itself).
pub(super) fn le_pieces<E: Scalar>(data: &[E], f: impl FnMut(&[u8])) {
    if cfg!(target_endian = "little") {
        let mut f = f;
        f(bytemuck::cast_slice(data));
    } else {
        le_pieces_converted(data, f);
    }
}

/// [`le_pieces`] on a big-endian target: converted into a buffer, in pieces
/// of [`RUN_PIECE`] bytes so BLAKE3 still gets whole aligned subtrees.
pub(super) fn le_pieces_converted<E: Scalar>(data: &[E], mut f: impl FnMut(&[u8])) {
    let width = std::mem::size_of::<E>();
    let mut buf = vec![0u8; RUN_PIECE.min(std::mem::size_of_val(data))];
    for chunk in data.chunks(RUN_PIECE / width) {
        for (dst, number) in buf.chunks_exact_mut(width).zip(chunk) {
            number.put_le(dst);
        }
        f(&buf[..std::mem::size_of_val(chunk)]);
    }
}
