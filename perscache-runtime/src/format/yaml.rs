use serde::{de::DeserializeOwned, Serialize};

use super::guard::{self, State, YamlRules};
use super::{Codec, Format};
use crate::error::FormatError;

/// YAML through [`serde_norway`], the maintained fork of the deprecated
/// `serde_yaml`: entries are `.yaml` files any YAML reader opens.
///
/// Holds any `Serialize + DeserializeOwned` type that YAML can express. YAML,
/// like JSON, writes `Some(x)` as `x`, so it cannot tell `Some(None)` from
/// `None`: such a value is refused while it is written (the cache does not
/// store that result, with a warning), rather than ever read back different.
/// So is an enum variant with data directly inside another (one tag per node)
/// and nesting deeper than 63 levels; byte strings it cannot read at all.
///
/// ```
/// use perscache::{Codec, Yaml};
/// use std::collections::BTreeMap;
///
/// let mut buf = Vec::new();
/// let value = BTreeMap::from([("a".to_string(), vec!["x".to_string(), "no".into()])]);
/// Yaml.encode(&value, &mut buf)?;
/// assert_eq!(std::str::from_utf8(&buf)?, "a:\n  - x\n  - \"no\"\n");
/// let back: BTreeMap<String, Vec<String>> = Yaml.decode(&buf)?;
/// assert_eq!(back, value);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
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
        let state = State::<YamlRules>::new();
        match serde_norway::to_value(state.value(value)) {
            // The tree turns integers beyond 64 bits into strings; a document
            // that may hold one goes through the library's own writer, which
            // writes them as numbers.
            Ok(tree) if !emit::has_wide_integer(&tree) => {
                emit::document(&tree, out);
                Ok(())
            }
            Err(e) if state.refused() => state.finish(Err(e)),
            _ => guard::write::<YamlRules, _, _>(out, value, |out, value| {
                serde_norway::to_writer(out, value)
            }),
        }
    }

    fn decode(&self, bytes: &[u8]) -> Result<T, FormatError> {
        serde_norway::from_slice(bytes).map_err(FormatError::new)
    }

    fn checks_on_encode(&self) -> bool {
        true
    }
}

/// A YAML writer that every reader agrees on.
///
/// `serde_norway` quotes strings by the YAML 1.2 rules, so it writes the
/// string `no` bare; YAML 1.1 readers, which are most of them (PyYAML, and
/// so most scripts that will open an entry), read that back as `false`, and
/// `1:20` as the number 80. This writer quotes every string that is not
/// plainly a word, and writes floats in a form both versions read as floats.
/// Enum variants with data keep `serde_norway`'s `!Variant value` tags, the
/// only form it reads back.
mod emit {
    use serde_norway::{Mapping, Number, Value};
    use std::fmt::Write as _;

    pub(super) fn document(value: &Value, out: &mut Vec<u8>) {
        let mut text = String::new();
        match inline(value) {
            Some(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            None => {
                if let Value::Tagged(tagged) = value {
                    let _ = writeln!(text, "--- {}", tagged.tag);
                }
                block(value, 0, &mut text)
            }
        }
        out.extend_from_slice(text.as_bytes());
    }

    /// Whether a string in the tree may stand for a 128-bit integer.
    pub(super) fn has_wide_integer(value: &Value) -> bool {
        match value {
            Value::String(s) => {
                // Anything that fits 64 bits is at most 20 characters long.
                s.len() > 18
                    && (s.parse::<i128>().is_ok_and(|i| i64::try_from(i).is_err())
                        || s.parse::<u128>().is_ok_and(|u| u64::try_from(u).is_err()))
            }
            Value::Sequence(items) => items.iter().any(has_wide_integer),
            Value::Mapping(map) => map
                .iter()
                .any(|(k, v)| has_wide_integer(k) || has_wide_integer(v)),
            Value::Tagged(tagged) => has_wide_integer(&tagged.value),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// The value on one line, if it is a scalar or an empty collection.
    fn inline(value: &Value) -> Option<String> {
        match value {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number(n)),
            Value::String(s) => Some(string(s)),
            Value::Sequence(items) if items.is_empty() => Some("[]".into()),
            Value::Mapping(map) if map.is_empty() => Some("{}".into()),
            Value::Tagged(tagged) => Some(format!("{} {}", tagged.tag, inline(&tagged.value)?)),
            Value::Sequence(_) | Value::Mapping(_) => None,
        }
    }

    /// A non-empty collection, as lines at `indent`.
    fn block(value: &Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match value {
            Value::Mapping(map) => mapping(map, indent, out),
            Value::Sequence(items) => {
                for item in items {
                    match inline(item) {
                        Some(line) => {
                            let _ = writeln!(out, "{pad}- {line}");
                        }
                        None if matches!(item, Value::Tagged(_)) => {
                            let _ = writeln!(out, "{pad}- {}", tag_of(item));
                            block(item, indent + 2, out);
                        }
                        None => {
                            // The item's first line goes after the dash.
                            let mut nested = String::new();
                            block(item, indent + 2, &mut nested);
                            out.push_str(&pad);
                            out.push_str("- ");
                            out.push_str(&nested[indent + 2..]);
                        }
                    }
                }
            }
            // The tag went on the line before, after `key:` or `-`.
            Value::Tagged(tagged) => block(&tagged.value, indent, out),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
                let _ = writeln!(out, "{pad}{}", inline(value).unwrap_or_default());
            }
        }
    }

    fn mapping(map: &Mapping, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        for (key, value) in map {
            out.push_str(&pad);
            match inline(key) {
                Some(key) => out.push_str(&key),
                None => {
                    // A collection as a key: YAML's explicit-key form.
                    let mut nested = String::new();
                    block(key, indent + 2, &mut nested);
                    out.push_str("? ");
                    out.push_str(&nested[indent + 2..]);
                    out.push_str(&pad);
                }
            }
            out.push(':');
            match inline(value) {
                Some(line) => {
                    out.push(' ');
                    out.push_str(&line);
                    out.push('\n');
                }
                None => {
                    if let Value::Tagged(tagged) = value {
                        out.push(' ');
                        out.push_str(&tagged.tag.to_string());
                    }
                    out.push('\n');
                    block(value, indent + 2, out);
                }
            }
        }
    }

    fn tag_of(value: &Value) -> String {
        match value {
            Value::Tagged(tagged) => tagged.tag.to_string(),
            _ => String::new(),
        }
    }

    fn number(n: &Number) -> String {
        if let Some(i) = n.as_i64() {
            return i.to_string();
        }
        if let Some(u) = n.as_u64() {
            return u.to_string();
        }
        let f = n.as_f64().unwrap_or(f64::NAN);
        if f.is_nan() {
            ".nan".into()
        } else if f.is_infinite() {
            if f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        } else {
            // Rust prints the shortest exact digits ("0.1", "1e300"); YAML 1.1
            // wants a dot in the mantissa and a sign on the exponent.
            let s = format!("{f:?}");
            match s.split_once('e') {
                Some((mantissa, exp)) => {
                    let mantissa = if mantissa.contains('.') {
                        mantissa.to_owned()
                    } else {
                        format!("{mantissa}.0")
                    };
                    let exp = if exp.starts_with('-') {
                        exp.to_owned()
                    } else {
                        format!("+{exp}")
                    };
                    format!("{mantissa}e{exp}")
                }
                None => s,
            }
        }
    }

    /// Bare when it is plainly a word to every YAML version, else double-quoted.
    fn string(s: &str) -> String {
        const WORDS: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
        let plain = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ' '))
            && !s.ends_with(' ')
            && !WORDS.contains(&s.to_ascii_lowercase().as_str());
        if plain {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len() + 2);
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                // Control characters, YAML's own line breaks and the BOM
                // would not survive bare.
                c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn words_yaml_1_1_reads_otherwise_are_quoted() {
            for s in [
                "no",
                "Yes",
                "ON",
                "y",
                "~",
                "null",
                "1:20",
                "2024-03-01",
                "",
                " a",
                "a ",
                "0x1f",
                "1e3",
                ".inf",
                "a: b",
                "#c",
                "- x",
                "=",
                "<<",
            ] {
                assert!(string(s).starts_with('"'), "{s:?} written bare");
            }
            for s in ["north", "a_b", "hello world", "v1.2"] {
                assert_eq!(string(s), s);
            }
        }

        #[test]
        fn floats_keep_a_dot_and_a_signed_exponent() {
            let f = |x: f64| number(&Number::from(x));
            assert_eq!(f(1e300), "1.0e+300");
            assert_eq!(f(1.5e-7), "1.5e-7");
            assert_eq!(f(0.25), "0.25");
            assert_eq!(f(2.0), "2.0");
            assert_eq!(f(f64::NEG_INFINITY), "-.inf");
        }
    }
}
