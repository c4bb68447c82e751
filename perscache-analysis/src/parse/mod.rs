//! One source file → a plain-data summary of its items: what each item is,
//! the digest of its own normalized tokens, and every name it mentions, with
//! the scope rules of Rust applied where syntax shows them (locals shadow
//! items only after their `let`; a pattern identifier may be a constant;
//! items inside blocks are scoped to the block).
//!
//! Summaries hold no syn or proc-macro2 values, so files are parsed in
//! parallel and summaries can be cached on disk between runs.

mod collect;
mod items;
mod macros;

use serde::{Deserialize, Serialize};

pub(crate) use items::{code_refs, is_std_derive, mod_paths};
pub use items::{parse_file, SyntaxError};
pub(crate) use macros::is_std_macro;

/// In [`Refs::env`], a variable whose name only the build knows
/// (`env!(concat!(…))`, `option_env!($name)` in a macro body): every
/// variable its crate reads counts.
pub const ANY_ENV_VAR: &str = "*";

/// In a closure's variables: those cargo sets for the package being
/// compiled (`CARGO_PKG_VERSION`, `CARGO_PKG_DESCRIPTION`, ...), which a
/// macro whose expansion the analysis cannot read may read
/// (`clap::crate_version!()`, `#[command(version)]`).
pub const PACKAGE_ENV_VARS: &str = "<package>";

/// A parsed file: its items, in source order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileSummary {
    /// Top-level items.
    pub items: Vec<Item>,
    /// The file starts with `#![macro_use]` (or a `cfg_attr` that may set
    /// it): as a module, its `macro_rules!` stay in scope after it.
    pub macro_use: bool,
}

/// What kind of item a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A function, method or trait method.
    Fn,
    /// A struct, enum or union.
    Type,
    /// A type alias (`type A = B;`, or an associated type).
    Alias,
    /// A trait (its header: generics, supertraits; its items are their own).
    Trait,
    /// A const or static (or an associated const).
    Value,
    /// A `macro_rules!` definition.
    MacroDef,
    /// A macro invoked at item level: it may define items syn cannot see.
    MacroCall,
    /// A module.
    Mod,
    /// A `use` declaration.
    Use,
    /// An impl block's header (its items are their own).
    Impl,
    /// `extern crate`.
    ExternCrate,
    /// Anything else: hashed, never looked up by name.
    Other,
}

/// Who may name an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Vis {
    /// `pub`: other crates too.
    Public,
    /// `pub(crate)`, `pub(super)`, `pub(in ...)`: this crate.
    Crate,
    /// No `pub`: its module and the modules inside it.
    Private,
}

/// A path as written: `a::b::C`, `::std::x`, `crate::m::f`, `Self::X`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PathRef {
    /// Segments without generic arguments.
    pub segs: Vec<String>,
    /// Written with a leading `::`.
    pub global: bool,
}

impl PathRef {
    /// A one-segment path.
    pub fn single(name: &str) -> PathRef {
        PathRef {
            segs: vec![name.to_owned()],
            global: false,
        }
    }

    /// `a::b::c`.
    pub fn display(&self) -> String {
        let s = self.segs.join("::");
        if self.global {
            format!("::{s}")
        } else {
            s
        }
    }
}

/// One name a `use` brings in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseEntry {
    /// The name in scope, `*` for a glob, `_` for `use Trait as _`.
    pub alias: String,
    /// What it names (for a glob, the module or enum).
    pub path: PathRef,
    /// `pub use`: other modules (and crates) see it through this module.
    pub public: bool,
}

/// A path expression given to `include!`/`include_str!`/`include_bytes!`,
/// evaluated once the environment of the compilation is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PathExpr {
    /// A string literal.
    Lit(String),
    /// `env!("NAME")`.
    Env(String),
    /// `concat!(a, b, ...)`.
    Concat(Vec<PathExpr>),
    /// Anything else: the file cannot be known from syntax.
    Unknown,
}

/// What an `include*!` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IncludeKind {
    /// `include_str!` / `include_bytes!`: data.
    Data,
    /// `include!`: Rust code, parsed and resolved as code.
    Code,
    /// A string in a macro's input or a custom attribute that looks like a
    /// path (`#[template(path = "hello.html")]`): a proc macro may read the
    /// file at expansion. It counts when it names files of the package.
    Mentioned,
}

/// One `include*!`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Include {
    /// Data or code.
    pub kind: IncludeKind,
    /// The path, relative to the file that includes it when relative.
    pub path: PathExpr,
}

/// Everything an item mentions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Refs {
    /// Paths in expressions, types, patterns, bounds and attributes.
    pub paths: Vec<PathRef>,
    /// Identifiers bound by patterns that would name a constant, a unit
    /// struct or a unit variant if one is in scope (`match x { LIMIT => .. }`).
    pub pat_idents: Vec<String>,
    /// Names of methods called (`x.name()`).
    pub methods: Vec<String>,
    /// Macros invoked.
    pub macros: Vec<PathRef>,
    /// Identifiers inside macro input that syn could not parse: each may
    /// name anything in scope.
    pub loose: Vec<String>,
    /// Identifiers in attribute arguments: resolved when they name
    /// something in scope, never widened.
    pub attr_idents: Vec<String>,
    /// Paths written as strings in attribute arguments (`#[serde(with =
    /// "codec")]`): a module named there counts whole, since the macro may
    /// call any of its functions.
    pub attr_paths: Vec<PathRef>,
    /// Traits whose methods are callable without an import here: generic
    /// bounds, `impl Trait` and `dyn Trait`.
    pub bounds: Vec<PathRef>,
    /// Traits used as `dyn Trait`: any of their impls may be behind one;
    /// `fn` for a function pointer type.
    pub dyn_traits: Vec<PathRef>,
    /// Files read at compile time.
    pub includes: Vec<Include>,
    /// Environment variables read at compile time (`env!`, `option_env!`);
    /// [`ANY_ENV_VAR`] for one whose name only the build knows.
    pub env: Vec<String>,
    /// `use` declarations inside the item's blocks.
    pub uses: Vec<UseEntry>,
    /// Why the analysis had to widen.
    pub notes: Vec<String>,
    /// `line!()`, `column!()` (with where they sit) and `file!()`: the
    /// item's value depends on its position. Also `caller` for a call of
    /// `Location::caller()` and `track_caller` for a `#[track_caller]`
    /// function: what they observe is where their callers sit.
    pub position: Vec<String>,
    /// The digest of where each of the item's tokens sits (line and column):
    /// part of the hash of every function that reaches code observing its
    /// callers' positions.
    #[serde(default)]
    pub layout: [u8; 32],
    /// The item's digest as written, when it invokes a macro or derive named
    /// like a standard one (`format!`, `#[derive(Default)]`), whose input the
    /// hash normalizes: the graph uses it where the crate may define or
    /// import a macro of that name (`use pm::Default`).
    #[serde(default)]
    pub written: Option<[u8; 32]>,
}

/// What the caller of an item chooses: its generic parameters, and the
/// traits of its `impl Trait` and `dyn Trait` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generics {
    /// Type parameters.
    pub types: Vec<String>,
    /// Const parameters.
    pub consts: Vec<String>,
    /// Traits of `impl Trait` and `dyn Trait` in argument types: any type
    /// implementing them may come in.
    pub arg_traits: Vec<PathRef>,
    /// Paths of the argument types (what the caller hands in).
    pub arg_types: Vec<PathRef>,
}

impl Generics {
    /// Nothing the caller chooses.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.consts.is_empty() && self.arg_traits.is_empty()
    }
}

/// A path in an impl's self type or trait arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPath {
    /// The path.
    pub path: PathRef,
    /// The paths whose generic arguments hold it, outermost first: `Inner`
    /// in `Wrap<Inner>` is within `Wrap`.
    pub within: Vec<PathRef>,
    /// In the trait's arguments, not the self type.
    pub in_trait: bool,
    /// A type written by a macro (`impl Display for ty!(Row)`): the
    /// identifiers of its input. The type is whatever its expansion is, which
    /// the input and the macro's bodies name.
    pub macro_input: Option<Vec<String>>,
}

/// An impl block.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImplInfo {
    /// The self type's path, when it is one (`Vec<T>` → `Vec`).
    pub self_ty: Option<PathRef>,
    /// The self type as written, for names (`Vec<T>`, `[u8]`).
    pub self_text: String,
    /// The trait implemented.
    pub trait_: Option<PathRef>,
    /// The paths of the self type and of the trait's arguments (not of
    /// bounds): the types a value must be of, or be named, for the impl to run.
    pub key_paths: Vec<KeyPath>,
    /// Generic parameters of the impl.
    pub generics: Generics,
    /// The methods, associated consts and types.
    pub items: Vec<Item>,
}

/// Kind-specific details.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub enum Detail {
    /// Nothing more.
    #[default]
    None,
    /// Items and `use`s declared in an item's nested blocks (a loop's body,
    /// a closure's, `{ fn helper() {} helper() }`): each is seen in its own
    /// block only, so they add to the names of the item's block and never
    /// hide them.
    Nested(Vec<Item>),
    /// A function: its generic parameters and whether it takes `self`.
    Fn {
        /// Generic parameters.
        generics: Generics,
        /// Takes `self` in some form.
        receiver: bool,
        /// The linker symbol it is exported under (`#[no_mangle]`,
        /// `#[export_name = "..."]`): an `extern` block anywhere may call it.
        #[serde(default)]
        symbol: Option<String>,
    },
    /// A `static`.
    Static {
        /// The linker symbol it is exported under, as a function's.
        symbol: Option<String>,
    },
    /// `mod name;` (`inline` is `None`) or `mod name { ... }`.
    Mod {
        /// The items of an inline module.
        inline: Option<Vec<Item>>,
        /// `#[path = "..."]`, and every `path` a `cfg_attr` may set.
        paths: Vec<String>,
        /// `#[macro_use]`, or a `cfg_attr` that may set it: the module's
        /// `macro_rules!` stay in scope after it, in its parent.
        macro_use: bool,
    },
    /// The names a `use` brings in.
    Use(Vec<UseEntry>),
    /// An impl block.
    Impl(Box<ImplInfo>),
    /// A trait: its items and generic parameters.
    Trait {
        /// Methods (with or without a default body), consts, types.
        items: Vec<Item>,
        /// Generic parameters.
        generics: Generics,
    },
    /// A type alias whose type may be one of its arguments, which rustc
    /// substitutes: a parameter written bare (`type Same<T> = T`), a type
    /// macro, or a projection (`type First<A, B> = <(A, B) as Pick>::Fst`,
    /// `T::Output`), which is one of its arguments or whatever an impl's
    /// associated type of that name is.
    AliasOfArgument {
        /// The associated types it projects through (`Fst`, `Output`).
        projected: Vec<String>,
    },
    /// An enum: its variants' names.
    Enum(Vec<String>),
    /// A unit or tuple struct, whose name is a value too.
    ValueStruct,
    /// `macro_rules!`: the identifiers of its rules' bodies (what an
    /// expansion may name or define besides its input), and `#[macro_export]`.
    MacroDef {
        /// Identifiers in the rules' transcribers.
        body_idents: Vec<String>,
        /// The names its transcribers can define by themselves.
        body_defines: Vec<String>,
        /// It can name items after its input (`fn $name`).
        defines_from_input: bool,
        /// It puts its input after `::` (`$crate::m::$name`).
        input_in_paths: bool,
        /// It calls its input by name: a method (`$x.$m()`), an associated
        /// item (`$t::$f()`) or a macro (`$m!()`).
        calls_input: bool,
        /// It writes `mod $name;`: its invocations may declare modules named
        /// by their input.
        declares_mods: bool,
        /// `#[macro_export]`.
        exported: bool,
        /// Its expansion may hold an `impl`: its transcribers write `impl`,
        /// or invoke a macro that may write items, other than by
        /// `$crate::name!` (`impl_if`).
        may_impl: bool,
        /// The macros it invokes as `$crate::name!` (or `crate::name!`): it
        /// may hold an `impl` when one of those may.
        impl_if: Vec<String>,
    },
    /// A macro invoked at item level.
    MacroCall {
        /// The macro.
        path: PathRef,
        /// Every identifier of its input.
        idents: Vec<String>,
        /// Its input, when it parses as items: what most wrapper macros
        /// (`cfg_rt! { mod runtime; }`) expand to; or the items of the brace
        /// groups inside it (`cfg_if! { if #[cfg(x)] { mod a; } }`).
        items: Option<Vec<Item>>,
        /// `items` is the whole input (not brace groups inside it).
        whole: bool,
    },
    /// `include!(...)` at item level: the file's items belong here.
    IncludeItems(PathExpr),
    /// A declaration in an `extern` block: its code is elsewhere (often in a
    /// file the build script compiles, or a workspace function exported
    /// under its symbol).
    Foreign {
        /// The symbol it links to: `#[link_name = "..."]`, else its name.
        symbol: String,
    },
    /// `extern crate name as alias;`.
    ExternCrate {
        /// The crate's name.
        krate: String,
    },
}

/// One item of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    /// What it is.
    pub kind: Kind,
    /// Its name (the macro's name for a macro call; empty for impls and uses).
    pub name: String,
    /// Who may name it.
    pub vis: Vis,
    /// The digest of its own normalized tokens (an impl: its header; a
    /// trait: its header).
    pub hash: [u8; 32],
    /// 1-based line (of the `fn` keyword for functions).
    pub line: u32,
    /// What it mentions.
    pub refs: std::sync::Arc<Refs>,
    /// The line of its `#[persist]` attribute, 0 when not marked.
    pub persist: u32,
    /// Kind-specific details.
    pub detail: Detail,
    /// Items declared inside its blocks (a fn body, a const's initializer):
    /// visible from the item only, and part of its tokens.
    pub inner: Vec<Item>,
    /// Under `#[cfg(..)]`: it may not be compiled, so it hides no other
    /// item of its name (a glob's, an enclosing scope's).
    #[serde(default)]
    pub conditional: bool,
    /// Under `#[cfg(test)]`: compiled only in its crate's own test build.
    #[serde(default)]
    pub test_only: bool,
    /// Under an attribute macro or a derive the compiler does not know
    /// (`#[pm::with_src] impl Gauge`, `#[derive(Builder)]`): its expansion
    /// may add items the analysis cannot read, named as the macro likes.
    #[serde(default)]
    pub expands: bool,
}
