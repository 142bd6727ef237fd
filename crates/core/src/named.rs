//! Enums stored and addressed by name (a column's value, a query parameter, a translation
//! key), each name written once beside its variant.

/// Defines a field-less enum whose variants have stable names, with `ALL` (every variant,
/// in order), `name()` and `from_name()`.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Every variant, in order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stable name: as stored, and as addresses and translation keys use it.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn from_name(name: &str) -> Option<$name> {
                Self::ALL.into_iter().find(|variant| variant.name() == name)
            }
        }
    };
}

pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    named_enum! {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Sample {
            /// The first.
            First = "first",
            Second = "second_one",
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_none() {
        assert_eq!(Sample::ALL, [Sample::First, Sample::Second]);
        for variant in Sample::ALL {
            assert_eq!(Sample::from_name(variant.name()), Some(variant));
        }
        assert_eq!(Sample::Second.name(), "second_one");
        assert_eq!(Sample::from_name("third"), None);
    }
}
