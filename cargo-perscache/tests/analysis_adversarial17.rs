//! Round 17 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 16: `analysis_adversarial.rs` to
//! `analysis_adversarial15.rs` and round 16's suite): shapes from real-world
//! libraries. Macros re-exported under another name (`pub(crate) use m as
//! n`, `pub use crate::exported as n`); enum variants imported by a glob of
//! the enum and cast; discriminants from another crate's constant; serde
//! attributes that name code in strings (`with`, `default`, `into`);
//! thiserror format arguments that call a function; `impl dyn Trait`;
//! forwarding impls for `Box<T>` and `&T`; itertools-style extension traits;
//! a prelude's `pub use Trait as _` reached by glob; re-export chains;
//! `Deref` to a generic target; `Drop` of an `impl Sized` value; impls
//! written on an imported alias in another file; module files chosen by
//! `#[cfg_attr(.., path)]` and by `#[path]` in inline modules and
//! non-mod-rs files; a method named by a macro's `ident` argument; a const
//! generic's default; a `lazy_static!` table; a static registry of fn
//! pointers; generic marked functions whose bounds reach downstream impls
//! through supertraits (`Showy: Display`, `Error`), renamed imports (`Display
//! as Disp`, `pub use Area as Measure`), associated types and derives.
//!
//! Twelve cases, five families, were stale before round 17's rules (they
//! fail on the binary before them); the others held and stay as guards:
//! - a trait from outside the workspace under a renaming import, in a bound
//!   (`T: Disp`), an `impl Disp` argument or a `&dyn Disp`: it is known by
//!   its original name (`Display`);
//! - a downstream impl of such a trait written under another name (`impl
//!   Shown for Medal`, `impl app::ShowAgain for Cup`);
//! - a downstream impl of such a trait written by a `macro_rules!`
//!   invocation (`disp!(Ribbon, "..")`), its input or its body edited;
//! - a method or associated function named by a macro's `ident` argument
//!   (`$x.$m()`, `$t::$f()`), in the crate or from another crate's macro;
//! - a thiserror format argument calling a method of a field (`#[error("{}",
//!   .0.label())]`).
//!
//! The fixture (`tests/fixtures/adversarial17/ws`) has three crates: `base`
//! (no dependency: what app reaches in another crate), `app` (depends on
//! base, serde, serde_json, thiserror, lazy_static: the marked functions)
//! and `down` (depends on app: the types handed to app's generic marked
//! functions and their callers). A case is one edit and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code hash,
//! or a cached result is served stale. Each case is a test of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial17/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial17 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial17",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("mac_renamed", "app::mac_renamed"),
    ("mac_export_renamed", "app::mac_export_renamed"),
    ("variant_glob", "app::variant_glob"),
    ("enum_const_discr", "app::enum_const_discr"),
    ("serde_with_module", "app::serde_with_module"),
    ("serde_default_fn", "app::serde_default_fn"),
    ("serde_into", "app::serde_into"),
    ("thiserror_arg", "app::thiserror_arg"),
    ("dyn_inherent", "app::dyn_inherent"),
    ("box_forward", "app::box_forward"),
    ("ref_blanket", "app::ref_blanket"),
    ("iter_ext", "app::iter_ext"),
    ("glob_underscore_ext", "app::glob_underscore_ext"),
    ("reexport_chain", "app::reexport_chain"),
    ("deref_generic", "app::deref_generic"),
    ("drop_side_effect", "app::drop_side_effect"),
    ("impl_via_alias", "app::impl_via_alias"),
    ("default_via_alias", "app::default_via_alias"),
    ("cfg_attr_path", "app::cfg_attr_path"),
    ("inline_mod_path", "app::inline_mod_path"),
    ("non_mod_rs_path", "app::non_mod_rs_path"),
    ("non_mod_rs_inline_path", "app::non_mod_rs_inline_path"),
    ("macro_method_ident", "app::macro_method_ident"),
    ("const_default", "app::const_default"),
    ("lazy_table", "app::lazy_table"),
    ("static_table", "app::static_table"),
    ("show", "app::show"),
    ("show_renamed", "app::show_renamed"),
    ("err_text", "app::err_text"),
    ("area_of", "app::area_of"),
    ("first_text", "app::first_text"),
    ("rich_m", "app::rich_m"),
    ("join_dyn", "app::join_dyn"),
    ("same", "app::same"),
    ("area_renamed", "app::area_renamed"),
    ("areas_dyn_renamed", "app::areas_dyn_renamed"),
    ("area_plain", "app::area_plain"),
    ("thiserror_field_method", "app::thiserror_field_method"),
    ("serde_skip_if_assoc", "app::serde_skip_if_assoc"),
    ("macro_assoc_ident", "app::macro_assoc_ident"),
    ("macro_trait_method_ident", "app::macro_trait_method_ident"),
    ("show_plain", "app::show_plain"),
    ("show_reexported", "app::show_reexported"),
    ("show_impl_arg", "app::show_impl_arg"),
    ("debug_renamed", "app::debug_renamed"),
    ("join_dyn_renamed", "app::join_dyn_renamed"),
];

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    vec![
        case(
            "macro_reexported_by_pub_crate_use_under_another_name",
            "`macro_rules! scale_m` in `mod macros`, re-exported `pub(crate) use scale_m as scale;`, invoked `scale!(x)` by `app::mac_renamed`; its body multiplies by 4, not 3",
            "app/src/lib.rs",
            "$x * 3",
            "$x * 4",
            &["mac_renamed"],
        ),
        case(
            "macro_export_reexported_by_pub_use_under_another_name",
            "base's `#[macro_export] macro_rules! base_add`, re-exported `pub use crate::base_add as add_ten;`, invoked `base::add_ten!(x)` by `app::mac_export_renamed`; its body adds 11",
            "base/src/lib.rs",
            "$x + 10",
            "$x + 11",
            &["mac_export_renamed"],
        ),
        case(
            "enum_variant_imported_by_a_glob_of_the_enum_cast",
            "`use base::Level::*;` then `High as u8` in `app::variant_glob`; the discriminant `High = 7` becomes 9",
            "base/src/lib.rs",
            "High = 7",
            "High = 9",
            &["variant_glob"],
        ),
        case(
            "discriminant_from_a_constant_of_another_crate",
            "`#[repr(u32)] enum Port { Http = base::HTTP, .. }`, `Port::Http as u32` in `app::enum_const_discr`; `base::HTTP` becomes 81",
            "base/src/lib.rs",
            "pub const HTTP: u32 = 80;",
            "pub const HTTP: u32 = 81;",
            &["enum_const_discr"],
        ),
        case(
            "serde_with_names_a_module_in_a_string",
            "`#[serde(with = \"hexfmt\")]` on a field serialized by serde_json in `app::serde_with_module`; `hexfmt::serialize` writes upper-case hex",
            "app/src/lib.rs",
            "format!(\"{:x}\", v)",
            "format!(\"{:X}\", v)",
            &["serde_with_module"],
        ),
        case(
            "serde_default_names_a_function_in_a_string",
            "`#[serde(default = \"default_port\")]` of a field deserialized from `{}` in `app::serde_default_fn`; `default_port` returns 9090",
            "app/src/lib.rs",
            "    8080\n}",
            "    9090\n}",
            &["serde_default_fn"],
        ),
        case(
            "serde_into_names_a_type_in_a_string",
            "`#[serde(into = \"Wire\")]` on `Temp`, serialized in `app::serde_into`; `impl From<Temp> for Wire` (self type named only in the string) multiplies by 100",
            "app/src/lib.rs",
            "Wire { c: t.0 * 10 }",
            "Wire { c: t.0 * 100 }",
            &["serde_into"],
        ),
        case(
            "thiserror_format_argument_calls_a_function",
            "`#[error(\"bad {0}{sfx}\", sfx = suffix())]` of a thiserror derive, `.to_string()` in `app::thiserror_arg`; `suffix` returns `?`",
            "app/src/lib.rs",
            "    \"!\"\n}",
            "    \"?\"\n}",
            &["thiserror_arg"],
        ),
        case(
            "inherent_impl_of_a_trait_object_type",
            "base's `impl dyn Shape { fn doubled }`, called `s.doubled()` on a `&dyn base::Shape` in `app::dyn_inherent`; it multiplies by 3",
            "base/src/lib.rs",
            "self.area() * 2",
            "self.area() * 3",
            &["dyn_inherent"],
        ),
        case(
            "forwarding_impl_for_box",
            "base's `impl<T: Shape + ?Sized> Shape for Box<T>`, `b.area()` on a `Box<Sq>` in `app::box_forward`; it multiplies by 100",
            "base/src/lib.rs",
            "(**self).area() * 10",
            "(**self).area() * 100",
            &["box_forward"],
        ),
        case(
            "forwarding_impl_for_a_reference",
            "base's `impl<T: Score + ?Sized> Score for &T`, `(&&g).score()` in `app::ref_blanket`; it adds 2",
            "base/src/lib.rs",
            "(**self).score() + 1",
            "(**self).score() + 2",
            &["ref_blanket"],
        ),
        case(
            "extension_trait_adapter_of_every_iterator",
            "base's `trait IterExt: Iterator` with `impl<I: Iterator> IterExt for I {}` and its adapter `EveryOther`, `(1..=6).every_other().sum()` in `app::iter_ext`; the adapter keeps the other half",
            "base/src/lib.rs",
            "if !skip {",
            "if skip {",
            &["iter_ext"],
        ),
        case(
            "extension_trait_reexported_as_underscore_by_a_glob_prelude",
            "`use base::prelude::*;` where the prelude has `pub use crate::ext::Shout as _;`, `s.shout()` in `app::shouting::loud` called by `app::glob_underscore_ext`; `impl Shout for str` lower-cases",
            "base/src/lib.rs",
            "self.to_uppercase()",
            "self.to_lowercase()",
            &["glob_underscore_ext"],
        ),
        case(
            "reexport_chain_of_renames",
            "`use base::api::reckon as r; r()` in `app::reexport_chain`: `api::reckon` is `pub use super::calc as reckon`, `calc` is `pub use inner::compute as calc`; `compute` returns 22",
            "base/src/lib.rs",
            "        21\n",
            "        22\n",
            &["reexport_chain"],
        ),
        case(
            "method_of_a_generic_deref_target",
            "`base::open().read()` in `app::deref_generic`: `open` returns `Guard<Meter>`, `impl<T> Deref for Guard<T>`, `Meter::read` multiplies by 3",
            "base/src/lib.rs",
            "self.0 * 2\n",
            "self.0 * 3\n",
            &["deref_generic"],
        ),
        case(
            "drop_impl_of_a_value_returned_as_impl_sized",
            "`let _b = base::bump(&c);` in `app::drop_side_effect`: `bump` returns `impl Sized` (a `Bump`), whose `Drop` adds 2",
            "base/src/lib.rs",
            "self.0.set(self.0.get() + 1)",
            "self.0.set(self.0.get() + 2)",
            &["drop_side_effect"],
        ),
        case(
            "inherent_impl_on_an_imported_alias_in_another_file",
            "`model::Gauge(3).level()` in `app::impl_via_alias`; `level` is in `ops.rs`, `use crate::model::Gauge as G; impl G { .. }`, and adds 2",
            "app/src/ops.rs",
            "self.0 + 1",
            "self.0 + 2",
            &["impl_via_alias"],
        ),
        case(
            "default_impl_on_an_imported_alias_in_another_file",
            "`model::Opts { a: 1, ..Default::default() }` in `app::default_via_alias`; `impl Default for O` in `ops.rs` (`use crate::model::Opts as O`) sets `b: 8`",
            "app/src/ops.rs",
            "O { a: 0, b: 7 }",
            "O { a: 0, b: 8 }",
            &["default_via_alias"],
        ),
        case(
            "module_file_chosen_by_cfg_attr_path",
            "`#[cfg_attr(not(test), path = \"imp_real.rs\")] mod imp;` and `imp::value()` in `app::cfg_attr_path`; `imp_real.rs` returns 3",
            "app/src/imp_real.rs",
            "    2\n",
            "    3\n",
            &["cfg_attr_path"],
        ),
        case(
            "path_attribute_inside_an_inline_module_of_lib_rs",
            "`mod nest { #[path = \"leafp.rs\"] pub mod leaf; }` in lib.rs is `src/nest/leafp.rs` (`src/leafp.rs` is a decoy); `app::inline_mod_path` calls its `value`, which returns 32",
            "app/src/nest/leafp.rs",
            "    31\n",
            "    32\n",
            &["inline_mod_path"],
        ),
        case(
            "path_attribute_in_a_non_mod_rs_file",
            "`#[path = \"pb.rs\"] pub mod pb;` in `src/pa.rs` is `src/pb.rs` (`src/pa/pb.rs` is a decoy); `app::non_mod_rs_path` calls its `value`, which returns 42",
            "app/src/pb.rs",
            "    41\n",
            "    42\n",
            &["non_mod_rs_path"],
        ),
        case(
            "path_attribute_inside_an_inline_module_of_a_non_mod_rs_file",
            "`pub mod inl { #[path = \"q.rs\"] pub mod q; }` in `src/pa.rs` is `src/pa/inl/q.rs` (`src/q.rs`, `src/pa/q.rs` are decoys); `app::non_mod_rs_inline_path` calls its `value`, which returns 52",
            "app/src/pa/inl/q.rs",
            "    51\n",
            "    52\n",
            &["non_mod_rs_inline_path"],
        ),
        case(
            "method_named_by_a_macro_ident_argument",
            "`call0!(Dial(2), turn)` expands to `Dial(2).turn()` in `app::macro_method_ident`; `Dial::turn` adds 200",
            "app/src/lib.rs",
            "self.0 + 100",
            "self.0 + 200",
            &["macro_method_ident"],
        ),
        case(
            "const_generic_default_from_another_crate",
            "`struct Ring<const N: usize = { base::CAP }>`, `let r: Ring = Ring; r.cap()` in `app::const_default`; `base::CAP` becomes 5",
            "base/src/lib.rs",
            "pub const CAP: usize = 4;",
            "pub const CAP: usize = 5;",
            &["const_default"],
        ),
        case(
            "lazy_static_table_filled_by_another_crate",
            "`lazy_static! { static ref TABLE = { .. m.insert(\"a\", base::weight()); .. } }`, `TABLE[\"a\"] * 2` in `app::lazy_table`; `base::weight` returns 4",
            "base/src/lib.rs",
            "    3\n}",
            "    4\n}",
            &["lazy_table"],
        ),
        case(
            "closure_in_a_static_registry_of_fn_pointers",
            "`static OPS: &[(&str, fn(u32) -> u32)] = &[(\"dbl\", |x| x * 2), ..]`, looked up by name in `app::static_table`; the closure multiplies by 5",
            "app/src/lib.rs",
            "|x| x * 2)",
            "|x| x * 5)",
            &["static_table"],
        ),
        case(
            "generic_bound_workspace_trait_with_display_supertrait",
            "`show<T: Showy + Serialize>` calls `x.to_string()`; `trait Showy: Display` with a blanket impl; down's `impl Display for Tag` (given by `down::run_show`) writes `Tag` capitalized",
            "down/src/lib.rs",
            "\"tag{}\"",
            "\"Tag{}\"",
            &["show"],
        ),
        case(
            "generic_bound_display_imported_under_another_name",
            "`use std::fmt::Display as Disp;` and `show_renamed<T: Disp + Serialize>`; down's `impl fmt::Display for Badge` writes `Badge`",
            "down/src/lib.rs",
            "\"badge{}\"",
            "\"Badge{}\"",
            &["show_renamed"],
        ),
        case(
            "generic_bound_error_whose_supertrait_is_display",
            "`err_text<T: std::error::Error + Serialize>` calls `e.to_string()`; down's `impl fmt::Display for Oops` (an `Error`) writes `OOPS`",
            "down/src/lib.rs",
            "\"oops{}\"",
            "\"OOPS{}\"",
            &["err_text"],
        ),
        case(
            "generic_bound_trait_implemented_downstream_under_its_reexported_name",
            "`area_of<T: Area + Serialize>`; app has `pub use Area as Measure;` and down writes `use app::Measure; impl Measure for Plot`, which multiplies by 4",
            "down/src/lib.rs",
            "self.0 * 3",
            "self.0 * 4",
            &["area_of"],
        ),
        case(
            "generic_bound_associated_type_display_downstream",
            "`first_text<C: Container + Serialize>` calls `c.first().to_string()`, `type Item: Display;`; down's `impl Container for Shelf { type Item = Label; .. }` and `impl Display for Label` writes `LABEL`",
            "down/src/lib.rs",
            "\"label{}\"",
            "\"LABEL{}\"",
            &["first_text"],
        ),
        case(
            "generic_bound_supertrait_method_implemented_downstream",
            "`rich_m<T: Rich + Serialize>` calls `x.base_m()` of `trait Rich: BaseM`; down's `impl app::BaseM for Coin` adds 50",
            "down/src/lib.rs",
            "self.0 + 40",
            "self.0 + 50",
            &["rich_m"],
        ),
        case(
            "dyn_display_slice_built_by_a_downstream_caller",
            "`join_dyn(items: &[&dyn Display])`, `ignore`d, called with `&Sticker(1)` by `down::run_join_dyn`; down's `impl Display for Sticker` writes `STICKER`",
            "down/src/lib.rs",
            "\"sticker{}\"",
            "\"STICKER{}\"",
            &["join_dyn"],
        ),
        case(
            "derived_partial_eq_with_a_manual_field_impl_downstream",
            "`same<T: PartialEq + Serialize>` compares down's `#[derive(PartialEq)] Pair`, whose field `Weird` has a manual `impl PartialEq` that now compares",
            "down/src/lib.rs",
            "fn eq(&self, _other: &Weird) -> bool {\n        true",
            "fn eq(&self, other: &Weird) -> bool {\n        self.0 == other.0",
            &["same"],
        ),
        case(
            "assoc_fn_named_by_a_macro_ident_argument",
            "`make!(Dial, fresh)` expands to `Dial::fresh()` in `app::macro_assoc_ident`; `fresh` builds `Dial(61)`",
            "app/src/lib.rs",
            "Dial(60)",
            "Dial(61)",
            &["macro_assoc_ident"],
        ),
        case(
            "trait_method_named_by_an_ident_argument_of_another_crates_macro",
            "`use base::Quad; base::call_on!(3u32, quad)` expands to `3u32.quad()` in `app::macro_trait_method_ident`; base's `impl Quad for u32` multiplies by 5",
            "base/src/lib.rs",
            "self * 4",
            "self * 5",
            &["macro_trait_method_ident"],
        ),
        case(
            "generic_bound_display_implemented_downstream_under_another_name",
            "`show_plain<T: std::fmt::Display + Serialize>`; down writes `use std::fmt::Display as Shown; impl Shown for Medal`, which writes `MEDAL`",
            "down/src/lib.rs",
            "\"medal{}\"",
            "\"MEDAL{}\"",
            &["show_plain"],
        ),
        case(
            "generic_bound_display_implemented_downstream_by_a_macro_rules_invocation_input",
            "`show_plain<T: Display + Serialize>`; down's `disp!(Ribbon, \"ribbon{}\")` writes `impl fmt::Display for $t`; the invocation's literal becomes `RIBBON{}`",
            "down/src/lib.rs",
            "disp!(Ribbon, \"ribbon{}\")",
            "disp!(Ribbon, \"RIBBON{}\")",
            &["show_plain"],
        ),
        case(
            "generic_bound_display_implemented_downstream_by_a_macro_rules_body",
            "`show_plain<T: Display + Serialize>`; the body of down's `macro_rules! disp`, which writes `impl fmt::Display for $t` for `Ribbon`, adds 1 to the field",
            "down/src/lib.rs",
            "write!(f, $s, self.0)",
            "write!(f, $s, self.0 + 1)",
            &["show_plain"],
        ),
        case(
            "generic_bound_display_implemented_downstream_in_a_function_body",
            "`show_plain<T: Display + Serialize>`; down's `run_show_plain_hidden` declares `struct Hid` and `impl fmt::Display for Hid` in its body, which writes `HID`",
            "down/src/lib.rs",
            "\"hid{}\"",
            "\"HID{}\"",
            &["show_plain"],
        ),
        case(
            "generic_bound_display_implemented_downstream_in_const_underscore",
            "`show_plain<T: Display + Serialize>`; down's `const _: () = { impl fmt::Display for Crest { .. } };` writes `CREST`",
            "down/src/lib.rs",
            "\"crest{}\"",
            "\"CREST{}\"",
            &["show_plain"],
        ),
        case(
            "generic_bound_display_reexported_by_base_under_another_name",
            "`show_reexported<T: base::Show + Serialize>` where base has `pub use std::fmt::Display as Show;`; down's `impl fmt::Display for Pin2` writes `PIN`",
            "down/src/lib.rs",
            "\"pin{}\"",
            "\"PIN{}\"",
            &["show_reexported"],
        ),
        case(
            "impl_trait_argument_of_display_imported_under_another_name",
            "`show_impl_arg(x: impl Disp + Serialize)` with `use std::fmt::Display as Disp;`; down's `impl fmt::Display for Star` writes `STAR`",
            "down/src/lib.rs",
            "\"star{}\"",
            "\"STAR{}\"",
            &["show_impl_arg"],
        ),
        case(
            "generic_bound_debug_imported_under_another_name",
            "`debug_renamed<T: Dbg + Serialize>` with `use std::fmt::Debug as Dbg;` (written after the function) and `format!(\"{x:?}\")`; down's `impl fmt::Debug for Knot` writes `KNOT`",
            "down/src/lib.rs",
            "\"knot{}\"",
            "\"KNOT{}\"",
            &["debug_renamed"],
        ),
        case(
            "dyn_display_under_another_name_built_by_a_downstream_caller",
            "`join_dyn_renamed(items: &[&dyn Disp])`, `ignore`d, with `use std::fmt::Display as Disp;`, called with `&Flag(8)` by `down::run_join_dyn_renamed`; down's `impl Display for Flag` writes `FLAG`",
            "down/src/lib.rs",
            "\"flag{}\"",
            "\"FLAG{}\"",
            &["join_dyn_renamed"],
        ),
        case(
            "generic_bound_display_implemented_downstream_through_a_reexport_path",
            "`show_plain<T: std::fmt::Display + Serialize>`; app has `pub use std::fmt::Display as ShowAgain;` and down writes `impl app::ShowAgain for Cup`, which writes `CUP`",
            "down/src/lib.rs",
            "\"cup{}\"",
            "\"CUP{}\"",
            &["show_plain"],
        ),
        case(
            "thiserror_format_argument_calls_a_method_of_the_field",
            "`#[error(\"dial {}\", .0.label())]` on `DialError(Dial)`, `.to_string()` in `app::thiserror_field_method`; `Dial::label` multiplies by 8",
            "app/src/lib.rs",
            "self.0 * 7",
            "self.0 * 8",
            &["thiserror_field_method"],
        ),
        case(
            "serde_skip_serializing_if_names_an_associated_function_in_a_string",
            "`#[serde(skip_serializing_if = \"Rec::skip_n\")]`, serialized in `app::serde_skip_if_assoc`; `Rec::skip_n` skips 2 rather than 0",
            "app/src/lib.rs",
            "*n == 0",
            "*n == 2",
            &["serde_skip_if_assoc"],
        ),
        case(
            "generic_bound_workspace_trait_imported_under_another_name",
            "`area_renamed<T: Ar + Serialize>` with `use crate::Area as Ar;`; down's `impl app::Area for Lot` multiplies by 12",
            "down/src/lib.rs",
            "self.0 * 11",
            "self.0 * 12",
            &["area_renamed"],
        ),
        case(
            "dyn_workspace_trait_under_another_name_built_by_a_downstream_caller",
            "`areas_dyn_renamed(items: &[&dyn Ar])`, `ignore`d, with `use crate::Area as Ar;`, called with `&Yard(2)` by `down::run_areas_dyn_renamed`; down's `impl app::Area for Yard` multiplies by 14",
            "down/src/lib.rs",
            "self.0 * 13",
            "self.0 * 14",
            &["areas_dyn_renamed"],
        ),
        case(
            "generic_bound_workspace_trait_implemented_downstream_by_a_macro_rules_invocation",
            "`area_plain<T: Area + Serialize>`; down's `impl_area!(Field, 17)` writes `impl app::Area for $t`; the invocation's factor becomes 19",
            "down/src/lib.rs",
            "impl_area!(Field, 17)",
            "impl_area!(Field, 19)",
            &["area_plain"],
        ),
    ]
}

case_tests!(
    macro_reexported_by_pub_crate_use_under_another_name,
    macro_export_reexported_by_pub_use_under_another_name,
    enum_variant_imported_by_a_glob_of_the_enum_cast,
    discriminant_from_a_constant_of_another_crate,
    serde_with_names_a_module_in_a_string,
    serde_default_names_a_function_in_a_string,
    serde_into_names_a_type_in_a_string,
    thiserror_format_argument_calls_a_function,
    inherent_impl_of_a_trait_object_type,
    forwarding_impl_for_box,
    forwarding_impl_for_a_reference,
    extension_trait_adapter_of_every_iterator,
    extension_trait_reexported_as_underscore_by_a_glob_prelude,
    reexport_chain_of_renames,
    method_of_a_generic_deref_target,
    drop_impl_of_a_value_returned_as_impl_sized,
    inherent_impl_on_an_imported_alias_in_another_file,
    default_impl_on_an_imported_alias_in_another_file,
    module_file_chosen_by_cfg_attr_path,
    path_attribute_inside_an_inline_module_of_lib_rs,
    path_attribute_in_a_non_mod_rs_file,
    path_attribute_inside_an_inline_module_of_a_non_mod_rs_file,
    method_named_by_a_macro_ident_argument,
    const_generic_default_from_another_crate,
    lazy_static_table_filled_by_another_crate,
    closure_in_a_static_registry_of_fn_pointers,
    generic_bound_workspace_trait_with_display_supertrait,
    generic_bound_display_imported_under_another_name,
    generic_bound_error_whose_supertrait_is_display,
    generic_bound_trait_implemented_downstream_under_its_reexported_name,
    generic_bound_associated_type_display_downstream,
    generic_bound_supertrait_method_implemented_downstream,
    dyn_display_slice_built_by_a_downstream_caller,
    derived_partial_eq_with_a_manual_field_impl_downstream,
    assoc_fn_named_by_a_macro_ident_argument,
    trait_method_named_by_an_ident_argument_of_another_crates_macro,
    generic_bound_display_implemented_downstream_under_another_name,
    generic_bound_display_implemented_downstream_by_a_macro_rules_invocation_input,
    generic_bound_display_implemented_downstream_by_a_macro_rules_body,
    generic_bound_display_implemented_downstream_in_a_function_body,
    generic_bound_display_implemented_downstream_in_const_underscore,
    generic_bound_display_reexported_by_base_under_another_name,
    impl_trait_argument_of_display_imported_under_another_name,
    generic_bound_debug_imported_under_another_name,
    dyn_display_under_another_name_built_by_a_downstream_caller,
    generic_bound_display_implemented_downstream_through_a_reexport_path,
    thiserror_format_argument_calls_a_method_of_the_field,
    serde_skip_serializing_if_names_an_associated_function_in_a_string,
    generic_bound_workspace_trait_imported_under_another_name,
    dyn_workspace_trait_under_another_name_built_by_a_downstream_caller,
    generic_bound_workspace_trait_implemented_downstream_by_a_macro_rules_invocation,
);
