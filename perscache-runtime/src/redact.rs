//! Credentials out of anything printed: the one function every message that
//! shows a storage URL goes through.
//!
//! A URL can carry a secret in two places: its user information
//! (`redis://:password@host`, `https://user:password@host`) and its query
//! (`?sig=…` of an Azure SAS, `X-Amz-Signature=…`, `token=…`). Both are
//! replaced by `***`; the rest (scheme, host, path, other parameters) stays,
//! since that is what a reader needs to know which storage is meant.

/// Query parameters whose values are secrets, matched without regard to
/// case, and also as the end of a longer name (`X-Amz-Signature`,
/// `access_token`, `AccountKey`).
const SECRET_PARAMETERS: &[&str] = &[
    "sig",
    "signature",
    "token",
    "key",
    "password",
    "passwd",
    "pwd",
    "secret",
    "credential",
    "sharedaccesssignature",
];

/// `url` with its password and secret query values replaced by `***`.
/// Text that is not a URL, or holds several, is scanned for each
/// `scheme://` in it, so an error message quoting a URL is redacted too.
///
/// ```
/// use perscache::redact_url;
///
/// assert_eq!(redact_url("redis://:hunter2@cache:6379/0"), "redis://:***@cache:6379/0");
/// assert_eq!(
///     redact_url("https://acct.blob.core.windows.net/c?sv=2024&sig=abc%2B"),
///     "https://acct.blob.core.windows.net/c?sv=2024&sig=***"
/// );
/// assert_eq!(redact_url("s3://bucket/prefix"), "s3://bucket/prefix");
/// ```
pub fn redact_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The URL runs to the next character that cannot be in one.
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | '<' | '>'))
            .unwrap_or(tail.len());
        out.push_str(&redact_after_scheme(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// One URL after its `scheme://`: `[userinfo@]host/path[?query][#fragment]`.
fn redact_after_scheme(url: &str) -> String {
    let authority_end = url.find(['/', '?', '#']).unwrap_or(url.len());
    let (authority, rest) = url.split_at(authority_end);
    let mut out = String::with_capacity(url.len());
    // The last `@` ends the user information (a password may hold `@`
    // unescaped in hand-written URLs).
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => {
                    out.push_str(&userinfo[..colon]);
                    out.push_str(":***");
                }
                // A user name alone may be a token (`https://TOKEN@host`).
                None if userinfo.len() >= 16 => out.push_str("***"),
                None => out.push_str(userinfo),
            }
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let (path_and_query, fragment) = match rest.find('#') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match path_and_query.find('?') {
        Some(q) => {
            out.push_str(&path_and_query[..=q]);
            out.push_str(&redact_query(&path_and_query[q + 1..]));
        }
        None => out.push_str(path_and_query),
    }
    out.push_str(fragment);
    out
}

fn redact_query(query: &str) -> String {
    let mut parts = Vec::new();
    for pair in query.split(['&', ';']) {
        match pair.split_once('=') {
            Some((name, value)) if is_secret_parameter(name) && !value.is_empty() => {
                parts.push(format!("{name}=***"));
            }
            _ => parts.push(pair.to_owned()),
        }
    }
    // Rejoin with the separators the query used.
    let mut out = String::with_capacity(query.len());
    let mut separators = query.chars().filter(|c| matches!(c, '&' | ';'));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(separators.next().unwrap_or('&'));
        }
        out.push_str(part);
    }
    out
}

fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let name = name
        .trim_start_matches("x-amz-")
        .trim_start_matches("x-goog-");
    SECRET_PARAMETERS
        .iter()
        .any(|s| name == *s || name.ends_with(&format!("_{s}")) || name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWORD: &str = "hunter2-Secr3t";

    #[test]
    fn every_scheme_loses_its_password() {
        for url in [
            format!("redis://:{PASSWORD}@cache:6379/0"),
            format!("redis://user:{PASSWORD}@cache:6379/0?prefix=a:"),
            format!("s3://user:{PASSWORD}@bucket/prefix"),
            format!("gs://user:{PASSWORD}@bucket/prefix"),
            format!("az://account:{PASSWORD}@container/prefix"),
            format!("http://user:{PASSWORD}@127.0.0.1:9000/bucket"),
            format!("https://user:{PASSWORD}@host/path#frag"),
            format!("file://user:{PASSWORD}@/tmp/x"),
        ] {
            let shown = redact_url(&url);
            assert!(!shown.contains(PASSWORD), "{url} shown as {shown}");
            assert!(shown.contains(":***@"), "{shown}");
        }
    }

    #[test]
    fn secret_query_values_go_and_the_rest_stays() {
        let url = format!(
            "https://a.blob.core.windows.net/c?sv=2024-01-01&sig={PASSWORD}&se=2&X-Amz-Signature={PASSWORD}&access_token={PASSWORD}&AccountKey={PASSWORD}&prefix=p:"
        );
        let shown = redact_url(&url);
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(shown.contains("sv=2024-01-01"), "{shown}");
        assert!(shown.contains("se=2"), "{shown}");
        assert!(shown.contains("prefix=p:"), "{shown}");
        assert!(shown.contains("sig=***"), "{shown}");
    }

    #[test]
    fn urls_inside_messages_are_redacted() {
        let text = format!(
            "storage URL `redis://:{PASSWORD}@h/0`: bad; also see https://x/?token={PASSWORD} now"
        );
        let shown = redact_url(&text);
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(
            shown.starts_with("storage URL `redis://:***@h/0`"),
            "{shown}"
        );
        assert!(shown.ends_with(" now"), "{shown}");
    }

    #[test]
    fn urls_without_secrets_are_unchanged() {
        for url in [
            "s3://bucket/prefix",
            "redis://cache:6379/0?prefix=app:",
            "file:///tmp/my%20cache",
            "memory://",
            "not a url",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }
}
