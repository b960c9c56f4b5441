//! The lister and [`changes`](super::changes) over small crates held in memory: reachability,
//! derives and attributes, impl bounds, features, and each rule that makes a change breaking or
//! additive (warning attributes, blanket impls, cfg'd twins).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{changes, list_public_api_of};

fn listing(files: &[(&str, &str)]) -> String {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect();
    list_public_api_of(&files, None, "demo").unwrap_or_else(|e| panic!("cannot list: {e}"))
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
    let err = list_public_api_of(&files, None, "demo").expect_err("a missing file must fail");
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

#[test]
fn warning_attributes_are_additive_non_exhaustive_stays_breaking() {
    let old = listing(&[(
        "lib.rs",
        "pub struct S;\n#[must_use] pub struct M;\n\
         impl S { pub fn f(&self) -> u8 { 0 } #[must_use] pub fn g(&self) -> u8 { 0 } }\n\
         pub enum E { A { x: u8 }, #[non_exhaustive] B { y: u8 } }",
    )]);
    let new = listing(&[(
        "lib.rs",
        "#[must_use] #[deprecated = \"use M\"] pub struct S;\npub struct M;\n\
         impl S { #[must_use] pub fn f(&self) -> u8 { 0 } pub fn g(&self) -> u8 { 0 } }\n\
         pub enum E { #[non_exhaustive] A { x: u8 }, B { y: u8 } }",
    )]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `demo::E`: `A { x: u8 }` became #[non_exhaustive]: users' constructions of it and patterns without `..` stop compiling",
        "breaking  `demo::E`: `B { y: u8 }` is no longer #[non_exhaustive]: a commitment that freezes its fields: adding a field later breaks users' constructions and patterns",
        "additive  `demo::M` is no longer #[must_use]: unused results no longer warn",
        "additive  `demo::S` is now #[must_use]: unused results warn",
        "additive  `demo::S` is now #[deprecated]: users' uses of it warn",
        "additive  `demo::S`: `pub fn f(&self) -> u8` is now #[must_use]: unused results warn",
        "additive  `demo::S`: `pub fn g(&self) -> u8` is no longer #[must_use]: unused results no longer warn",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
    let back = rendered(&new, &old);
    assert_eq!(
        back.iter().filter(|c| c.starts_with("breaking")).count(),
        2,
        "only the two #[non_exhaustive] changes break, either way:\n{back:#?}"
    );
}

const BOUNDS: &str = r#"
    pub trait Listed {}
    pub struct List<T>(pub T);
    pub struct Plain<T>(pub T);
    impl<T: Listed> List<T> { pub fn count(&self) -> usize { 0 } }
    impl<T> Plain<T> { pub fn count(&self) -> usize { 0 } }
    impl Plain<u8> { pub fn byte(&self) -> u8 { 0 } }
    impl<T: Listed> Iterator for List<T> { type Item = T; fn next(&mut self) -> Option<T> { None } }
    impl<T> Clone for Plain<T> where T: Clone { fn clone(&self) -> Self { todo!() } }
    impl<T> Default for Plain<T> { fn default() -> Self { todo!() } }
"#;

#[test]
fn impl_bounds_are_listed_and_a_changed_bound_is_a_change() {
    let old = listing(&[("lib.rs", BOUNDS)]);
    let expected = r#"# demo::List
pub struct List<T>
    pub 0: T
    impl<T: Listed> Iterator for List<T> { type Item = T }
    pub fn count(&self) -> usize [impl<T: Listed>]
# demo::Listed
pub trait Listed
# demo::Plain
pub struct Plain<T>
    pub 0: T
    impl Default for Plain<T>
    impl<T> Clone for Plain<T> where T: Clone
    pub fn byte(&self) -> u8 [impl for Plain<u8>]
    pub fn count(&self) -> usize
"#;
    assert_eq!(old, expected, "the listing:\n{old}");

    let tightened = BOUNDS
        .replace("impl<T: Listed> List<T>", "impl<T: Listed + Send> List<T>")
        .replace("impl<T: Listed> Iterator", "impl<T> Iterator")
        .replace(
            "List<T> { type Item",
            "List<T> where T: Listed + Clone { type Item",
        )
        .replace(" where T: Clone {", " {");
    let new = listing(&[("lib.rs", &tightened)]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `demo::List`: `pub fn count(&self) -> usize [impl<T: Listed>]` changed to `pub fn count(&self) -> usize [impl<T: Listed + Send>]`",
        "breaking  `demo::List`: `impl<T: Listed> Iterator for List<T> { type Item = T }` changed to `impl<T> Iterator for List<T> where T: Listed + Clone { type Item = T }`",
        "additive  `demo::Plain`: `impl<T> Clone for Plain<T> where T: Clone` has looser bounds: `impl Clone for Plain<T>`",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");

    // The same bounds written the other way round are no change.
    let rewritten = BOUNDS
        .replace("impl<T: Listed> List<T>", "impl<T> List<T> where T: Listed")
        .replace(
            "impl<T> Clone for Plain<T> where T: Clone",
            "impl<T: Clone> Clone for Plain<T>",
        );
    let new = listing(&[("lib.rs", &rewritten)]);
    let got = rendered(&old, &new);
    assert!(got.is_empty(), "{got:#?}\nold:\n{old}\nnew:\n{new}");
}

#[test]
fn a_blanket_impl_of_a_trait_users_can_implement_is_breaking() {
    let lib = "mod sealed { pub trait S {} }\npub trait TokenProvider {}\n\
               pub trait Closed: sealed::S {}\n";
    let old = listing(&[("lib.rs", lib)]);
    let grown = format!(
        "{lib}impl<F: Fn()> TokenProvider for F {{}}\n\
         impl<'a, T: TokenProvider> TokenProvider for &'a T {{}}\n\
         impl TokenProvider for String {{}}\n\
         impl<T: Fn()> Closed for T {{}}\n"
    );
    let new = listing(&[("lib.rs", &grown)]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  blanket impl `impl<'a, T: TokenProvider> TokenProvider for &'a T` added to trait `demo::TokenProvider`, which is not sealed: users' impls of it for their own types that meet its bounds now overlap it and stop compiling (RFC 2451)",
        "breaking  blanket impl `impl<F: Fn()> TokenProvider for F` added to trait `demo::TokenProvider`, which is not sealed: users' impls of it for their own types that meet its bounds now overlap it and stop compiling (RFC 2451)",
        "additive  `demo::Closed`: `impl<T: Fn()> Closed for T` added",
        "additive  `demo::TokenProvider`: `impl TokenProvider for String` added",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
}

#[test]
fn cfg_twins_keep_their_own_keys_and_a_cfg_note_does_not_change_a_key() {
    let lib = r#"
        pub struct S;
        pub struct G<T>(T);
        impl S {
            #[cfg(feature = "a")]
            pub fn f(&self) -> u8 { 0 }
            #[cfg(not(feature = "a"))]
            pub fn f(&self) -> u16 { 0 }
        }
        impl G<u8> { pub fn h(&self) {} }
    "#;
    let old = listing(&[("lib.rs", lib)]);
    assert!(
        old.contains("    pub fn f(&self) -> u8 [cfg(feature = \"a\")]\n")
            && old.contains("    pub fn f(&self) -> u16 [cfg(not(feature = \"a\"))]\n"),
        "both twins are listed:\n{old}"
    );
    let changed = lib.replace("-> u16 { 0 }", "-> u32 { 0 }").replace(
        "impl G<u8> { pub fn h",
        "impl G<u8> { #[cfg(feature = \"b\")] pub fn h",
    );
    let new = listing(&[("lib.rs", &changed)]);
    let got = rendered(&old, &new);
    let expected = [
        "breaking  `demo::G`: `pub fn h(&self) [impl for G<u8>]` changed to `pub fn h(&self) [impl for G<u8>] [cfg(feature = \"b\")]`",
        "breaking  `demo::S`: `pub fn f(&self) -> u16 [cfg(not(feature = \"a\"))]` changed to `pub fn f(&self) -> u32 [cfg(not(feature = \"a\"))]`",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");

    let one = lib.replace(
        "#[cfg(not(feature = \"a\"))]\n            pub fn f(&self) -> u16 { 0 }",
        "",
    );
    let new = listing(&[("lib.rs", &one)]);
    let got = rendered(&old, &new);
    let expected =
        ["breaking  `demo::S`: `pub fn f(&self) -> u16 [cfg(not(feature = \"a\"))]` removed"];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
}

#[test]
fn features_are_listed_and_a_removed_one_is_breaking() {
    let files: BTreeMap<PathBuf, String> = [(PathBuf::from("lib.rs"), "pub struct S;".to_string())]
        .into_iter()
        .collect();
    let list = |manifest: &str| {
        list_public_api_of(&files, Some(manifest), "demo").unwrap_or_else(|e| panic!("{e}"))
    };
    let old = list(
        "[package]\nname = \"demo\"\n\n[features]\ndefault = [\"rustls\", \"json\"]\n\
         rustls = [\"dep:rustls\"]\njson = []\nnative-tls = [\"dep:native-tls\"]\n",
    );
    let expected = r#"# features
feature default = ["rustls", "json"]
feature json = []
feature native-tls = ["dep:native-tls"]
feature rustls = ["dep:rustls"]
# demo::S
pub struct S
"#;
    assert_eq!(old, expected, "the listing:\n{old}");
    let new = list(
        "[features]\ndefault = [\"rustls\"]\nrustls = [\"dep:rustls\", \"ring\"]\njson = []\n\
         ring = []\n",
    );
    let got = rendered(&old, &new);
    let expected = [
        "breaking  feature `default` no longer enables `json`: code that relied on it to turn them on may stop compiling (`feature default = [\"rustls\", \"json\"]` → `feature default = [\"rustls\"]`)",
        "breaking  feature `native-tls` removed: users' `features = [\"native-tls\"]` stop resolving (`feature native-tls = [\"dep:native-tls\"]`)",
        "additive  feature `ring` added: `feature ring = []`",
        "additive  feature `rustls` now also enables `ring`",
    ];
    assert_eq!(got, expected, "old:\n{old}\nnew:\n{new}");
    assert!(changes(&new, &new).is_empty(), "{new}");

    // What a feature enables through another feature counts as enabled.
    let split = list(
        "[features]\ndefault = [\"rustls\"]\nrustls = [\"tls\"]\ntls = [\"dep:rustls\", \"ring\"]\n\
         json = []\nring = []\n",
    );
    let got = rendered(&new, &split);
    let expected = [
        "additive  feature `default` now also enables `tls`",
        "additive  feature `rustls` now also enables `tls`",
        "additive  feature `tls` added: `feature tls = [\"dep:rustls\", \"ring\"]`",
    ];
    assert_eq!(got, expected, "old:\n{new}\nnew:\n{split}");
    let reordered = list(
        "[features]\ndefault = [\"rustls\"]\nrustls = [\"ring\", \"dep:rustls\"]\njson = []\n\
         ring = []\n",
    );
    let got = rendered(&new, &reordered);
    let expected = [
        "additive  feature `rustls` is written another way but enables the same: `feature rustls = [\"dep:rustls\", \"ring\"]` → `feature rustls = [\"ring\", \"dep:rustls\"]`",
    ];
    assert_eq!(got, expected, "old:\n{new}\nnew:\n{reordered}");
}
