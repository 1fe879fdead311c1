//! A deserializer of borrowed [`serde_json::Value`]s generic over its error type, so the reader
//! can use an error that keeps serde's calls as data (serde_json's own is a message only).

use std::marker::PhantomData;

use serde::de::value::{MapDeserializer, SeqDeserializer, StrDeserializer};
use serde::de::{self, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::Value;

/// A deserializer of a borrowed JSON value, generic over its error type (serde_json's own
/// `Value` deserializer is fixed to `serde_json::Error`, which keeps only a message).
pub struct Json<'de, E> {
    value: &'de Value,
    error: PhantomData<E>,
}

impl<'de, E> Json<'de, E> {
    pub fn new(value: &'de Value) -> Self {
        Json {
            value,
            error: PhantomData,
        }
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (_, Some(i), _) => Unexpected::Signed(i),
            (_, _, x) => Unexpected::Float(x.unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Json<'de, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, E: de::Error> de::Deserializer<'de> for Json<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    let x = n.as_f64().unwrap_or(f64::NAN);
                    // A whole number written as a float is that integer (as in JavaScript).
                    if x.fract() == 0.0 && x >= 0.0 && x < u64::MAX as f64 {
                        visitor.visit_u64(x as u64)
                    } else if x.fract() == 0.0 && x >= i64::MIN as f64 && x < 0.0 {
                        visitor.visit_i64(x as i64)
                    } else {
                        visitor.visit_f64(x)
                    }
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => {
                let mut seq = SeqDeserializer::new(a.iter().map(Json::new));
                let v = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(v)
            }
            Value::Object(m) => {
                let mut map =
                    MapDeserializer::new(m.iter().map(|(k, v)| (k.as_str(), Json::new(v))));
                let v = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(v)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.value {
            Value::String(s) => visitor.visit_enum(StrDeserializer::<E>::new(s)),
            Value::Object(m) if m.len() == 1 => {
                let (variant, value) = m.iter().next().expect("one entry");
                visitor.visit_enum(Variant {
                    variant,
                    value: Json::<E>::new(value),
                })
            }
            v => Err(E::invalid_type(unexpected(v), &visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// An externally tagged enum value `{"variant": value}`.
struct Variant<'de, E> {
    variant: &'de str,
    value: Json<'de, E>,
}

impl<'de, E: de::Error> de::EnumAccess<'de> for Variant<'de, E> {
    type Error = E;
    type Variant = Json<'de, E>;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Json<'de, E>), E> {
        let v = seed.deserialize(StrDeserializer::<E>::new(self.variant))?;
        Ok((v, self.value))
    }
}

impl<'de, E: de::Error> de::VariantAccess<'de> for Json<'de, E> {
    type Error = E;

    fn unit_variant(self) -> Result<(), E> {
        match self.value {
            Value::Null => Ok(()),
            v => Err(E::invalid_type(unexpected(v), &"unit variant")),
        }
    }

    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, E> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, E> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}
