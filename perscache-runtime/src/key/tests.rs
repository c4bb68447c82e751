//! The key's tests: golden keys, the stream's rules, runs, the fast path.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::hasher::HASH_CHUNK;
use super::runs::{le_pieces, le_pieces_converted};
use super::runs::{RUN_MIN_BYTES, RUN_PIECE};
use super::stream::{encode_alone, tag};
use super::*;

fn key_of<T: Serialize>(v: &T) -> Key {
    let mut h = KeyHasher::new("crate::f", "hash", "binary");
    h.arg("v", v).expect("serializable");
    h.finish()
}

/// Pins the encoding: if this changes, every user's cache is silently
/// invalidated. Bump `KEY_DOMAIN` deliberately instead.
#[test]
fn golden_key() {
    #[derive(Serialize)]
    struct Query<'a> {
        city: &'a str,
        days: u16,
        exact: Option<f64>,
    }
    let mut h = KeyHasher::new("app::weather::forecast", "0123abcd", "json");
    h.instance(&7u64).expect("ok");
    h.arg(
        "query",
        &Query {
            city: "Zürich",
            days: 3,
            exact: Some(-0.5),
        },
    )
    .expect("ok");
    h.arg("tags", &vec!["a", "b"]).expect("ok");
    h.type_name("u32");
    // v3 (the identity as a derived key): the argument stream is v2's
    // (v2: b6bb81a94c24c1403b115b4f77c07ea5, v1: 00ce4a714639777b8f68368804c9a828).
    assert_eq!(h.finish().to_hex(), "798b5e143116cc4460bd81fd21183c42");
}

/// Pins the summary of a long run (v2): the same value through serde and
/// through the fast path.
#[test]
fn golden_key_with_runs() {
    let doubles: Vec<f64> = (0..1000).map(|i| f64::from(i) * -0.25).collect();
    let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let mut h = KeyHasher::new("app::stats::mean", "0123abcd", "binary");
    h.arg("doubles", &doubles).expect("ok");
    h.arg("bytes", &bytes).expect("ok");
    let mut fast = KeyHasher::new("app::stats::mean", "0123abcd", "binary");
    fast.scalars_arg("doubles", &doubles);
    fast.scalars_arg("bytes", &bytes);
    let key = h.finish();
    assert_eq!(fast.finish(), key);
    // v3 (v2: 4442bdb9f6b3ccedc431b0e8941c3981).
    assert_eq!(key.to_hex(), "722e0ff5533d9b3c06b802f05ac49db2");
}

/// The identity is BLAKE3's `derive_key` of the length-prefixed function
/// path, code hash and format, under `KEY_DOMAIN`; the key is the argument
/// stream hashed with it.
#[test]
fn identity_is_a_derived_key() {
    let mut material = Vec::new();
    for part in ["crate::f", "salt", "json"] {
        material.extend((part.len() as u64).to_le_bytes());
        material.extend(part.as_bytes());
    }
    let identity = blake3::derive_key("perscache key v3", &material);
    let mut stream = Vec::new();
    stream.push(tag::ARG);
    stream.extend(1u64.to_le_bytes());
    stream.extend(b"x");
    encode_alone(&5u8, &mut stream).expect("ok");
    let mut h = KeyHasher::new("crate::f", "salt", "json");
    h.arg("x", &5u8).expect("ok");
    assert_eq!(
        h.finish().as_bytes(),
        blake3::keyed_hash(&identity, &stream).as_bytes()
    );
}

/// A `#[persist]` site keeps the identity key of its first call's format:
/// its keys are `new`'s (with the key salt as the code hash), in that format
/// and in any other.
#[test]
fn site_keys_are_the_public_keys() {
    static SITE: crate::call::Site = crate::call::Site::new("crate::f", "code", "salt");
    let key = |mut h: KeyHasher| {
        h.arg("x", &5u8).expect("ok");
        h.finish()
    };
    for format in ["json", "binary", "json", "", "binary"] {
        assert_eq!(
            key(KeyHasher::for_site(&SITE, format)),
            key(KeyHasher::new("crate::f", "salt", format)),
            "{format}"
        );
    }
    assert_ne!(
        key(KeyHasher::for_site(&SITE, "json")),
        key(KeyHasher::new("crate::f", "code", "json"))
    );
}

/// The canonical stream, written out by hand from the rules above.
#[test]
fn canonical_bytes() {
    let mut out = Vec::new();
    encode_alone(&(1u8, "ab", Some(-1i16)), &mut out).expect("ok");
    let mut expected = vec![tag::TUPLE];
    expected.extend(3u64.to_le_bytes());
    expected.extend([tag::U8, 1]);
    expected.push(tag::STR);
    expected.extend(2u64.to_le_bytes());
    expected.extend(b"ab");
    expected.extend([tag::SOME, tag::I16, 0xff, 0xff]);
    expected.push(tag::END);
    assert_eq!(out, expected);
}

#[test]
fn adjacent_strings_do_not_collide() {
    assert_ne!(key_of(&("ab", "c")), key_of(&("a", "bc")));
    assert_ne!(
        key_of(&vec![vec![1u8], vec![]]),
        key_of(&vec![vec![], vec![1u8]])
    );
}

#[test]
fn integer_widths_differ() {
    assert_ne!(key_of(&5u32), key_of(&5u64));
    assert_ne!(key_of(&5u32), key_of(&5i32));
}

#[test]
fn hash_map_order_does_not_matter() {
    let a: HashMap<String, u32> = (0..200).map(|i| (i.to_string(), i)).collect();
    let mut b: HashMap<String, u32> = HashMap::new();
    for i in (0..200).rev() {
        b.insert(i.to_string(), i);
    }
    let sorted: BTreeMap<String, u32> = a.clone().into_iter().collect();
    assert_eq!(key_of(&a), key_of(&b));
    assert_eq!(key_of(&a), key_of(&sorted));
}

#[test]
fn identity_parts_all_matter() {
    let base = KeyHasher::new("f", "h", "json").finish();
    assert_ne!(base, KeyHasher::new("g", "h", "json").finish());
    assert_ne!(base, KeyHasher::new("f", "i", "json").finish());
    assert_ne!(base, KeyHasher::new("f", "h", "yaml").finish());
    let mut with_instance = KeyHasher::new("f", "h", "json");
    with_instance.instance(&1u8).expect("ok");
    assert_ne!(base, with_instance.finish());
}

#[test]
fn argument_names_matter() {
    let mut a = KeyHasher::new("f", "h", "json");
    a.arg("x", &1u8).expect("ok");
    let mut b = KeyHasher::new("f", "h", "json");
    b.arg("y", &1u8).expect("ok");
    assert_ne!(a.finish(), b.finish());
}

#[test]
fn failing_serialize_names_the_argument() {
    struct Bad;
    impl Serialize for Bad {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no"))
        }
    }
    let mut h = KeyHasher::new("f", "h", "json");
    let err = h.arg("conn", &Bad).expect_err("must fail");
    assert!(err.to_string().contains("`conn`"), "{err}");
}

/// Any key: the sink's batching is what is tested.
const SINK_KEY: [u8; 32] = [7; 32];

#[test]
fn large_input_matches_small_chunks() {
    // The batching sink must not change the digest whatever the write sizes.
    let big = vec![7u8; HASH_CHUNK * 3 + 5];
    let mut a = HashSink::new(SINK_KEY);
    a.put(&big);
    let mut b = HashSink::new(SINK_KEY);
    for chunk in big.chunks(1000) {
        b.put(chunk);
    }
    assert_eq!(a.finish().digest(), b.finish().digest());
    assert_eq!(
        {
            let mut c = HashSink::new(SINK_KEY);
            c.put(&big);
            *c.finish().digest().as_bytes()
        },
        *blake3::keyed_hash(&SINK_KEY, &big).as_bytes()
    );
    // Pieces of every size after a start of every length (the aligned
    // flushes, the direct updates of large pieces): the digest of the
    // concatenation.
    let stream: Vec<u8> = (0..HASH_CHUNK * 9 + 123)
        .map(|i| (i * 131 % 251) as u8)
        .collect();
    for start in [0, 1, 150, HASH_CHUNK - 1, HASH_CHUNK + 7] {
        let mut d = HashSink::new(SINK_KEY);
        d.put(&stream[..start]);
        let mut at = start;
        for size in [9usize, 1, 17, 3 * HASH_CHUNK, 9, 4096, HASH_CHUNK + 1]
            .iter()
            .cycle()
        {
            let end = (at + size).min(stream.len());
            d.put(&stream[at..end]);
            at = end;
            if at == stream.len() {
                break;
            }
        }
        assert_eq!(
            *d.finish().digest().as_bytes(),
            *blake3::keyed_hash(&SINK_KEY, &stream).as_bytes(),
            "start {start}"
        );
    }
}

#[test]
fn a_call_key_is_exact_when_short_and_its_digest_is_the_keys() {
    let key_of = |text: &str| {
        let mut h = KeyHasher::new("f", "h", "json");
        h.arg("text", text).expect("a str keys");
        h
    };
    for len in [0, 10, 900, 2000, 3 * HASH_CHUNK] {
        let text = "x".repeat(len);
        let call = key_of(&text).finish_call();
        assert_eq!(call.digest(), key_of(&text).finish(), "length {len}");
        let memory = call.memory();
        assert_eq!(&memory[..32], &identity_key("f", "h", "json"));
        if len <= 900 {
            // The stream itself: its first tag, then the text within.
            assert_eq!(memory[32], tag::ARG, "length {len}");
            assert!(memory.ends_with(text.as_bytes()), "length {len}");
        } else {
            // The digest stands for a long stream, behind a byte no stream
            // starts with, so the two forms never match each other.
            assert_eq!(memory.len(), 65, "length {len}");
            assert_eq!(memory[32], 0, "length {len}");
            assert_eq!(&memory[33..], call.digest().as_bytes(), "length {len}");
        }
    }
    // Keys that differ in any part differ in their memory bytes.
    let a = key_of("ab").finish_call();
    let b = key_of("ac").finish_call();
    let mut c = KeyHasher::new("g", "h", "json");
    c.arg("text", "ab").expect("a str keys");
    assert_ne!(a.memory(), b.memory());
    assert_ne!(a.memory(), c.finish_call().memory());
}

/// The little-endian bytes of `data`, number by number.
fn le_of<E: Scalar>(data: &[E]) -> Vec<u8> {
    let width = std::mem::size_of::<E>();
    let mut out = vec![0u8; std::mem::size_of_val(data)];
    for (dst, number) in out.chunks_exact_mut(width).zip(data) {
        number.put_le(dst);
    }
    out
}

/// The stream of a run of `E`s, written out by hand: inline below the
/// threshold, else the summary.
fn expected_run<E: Scalar>(data: &[E]) -> Vec<u8> {
    let le = le_of(data);
    let width = std::mem::size_of::<E>();
    let mut out = Vec::new();
    if le.len() >= RUN_MIN_BYTES {
        out.extend([tag::RUN, E::TAG]);
        out.extend((data.len() as u64).to_le_bytes());
        out.extend(blake3::hash(&le).as_bytes());
    } else {
        for number in le.chunks_exact(width) {
            out.push(E::TAG);
            out.extend(number);
        }
    }
    out
}

fn stream<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    encode_alone(value, &mut out).expect("serializable");
    out
}

fn seq(body: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![tag::SEQ];
    for part in body {
        out.extend(*part);
    }
    out.push(tag::END);
    out
}

/// The same value through the fast path.
fn fast_stream<C: ScalarSlice + ?Sized>(value: &C) -> Vec<u8> {
    let mut out = Vec::new();
    match C::OPEN {
        Open::Seq => out.push(tag::SEQ),
        Open::Tuple => {
            out.push(tag::TUPLE);
            write_len(&mut out, value.scalars().len());
        }
    }
    write_scalars(&mut out, value.scalars());
    out.push(tag::END);
    out
}

/// Lengths around every boundary: the threshold for each width, the
/// run buffer's piece, and large.
const LENGTHS: &[usize] = &[
    0,
    1,
    2,
    63,
    64,
    65,
    127,
    128,
    129,
    255,
    256,
    257,
    511,
    512,
    513,
    1023,
    1024,
    1025,
    2048,
    RUN_PIECE - 1,
    RUN_PIECE,
    RUN_PIECE + 3,
    3 * RUN_PIECE + 17,
    100_000,
];

macro_rules! for_each_scalar {
    ($check:ident) => {
        $check::<i8>(|i| i as i8);
        $check::<i16>(|i| (i as i16).wrapping_mul(-7));
        $check::<i32>(|i| (i as i32).wrapping_mul(-1_000_003));
        $check::<i64>(|i| (i as i64).wrapping_mul(-0x1E37_79B9_7F4A_7C15));
        $check::<i128>(|i| (i as i128) << 70 | i as i128);
        $check::<u8>(|i| (i * 31 % 251) as u8);
        $check::<u16>(|i| (i as u16).wrapping_mul(40_503));
        $check::<u32>(|i| (i as u32).wrapping_mul(2_654_435_761));
        $check::<u64>(|i| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        $check::<u128>(|i| (i as u128) << 64 | (i as u128).wrapping_mul(3));
        $check::<f32>(|i| if i % 7 == 3 { -0.0 } else { i as f32 * 0.75 });
        $check::<f64>(|i| match i % 11 {
            4 => f64::NAN,
            5 => f64::from_bits(0x7ff8_0000_0000_0001),
            6 => -0.0,
            _ => i as f64 * -1.25,
        });
    };
}

/// A `Vec` of each kind of number, through serde, is one run written by
/// the rule (inline below `RUN_MIN_BYTES`, summary from it); the fast path
/// writes the same bytes for every form it takes.
#[test]
fn runs_of_every_kind_and_length() {
    fn check<E: Scalar + Copy>(make: fn(usize) -> E) {
        for &n in LENGTHS {
            let data: Vec<E> = (0..n).map(make).collect();
            let expected = seq(&[&expected_run(&data)]);
            let name = std::any::type_name::<E>();
            assert_eq!(stream(&data), expected, "Vec<{name}> of {n}");
            assert_eq!(fast_stream(&data), expected, "fast Vec<{name}> of {n}");
            assert_eq!(fast_stream(&data[..]), expected, "fast [{name}] of {n}");
            assert_eq!(fast_stream(&&data), expected, "fast &Vec<{name}> of {n}");
            let boxed: Box<[E]> = data.clone().into();
            assert_eq!(stream(&boxed), expected, "Box<[{name}]> of {n}");
            assert_eq!(fast_stream(&boxed), expected, "fast Box<[{name}]> of {n}");
            let cow = std::borrow::Cow::Borrowed(&data[..]);
            assert_eq!(stream(&cow), expected, "Cow<[{name}]> of {n}");
            assert_eq!(fast_stream(&cow), expected, "fast Cow<[{name}]> of {n}");
        }
        // Arrays (serde has them up to 32 elements): a tuple of the numbers.
        let a0: [E; 0] = [];
        assert_eq!(stream(&a0), fast_stream(&a0));
        let a3: [E; 3] = std::array::from_fn(make);
        assert_eq!(stream(&a3), fast_stream(&a3));
        let a32: [E; 32] = std::array::from_fn(make);
        let mut expected = vec![tag::TUPLE];
        expected.extend(32u64.to_le_bytes());
        expected.extend(expected_run(&a32));
        expected.push(tag::END);
        assert_eq!(stream(&a32), expected);
        assert_eq!(fast_stream(&a32), expected);
        assert_eq!(fast_stream(&&a32), expected);
    }
    for_each_scalar!(check);
}

/// The conversion used on big-endian targets gives the bytes the cast
/// gives on this one, in pieces that split no number.
#[test]
fn converted_pieces_match_memory() {
    fn check<E: Scalar + Copy>(make: fn(usize) -> E) {
        for &n in LENGTHS {
            let data: Vec<E> = (0..n).map(make).collect();
            let mut converted = Vec::new();
            le_pieces_converted(&data, |piece| {
                assert!(piece.len() <= RUN_PIECE);
                assert_eq!(piece.len() % std::mem::size_of::<E>(), 0);
                converted.extend_from_slice(piece);
            });
            assert_eq!(converted, le_of(&data));
            let mut direct = Vec::new();
            le_pieces(&data, |piece| direct.extend_from_slice(piece));
            assert_eq!(direct, converted);
        }
    }
    for_each_scalar!(check);
}

/// One number of any kind or a non-number, serialized as a bare element
/// (no enum wrapper), to build sequences that mix kinds.
#[derive(Clone, Debug)]
enum Item {
    U8(u8),
    I8(i8),
    U16(u16),
    U64(u64),
    F64(f64),
    Bool(bool),
    Char(char),
    Str(String),
    Nested(Vec<u8>),
    Some(f64),
}

impl Serialize for Item {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Item::U8(v) => v.serialize(s),
            Item::I8(v) => v.serialize(s),
            Item::U16(v) => v.serialize(s),
            Item::U64(v) => v.serialize(s),
            Item::F64(v) => v.serialize(s),
            Item::Bool(v) => v.serialize(s),
            Item::Char(v) => v.serialize(s),
            Item::Str(v) => v.serialize(s),
            Item::Nested(v) => v.serialize(s),
            Item::Some(v) => Some(v).serialize(s),
        }
    }
}

/// The stream of a sequence of items, from the rule: maximal runs of one
/// kind of number grouped, everything else as it always was.
fn model(items: &[Item]) -> Vec<u8> {
    fn run_of(items: &[Item]) -> Vec<u8> {
        match items[0] {
            Item::U8(_) => expected_run(&collect(items, |i| match i {
                Item::U8(v) => Some(*v),
                _ => None,
            })),
            Item::I8(_) => expected_run(&collect(items, |i| match i {
                Item::I8(v) => Some(*v),
                _ => None,
            })),
            Item::U16(_) => expected_run(&collect(items, |i| match i {
                Item::U16(v) => Some(*v),
                _ => None,
            })),
            Item::U64(_) => expected_run(&collect(items, |i| match i {
                Item::U64(v) => Some(*v),
                _ => None,
            })),
            Item::F64(_) => expected_run(&collect(items, |i| match i {
                Item::F64(v) => Some(*v),
                _ => None,
            })),
            _ => unreachable!("not a number"),
        }
    }
    fn collect<E>(items: &[Item], f: impl Fn(&Item) -> Option<E>) -> Vec<E> {
        items.iter().map(|i| f(i).expect("one kind")).collect()
    }
    let kind = |i: &Item| match i {
        Item::U8(_) => Some(0),
        Item::I8(_) => Some(1),
        Item::U16(_) => Some(2),
        Item::U64(_) => Some(3),
        Item::F64(_) => Some(4),
        _ => None,
    };
    let mut out = vec![tag::SEQ];
    let mut at = 0;
    while at < items.len() {
        match kind(&items[at]) {
            Some(k) => {
                let len = items[at..]
                    .iter()
                    .take_while(|i| kind(i) == Some(k))
                    .count();
                out.extend(run_of(&items[at..at + len]));
                at += len;
            }
            None => {
                // Not a number: as written on its own (which, for a
                // nested sequence, follows the rule inside it).
                match &items[at] {
                    Item::Nested(v) => out.extend(seq(&[&expected_run(v)])),
                    other => out.extend(stream(other)),
                }
                at += 1;
            }
        }
    }
    out.push(tag::END);
    out
}

fn item_runs(spec: &[(u8, usize)]) -> Vec<Item> {
    let mut items = Vec::new();
    for (n, &(kind, len)) in spec.iter().enumerate() {
        for i in 0..len {
            let v = (i * 37 + n * 11) as u64;
            items.push(match kind {
                0 => Item::U8(v as u8),
                1 => Item::I8(v as i8),
                2 => Item::U16(v as u16),
                3 => Item::U64(v.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                4 => Item::F64(v as f64 / 3.0),
                5 => Item::Bool(v.is_multiple_of(2)),
                6 => Item::Char('é'),
                7 => Item::Str(format!("s{v}")),
                8 => Item::Nested(vec![v as u8; v as usize % 2000]),
                _ => Item::Some(v as f64),
            });
        }
    }
    items
}

/// Runs split by another kind, by non-numbers, by nested sequences; just
/// below, at and above the threshold; against the rule written out.
#[test]
fn mixed_sequences_follow_the_rule() {
    let cases: &[&[(u8, usize)]] = &[
        &[],
        &[(0, 1023), (0, 1)],
        &[(0, 1024), (1, 1024)],
        &[(0, 1023), (1, 1024), (0, 1025)],
        &[(4, 127), (3, 1), (4, 128), (3, 129)],
        &[(4, 200), (9, 1), (4, 200)],
        &[(4, 200), (5, 1), (4, 127)],
        &[(0, 3000), (6, 2), (0, 3000), (7, 1), (2, 512)],
        &[(0, 2048), (8, 3), (0, 10)],
        &[(2, 511), (2, 1), (0, 1023)],
        &[(3, RUN_PIECE / 8 + 1), (4, RUN_PIECE / 4 + 3)],
        &[(0, RUN_PIECE * 2 + 1), (1, 5), (0, RUN_PIECE)],
    ];
    for spec in cases {
        let items = item_runs(spec);
        assert_eq!(stream(&items), model(&items), "{spec:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Random sequences of runs, lengths near every threshold: the
    /// serializer follows the rule, and two different sequences never
    /// give one stream.
    #[test]
    fn random_sequences_follow_the_rule(
        a in proptest::collection::vec((0u8..10, 0usize..1100), 0..6),
        b in proptest::collection::vec((0u8..10, 0usize..1100), 0..6),
    ) {
        let (a, b) = (item_runs(&a), item_runs(&b));
        let (sa, sb) = (stream(&a), stream(&b));
        proptest::prop_assert_eq!(&sa, &model(&a));
        proptest::prop_assert_eq!(&sb, &model(&b));
        // Different values (by their inline streams, which are injective
        // by construction) give different streams.
        let inline = |items: &[Item]| {
            items.iter().map(stream).collect::<Vec<_>>()
        };
        proptest::prop_assert_eq!(sa == sb, inline(&a) == inline(&b));
    }
}

/// Values that a careless run encoding could confuse.
#[test]
fn run_encoding_is_injective_on_hard_cases() {
    let ones = vec![1u8; 1024];
    let pairs: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
        (
            stream(&ones),
            stream(&vec![1i8; 1024]),
            "same bytes, other kind",
        ),
        (
            stream(&vec![1.5f64; 200]),
            stream(&vec![1.5f64.to_bits(); 200]),
            "f64 against u64 of the same bits",
        ),
        (stream(&ones), stream(&vec![1u8; 1025]), "one more"),
        (stream(&ones), stream(&vec![1u8; 1023]), "one less"),
        (stream(&vec![ones.clone()]), stream(&ones), "nested"),
        (
            stream(&(vec![1u8; 1024], vec![1u8; 1024])),
            stream(&(vec![1u8; 1000], vec![1u8; 1048])),
            "split elsewhere",
        ),
        (
            stream(&vec![0.0f64; 500]),
            stream(&{
                let mut v = vec![0.0f64; 500];
                v[321] = -0.0;
                v
            }),
            "-0.0 inside a run",
        ),
        (
            stream(&vec![f64::NAN; 500]),
            stream(&vec![f64::from_bits(0x7ff8_0000_0000_0001); 500]),
            "NaN payloads",
        ),
        (
            stream(&vec![7u16; RUN_PIECE]),
            stream(&{
                let mut v = vec![7u16; RUN_PIECE];
                v[RUN_PIECE - 1] = 8;
                v
            }),
            "last number of a long run",
        ),
    ];
    for (a, b, what) in pairs {
        assert_ne!(a, b, "{what}");
    }
    // Empty sequences of any kind are one stream (serde sees no element,
    // as before runs; a generic function's key has its types besides).
    assert_eq!(stream(&Vec::<u8>::new()), seq(&[]));
    assert_eq!(stream(&Vec::<f64>::new()), seq(&[]));
}

/// A run lives inside its compound: nested sequences, tuples with other
/// fields, struct fields and map entries are written around it as before.
#[test]
fn runs_in_nested_values() {
    #[derive(Serialize)]
    struct Series {
        name: &'static str,
        points: Vec<f64>,
        scale: f64,
    }
    let points: Vec<f64> = (0..300).map(|i| f64::from(i) / 7.0).collect();
    let mut expected = vec![tag::STRUCT];
    write_str(&mut expected, "Series");
    expected.extend(3u64.to_le_bytes());
    for (field, value) in [
        ("name", stream("s")),
        ("points", seq(&[&expected_run(&points)])),
        ("scale", stream(&2.0f64)),
    ] {
        expected.push(tag::FIELD);
        write_str(&mut expected, field);
        expected.extend(value);
    }
    expected.push(tag::END);
    let series = Series {
        name: "s",
        points: points.clone(),
        scale: 2.0,
    };
    assert_eq!(stream(&series), expected);

    // Vec<Vec<u8>>: each inner vector is its own context.
    let nested = vec![vec![3u8; 2000], vec![], vec![4u8; 5]];
    assert_eq!(
        stream(&nested),
        seq(&[
            &seq(&[&expected_run(&nested[0])]),
            &seq(&[]),
            &seq(&[&expected_run(&nested[2])])
        ])
    );

    // A tuple: numbers of one kind among its fields form a run too.
    let tuple = (5u8, vec![1u32; 300], 6u8, 7u8, "x", 9u64);
    let mut expected = vec![tag::TUPLE];
    expected.extend(6u64.to_le_bytes());
    expected.extend([tag::U8, 5]);
    expected.extend(seq(&[&expected_run(&vec![1u32; 300])]));
    expected.extend([tag::U8, 6, tag::U8, 7]);
    expected.extend(stream("x"));
    expected.push(tag::U64);
    expected.extend(9u64.to_le_bytes());
    expected.push(tag::END);
    assert_eq!(stream(&tuple), expected);

    // A map's values: entries are encoded alone, each with its own runs.
    let map: BTreeMap<u8, Vec<i64>> = [(1, vec![-1i64; 128]), (2, vec![5; 3])].into();
    let mut entries: Vec<Vec<u8>> = map
        .iter()
        .map(|(k, v)| {
            let mut e = stream(k);
            e.extend(seq(&[&expected_run(v)]));
            e
        })
        .collect();
    entries.sort();
    let mut expected = vec![tag::MAP];
    expected.extend(2u64.to_le_bytes());
    for e in &entries {
        expected.extend((e.len() as u64).to_le_bytes());
        expected.extend(e);
    }
    assert_eq!(stream(&map), expected);

    // Options, newtypes and bools are not bare numbers: inline.
    let opts = vec![Some(1.0f64); 200];
    let one = stream(&Some(1.0f64));
    let parts: Vec<&[u8]> = (0..200).map(|_| &one[..]).collect();
    assert_eq!(stream(&opts), seq(&parts));
    let bools = vec![true; 2000];
    let one = stream(&true);
    let parts: Vec<&[u8]> = (0..2000).map(|_| &one[..]).collect();
    assert_eq!(stream(&bools), seq(&parts));
}

/// Hashing a key is deterministic, on any thread, and a long run does not
/// disturb the arguments after it.
#[test]
fn runs_are_deterministic() {
    let key = || {
        let mut h = KeyHasher::new("crate::runs", "hash", "binary");
        h.arg("a", &vec![2.5f64; 5000]).expect("ok");
        h.arg("b", &(vec![1u8; 3], 4u16)).expect("ok");
        h.arg("c", &vec![vec![9i32; 700]; 3]).expect("ok");
        h.finish()
    };
    let first = std::thread::spawn(key).join().expect("thread");
    assert_eq!(key(), first);
    assert_eq!(key(), first);
}

/// `#[persist(version = "...")]`: another version is another key, the same
/// version the same key, and a version is never mistaken for an argument or
/// a type of the same text.
#[test]
fn version_is_its_own_part_of_the_key() {
    let with = |f: &dyn Fn(&mut KeyHasher)| {
        let mut h = KeyHasher::new("app::rates::fetch", "0123abcd", "json");
        h.arg("day", &3u32).expect("ok");
        f(&mut h);
        h.finish()
    };
    let none = with(&|_| {});
    let v1 = with(&|h| h.version("1"));
    let v2 = with(&|h| h.version("2"));
    assert_ne!(none, v1);
    assert_ne!(v1, v2);
    assert_eq!(v2, with(&|h| h.version("2")));
    assert_ne!(v2, with(&|h| h.type_name("2")));
}

/// Two types of one name (two crates whose libraries share a name) are two
/// instantiations: the key holds the `TypeId` besides the name.
#[test]
fn types_of_one_name_are_told_apart() {
    mod a {
        pub struct Wire;
    }
    mod b {
        pub struct Wire;
    }
    let key = |f: &dyn Fn(&mut KeyHasher)| {
        let mut h = KeyHasher::new("app::decode", "0123abcd", "json");
        f(&mut h);
        h.finish()
    };
    assert_ne!(
        key(&|h| h.of_type::<a::Wire>()),
        key(&|h| h.of_type::<b::Wire>())
    );
    assert_eq!(
        key(&|h| h.of_type::<a::Wire>()),
        key(&|h| h.of_type::<a::Wire>())
    );
    // Not 'static: still an instantiation of its own.
    assert_ne!(
        key(&|h| h.of_type::<&str>()),
        key(&|h| h.of_type::<&[u8]>())
    );
}
