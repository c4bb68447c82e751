use serde::{de::DeserializeOwned, Serialize};

use super::guard::{self, CborRules};
use super::{Codec, Format};
use crate::error::FormatError;

/// CBOR (RFC 8949) through [`ciborium`]: a self-describing binary format, so
/// types that inspect their input (`#[serde(untagged)]`, `flatten`,
/// `serde_json::Value`), which the default [`Binary`](crate::Binary) format
/// cannot read back, work here in a compact form.
///
/// ```
/// use perscache::{Cbor, Codec};
///
/// let mut buf = Vec::new();
/// Cbor.encode(&serde_json::json!({"a": [1, 2]}), &mut buf)?;
/// let back: serde_json::Value = Cbor.decode(&buf)?;
/// assert_eq!(back["a"][1], 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
pub struct Cbor;

impl Format for Cbor {
    fn name(&self) -> &str {
        "cbor"
    }
    fn extension(&self) -> &str {
        "cbor"
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for Cbor {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        guard::write::<CborRules, _, _>(out, value, |out, value| ciborium::into_writer(value, out))
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        ciborium::from_reader(bytes).map_err(FormatError::new)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}
