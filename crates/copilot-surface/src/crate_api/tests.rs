//! The lister and [`changes`](super::changes) over small crates held in memory: reachability,
//! derives and attributes, and each rule that makes an addition breaking.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{changes, list_public_api_of};

fn listing(files: &[(&str, &str)]) -> String {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    list_public_api_of(&files, "demo").unwrap_or_else(|e| panic!("cannot list: {e}"))
}

fn rendered(old: &str, new: &str) -> Vec<String> {
    changes(old, new).iter().map(ToString::to_string).collect()
}

const LIB: &str = r#"
    mod a;
    mod b;
    pub mod m;
    #[cfg(feature = "x")]
    mod gated;
    #[cfg(test)]
    mod tests;
    pub use a::{Shown, Renamed as Alias};
    pub use m::Deep;
    pub use gated::Gated;
    pub use serde;
    pub use serde_json::Value as Json;
"#;

const A: &str = r#"
    use std::fmt;
    #[derive(Debug, Clone, serde::Serialize)]
    #[must_use = "a reason"]
    pub struct Shown { pub x: u8, y: u8 }
    pub struct Renamed<'a>(pub &'a str);
    pub struct Hidden;
    pub(crate) struct Internal;
    impl fmt::Display for Shown { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { Ok(()) } }
    impl Internal { pub fn not_listed(&self) {} }
    impl Hidden { pub fn not_listed_either(&self) {} }
"#;

const B: &str = r#"
    use crate::a::Shown;
    impl Shown {
        /// Elsewhere.
        #[must_use]
        pub fn far(mut self, mut n: u8) -> Self { self }
        fn private(&self) {}
    }
    impl<'a> std::fmt::Debug for crate::a::Renamed<'a> { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) } }
"#;

const M: &str = r#"
    mod sealed { pub trait Seal {} }
    #[non_exhaustive]
    #[derive(PartialEq)]
    pub enum Deep { A, #[non_exhaustive] B { x: u8 }, C(u8) = 3 }
    pub trait Sealed: sealed::Seal { fn required(&self); }
    pub trait Open { fn required(&self); fn provided(&self) -> u8 { 0 } type T; }
    pub const N: usize = 1;
"#;

#[test]
fn only_what_users_can_name_is_listed_with_derives_and_attributes() {
    let out = listing(&[
        ("lib.rs", LIB),
        ("a.rs", A),
        ("b.rs", B),
        ("m/mod.rs", M),
        ("gated.rs", "pub struct Gated;"),
    ]);
    let expected = r#"pub use serde
pub use serde_json::Value as Json
# demo::Alias
pub struct Alias<'a>
    pub 0: &'a str
    impl Debug for Alias<'_>
# demo::Deep
#[non_exhaustive] pub enum Deep
    A
    #[non_exhaustive] B { x: u8 }
    C(u8) = 3
    impl PartialEq for Deep
# demo::Gated
pub struct Gated [cfg(feature = "x")]
# demo::Shown
#[must_use] pub struct Shown { .. private fields }
    pub x: u8
    impl Clone for Shown
    impl Debug for Shown
    impl Display for Shown
    impl Serialize for Shown
    #[must_use] pub fn far(self, n: u8) -> Self
# demo::m
pub mod m
# demo::m::Deep
pub use demo::Deep
# demo::m::N
pub const N: usize
# demo::m::Open
pub trait Open
    fn required(&self)
    fn provided(&self) -> u8 [default]
    type T
# demo::m::Sealed
pub trait Sealed: sealed::Seal [sealed]
    fn required(&self)
"#;
    assert_eq!(out, expected, "the listing:\n{out}");
    assert!(
        !out.contains("Hidden") && !out.contains("not_listed"),
        "{out}"
    );
}

#[test]
fn a_missing_module_file_is_named() {
    let files: BTreeMap<PathBuf, String> = [(PathBuf::from("lib.rs"), "mod gone;".to_string())]
        .into_iter()
        .collect();
    let err = list_public_api_of(&files, "demo").expect_err("a missing file must fail");
    assert_eq!(
        err,
        "src/gone.rs or src/gone/mod.rs: not found (for `mod gone;`)"
    );
}

const ENUMS: &str = r#"
    #[non_exhaustive]
    pub enum Open { A }
    pub enum Closed { A }
    pub struct Literal { pub a: u8 }
    #[non_exhaustive]
    pub struct Grows { pub a: u8 }
    pub struct Private { pub a: u8, b: u8 }
    pub trait Implement { fn a(&self); }
    mod sealed { pub trait S {} }
    pub trait Sealed: sealed::S { fn a(&self); }
"#;

#[test]
fn additions_that_break_users_are_breaking() {
    let old = listing(&[("lib.rs", ENUMS)]);
    let grown = ENUMS
        .replace("pub enum Open { A }", "pub enum Open { A, B }")
        .replace("pub enum Closed { A }", "pub enum Closed { A, B }")
        .replace("Literal { pub a: u8 }", "Literal { pub a: u8, pub b: u8 }")
        .replace("Grows { pub a: u8 }", "Grows { pub a: u8, pub b: u8 }")
        .replace("pub a: u8, b: u8 }", "pub a: u8, b: u8, pub c: u8 }")
        .replace(
            "Implement { fn a(&self); }",
            "Implement { fn a(&self); fn b(&self); fn c(&self) {} }",
        )
        .replace("S { fn a(&self); }", "S { fn a(&self); fn b(&self); }");
    let new = listing(&[("lib.rs", &grown)]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  variant `B` added to `demo::Closed`, which is not #[non_exhaustive]: users' exhaustive `match`es stop compiling",
        "breaking  required item `fn b(&self)` added to trait `demo::Implement` (no default): users' impls stop compiling",
        "breaking  field `pub b: u8` added to `demo::Literal`, which users can build with a struct literal: their literals stop compiling",
        "additive  `demo::Grows`: `pub b: u8` added",
        "additive  `demo::Implement`: `fn c(&self) [default]` added",
        "additive  `demo::Open`: `B` added",
        "additive  `demo::Private`: `pub c: u8` added",
        "additive  `demo::Sealed`: `fn b(&self)` added",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
    assert!(changes(&new, &new).is_empty());
}

#[test]
fn removals_and_header_changes_are_breaking() {
    let old = listing(&[(
        "lib.rs",
        "#[non_exhaustive] #[derive(Clone)] pub enum E { A }\n\
         pub struct S { pub a: u8 }\npub fn gone() {}\npub use serde;",
    )]);
    let new = listing(&[(
        "lib.rs",
        "pub enum E { A }\npub struct S { pub a: u16, b: u8 }\npub fn added() {}",
    )]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `pub use serde` removed",
        "breaking  `demo::E` is no longer #[non_exhaustive]: a commitment that freezes the enum: adding a variant later breaks users' exhaustive `match`es",
        "breaking  `demo::E` no longer implements `Clone` (`impl Clone for E` removed)",
        "breaking  `demo::S` gained private fields: users' struct literals stop compiling",
        "breaking  `demo::S`: `pub a: u8` changed to `pub a: u16`",
        "breaking  `demo::gone` removed: `pub fn gone()`",
        "additive  `demo::added` added: `pub fn added()`",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
}

#[test]
fn impls_in_cfg_modules_and_of_a_trait_for_other_crates_types() {
    let lib = "pub trait Tr {}\nimpl Tr for String {}\nimpl Tr for Private {}\nstruct Private;\n\
               #[cfg(feature = \"f\")]\nmod extra;\npub struct S;";
    let extra = "impl crate::S { pub fn gated(&self) {} }\n\
                 impl Clone for super::S { fn clone(&self) -> Self { crate::S } }";
    let out = listing(&[("lib.rs", lib), ("extra.rs", extra)]);
    let expected = r#"# demo::S
pub struct S
    impl Clone for S [cfg(feature = "f")]
    pub fn gated(&self) [cfg(feature = "f")]
# demo::Tr
pub trait Tr
    impl Tr for String
"#;
    assert_eq!(out, expected, "the listing:\n{out}");
}
