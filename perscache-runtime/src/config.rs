//! Where the default cache lives and how it behaves, from the environment and
//! `perscache.toml`: one search chain, shared by the runtime and `cargo perscache`.
//!
//! | variable | `perscache.toml` key | meaning |
//! |---|---|---|
//! | `PERSCACHE` = `off` | `enabled = false` | caching off: functions just run |
//! | `PERSCACHE_URL` | `url` | storage URL: `file:///path`, `memory://`; with features `s3://`, `gs://`, `az://`, `redis://`, `packed://` |
//! | `PERSCACHE_DIR` | `dir` | a local folder (shorthand for a `file://` URL) |
//! | `PERSCACHE_FORMAT` | `format` | default format: `binary`, `json`, `json-pretty`; with features `yaml`, `msgpack`, `cbor`, and `+zstd` after any |
//! | `PERSCACHE_TTL` | `ttl` | default time to live, such as `1d` or `90s` |
//! | `PERSCACHE_MAX_SIZE` | `max_size` | size limit, such as `500MB` or `2GiB` |
//! | `PERSCACHE_MAX_ENTRY_SIZE` | `max_entry_size` | the largest entry read or written (default 1 GiB): a larger one is never downloaded, decompressed or decoded |
//! | `PERSCACHE_SHARED` = `1` | `shared = true` | the local folder is shared with its group (see `LocalStorageBuilder::shared`) |
//! | `PERSCACHE_MEMORY_TIER` | `memory_tier` | bytes of recent entries kept in memory (default 64 MiB; `0`: none) |
//! | `PERSCACHE_LEASE` | `lease` | how long others wait for the process computing a key (default `30s`; `0s`: no waiting) |
//! | `PERSCACHE_LOCAL_TIER` | `local_tier` | a local folder in front of the storage (see [`CacheBuilder::local_tier`](crate::CacheBuilder::local_tier)) |
//! | `PERSCACHE_LOCAL_TIER_SIZE` | `local_tier_size` | the local tier's size limit (default 1 GiB) |
//! | `PERSCACHE_STRICT` = `1` | `strict = true` | cache errors panic instead of warning |
//! | `PERSCACHE_SECRET` | | signs entries; read by [`Cache::from_env`](crate::Cache::from_env) only, never stored here |
//! | `PERSCACHE_REFRESH` | | recompute and overwrite the functions it names; read by each call's [mode](crate::refresh) |
//! | `PERSCACHE_CONFIG` | | the path of `perscache.toml` (default: `./perscache.toml`) |
//!
//! Environment variables override the file. With neither, entries go to
//! [`default_dir`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::format::AnyFormat;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "perscache.toml";

/// Settings read from `perscache.toml` and `PERSCACHE_*` variables.
///
/// ```
/// let config = perscache::Config::from_toml(r#"
///     url = "file:///tmp/cache"
///     format = "json"
///     ttl = "1d"
///     max_size = "1GiB"
/// "#)?;
/// assert_eq!(config.ttl, Some(std::time::Duration::from_secs(86_400)));
/// assert_eq!(config.max_size, Some(1 << 30));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Config {
    /// `false` turns caching off.
    pub enabled: Option<bool>,
    /// A storage URL.
    pub url: Option<String>,
    /// A local folder, used when no URL is set.
    pub dir: Option<PathBuf>,
    /// The default format.
    pub format: Option<AnyFormat>,
    /// The default time to live.
    pub ttl: Option<Duration>,
    /// The storage's size limit in bytes.
    pub max_size: Option<u64>,
    /// The largest entry read or written, in bytes.
    pub max_entry_size: Option<u64>,
    /// Whether the local folder is shared with its group.
    pub shared: Option<bool>,
    /// Bytes of recent entries to keep in memory.
    pub memory_tier: Option<usize>,
    /// How long others wait for the process computing a key.
    pub lease: Option<Duration>,
    /// A local folder in front of the storage.
    pub local_tier: Option<PathBuf>,
    /// The local tier's size limit in bytes.
    pub local_tier_size: Option<u64>,
    /// Whether cache errors panic.
    pub strict: Option<bool>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password (`redis://:pw@host`): never shown.
        f.debug_struct("Config")
            .field("enabled", &self.enabled)
            .field("url", &self.url.as_deref().map(crate::redact_url))
            .field("dir", &self.dir)
            .field("format", &self.format)
            .field("ttl", &self.ttl)
            .field("max_size", &self.max_size)
            .field("max_entry_size", &self.max_entry_size)
            .field("shared", &self.shared)
            .field("memory_tier", &self.memory_tier)
            .field("lease", &self.lease)
            .field("local_tier", &self.local_tier)
            .field("local_tier_size", &self.local_tier_size)
            .field("strict", &self.strict)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    enabled: Option<bool>,
    url: Option<String>,
    dir: Option<PathBuf>,
    format: Option<String>,
    ttl: Option<String>,
    max_size: Option<SizeValue>,
    max_entry_size: Option<SizeValue>,
    shared: Option<bool>,
    memory_tier: Option<SizeValue>,
    lease: Option<String>,
    local_tier: Option<PathBuf>,
    local_tier_size: Option<SizeValue>,
    strict: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

impl SizeValue {
    fn bytes(self, what: &str) -> Result<u64> {
        match self {
            SizeValue::Bytes(n) => Ok(n),
            SizeValue::Text(s) => parse_size(&s).map_err(|e| Error::Config(format!("{what}: {e}"))),
        }
    }
}

impl Config {
    /// The settings in effect: `perscache.toml` (at `PERSCACHE_CONFIG`, or in
    /// the current folder), overridden by `PERSCACHE_*` variables.
    pub fn load() -> Result<Config> {
        let file = match std::env::var_os("PERSCACHE_CONFIG") {
            Some(path) => Some(PathBuf::from(path)),
            None => Some(PathBuf::from(CONFIG_FILE)).filter(|p| p.is_file()),
        };
        let mut config = match file {
            Some(path) => Config::from_file(&path)?,
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    /// Reads a `perscache.toml`.
    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
        Config::from_toml(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))
    }

    /// Parses the text of a `perscache.toml`.
    pub fn from_toml(text: &str) -> Result<Config> {
        let file: FileConfig = toml::from_str(text).map_err(|e| Error::Config(e.to_string()))?;
        Ok(Config {
            enabled: file.enabled,
            url: file.url,
            dir: file.dir,
            format: file.format.map(|f| f.parse()).transpose()?,
            ttl: file.ttl.map(|t| parse_duration("ttl", &t)).transpose()?,
            max_size: file.max_size.map(|s| s.bytes("max_size")).transpose()?,
            max_entry_size: file
                .max_entry_size
                .map(|s| s.bytes("max_entry_size"))
                .transpose()?,
            shared: file.shared,
            memory_tier: file
                .memory_tier
                .map(|s| s.bytes("memory_tier").map(|n| n as usize))
                .transpose()?,
            lease: file
                .lease
                .map(|t| parse_duration("lease", &t))
                .transpose()?,
            local_tier: file.local_tier,
            local_tier_size: file
                .local_tier_size
                .map(|s| s.bytes("local_tier_size"))
                .transpose()?,
            strict: file.strict,
        })
    }

    /// Overrides settings with `PERSCACHE_*` variables read through `var`.
    pub fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> Result<()> {
        if let Some(v) = var("PERSCACHE") {
            self.enabled = Some(!matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "off" | "0" | "false" | "no" | "disabled"
            ));
        }
        if let Some(v) = var("PERSCACHE_URL").filter(|v| !v.is_empty()) {
            self.url = Some(v);
        }
        if let Some(v) = var("PERSCACHE_DIR").filter(|v| !v.is_empty()) {
            self.dir = Some(PathBuf::from(v));
            // A folder named in the environment beats a URL from the file.
            if var("PERSCACHE_URL").is_none() {
                self.url = None;
            }
        }
        if let Some(v) = var("PERSCACHE_FORMAT") {
            self.format = Some(v.parse()?);
        }
        if let Some(v) = var("PERSCACHE_TTL") {
            self.ttl = Some(parse_duration("PERSCACHE_TTL", &v)?);
        }
        if let Some(v) = var("PERSCACHE_MAX_SIZE") {
            self.max_size = Some(
                parse_size(&v).map_err(|e| Error::Config(format!("PERSCACHE_MAX_SIZE: {e}")))?,
            );
        }
        if let Some(v) = var("PERSCACHE_MAX_ENTRY_SIZE") {
            self.max_entry_size = Some(
                parse_size(&v)
                    .map_err(|e| Error::Config(format!("PERSCACHE_MAX_ENTRY_SIZE: {e}")))?,
            );
        }
        if let Some(v) = var("PERSCACHE_SHARED") {
            self.shared = Some(matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            ));
        }
        if let Some(v) = var("PERSCACHE_MEMORY_TIER") {
            self.memory_tier = Some(
                parse_size(&v).map_err(|e| Error::Config(format!("PERSCACHE_MEMORY_TIER: {e}")))?
                    as usize,
            );
        }
        if let Some(v) = var("PERSCACHE_LEASE") {
            self.lease = Some(parse_duration("PERSCACHE_LEASE", &v)?);
        }
        if let Some(v) = var("PERSCACHE_LOCAL_TIER").filter(|v| !v.is_empty()) {
            self.local_tier = Some(PathBuf::from(v));
        }
        if let Some(v) = var("PERSCACHE_LOCAL_TIER_SIZE") {
            self.local_tier_size = Some(
                parse_size(&v)
                    .map_err(|e| Error::Config(format!("PERSCACHE_LOCAL_TIER_SIZE: {e}")))?,
            );
        }
        if let Some(v) = var("PERSCACHE_STRICT") {
            self.strict = Some(matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            ));
        }
        Ok(())
    }

    /// The storage URL these settings point at: the URL, else the folder,
    /// else [`default_dir`].
    pub fn storage_url(&self) -> String {
        match (&self.url, &self.dir) {
            (Some(url), _) => url.clone(),
            (None, Some(dir)) => file_url(dir),
            (None, None) => file_url(&default_dir()),
        }
    }
}

fn file_url(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    url::Url::from_file_path(&absolute)
        .map(String::from)
        .unwrap_or_else(|()| format!("file://{}", absolute.display()))
}

/// Where entries go when nothing is configured: `perscache` in the user's
/// cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
/// on macOS, `%LOCALAPPDATA%` on Windows), or `.perscache` in the current
/// folder when there is no such folder.
pub fn default_dir() -> PathBuf {
    dirs::cache_dir()
        .map(|d| d.join("perscache"))
        .unwrap_or_else(|| PathBuf::from(".perscache"))
}

fn parse_duration(what: &str, text: &str) -> Result<Duration> {
    humantime::parse_duration(text.trim()).map_err(|e| {
        Error::Config(format!(
            "{what}: `{text}` is not a duration such as `1d` or `90s`: {e}"
        ))
    })
}

/// Parses `1024`, `500KB`, `2 MiB`, `1.5GB`: decimal units are powers of 1000,
/// binary ones (`KiB`) powers of 1024.
pub(crate) fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as `500MB` or `2GiB`"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        other => return Err(format!("unknown size unit `{other}` in `{text}`")),
    };
    Ok((number * multiplier as f64) as u64)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("2 GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1.5kb"), Ok(1500));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }

    #[test]
    fn environment_overrides_file() {
        let mut c = Config::from_toml("url = \"memory://\"\nformat = \"json\"").expect("valid");
        c.apply_env(env(&[("PERSCACHE_DIR", "/tmp/x"), ("PERSCACHE", "off")]))
            .expect("valid");
        assert_eq!(c.enabled, Some(false));
        assert_eq!(c.storage_url(), "file:///tmp/x");
        assert_eq!(c.format, Some(AnyFormat::Json));
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = Config::from_toml("ttl = \"soon\"").expect_err("invalid");
        assert!(err.to_string().contains("ttl"), "{err}");
        let err = Config::from_toml("colour = \"red\"").expect_err("unknown key");
        assert!(err.to_string().contains("colour"), "{err}");
        let mut c = Config::default();
        let err = c
            .apply_env(env(&[("PERSCACHE_FORMAT", "xml")]))
            .expect_err("invalid");
        assert!(err.to_string().contains("xml"), "{err}");
    }

    #[test]
    fn the_local_tier_comes_from_the_file_or_the_environment() {
        let mut c = Config::from_toml("local_tier = \"/var/tmp/tier\"\nlocal_tier_size = \"2GiB\"")
            .expect("valid");
        assert_eq!(c.local_tier.as_deref(), Some(Path::new("/var/tmp/tier")));
        assert_eq!(c.local_tier_size, Some(2 << 30));
        c.apply_env(env(&[
            ("PERSCACHE_LOCAL_TIER", "/ci/tier"),
            ("PERSCACHE_LOCAL_TIER_SIZE", "500MB"),
        ]))
        .expect("valid");
        assert_eq!(c.local_tier.as_deref(), Some(Path::new("/ci/tier")));
        assert_eq!(c.local_tier_size, Some(500_000_000));
        let err = c
            .apply_env(env(&[("PERSCACHE_LOCAL_TIER_SIZE", "big")]))
            .expect_err("invalid");
        assert!(
            err.to_string().contains("PERSCACHE_LOCAL_TIER_SIZE"),
            "{err}"
        );
    }

    #[test]
    fn default_is_a_file_url() {
        assert!(Config::default().storage_url().starts_with("file://"));
    }
}
