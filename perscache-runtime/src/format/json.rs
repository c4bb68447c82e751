use serde::{de::DeserializeOwned, Serialize};

use super::guard::{self, JsonRules};
use super::{Codec, Format};
use crate::error::FormatError;

/// JSON through `serde_json`: entries are `.json` files any tool can read.
///
/// `Json` writes one compact line; [`Json::pretty()`] gives [`JsonPretty`],
/// which indents for people. The two read each other's entries and share keys:
/// the choice changes only the layout.
///
/// ```
/// use perscache::{Codec, Json};
///
/// let mut compact = Vec::new();
/// Json.encode(&vec![1, 2], &mut compact)?;
/// assert_eq!(compact, b"[1,2]");
///
/// let mut pretty = Vec::new();
/// Json::pretty().encode(&vec![1, 2], &mut pretty)?;
/// assert_eq!(std::str::from_utf8(&pretty)?, "[\n  1,\n  2\n]");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json;

/// Indented JSON; see [`Json`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonPretty;

impl Json {
    /// Indented JSON, for entries people read.
    pub const fn pretty() -> JsonPretty {
        JsonPretty
    }
}

impl Json {
    /// serde_json's bytes for `value` without the guard that refuses values
    /// the format would read back different: what the cache wrote before
    /// it had one. For `cargo xtask bench`, which measures the guard's cost.
    #[doc(hidden)]
    pub fn encode_unguarded<T: Serialize>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        serde_json::to_writer(out, value).map_err(FormatError::new)
    }
}

macro_rules! json_format {
    ($ty:ty, $write:path) => {
        impl Format for $ty {
            fn name(&self) -> &str {
                "json"
            }
            fn extension(&self) -> &str {
                "json"
            }
            fn is_binary(&self) -> bool {
                false
            }
        }

        impl<T: Serialize + DeserializeOwned> Codec<T> for $ty {
            fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
                guard::write::<JsonRules, _, _>(out, value, |out, value| $write(out, value))
            }

            fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
                serde_json::from_slice(bytes).map_err(FormatError::new)
            }

            fn checks_on_encode(&self) -> bool {
                true
            }
        }
    };
}

json_format!(Json, serde_json::to_writer);
json_format!(JsonPretty, serde_json::to_writer_pretty);
