//! `open_enum!`: the shape of every enum of the API.
//!
//! Graph's enums are evolvable: the service may add members after `unknownFutureValue` at any
//! time. progenitor's own enums are closed, so one new value would fail a whole response. The
//! generator therefore emits each spec enum as an `open_enum!` invocation, and this macro gives
//! it a variant per documented member plus `Other(String)`, which keeps any other value verbatim
//! and serializes it back unchanged.

/// Defines an open string enum: `Name { Variant = "wireName", ... }`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        ///
        /// Open: a value this client does not know decodes as `Other` and round-trips unchanged.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $( #[doc = concat!("`", $wire, "`")] $variant, )*
            /// A value the service sent that this version of the client does not know.
            Other(::std::string::String),
        }

        impl $name {
            /// Every documented wire value, in the order the API declares them.
            pub const DOCUMENTED: &'static [&'static str] = &[$($wire),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(value) => value.as_str(),
                }
            }

            /// Whether this is a documented member (not `Other`).
            pub fn is_documented(&self) -> bool {
                !matches!(self, Self::Other(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $( $wire => Self::$variant, )*
                    _ => Self::Other(value),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }

            /// A string: one of the documented members, or any other string (the enum is open).
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "anyOf": [
                        { "type": "string", "enum": [$($wire),*] },
                        { "type": "string", "description": "A value added to the API after this client was generated." }
                    ]
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }
    };
}
