//! Round 16 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 15: `analysis_adversarial.rs` to
//! `analysis_adversarial15.rs`): impl headers whose type is not written out,
//! and files included in the input of item macros. An impl's self type (or
//! its trait's type argument) may be written by a type macro (`impl Display
//! for ty!()`, `impl ty!(A7)`, `boxed!(B6)` for `Box<B6>`, a
//! `#[macro_export]`ed one from another crate) or by a generic alias that
//! stands for one of its arguments (`type Same<T> = T; impl Same<A6>`,
//! called as `Same::<B7>::seven`; a projection `type First<A, B> = <(A, B)
//! as Pick>::Fst`, or `type Out<T> = <T as Tr>::X`, which is whatever an
//! impl's `type X = Val;` says): the impl's methods count once a type it
//! may be is reached. An item macro with a syntax of its own
//! (`ident_const!(MSG3, include_str!("../msg3.txt"))`, `doc_const! { #[doc =
//! include_str!("../msg.txt")] MSG }`) reads the file its input includes.
//!
//! The fixture (`tests/fixtures/adversarial16/ws`) has three crates: `macs`
//! (no dependency: `#[macro_export]`ed type macros and item macros, the
//! alias `Same<T> = T`, two types whose Display impls macs writes with its
//! own type macros), `down` (depends on macs: impls whose headers macs' macros and
//! alias write, a projection alias of its own, a const of its
//! `greeting.txt`) and `gen` (depends on down and macs: the marked
//! functions, impls of its own written the same ways, and consts of its
//! `msg3.txt`, `msg.txt`, `blob.bin` and `notes/note.txt`). A case is one
//! edit and the functions whose **result** it changes (`must`), judged
//! through the real binary (`cargo perscache list --json`): every `must`
//! function must get a new code hash, or a cached result is served stale.
//! Each case is a test of its own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial16/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial16 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial16",
    members: &["gen"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("show_a2", "gen::show_a2"),
    ("val_a7", "gen::val_a7"),
    ("show_b6", "gen::show_b6"),
    ("show_m4", "gen::show_m4"),
    ("add_a3", "gen::add_a3"),
    ("show_d2", "gen::show_d2"),
    ("show_m5", "gen::show_m5"),
    ("val_a6", "gen::val_a6"),
    ("seven_b7", "gen::seven_b7"),
    ("show_b1", "gen::show_b1"),
    ("from_c1", "gen::from_c1"),
    ("key_val", "gen::key_val"),
    ("label_val", "gen::label_val"),
    ("val_d6", "gen::val_d6"),
    ("make_d9", "gen::make_d9"),
    ("default_d8", "gen::default_d8"),
    ("msg3", "gen::msg3"),
    ("doc_msg", "gen::doc_msg"),
    ("blob_sum", "gen::blob_sum"),
    ("note", "gen::note"),
    ("greeting", "gen::greeting"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = impl_headers_written_by_type_macros();
    v.extend(impl_headers_written_by_generic_aliases());
    v.extend(files_included_in_the_input_of_item_macros());
    v
}

/// The impl's self type, or its trait's type argument, is a type macro
/// invocation: the macro is local, `#[macro_export]`ed by macs, and names
/// the type in its input or only in its body; the impl is in gen, down or
/// macs.
fn impl_headers_written_by_type_macros() -> Vec<Case> {
    vec![
        case(
            "type_macro_local_display_self_type",
            "`impl fmt::Display for ty2!()` with `macro_rules! ty2 { () => { A2 } }` in gen; `gen::show_a2` is `format!(\"{}\", A2)`; the impl writes another text",
            "gen/src/lib.rs",
            "\"a2-text\"",
            "\"a2-edited\"",
            &["show_a2"],
        ),
        case(
            "type_macro_local_inherent_self_type_named_in_its_input",
            "`impl ty7!(A7) { fn val }` with `macro_rules! ty7 { ($t:ty) => { $t } }` in gen; `gen::val_a7` is `A7.val()`; the method returns 1070, not 107",
            "gen/src/lib.rs",
            "        107\n",
            "        1070\n",
            &["val_a7"],
        ),
        case(
            "type_macro_exported_by_macs_writing_a_box",
            "`impl fmt::Display for macs::boxed!(B6)` in gen, macs' `#[macro_export] boxed!` writing `Box<$t>`; `gen::show_b6` is `Box::new(B6).to_string()`; the impl writes another text",
            "gen/src/lib.rs",
            "\"b6-text\"",
            "\"b6-edited\"",
            &["show_b6"],
        ),
        case(
            "type_macro_exported_naming_its_type_in_its_body_only",
            "`impl fmt::Display for crate::m4_ty!()` in macs, the `#[macro_export]`ed `m4_ty!()` writing `$crate::M4` (the invocation names no type); `gen::show_m4` is `macs::M4.to_string()`; the impl writes another text",
            "macs/src/lib.rs",
            "\"m4-text\"",
            "\"m4-edited\"",
            &["show_m4"],
        ),
        case(
            "type_macro_local_in_the_trait_argument",
            "`impl std::ops::Add<ty_a3!()> for u32` in gen (the self type is std's, the macro writes the trait's argument `A3`); `gen::add_a3` is `10u32 + A3(2)`; the impl multiplies by 5, not 3",
            "gen/src/lib.rs",
            "self + r.0 * 3",
            "self + r.0 * 5",
            &["add_a3"],
        ),
        case(
            "type_macro_exported_by_macs_in_an_impl_of_down",
            "`impl fmt::Display for macs::same_ty!(D2)` in down; `gen::show_d2` is `format!(\"{}\", down::D2(5))`, two crates from the macro; the impl writes `d2=`, not `d2:`",
            "down/src/lib.rs",
            "\"d2:{}\"",
            "\"d2={}\"",
            &["show_d2"],
        ),
        case(
            "type_macro_local_to_macs_in_an_impl_of_macs",
            "`impl fmt::Display for m5_ty!()` in macs, `m5_ty!` local to macs; `gen::show_m5` is `macs::M5.to_string()`; the impl writes another text",
            "macs/src/lib.rs",
            "\"m5-text\"",
            "\"m5-edited\"",
            &["show_m5"],
        ),
    ]
}

/// The impl's self type is a generic alias that stands for one of its
/// arguments: `Same<T> = T` (gen's own, or macs'), or a projection
/// (`<(A, B) as Pick>::Fst`, down's `<(A, B) as Pick>::Snd`).
fn impl_headers_written_by_generic_aliases() -> Vec<Case> {
    vec![
        case(
            "alias_of_its_argument_as_an_inherent_self_type",
            "`impl Same<A6> { fn val }` with `pub type Same<T> = T` in gen; `gen::val_a6` is `A6.val()`; the method returns 1060, not 106",
            "gen/src/lib.rs",
            "        106\n",
            "        1060\n",
            &["val_a6"],
        ),
        case(
            "alias_of_its_argument_called_through_the_alias",
            "`impl crate::Same<B7> { fn seven }` in gen; `gen::seven_b7` is `crate::Same::<B7>::seven(&B7::new())`, a path through the alias; the method returns 77, not 7",
            "gen/src/lib.rs",
            "        7\n",
            "        77\n",
            &["seven_b7"],
        ),
        case(
            "projection_alias_as_a_display_self_type",
            "`impl fmt::Display for First<B1, Decoy>` with `pub type First<A, B> = <(A, B) as Pick>::Fst` in gen; `gen::show_b1` is `format!(\"{}\", B1)`; the impl writes another text",
            "gen/src/lib.rs",
            "\"b1-text\"",
            "\"b1-edited\"",
            &["show_b1"],
        ),
        case(
            "projection_alias_in_the_trait_argument_of_a_std_self_type",
            "`impl From<First<C1, Decoy>> for u32` in gen (the self type std's, the projection in the trait's argument: either argument may be the type); `gen::from_c1` is `u32::from(C1(5))`; the impl multiplies by 6, not 4",
            "gen/src/lib.rs",
            "c.0 * 4",
            "c.0 * 6",
            &["from_c1"],
        ),
        case(
            "projection_alias_that_is_none_of_its_arguments",
            "`impl Not for Out<Key>` in down with `type Out<T> = <T as Tr>::X` and `impl Tr for Key { type X = Val; }`: the type is `Val`, which an impl's associated type names, not the alias's argument; `gen::key_val` is `!down::Val`; the impl writes another text",
            "down/src/lib.rs",
            "\"key-text\"",
            "\"key-edited\"",
            &["key_val"],
        ),
        case(
            "projection_alias_in_an_impl_of_a_workspace_trait",
            "`impl Label for Out<Key>` in down, `Label` down's own trait; `gen::label_val` is `down::Val.label()`; the method returns 32, not 31 (held before round 16, with the alias's type unknown: the first version of round 16's rule lost it)",
            "down/src/lib.rs",
            "        31\n",
            "        32\n",
            &["label_val"],
        ),
        case(
            "alias_of_macs_as_an_inherent_self_type_in_down",
            "`impl macs::Same<D6> { fn val6 }` in down, the alias in macs; `gen::val_d6` is `down::D6.val6()`; the method returns 67, not 66",
            "down/src/lib.rs",
            "        66\n",
            "        67\n",
            &["val_d6"],
        ),
        case(
            "alias_of_macs_called_through_the_alias_from_gen",
            "`impl macs::Same<D9> { fn make }` in down; `gen::make_d9` is `macs::Same::<down::D9>::make().0`, a path through macs' alias from a third crate; `make` builds `D9(98)`, not `D9(99)`",
            "down/src/lib.rs",
            "D9(99)",
            "D9(98)",
            &["make_d9"],
        ),
        case(
            "projection_alias_picking_the_second_argument_in_down",
            "`impl Default for Second<Filler, D8>` with `pub type Second<A, B> = <(A, B) as Pick>::Snd` in down; `gen::default_d8` is `down::D8::default().0`; the impl makes another text",
            "down/src/lib.rs",
            "\"d8-text\"",
            "\"d8-edited\"",
            &["default_d8"],
        ),
    ]
}

/// `include_str!`/`include_bytes!` in the input of an item-level macro
/// invocation with a syntax of its own: the macro local, local to a module,
/// or `#[macro_export]`ed by macs; the invocation in gen or in down.
fn files_included_in_the_input_of_item_macros() -> Vec<Case> {
    vec![
        case(
            "include_str_in_the_input_of_a_local_item_macro",
            "`text_const!(MSG3, include_str!(\"../msg3.txt\"));` in gen; `gen::msg3` is `MSG3.to_string()`; the file says four",
            "gen/msg3.txt",
            "three",
            "four",
            &["msg3"],
        ),
        case(
            "include_str_in_a_doc_attribute_of_an_item_macro_input",
            "`doc_const! { #[doc = include_str!(\"../msg.txt\")] MSG }` in gen, the macro matching `#[doc = $d:expr]`; `gen::doc_msg` is `MSG.to_string()`; the file has another line",
            "gen/msg.txt",
            "one doc line",
            "two doc lines",
            &["doc_msg"],
        ),
        case(
            "include_bytes_in_the_input_of_an_exported_item_macro",
            "`macs::bytes_static!(BLOB = include_bytes!(\"../blob.bin\"));` in gen; `gen::blob_sum` sums `BLOB`'s bytes; the file's last byte is `d`, not `c`",
            "gen/blob.bin",
            "abc",
            "abd",
            &["blob_sum"],
        ),
        case(
            "include_str_in_concat_in_an_item_macro_of_a_module",
            "`table! { name: NOTE, text: concat!(include_str!(\"../notes/note.txt\"), \"!\") }` in `gen::texts`, `table!` local to the module; `gen::note` is `texts::NOTE.to_string()`; the file has another line",
            "gen/notes/note.txt",
            "a note",
            "a new note",
            &["note"],
        ),
        case(
            "include_str_in_the_input_of_an_exported_item_macro_in_down",
            "`macs::ident_const!(GREETING, include_str!(\"../greeting.txt\"));` in down; `gen::greeting` is `down::GREETING.to_string()`; the file says goodbye",
            "down/greeting.txt",
            "hello",
            "goodbye",
            &["greeting"],
        ),
    ]
}

case_tests!(
    // Impl headers written by type macros.
    type_macro_local_display_self_type,
    type_macro_local_inherent_self_type_named_in_its_input,
    type_macro_exported_by_macs_writing_a_box,
    type_macro_exported_naming_its_type_in_its_body_only,
    type_macro_local_in_the_trait_argument,
    type_macro_exported_by_macs_in_an_impl_of_down,
    type_macro_local_to_macs_in_an_impl_of_macs,
    // Impl headers written by generic aliases.
    alias_of_its_argument_as_an_inherent_self_type,
    alias_of_its_argument_called_through_the_alias,
    projection_alias_as_a_display_self_type,
    projection_alias_in_the_trait_argument_of_a_std_self_type,
    projection_alias_that_is_none_of_its_arguments,
    projection_alias_in_an_impl_of_a_workspace_trait,
    alias_of_macs_as_an_inherent_self_type_in_down,
    alias_of_macs_called_through_the_alias_from_gen,
    projection_alias_picking_the_second_argument_in_down,
    // Files included in the input of item macros.
    include_str_in_the_input_of_a_local_item_macro,
    include_str_in_a_doc_attribute_of_an_item_macro_input,
    include_bytes_in_the_input_of_an_exported_item_macro,
    include_str_in_concat_in_an_item_macro_of_a_module,
    include_str_in_the_input_of_an_exported_item_macro_in_down,
);
