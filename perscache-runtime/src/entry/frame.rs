//! The frame around binary entries: a fixed header with a checksum, so that a
//! truncated, bit-flipped or foreign file is a miss and never a wrong value.
//!
//! ```text
//! offset  size  field
//!      0     4  magic b"PCS\x01"
//!      4     1  version (1)
//!      5     1  flags: bit 0 = payload is a zstd stream; other bits 0
//!      6     2  reserved (0)
//!      8     8  payload length, little-endian u64
//!     16    16  XXH3-128 of the payload, little-endian
//!     32     n  payload (the format's bytes)
//! ```
//!
//! XXH3 guards against accidents (torn writes, disk faults), not attackers; it
//! runs at memory speed, so large hits stay close to a plain read.
//!
//! The flags record how the payload was compressed, so a reader never
//! guesses: an entry whose flags disagree with the format reading it is
//! rejected like a damaged one.

use xxhash_rust::xxh3::xxh3_128;

use crate::format::Compression;

const MAGIC: [u8; 4] = *b"PCS\x01";
const VERSION: u8 = 1;
/// Bytes before the payload.
pub(crate) const HEADER_LEN: usize = 32;
/// Flags bit: the payload is a zstd stream.
const FLAG_ZSTD: u8 = 1;

fn flags(compression: Compression) -> u8 {
    match compression {
        Compression::None => 0,
        Compression::Zstd => FLAG_ZSTD,
    }
}

/// Starts a framed buffer: the format appends the payload after the header.
pub(crate) fn begin() -> Vec<u8> {
    let mut buf = Vec::with_capacity(256);
    buf.resize(HEADER_LEN, 0);
    buf
}

/// Writes the header for the payload appended since [`begin`], compressed
/// as `compression` says.
pub(crate) fn seal(buf: &mut [u8], compression: Compression) {
    let (header, payload) = buf.split_at_mut(HEADER_LEN);
    header[..4].copy_from_slice(&MAGIC);
    header[4] = VERSION;
    header[5] = flags(compression);
    header[6..8].fill(0);
    header[8..16].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    header[16..32].copy_from_slice(&xxh3_128(payload).to_le_bytes());
}

/// Checks a framed entry whose payload should be compressed as
/// `compression`, and returns its payload, or says what is wrong.
pub(crate) fn open(bytes: &[u8], compression: Compression) -> Result<&[u8], String> {
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "{} bytes is shorter than the {HEADER_LEN}-byte header",
            bytes.len()
        ));
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    if header[..4] != MAGIC {
        return Err("not a perscache entry (bad magic)".into());
    }
    if header[4] != VERSION {
        return Err(format!("unsupported entry version {}", header[4]));
    }
    if header[5] & !FLAG_ZSTD != 0 || header[6..8] != [0, 0] {
        return Err(format!("unknown flags {:02x?}", &header[5..8]));
    }
    if header[5] != flags(compression) {
        let says = |zstd: bool| {
            if zstd {
                "zstd-compressed"
            } else {
                "uncompressed"
            }
        };
        return Err(format!(
            "the entry is {} but its format reads {} entries",
            says(header[5] & FLAG_ZSTD != 0),
            says(compression == Compression::Zstd)
        ));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[8..16]);
    let declared = u64::from_le_bytes(len);
    if declared != payload.len() as u64 {
        return Err(format!(
            "header declares {declared} payload bytes, {} present (truncated or extended)",
            payload.len()
        ));
    }
    let mut sum = [0u8; 16];
    sum.copy_from_slice(&header[16..32]);
    if u128::from_le_bytes(sum) != xxh3_128(payload) {
        return Err("checksum mismatch".into());
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(payload: &[u8]) -> Vec<u8> {
        framed_as(payload, Compression::None)
    }

    fn framed_as(payload: &[u8], compression: Compression) -> Vec<u8> {
        let mut buf = begin();
        buf.extend_from_slice(payload);
        seal(&mut buf, compression);
        buf
    }

    fn open(bytes: &[u8]) -> Result<&[u8], String> {
        super::open(bytes, Compression::None)
    }

    #[test]
    fn round_trip() {
        let buf = framed(b"hello");
        assert_eq!(open(&buf).expect("valid"), b"hello");
        assert_eq!(open(&framed(b"")).expect("valid"), b"");
    }

    #[test]
    fn compression_is_recorded_and_never_guessed() {
        let zstd = framed_as(b"compressed bytes", Compression::Zstd);
        assert_eq!(zstd[5], FLAG_ZSTD);
        assert_eq!(
            super::open(&zstd, Compression::Zstd).expect("valid"),
            b"compressed bytes"
        );
        assert_eq!(
            super::open(&zstd, Compression::None).expect_err("flag mismatch"),
            "the entry is zstd-compressed but its format reads uncompressed entries"
        );
        let plain = framed(b"plain bytes");
        assert_eq!(plain[5], 0);
        assert_eq!(
            super::open(&plain, Compression::Zstd).expect_err("flag mismatch"),
            "the entry is uncompressed but its format reads zstd-compressed entries"
        );
    }

    #[test]
    fn unknown_flags_are_rejected() {
        let mut buf = framed(b"x");
        buf[5] = 0b10;
        assert!(open(&buf)
            .expect_err("unknown flag")
            .starts_with("unknown flags"));
    }

    #[test]
    fn every_truncation_is_rejected() {
        let buf = framed(b"some payload bytes");
        for len in 0..buf.len() {
            assert!(open(&buf[..len]).is_err(), "truncated to {len} accepted");
        }
    }

    #[test]
    fn every_bit_flip_is_rejected() {
        let buf = framed(b"payload");
        for i in 0..buf.len() * 8 {
            let mut bad = buf.clone();
            bad[i / 8] ^= 1 << (i % 8);
            assert!(open(&bad).is_err(), "flip of bit {i} accepted");
        }
    }

    #[test]
    fn foreign_bytes_are_rejected() {
        assert!(open(b"{\"json\": true, \"padding\": \"xxxxxxxxxxxxxxxxx\"}").is_err());
    }
}
