use std::fmt;
use std::sync::OnceLock;

#[allow(unused_imports)] // which formats exist depends on the features
use super::*;
use crate::error::FormatError;

/// Any format, compressed with [zstd](https://facebook.github.io/zstd/).
///
/// The entry records that it is compressed (a flag in its header), and the
/// name that enters keys becomes `"<format>+zstd"`, so a compressed and a
/// plain entry never meet; the level only trades time for size and is not
/// part of the name. A compressed entry is no longer readable as text, so
/// it is always wrapped in perscache's checksummed frame: its file
/// (`<key>.<ext>.zst`) is a 32-byte header followed by a standard zstd stream
/// (`tail -c +33 entry.json.zst | zstd -d` shows the JSON).
///
/// ```
/// use perscache::{Codec, Format, Json, Zstd};
///
/// let format = Zstd::new(Json); // or Json.compressed()
/// assert_eq!(format.name(), "json+zstd");
/// assert_eq!(format.extension(), "json.zst");
///
/// let value = vec!["the same line".to_string(); 1000];
/// let mut buf = Vec::new();
/// format.encode(&value, &mut buf)?;
/// assert!(buf.len() < 200);
/// let back: Vec<String> = format.decode(&buf)?;
/// assert_eq!(back, value);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "zstd")))]
pub struct Zstd<F> {
    inner: F,
    level: i32,
    name: OnceLock<String>,
    extension: OnceLock<String>,
}

impl<F> Zstd<F> {
    /// The level of [`Zstd::new`]: zstd's own default, fast with a good ratio.
    pub const DEFAULT_LEVEL: i32 = 3;

    /// `inner`, compressed at [`DEFAULT_LEVEL`](Self::DEFAULT_LEVEL).
    ///
    /// ```
    /// const FORMAT: perscache::Zstd<perscache::Binary> = perscache::Zstd::new(perscache::Binary);
    /// # use perscache::Format;
    /// assert_eq!(FORMAT.name(), "postcard+zstd");
    /// ```
    pub const fn new(inner: F) -> Self {
        Self::with_level(inner, Self::DEFAULT_LEVEL)
    }

    /// `inner`, compressed at `level` (1 to 22; higher is smaller and slower;
    /// negative levels are faster still).
    ///
    /// ```
    /// use perscache::{Codec, Json, Zstd};
    ///
    /// let mut buf = Vec::new();
    /// Zstd::with_level(Json, 19).encode(&vec![0u8; 4096], &mut buf)?;
    /// assert!(buf.len() < 100);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn with_level(inner: F, level: i32) -> Self {
        Zstd {
            inner,
            level,
            name: OnceLock::new(),
            extension: OnceLock::new(),
        }
    }

    /// The compressed format.
    ///
    /// ```
    /// assert_eq!(*perscache::Zstd::new(perscache::Json).inner(), perscache::Json);
    /// ```
    pub fn inner(&self) -> &F {
        &self.inner
    }

    /// The compressed format, unwrapped.
    ///
    /// ```
    /// assert_eq!(perscache::Zstd::new(perscache::Json).into_inner(), perscache::Json);
    /// ```
    pub fn into_inner(self) -> F {
        self.inner
    }

    /// The compression level.
    ///
    /// ```
    /// assert_eq!(perscache::Zstd::with_level(perscache::Json, 9).level(), 9);
    /// ```
    pub fn level(&self) -> i32 {
        self.level
    }
}

impl<F: fmt::Debug> fmt::Debug for Zstd<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Zstd")
            .field("inner", &self.inner)
            .field("level", &self.level)
            .finish()
    }
}

impl<F: Clone> Clone for Zstd<F> {
    fn clone(&self) -> Self {
        Self::with_level(self.inner.clone(), self.level)
    }
}

impl<F: PartialEq> PartialEq for Zstd<F> {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner && self.level == other.level
    }
}

impl<F: Format> Format for Zstd<F> {
    fn name(&self) -> &str {
        self.name
            .get_or_init(|| format!("{}+zstd", self.inner.name()))
    }
    fn extension(&self) -> &str {
        self.extension
            .get_or_init(|| format!("{}.zst", self.inner.extension()))
    }
    fn is_binary(&self) -> bool {
        true
    }
    fn framed(&self) -> bool {
        true
    }
    fn compression(&self) -> Compression {
        Compression::Zstd
    }
}

impl<T, F: Codec<T>> Codec<T> for Zstd<F> {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let mut plain = Vec::new();
        self.inner.encode(value, &mut plain)?;
        let mut encoder =
            ::zstd::stream::Encoder::new(&mut *out, self.level).map_err(FormatError::new)?;
        if self.level >= 20 {
            // The "ultra" levels pick windows past what readers accept.
            encoder
                .window_log(WINDOW_LOG_MAX)
                .map_err(FormatError::new)?;
        }
        std::io::Write::write_all(&mut encoder, &plain).map_err(FormatError::new)?;
        encoder.finish().map_err(FormatError::new)?;
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        self.inner.decode(&decompress(bytes)?)
    }

    fn check(&self, value: &T, bytes: &[u8]) -> Result<(), FormatError> {
        self.inner.check(value, &decompress(bytes)?)
    }

    fn checks_on_encode(&self) -> bool {
        self.inner.checks_on_encode()
    }
}

/// The largest window a reader accepts (and levels 20 to 22 write): 16 MiB,
/// above what levels up to 19 use. Without a cap, a 14-byte frame declaring a huge window makes
/// the decoder allocate it before reading anything.
const WINDOW_LOG_MAX: u32 = 24;

fn decompress(bytes: &[u8]) -> Result<Vec<u8>, FormatError> {
    let mut decoder =
        ::zstd::stream::read::Decoder::with_buffer(bytes).map_err(FormatError::new)?;
    decoder
        .window_log_max(WINDOW_LOG_MAX)
        .map_err(FormatError::new)?;
    // Never past the bound (the cache's `max_entry_size`): a few bytes of
    // zstd can declare gigabytes of output.
    let limit = super::bounds().decoded;
    let mut out = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(decoder, limit.saturating_add(1)),
        &mut out,
    )
    .map_err(FormatError::new)?;
    if out.len() as u64 > limit {
        return Err(FormatError::new(format!(
            "decompresses to more than max_entry_size ({limit} bytes)"
        )));
    }
    Ok(out)
}

/// `.compressed()` on the built-in formats, as a `const fn` so the result can
/// be a `const` or a `#[persist(serializer = ...)]` expression.
macro_rules! compressed {
    ($($ty:ident),* $(,)?) => {
        $(impl $ty {
            /// This format compressed with zstd at the default level; see [`Zstd`].
            ///
            /// ```
            /// use perscache::Format;
            #[doc = concat!("let f = perscache::", stringify!($ty), ".compressed();")]
            /// assert!(f.name().ends_with("+zstd"));
            /// ```
            pub const fn compressed(self) -> Zstd<Self> {
                Zstd::new(self)
            }
        })*
    };
}

compressed!(Binary, Json, JsonPretty);
#[cfg(feature = "yaml")]
compressed!(Yaml);
#[cfg(feature = "msgpack")]
compressed!(MessagePack);
#[cfg(feature = "cbor")]
compressed!(Cbor);
#[cfg(feature = "csv")]
compressed!(Csv);
#[cfg(feature = "parquet")]
compressed!(Parquet);

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn a_frame_declaring_a_huge_window_is_refused() {
        let mut frame = Vec::new();
        let mut encoder = ::zstd::stream::Encoder::new(&mut frame, 3).expect("encoder");
        encoder.window_log(30).expect("window");
        std::io::Write::write_all(&mut encoder, b"tiny").expect("write");
        encoder.finish().expect("finish");
        assert!(frame.len() < 64, "{} bytes", frame.len());
        assert!(decompress(&frame).is_err());
    }

    #[test]
    fn ultra_levels_stay_readable() {
        let value = vec![7u8; 1 << 20];
        let mut buf = Vec::new();
        let f = Zstd::with_level(crate::Binary, 22);
        f.encode(&value, &mut buf).expect("encode");
        let back: Vec<u8> = f.decode(&buf).expect("decode");
        assert_eq!(back, value);
    }
}
