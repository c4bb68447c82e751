use std::fmt;

use super::{Codec, Format};
use crate::error::{BoxError, FormatError};

/// A format made of two closures, a name and an extension: the original
/// perscache's `make_serializer`.
///
/// The name enters every key and the closures cannot be hashed, so **change
/// the name when you change what the closures write**; otherwise old entries
/// are read with the new code. Entries of [`new`](Self::new) are binary
/// (framed with a checksum); those of [`new_text`](Self::new_text) are stored
/// bare so other tools can read them.
///
/// For a format with options or state, implement [`Format`] and [`Codec`]
/// on a type of your own instead (see [`Codec`]).
///
/// ```
/// use perscache::{Codec, Custom, Format};
///
/// // Lines of text, one string per line; a `const`, so it can be named in
/// // `#[persist(serializer = LINES)]`.
/// const LINES: perscache::FnCustom<Vec<String>> = Custom::new_text(
///     "lines-v1",
///     "txt",
///     |v: &Vec<String>| Ok(v.join("\n").into_bytes()),
///     |b: &[u8]| Ok(std::str::from_utf8(b)?.lines().map(String::from).collect()),
/// );
///
/// let mut buf = Vec::new();
/// LINES.encode(&vec!["a".to_string(), "b".to_string()], &mut buf)?;
/// assert_eq!(buf, b"a\nb");
/// assert_eq!(LINES.decode(&buf)?, ["a", "b"]);
/// assert!(!LINES.is_binary());
///
/// // Or, where a `const` is not needed, with the types inferred:
/// let upper = Custom::new(
///     "upper-v1",
///     "up",
///     |s: &String| Ok::<_, perscache::BoxError>(s.to_uppercase().into_bytes()),
///     |b: &[u8]| Ok::<_, perscache::BoxError>(String::from_utf8(b.to_vec())?),
/// );
/// let mut buf = Vec::new();
/// upper.encode(&"hi".to_string(), &mut buf)?;
/// assert_eq!(upper.decode(&buf)?, "HI");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Custom<E, D> {
    name: &'static str,
    extension: &'static str,
    binary: bool,
    encode: E,
    decode: D,
}

/// A [`Custom`] format of plain functions (closures that capture nothing
/// coerce to them), whose type can be written out for a `const` or `static`.
///
/// ```
/// const HEX: perscache::FnCustom<u32> = perscache::Custom::new(
///     "hex-v1",
///     "hex",
///     |v: &u32| Ok(format!("{v:x}").into_bytes()),
///     |b: &[u8]| Ok(u32::from_str_radix(std::str::from_utf8(b)?, 16)?),
/// );
/// # use perscache::Codec;
/// let mut buf = Vec::new();
/// HEX.encode(&255, &mut buf)?;
/// assert_eq!(buf, b"ff");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type FnCustom<T> =
    Custom<fn(&T) -> Result<Vec<u8>, BoxError>, fn(&[u8]) -> Result<T, BoxError>>;

impl<E, D> Custom<E, D> {
    /// A binary format called `name` whose entries end in `.extension`,
    /// encoding with `encode` and decoding with `decode`.
    ///
    /// ```
    /// use perscache::{Codec, Custom, Format};
    ///
    /// let le = Custom::new(
    ///     "u64-le-v1",
    ///     "u64",
    ///     |v: &u64| Ok::<_, perscache::BoxError>(v.to_le_bytes().to_vec()),
    ///     |b: &[u8]| Ok::<_, perscache::BoxError>(u64::from_le_bytes(b.try_into()?)),
    /// );
    /// let mut buf = Vec::new();
    /// le.encode(&7, &mut buf)?;
    /// assert_eq!(le.decode(&buf)?, 7);
    /// assert!(le.framed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub const fn new(name: &'static str, extension: &'static str, encode: E, decode: D) -> Self {
        Custom {
            name,
            extension,
            binary: true,
            encode,
            decode,
        }
    }

    /// Like [`new`](Self::new), but entries are text, stored bare for other
    /// tools to read instead of framed with a checksum.
    ///
    /// ```
    /// use perscache::{Custom, Format};
    ///
    /// let text = Custom::new_text(
    ///     "utf8-v1",
    ///     "txt",
    ///     |s: &String| Ok::<_, perscache::BoxError>(s.clone().into_bytes()),
    ///     |b: &[u8]| Ok::<_, perscache::BoxError>(String::from_utf8(b.to_vec())?),
    /// );
    /// assert!(!text.framed());
    /// ```
    pub const fn new_text(
        name: &'static str,
        extension: &'static str,
        encode: E,
        decode: D,
    ) -> Self {
        Custom {
            name,
            extension,
            binary: false,
            encode,
            decode,
        }
    }
}

impl<E, D> fmt::Debug for Custom<E, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Custom")
            .field("name", &self.name)
            .field("extension", &self.extension)
            .field("binary", &self.binary)
            .finish_non_exhaustive()
    }
}

impl<E: Send + Sync, D: Send + Sync> Format for Custom<E, D> {
    fn name(&self) -> &str {
        self.name
    }
    fn extension(&self) -> &str {
        self.extension
    }
    fn is_binary(&self) -> bool {
        self.binary
    }
}

impl<T, E, D, EE, DE> Codec<T> for Custom<E, D>
where
    E: Fn(&T) -> Result<Vec<u8>, EE> + Send + Sync,
    D: Fn(&[u8]) -> Result<T, DE> + Send + Sync,
    EE: Into<BoxError>,
    DE: Into<BoxError>,
{
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        let bytes = (self.encode)(value).map_err(FormatError::new)?;
        out.extend_from_slice(&bytes);
        Ok(())
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        (self.decode)(bytes).map_err(FormatError::new)
    }
}
