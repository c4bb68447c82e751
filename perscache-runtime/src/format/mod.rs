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
mod json;

use serde::{de::DeserializeOwned, Serialize};

pub use binary::Binary;
pub use json::{Json, JsonPretty};

use crate::error::FormatError;

/// What a format is called and how its entries look on storage.
pub trait Format: Send + Sync {
    /// The name that enters every key: change it when the bytes a format
    /// writes for the same value change. Options that do not change the value
    /// read back (such as pretty printing) should not change it.
    fn name(&self) -> &str;

    /// The file extension of entries, without a dot (`"json"`).
    fn extension(&self) -> &str;

    /// Whether entries are binary. Binary entries are framed with a header and
    /// a checksum, so a truncated or flipped byte is detected; text entries are
    /// stored bare, so that standard tools can read them.
    fn is_binary(&self) -> bool {
        true
    }
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
/// Text.encode(&"hi".to_string(), &mut buf).unwrap();
/// assert_eq!(Text.decode(&buf).unwrap(), "hi");
/// ```
pub trait Codec<T>: Format {
    /// Appends the encoding of `value` to `out`.
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError>;

    /// Decodes a value from exactly `bytes`.
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError>;
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
}

impl<T, F: Codec<T> + ?Sized> Codec<T> for &F {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        (**self).encode(value, out)
    }
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        (**self).decode(bytes)
    }
}

/// One of the built-in serde formats, chosen at run time: the default format
/// of a [`Cache`](crate::Cache), used by every function that names none.
///
/// ```
/// use perscache::{AnyFormat, Json};
///
/// let f: AnyFormat = Json.into();
/// assert_eq!(f, "json".parse().unwrap());
/// assert_eq!("yml".parse::<AnyFormat>().unwrap_err().to_string(),
///            "invalid perscache configuration: unknown format `yml`; expected one of binary, json, json-pretty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AnyFormat {
    /// The compact binary format, [`Binary`].
    #[default]
    Binary,
    /// Compact JSON, [`Json`].
    Json,
    /// Indented JSON, [`JsonPretty`].
    JsonPretty,
}

impl AnyFormat {
    /// The names accepted by [`FromStr`](std::str::FromStr), for error messages.
    pub const NAMES: &'static [&'static str] = &["binary", "json", "json-pretty"];
}

impl std::str::FromStr for AnyFormat {
    type Err = crate::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "binary" | "postcard" | "bin" => Ok(AnyFormat::Binary),
            "json" => Ok(AnyFormat::Json),
            "json-pretty" => Ok(AnyFormat::JsonPretty),
            other => Err(crate::Error::Config(format!(
                "unknown format `{other}`; expected one of {}",
                Self::NAMES.join(", ")
            ))),
        }
    }
}

impl From<Binary> for AnyFormat {
    fn from(_: Binary) -> Self {
        AnyFormat::Binary
    }
}

impl From<Json> for AnyFormat {
    fn from(_: Json) -> Self {
        AnyFormat::Json
    }
}

impl From<JsonPretty> for AnyFormat {
    fn from(_: JsonPretty) -> Self {
        AnyFormat::JsonPretty
    }
}

/// Calls `$body` with `$f` bound to the concrete format behind an [`AnyFormat`].
macro_rules! dispatch {
    ($any:expr, |$f:ident| $body:expr) => {
        match $any {
            AnyFormat::Binary => {
                let $f = Binary;
                $body
            }
            AnyFormat::Json => {
                let $f = Json;
                $body
            }
            AnyFormat::JsonPretty => {
                let $f = JsonPretty;
                $body
            }
        }
    };
}

impl Format for AnyFormat {
    fn name(&self) -> &str {
        match self {
            AnyFormat::Binary => "postcard",
            AnyFormat::Json | AnyFormat::JsonPretty => "json",
        }
    }
    fn extension(&self) -> &str {
        // Extensions of the built-in formats are 'static.
        match self {
            AnyFormat::Binary => "bin",
            AnyFormat::Json | AnyFormat::JsonPretty => "json",
        }
    }
    fn is_binary(&self) -> bool {
        dispatch!(self, |f| f.is_binary())
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for AnyFormat {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        dispatch!(self, |f| f.encode(value, out))
    }
    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        dispatch!(self, |f| f.decode(bytes))
    }
}
