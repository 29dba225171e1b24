//! A serde serializer that writes nothing and stops at the first NaN or ±Infinity, at any
//! depth. `serde_json` (and so the canonicalizer, for nested values) writes such numbers as
//! `null`; RFC 8785 §3.2.2.3 requires an error instead, so [`super::to_vec`] runs this first.

use std::fmt::Display;

use serde::Serialize;
use serde::ser;

/// Why the walk stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Walk {
    /// A non-finite float was found.
    #[error("NaN or Infinity")]
    NonFinite,
    /// The value's own `Serialize` failed; the real serializer reports that.
    #[error("{0}")]
    Other(String),
}

impl ser::Error for Walk {
    fn custom<T: Display>(msg: T) -> Self {
        Self::Other(msg.to_string())
    }
}

/// `Ok(())` when `value` holds no non-finite float anywhere.
pub(crate) fn check<T: Serialize + ?Sized>(value: &T) -> Result<(), Walk> {
    value.serialize(Finite)
}

struct Finite;

type Done = Result<(), Walk>;

fn finite(ok: bool) -> Done {
    if ok { Ok(()) } else { Err(Walk::NonFinite) }
}

/// Methods that accept a scalar and find nothing to check.
macro_rules! accept {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name(self, _: $ty) -> Done { Ok(()) })*
    };
}

impl ser::Serializer for Finite {
    type Ok = ();
    type Error = Walk;
    type SerializeSeq = Finite;
    type SerializeTuple = Finite;
    type SerializeTupleStruct = Finite;
    type SerializeTupleVariant = Finite;
    type SerializeMap = Finite;
    type SerializeStruct = Finite;
    type SerializeStructVariant = Finite;

    accept!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_f32(self, v: f32) -> Done {
        finite(v.is_finite())
    }

    fn serialize_f64(self, v: f64) -> Done {
        finite(v.is_finite())
    }

    fn serialize_none(self) -> Done {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(Finite)
    }

    fn serialize_unit(self) -> Done {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Done {
        v.serialize(Finite)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Done {
        v.serialize(Finite)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_tuple(self, _: usize) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Finite, Walk> {
        Ok(Finite)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Finite, Walk> {
        Ok(Finite)
    }
}

/// The compound serializers: each element, field, key and value is walked.
macro_rules! compound {
    ($($trait:ident :: $method:ident),* $(,)?) => {
        $(impl ser::$trait for Finite {
            type Ok = ();
            type Error = Walk;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
                v.serialize(Finite)
            }
            fn end(self) -> Done {
                Ok(())
            }
        })*
    };
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for Finite {
    type Ok = ();
    type Error = Walk;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Done {
        k.serialize(Finite)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Done {
        v.serialize(Finite)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeStruct for Finite {
    type Ok = ();
    type Error = Walk;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> Done {
        v.serialize(Finite)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Finite {
    type Ok = ();
    type Error = Walk;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _: &'static str, v: &T) -> Done {
        v.serialize(Finite)
    }
    fn end(self) -> Done {
        Ok(())
    }
}
