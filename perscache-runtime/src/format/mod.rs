//! Formats: how a result becomes bytes and back.
//!
//! A format is two traits. [`Format`] says what it is called and how its files
//! end, and whether its entries are binary (binary entries are framed with a
//! checksum; text entries are stored as they are, so that any reader can open
//! them). [`Codec<T>`] encodes and decodes one type. A format that holds only
//! some types, such as CSV holding `Vec<Record>`, implements `Codec` for just
//! those, and `#[persist(serializer = ...)]` on a function returning anything
//! else does not compile.
//!
//! [`AnyFormat`] is the choice a [`Cache`](crate::Cache) makes for functions
//! that name no format: any of the built-in serde formats, picked in code or
//! from configuration.

mod binary;
mod custom;
mod depth;
mod guard;
mod json;

#[cfg(feature = "cbor")]
mod cbor;
#[cfg(feature = "zstd")]
mod compress;
#[cfg(feature = "csv")]
mod csv;
#[cfg(feature = "msgpack")]
mod msgpack;
#[cfg(feature = "parquet")]
mod parquet;
#[cfg(feature = "yaml")]
mod yaml;

use serde::{de::DeserializeOwned, Serialize};

pub use binary::Binary;
pub use custom::{Custom, FnCustom};
pub use json::{Json, JsonPretty};

#[cfg(feature = "cbor")]
pub use self::cbor::Cbor;
#[cfg(feature = "zstd")]
pub use self::compress::Zstd;
#[cfg(feature = "csv")]
pub use self::csv::Csv;
#[cfg(feature = "msgpack")]
pub use self::msgpack::MessagePack;
#[cfg(feature = "parquet")]
pub use self::parquet::Parquet;
#[cfg(feature = "yaml")]
pub use self::yaml::Yaml;

pub(crate) use guard::is_lossy_value;

/// How the decodes on a thread are bounded ([`with_bounds`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// The most bytes a decompressing format may produce: the cache's
    /// `max_entry_size`, so that a small compressed entry cannot unpack into
    /// more memory than a large stored one could take.
    #[cfg_attr(not(feature = "zstd"), allow(dead_code))]
    pub(crate) decoded: u64,
    /// Whether a decoder without a nesting limit of its own gets one
    /// (`depth.rs`). Off only for bytes that were through it already: a
    /// payload this process has read before, or one it wrote under the
    /// guard's limit, which is the same.
    pub(crate) nesting: bool,
}

impl Bounds {
    /// Bounds for bytes from storage, which may be damaged or hostile.
    pub(crate) fn untrusted(decoded: u64) -> Self {
        Bounds {
            decoded,
            nesting: true,
        }
    }
}

thread_local! {
    static BOUNDS: std::cell::Cell<Bounds> = const {
        std::cell::Cell::new(Bounds {
            decoded: crate::DEFAULT_MAX_ENTRY_SIZE,
            nesting: true,
        })
    };
}

/// Runs `decode` under `bounds`.
pub(crate) fn with_bounds<R>(bounds: Bounds, decode: impl FnOnce() -> R) -> R {
    let before = BOUNDS.replace(bounds);
    let result = decode();
    BOUNDS.set(before);
    result
}

/// The bounds [`with_bounds`] set, else the defaults (untrusted bytes,
/// [`DEFAULT_MAX_ENTRY_SIZE`](crate::DEFAULT_MAX_ENTRY_SIZE)).
pub(crate) fn bounds() -> Bounds {
    BOUNDS.get()
}

use crate::error::FormatError;

/// What a format is called and how its entries look on storage.
///
/// Implement it with [`Codec`] for a format of your own (the example on
/// [`Codec`]), or build one from two closures with [`Custom`].
pub trait Format: Send + Sync {
    /// The name that enters every key: change it when the bytes a format
    /// writes for the same value change. Options that do not change the value
    /// read back (such as pretty printing or a compression level) should not
    /// change it.
    fn name(&self) -> &str;

    /// The file extension of entries, without a dot (`"json"`).
    fn extension(&self) -> &str;

    /// Whether entries are binary rather than text people read.
    fn is_binary(&self) -> bool {
        true
    }

    /// Whether the cache wraps entries in its frame: a header with a
    /// checksum, so a truncated or flipped byte is a miss and never a wrong
    /// value. By default binary entries are framed and text entries are
    /// stored bare, so that standard tools read them; a binary format with
    /// checks of its own that other tools should open as-is (Parquet) says
    /// `false`.
    fn framed(&self) -> bool {
        self.is_binary()
    }

    /// How the payload is compressed. Framed entries record it in their
    /// header, and an entry whose record disagrees with the format reading it
    /// is rejected, so reading never guesses. [`Zstd`](crate::Zstd) says
    /// [`Compression::Zstd`]; every other format says [`Compression::None`].
    fn compression(&self) -> Compression {
        Compression::None
    }
}

/// The compression of a format's payload, recorded in each framed entry.
///
/// ```
/// use perscache::{Compression, Format, Json};
///
/// assert_eq!(Json.compression(), Compression::None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Compression {
    /// Stored as the format wrote it.
    #[default]
    None,
    /// A zstd stream (the `zstd` feature).
    Zstd,
}

/// Encodes and decodes values of type `T`.
///
/// ```
/// use perscache::{Codec, Format, FormatError};
///
/// /// Stores strings as UTF-8 text.
/// struct Text;
///
/// impl Format for Text {
///     fn name(&self) -> &str { "text".into() }
///     fn extension(&self) -> &str { "txt" }
///     fn is_binary(&self) -> bool { false }
/// }
///
/// impl Codec<String> for Text {
///     fn encode(&self, value: &String, out: &mut Vec<u8>) -> Result<(), FormatError> {
///         out.extend_from_slice(value.as_bytes());
///         Ok(())
///     }
///     fn decode(&self, bytes: &[u8]) -> Result<String, FormatError> {
///         String::from_utf8(bytes.to_vec()).map_err(FormatError::new)
///     }
/// }
///
/// let mut buf = Vec::new();
/// Text.encode(&"hi".to_string(), &mut buf)?;
/// assert_eq!(Text.decode(&buf)?, "hi");
/// Text.check(&"hi".to_string(), &buf)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "the format `{Self}` cannot hold a `{T}`",
    label = "`{Self}` does not implement `Codec<{T}>`",
    note = "CSV holds `Vec<Record>`; Parquet holds `Vec<Record>` and `RecordBatch`; \
            the serde formats hold `Serialize + DeserializeOwned` types (docs/formats.md)"
)]
pub trait Codec<T>: Format {
    /// Appends the encoding of `value` to `out`.
    ///
    /// A value the format cannot hold is an error here (or in
    /// [`check`](Self::check)), never bytes that read back as something else.
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Decodes a value from exactly `bytes`.
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError>;

    /// Checks that `bytes`, which [`encode`](Self::encode) wrote for `value`,
    /// read back as `value`. The cache calls it on the first write of each
    /// function, unless [`checks_on_encode`](Self::checks_on_encode) says
    /// `encode` already refuses such values, and on the next write after an
    /// entry of the function failed to decode. If it fails, the cache turns
    /// caching off for that function, with a warning naming the format and
    /// the type.
    ///
    /// The default only decodes; a format of your own may also compare.
    fn check(&self, value: &T, bytes: &[u8]) -> Result<(), FormatError> {
        let _ = value;
        self.decode(bytes).map(drop)
    }

    /// Whether [`encode`](Self::encode) refuses, in the pass that writes,
    /// every value it would read back as another, so that the cache need not
    /// read a function's first write back. The default is `false`.
    ///
    /// The built-in formats say `true` (except Parquet for a `RecordBatch`):
    /// they refuse `Some(None)` in JSON, `Some("")` in CSV and the like while
    /// they write, and the cache then skips storing that one result, with a
    /// warning; the function's other results are still cached.
    ///
    /// ```
    /// use perscache::{Codec, Json};
    ///
    /// assert!(Codec::<Option<Option<u8>>>::checks_on_encode(&Json));
    /// let mut buf = Vec::new();
    /// assert!(Json.encode(&Some(None::<u8>), &mut buf).is_err());
    /// Json.encode(&Some(Some(1u8)), &mut buf)?;
    /// assert_eq!(buf, b"1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn checks_on_encode(&self) -> bool {
        false
    }
}

impl<F: Format + ?Sized> Format for &F {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn extension(&self) -> &str {
        (**self).extension()
    }
    fn is_binary(&self) -> bool {
        (**self).is_binary()
    }
    fn framed(&self) -> bool {
        (**self).framed()
    }
    fn compression(&self) -> Compression {
        (**self).compression()
    }
}

impl<T, F: Codec<T> + ?Sized> Codec<T> for &F {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        (**self).encode(value, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        (**self).decode(bytes)
    }
    fn check(&self, value: &T, bytes: &[u8]) -> Result<(), FormatError> {
        (**self).check(value, bytes)
    }
    fn checks_on_encode(&self) -> bool {
        (**self).checks_on_encode()
    }
}

/// The built-in serde formats, listed once: each with its variant of
/// [`AnyFormat`] (named as its type), the feature it needs, its name in
/// configuration, its name in keys, its files' extension and the other names
/// configuration accepts. Every match over them below is made from this
/// list by `$callback`, with `$args` passed through; adding a format is one
/// line here (and its module above).
macro_rules! builtin_formats {
    ($callback:ident!($($args:tt)*)) => {
        $callback! { ($($args)*)
            /// The compact binary format, [`Binary`].
            #[default]
            Binary: config "binary", key "postcard", extension "bin", aliases ["postcard", "bin"];
            /// Compact JSON, [`Json`].
            Json: config "json", key "json", extension "json", aliases [];
            /// Indented JSON, [`JsonPretty`].
            JsonPretty: config "json-pretty", key "json", extension "json", aliases [];
            /// YAML, [`Yaml`] (the `yaml` feature).
            Yaml(feature "yaml"): config "yaml", key "yaml", extension "yaml", aliases ["yml"];
            /// MessagePack, [`MessagePack`] (the `msgpack` feature).
            MessagePack(feature "msgpack"):
                config "msgpack", key "msgpack", extension "msgpack", aliases ["messagepack"];
            /// CBOR, [`Cbor`] (the `cbor` feature).
            Cbor(feature "cbor"): config "cbor", key "cbor", extension "cbor", aliases [];
        }
    };
}

/// `Some(feature)`, or `None` for a format always compiled in.
macro_rules! feature_of {
    () => {
        None
    };
    ($feature:literal) => {
        Some($feature)
    };
}

/// [`AnyFormat`], the names of every built-in format, and the conversions,
/// from [`builtin_formats`].
macro_rules! define_any_format {
    (() $(
        $(#[$attr:meta])*
        $name:ident $((feature $feature:literal))?:
            config $config:literal, key $key:literal, extension $ext:literal,
            aliases [$($alias:literal),*];
    )*) => {
        /// One of the built-in serde formats, chosen at run time: the default format
        /// of a [`Cache`](crate::Cache), used by every function that names none.
        ///
        /// Configuration names it by the names [`AnyFormat::names`] lists, with
        /// `+zstd` appended for compression (the `zstd` feature): `PERSCACHE_FORMAT=yaml`,
        /// `format = "json+zstd"`. CSV and Parquet hold only tables, so they are not
        /// among them; name them on the functions that return tables.
        ///
        /// ```
        /// use perscache::{AnyFormat, Json};
        ///
        /// let f: AnyFormat = Json.into();
        /// assert_eq!(f, "json".parse()?);
        /// assert_eq!(f.to_string(), "json");
        /// assert!("xml".parse::<AnyFormat>().unwrap_err().to_string()
        ///     .starts_with("invalid perscache configuration: unknown format `xml`; expected one of binary, json, json-pretty"));
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        #[non_exhaustive]
        pub enum AnyFormat {
            $(
                $(#[$attr])*
                $(#[cfg(feature = $feature)])?
                $name,
            )*
            /// Another of these, compressed: [`Zstd`] (the `zstd` feature).
            /// Compressing twice is compressing once.
            #[cfg(feature = "zstd")]
            Zstd {
                /// The compressed format.
                format: &'static AnyFormat,
                /// The zstd level.
                level: i32,
            },
        }

        /// Every built-in serde format with its feature, compiled in or not, so that
        /// configuration naming a format that is left out says which feature to turn on.
        const KNOWN: &[(&str, &[&str], Option<&str>)] = &[
            $(($config, &[$config $(, $alias)*], feature_of!($($feature)?)),)*
        ];

        impl AnyFormat {
            fn names_of(&self) -> Names {
                match self.base() {
                    $(
                        $(#[cfg(feature = $feature)])?
                        AnyFormat::$name => names!($config, $key, $ext),
                    )*
                    // `base()` strips these.
                    #[cfg(feature = "zstd")]
                    AnyFormat::Zstd { .. } => names!("binary", "postcard", "bin"),
                }
            }

            /// A `'static` copy of a plain format, for [`AnyFormat::Zstd`].
            #[cfg(feature = "zstd")]
            const fn to_static(self) -> &'static AnyFormat {
                match self {
                    $(
                        $(#[cfg(feature = $feature)])?
                        AnyFormat::$name => &AnyFormat::$name,
                    )*
                    AnyFormat::Zstd { format, .. } => format,
                }
            }

            /// The plain format compiled in under the name `lower`, if any.
            fn parse_plain(lower: &str) -> Option<AnyFormat> {
                match lower {
                    $(
                        $(#[cfg(feature = $feature)])?
                        $config $(| $alias)* => Some(AnyFormat::$name),
                    )*
                    _ => None,
                }
            }
        }

        $(
            $(#[cfg(feature = $feature)])?
            impl From<$name> for AnyFormat {
                fn from(_: $name) -> Self {
                    AnyFormat::$name
                }
            }
        )*
    };
}

builtin_formats!(define_any_format!());

/// The arms of [`dispatch`], from [`builtin_formats`].
macro_rules! dispatch_arms {
    (($any:expr, $f:ident, $body:expr) $(
        $(#[$attr:meta])*
        $name:ident $((feature $feature:literal))?:
            config $config:literal, key $key:literal, extension $ext:literal,
            aliases [$($alias:literal),*];
    )*) => {
        match $any {
            $(
                $(#[cfg(feature = $feature)])?
                AnyFormat::$name => {
                    let $f = $name;
                    $body
                }
            )*
            #[cfg(feature = "zstd")]
            AnyFormat::Zstd { format, level } => {
                let $f = Zstd::with_level(*format.base(), *level);
                $body
            }
        }
    };
}

/// Calls `$body` with `$f` bound to the concrete format behind an [`AnyFormat`].
macro_rules! dispatch {
    ($any:expr, |$f:ident| $body:expr) => {
        builtin_formats!(dispatch_arms!($any, $f, $body))
    };
}

/// The names of one plain format: in configuration, in keys, on files.
struct Names {
    config: &'static str,
    key: &'static str,
    extension: &'static str,
    key_zstd: &'static str,
    extension_zstd: &'static str,
}

macro_rules! names {
    ($config:literal, $key:literal, $ext:literal) => {
        Names {
            config: $config,
            key: $key,
            extension: $ext,
            key_zstd: concat!($key, "+zstd"),
            extension_zstd: concat!($ext, ".zst"),
        }
    };
}
use names;

impl AnyFormat {
    /// The names [`FromStr`](std::str::FromStr) accepts (before an optional
    /// `+zstd`), for the formats compiled in.
    ///
    /// ```
    /// assert!(perscache::AnyFormat::names().contains(&"json"));
    /// ```
    pub fn names() -> Vec<&'static str> {
        KNOWN
            .iter()
            .filter_map(|(name, _, _)| AnyFormat::parse_plain(name).map(|_| *name))
            .collect()
    }

    /// The plain format under any compression.
    fn base(&self) -> &AnyFormat {
        #[cfg(feature = "zstd")]
        if let AnyFormat::Zstd { format, .. } = self {
            return format.base();
        }
        self
    }

    fn compressed(&self) -> bool {
        #[cfg(feature = "zstd")]
        if let AnyFormat::Zstd { .. } = self {
            return true;
        }
        false
    }
}

impl std::fmt::Display for AnyFormat {
    /// The name [`FromStr`](std::str::FromStr) reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.names_of().config)?;
        if self.compressed() {
            f.write_str("+zstd")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for AnyFormat {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        if let Some(plain) = lower.strip_suffix("+zstd") {
            #[cfg(feature = "zstd")]
            return Ok(AnyFormat::Zstd {
                format: plain.parse::<AnyFormat>()?.to_static(),
                level: compress::Zstd::<()>::DEFAULT_LEVEL,
            });
            #[cfg(not(feature = "zstd"))]
            return Err(crate::Error::Config(format!(
                "format `{plain}+zstd` needs the `zstd` feature of perscache"
            )));
        }
        if let Some(f) = AnyFormat::parse_plain(&lower) {
            return Ok(f);
        }
        let left_out = KNOWN
            .iter()
            .find(|(_, aliases, _)| aliases.contains(&lower.as_str()))
            .and_then(|(_, _, feature)| *feature);
        Err(crate::Error::Config(match left_out {
            Some(feature) => {
                format!("format `{lower}` needs the `{feature}` feature of perscache")
            }
            None => format!(
                "unknown format `{lower}`; expected one of {} (with `+zstd` to compress)",
                Self::names().join(", ")
            ),
        }))
    }
}

#[cfg(feature = "zstd")]
impl<F: Into<AnyFormat>> From<Zstd<F>> for AnyFormat {
    fn from(z: Zstd<F>) -> Self {
        let level = z.level();
        AnyFormat::Zstd {
            format: z.into_inner().into().to_static(),
            level,
        }
    }
}

impl Format for AnyFormat {
    fn name(&self) -> &str {
        let names = self.names_of();
        if self.compressed() {
            names.key_zstd
        } else {
            names.key
        }
    }
    fn extension(&self) -> &str {
        let names = self.names_of();
        if self.compressed() {
            names.extension_zstd
        } else {
            names.extension
        }
    }
    fn is_binary(&self) -> bool {
        dispatch!(self, |f| f.is_binary())
    }
    fn framed(&self) -> bool {
        dispatch!(self, |f| f.framed())
    }
    fn compression(&self) -> Compression {
        dispatch!(self, |f| f.compression())
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for AnyFormat {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        dispatch!(self, |f| f.encode(value, out))
    }
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        dispatch!(self, |f| f.decode(bytes))
    }
    fn check(&self, value: &T, bytes: &[u8]) -> Result<(), FormatError> {
        dispatch!(self, |f| f.check(value, bytes))
    }
    fn checks_on_encode(&self) -> bool {
        dispatch!(self, |f| Codec::<T>::checks_on_encode(&f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back() {
        for name in AnyFormat::names() {
            let f: AnyFormat = name.parse().expect("listed names parse");
            assert_eq!(f.to_string(), name);
            #[cfg(feature = "zstd")]
            {
                let z: AnyFormat = format!("{name}+zstd").parse().expect("+zstd parses");
                assert_eq!(z.to_string(), format!("{name}+zstd"));
                assert_eq!(z.name(), format!("{}+zstd", f.name()));
                assert_eq!(z.extension(), format!("{}.zst", f.extension()));
                assert!(z.framed());
                assert_eq!(z.compression(), Compression::Zstd);
            }
        }
    }

    #[test]
    fn features_left_out_are_named() {
        #[cfg(not(feature = "yaml"))]
        assert_eq!(
            "yaml"
                .parse::<AnyFormat>()
                .expect_err("left out")
                .to_string(),
            "invalid perscache configuration: format `yaml` needs the `yaml` feature of perscache"
        );
        assert!("xml".parse::<AnyFormat>().is_err());
    }

    #[cfg(feature = "zstd")]
    #[test]
    fn compressing_twice_is_compressing_once() {
        let once: AnyFormat = Zstd::new(Json).into();
        let twice = AnyFormat::Zstd {
            format: &AnyFormat::Zstd {
                format: &AnyFormat::Json,
                level: 3,
            },
            level: 3,
        };
        assert_eq!(once.name(), twice.name());
        let mut a = Vec::new();
        let mut b = Vec::new();
        once.encode(&vec![1, 2, 3], &mut a).expect("encodes");
        twice.encode(&vec![1, 2, 3], &mut b).expect("encodes");
        assert_eq!(a, b);
    }
}
