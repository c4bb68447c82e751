use serde::{de::DeserializeOwned, Serialize};

use super::guard::{self, BinaryRules};
use super::{Codec, Format};
use crate::error::FormatError;

/// The default format: compact binary through [`postcard`], for any
/// `Serialize + DeserializeOwned` type. The `pickle` of perscache.
///
/// Postcard is not self-describing, so types that need to inspect their input
/// to deserialize (`#[serde(untagged)]`, internally tagged enums,
/// `serde_json::Value`) cannot be read back: the cache notices at the first
/// read and stops caching that function, with a warning; `flatten` cannot be
/// written. Fields are stored by position, so a value whose
/// `skip_serializing_if` leaves a field out is refused while it is written
/// (that result is not stored; others are). Choose [`Json`](crate::Json) or
/// [`Cbor`](crate::Cbor) for such types.
///
/// ```
/// use perscache::{Binary, Codec};
///
/// let mut buf = Vec::new();
/// Binary.encode(&vec![1.5f64, 2.5], &mut buf)?;
/// let back: Vec<f64> = Binary.decode(&buf)?;
/// assert_eq!(back, [1.5, 2.5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Binary;

impl Binary {
    /// postcard's bytes for `value` without the guard that refuses values
    /// the format would read back different: what the cache wrote before
    /// it had one. For `cargo xtask bench`, which measures the guard's cost.
    #[doc(hidden)]
    pub fn encode_unguarded<T: Serialize>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), FormatError> {
        let buf = std::mem::take(out);
        *out = postcard::to_extend(value, buf).map_err(FormatError::new)?;
        Ok(())
    }
}

impl Format for Binary {
    fn name(&self) -> &str {
        "postcard"
    }
    fn extension(&self) -> &str {
        "bin"
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for Binary {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        guard::write::<BinaryRules, _, _>(out, value, |out, value| {
            let buf = std::mem::take(out);
            *out = postcard::to_extend(value, buf)?;
            Ok::<_, postcard::Error>(())
        })
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        let mut de = postcard::Deserializer::from_bytes(bytes);
        let value = guard::read::<BinaryRules, T, _>(&mut de).map_err(FormatError::new)?;
        let rest = de.finalize().map_err(FormatError::new)?;
        if !rest.is_empty() {
            return Err(FormatError::new(format!(
                "{} trailing bytes after the value",
                rest.len()
            )));
        }
        Ok(value)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}
