use serde::{de::DeserializeOwned, Serialize};

use super::{check, Codec, Format};
use crate::error::FormatError;

/// YAML through [`serde_norway`], the maintained fork of the deprecated
/// `serde_yaml`: entries are `.yaml` files any YAML reader opens.
///
/// Holds any `Serialize + DeserializeOwned` type that YAML can express. YAML,
/// like JSON, writes `Some(x)` as `x`, so `Option<Option<T>>` cannot tell
/// `Some(None)` from `None`; the cache finds that out at the first write and
/// stops caching the function with a warning, rather than ever returning a
/// different value.
///
/// ```
/// use perscache::{Codec, Yaml};
/// use std::collections::BTreeMap;
///
/// let mut buf = Vec::new();
/// let value = BTreeMap::from([("a".to_string(), vec![1, 2])]);
/// Yaml.encode(&value, &mut buf).unwrap();
/// assert_eq!(std::str::from_utf8(&buf).unwrap(), "a:\n- 1\n- 2\n");
/// let back: BTreeMap<String, Vec<i32>> = Yaml.decode(&buf).unwrap();
/// assert_eq!(back, value);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Yaml;

impl Format for Yaml {
    fn name(&self) -> &str {
        "yaml"
    }
    fn extension(&self) -> &str {
        "yaml"
    }
    fn is_binary(&self) -> bool {
        false
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for Yaml {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        serde_norway::to_writer(out, value).map_err(FormatError::new)
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        serde_norway::from_slice(bytes).map_err(FormatError::new)
    }

    fn check(&self, value: &T, bytes: &[u8]) -> Result<(), FormatError> {
        check::same_after_decode(self, value, bytes)
    }
}
