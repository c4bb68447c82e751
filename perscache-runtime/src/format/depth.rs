//! A nesting limit for decoders that have none: hostile bytes are an error,
//! never a stack overflow.
//!
//! A correctly framed postcard entry of a recursive type
//! (`enum Tree { Leaf, Node(Box<Tree>) }`) nested two million deep would make
//! the decoder recurse two million times; a stack overflow aborts the
//! process, which `catch_unwind` cannot stop. [`limited`] wraps a format's
//! [`Deserializer`] so that every value it hands out counts one level while
//! it is being read, and a value nested deeper than the guard lets a write
//! go (`guard.rs`: `Rules::MAX_DEPTH` compound levels, `MAX_NESTING`
//! levels of any kind) is refused. Everything perscache wrote therefore
//! reads back, and nothing deeper is followed.
//!
//! The adapter forwards every call: the [`Deserializer`] counts, and the
//! visitor, sequence, map, enum and seed wrappers only make sure that what
//! the format hands to the value's `Deserialize` is wrapped in turn.

use std::cell::Cell;
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Levels read so far, and how many are allowed.
struct Depth {
    compound: Cell<u32>,
    any: Cell<u32>,
    max_compound: u32,
    max_any: u32,
}

/// Leaves a level when dropped (errors included).
struct Level<'a> {
    depth: &'a Depth,
    compound: bool,
}

impl Depth {
    fn enter<E: de::Error>(&self, compound: bool) -> Result<Level<'_>, E> {
        let any = self.any.get() + 1;
        let nested = self.compound.get() + u32::from(compound);
        if any > self.max_any || nested > self.max_compound {
            return Err(E::custom(format_args!(
                "nested deeper than {} levels ({} of sequences, maps, structs and variants), more than perscache writes",
                self.max_any, self.max_compound
            )));
        }
        self.any.set(any);
        self.compound.set(nested);
        Ok(Level {
            depth: self,
            compound,
        })
    }
}

impl Drop for Level<'_> {
    fn drop(&mut self) {
        self.depth.any.set(self.depth.any.get() - 1);
        if self.compound {
            self.depth.compound.set(self.depth.compound.get() - 1);
        }
    }
}

/// Reads a `T` from `deserializer`, refusing values nested more than
/// `max_compound` sequences, maps, structs, tuples and enum variants deep,
/// or more than `max_any` levels of any kind (options and newtypes too).
pub(crate) fn limited<'de, T, D>(
    deserializer: D,
    max_compound: u32,
    max_any: u32,
) -> Result<T, D::Error>
where
    T: de::Deserialize<'de>,
    D: Deserializer<'de>,
{
    let depth = Depth {
        compound: Cell::new(0),
        any: Cell::new(0),
        max_compound,
        max_any,
    };
    T::deserialize(De {
        inner: deserializer,
        depth: &depth,
    })
}

struct De<'a, D> {
    inner: D,
    depth: &'a Depth,
}

/// Forwards `deserialize_*` methods, counting a level around each.
macro_rules! forward {
    ($compound:expr => $($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let _level = self.depth.enter::<D::Error>($compound)?;
            self.inner.$method($($arg,)* Vis { inner: visitor, depth: self.depth })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for De<'_, D> {
    type Error = D::Error;

    forward! { false =>
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    // `any` may be a compound in a self-describing format: counted as one.
    forward! { true =>
        deserialize_any();
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

struct Vis<'a, V> {
    inner: V,
    depth: &'a Depth,
}

macro_rules! visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.inner.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Vis<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(De {
            inner: d,
            depth: self.depth,
        })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(De {
            inner: d,
            depth: self.depth,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(Access {
            inner: seq,
            depth: self.depth,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Access {
            inner: map,
            depth: self.depth,
        })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Access {
            inner: data,
            depth: self.depth,
        })
    }
}

/// A sequence, map, enum or variant of the format, handing out wrapped
/// deserializers.
struct Access<'a, A> {
    inner: A,
    depth: &'a Depth,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let seed = Seed {
            inner: seed,
            depth: self.depth,
        };
        self.inner.next_element_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let seed = Seed {
            inner: seed,
            depth: self.depth,
        };
        self.inner.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let seed = Seed {
            inner: seed,
            depth: self.depth,
        };
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

impl<'a, 'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<'a, A> {
    type Error = A::Error;
    type Variant = Access<'a, A::Variant>;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.inner.variant_seed(Seed {
            inner: seed,
            depth: self.depth,
        })?;
        Ok((
            value,
            Access {
                inner: variant,
                depth: self.depth,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.inner.newtype_variant_seed(Seed {
            inner: seed,
            depth: self.depth,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(
            len,
            Vis {
                inner: visitor,
                depth: self.depth,
            },
        )
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.inner.struct_variant(
            fields,
            Vis {
                inner: visitor,
                depth: self.depth,
            },
        )
    }
}

struct Seed<'a, S> {
    inner: S,
    depth: &'a Depth,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.inner.deserialize(De {
            inner: d,
            depth: self.depth,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::limited;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Tree {
        Leaf,
        Node(Box<Tree>),
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Chain(Option<Box<Chain>>);

    fn postcard<T: for<'de> Deserialize<'de>>(bytes: &[u8], compound: u32, any: u32) -> Option<T> {
        let mut de = postcard::Deserializer::from_bytes(bytes);
        limited(&mut de, compound, any).ok()
    }

    #[test]
    fn values_within_the_limits_read_back() {
        let mut tree = Tree::Leaf;
        for _ in 0..100 {
            tree = Tree::Node(Box::new(tree));
        }
        let bytes = postcard::to_allocvec(&tree).expect("encode");
        assert_eq!(postcard::<Tree>(&bytes, 101, 1000), Some(tree));
        assert_eq!(postcard::<Tree>(&bytes, 100, 1000), None);
        assert_eq!(postcard::<Tree>(&bytes, 1000, 100), None);
    }

    #[test]
    fn millions_of_levels_are_refused_without_recursing() {
        // `Node` is variant 1: two million of them, then `Leaf`. Without the
        // limit this overflows any thread's stack.
        let mut bytes = vec![1u8; 2_000_000];
        bytes.push(0);
        assert_eq!(postcard::<Tree>(&bytes, 512, 1024), None);
        // `Some` is 1: a chain of two million options.
        assert_eq!(postcard::<Chain>(&bytes, 512, 1024), None);
    }
}
