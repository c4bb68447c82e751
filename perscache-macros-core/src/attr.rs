//! Parsing `#[persist(...)]` into typed options. Values stay syn nodes, so that
//! every later error can point at the token that caused it.

use std::time::Duration;

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{bracketed, Expr, Ident, LitBool, LitStr, Token};

/// The options of one `#[persist(...)]`.
#[derive(Default)]
pub struct Options {
    pub ttl: Option<DurationOption>,
    pub ignore: Vec<Ident>,
    pub serializer: Option<Expr>,
    pub storage: Option<Expr>,
    pub cache: Option<Expr>,
    pub per_instance: Option<LitBool>,
    pub instance_key: Option<Expr>,
    pub cache_none: Option<LitBool>,
    /// `version = "2"`: a manual salt, in the key.
    pub version: Option<String>,
    /// `min_compute = "100ms"`: results computed faster are not stored.
    pub min_compute: Option<DurationOption>,
    /// `stale_if_error = "7d"`: a failure is answered with a result expired
    /// less than this long ago.
    pub stale_if_error: Option<DurationOption>,
}

/// An option that takes a duration, with its name for errors.
pub struct DurationOption {
    pub name: Ident,
    pub value: DurationValue,
}

/// A duration: a humantime string checked now, or an expression.
pub enum DurationValue {
    Literal(Duration),
    Expr(Box<Expr>),
}

const KNOWN: &str = "`ttl`, `ignore`, `serializer`, `storage`, `cache`, `per_instance`, `instance_key`, `cache_none`, `version`, `min_compute`, `stale_if_error`";

impl Parse for Options {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut options = Options::default();
        let mut errors: Option<syn::Error> = None;
        let mut push = |e: syn::Error| match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        };
        let mut seen: Vec<String> = Vec::new();
        while !input.is_empty() {
            let name: Ident = input.parse()?;
            let key = name.to_string();
            if seen.contains(&key) {
                push(syn::Error::new(
                    name.span(),
                    format!("`{key}` is given twice"),
                ));
            }
            seen.push(key.clone());
            input
                .parse::<Token![=]>()
                .map_err(|e| syn::Error::new(e.span(), format!("expected `{key} = ...`")))?;
            match key.as_str() {
                "ttl" => options.ttl = Some(parse_duration(name, input, &mut push)?),
                "min_compute" => {
                    options.min_compute = Some(parse_duration(name, input, &mut push)?)
                }
                "stale_if_error" => {
                    options.stale_if_error = Some(parse_duration(name, input, &mut push)?)
                }
                "ignore" => options.ignore = parse_idents(input)?,
                "serializer" | "format" => options.serializer = Some(input.parse()?),
                "storage" => options.storage = Some(input.parse()?),
                "cache" => options.cache = Some(input.parse()?),
                "per_instance" => options.per_instance = Some(input.parse()?),
                "instance_key" => options.instance_key = Some(input.parse()?),
                "cache_none" => options.cache_none = Some(input.parse()?),
                "version" => options.version = Some(parse_version(input)?),
                _ => {
                    push(syn::Error::new(
                        name.span(),
                        format!("unknown option `{key}`; expected one of {KNOWN}"),
                    ));
                    input.parse::<Expr>()?;
                }
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(options),
        }
    }
}

/// `version = "2"` or `version = 2`: a literal, so that the salt is fixed
/// at compile time and never depends on run-time state.
fn parse_version(input: ParseStream<'_>) -> syn::Result<String> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        return Ok(lit.value());
    }
    if input.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        return Ok(lit.base10_digits().to_owned());
    }
    Err(input.error("`version` must be a string or integer literal, such as `version = \"2\"`"))
}

/// `"90s"`, checked now, or an expression that converts into a `Duration`.
fn parse_duration(
    name: Ident,
    input: ParseStream<'_>,
    push: &mut impl FnMut(syn::Error),
) -> syn::Result<DurationOption> {
    let value = if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        match humantime::parse_duration(&lit.value()) {
            Ok(d) if !d.is_zero() => DurationValue::Literal(d),
            Ok(_) => {
                let why = if name == "ttl" {
                    "would never serve a result"
                } else {
                    "has no effect"
                };
                push(syn::Error::new(
                    lit.span(),
                    format!("a zero `{name}` {why}; remove `{name}` or make it longer"),
                ));
                DurationValue::Literal(Duration::from_secs(1))
            }
            Err(e) => {
                push(syn::Error::new(
                    lit.span(),
                    format!(
                        "`{name}` must be a duration such as \"90s\", \"1h 30m\" or \"1d\": {e}"
                    ),
                ));
                DurationValue::Literal(Duration::from_secs(1))
            }
        }
    } else {
        DurationValue::Expr(Box::new(input.parse()?))
    };
    Ok(DurationOption { name, value })
}

/// `[a, b]`, or a single name.
fn parse_idents(input: ParseStream<'_>) -> syn::Result<Vec<Ident>> {
    if input.peek(syn::token::Bracket) {
        let content;
        bracketed!(content in input);
        let list = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
        Ok(list.into_iter().collect())
    } else if input.peek(Ident) {
        Ok(vec![input.parse()?])
    } else {
        Err(syn::Error::new(
            input.span(),
            "expected argument names: `ignore = [a, b]` or `ignore = a`",
        ))
    }
}

impl Options {
    pub fn per_instance(&self) -> bool {
        self.per_instance.as_ref().is_none_or(|b| b.value)
    }

    pub fn cache_none(&self) -> bool {
        self.cache_none.as_ref().is_none_or(|b| b.value)
    }
}
