use serde::{de::DeserializeOwned, Serialize};

use super::guard::{self, MsgpackRules};
use super::{Codec, Format};
use crate::error::FormatError;

/// MessagePack through [`rmp_serde`]: compact, binary, and readable from
/// almost every language.
///
/// Structs are written as maps with field names (not as bare arrays), so
/// entries stay readable by other MessagePack tools and survive added
/// `#[serde(default)]` fields.
///
/// ```
/// use perscache::{Codec, MessagePack};
///
/// let mut buf = Vec::new();
/// MessagePack.encode(&(1u8, "two".to_string()), &mut buf)?;
/// let back: (u8, String) = MessagePack.decode(&buf)?;
/// assert_eq!(back, (1, "two".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
pub struct MessagePack;

impl Format for MessagePack {
    fn name(&self) -> &str {
        "msgpack"
    }
    fn extension(&self) -> &str {
        "msgpack"
    }
}

impl<T: Serialize + DeserializeOwned> Codec<T> for MessagePack {
    fn encode(&self, value: &T, out: &mut Vec<u8>) -> Result<(), FormatError> {
        guard::write::<MsgpackRules, _, _>(out, value, |out, value| {
            rmp_serde::encode::write_named(out, value)
        })
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        // rmp_serde's own limit (1024 levels) is past what a debug build's
        // stack holds; the guard's is what perscache writes.
        let mut de = rmp_serde::Deserializer::from_read_ref(bytes);
        guard::read::<MsgpackRules, T, _>(&mut de).map_err(FormatError::new)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}
