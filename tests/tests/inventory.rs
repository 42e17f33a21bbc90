//! The inventory of every SQL statement the example functions can send, kept as a snapshot:
//! a change to any of them shows up in review as a diff of `snapshots/inventory__*.snap`.
//!
//! Do the same in your crate: one test that calls `cached_query::inventory()`, keeps the
//! functions of your crate (`.in_module("my_crate")`) and `insta::assert_snapshot!`s its
//! `Display` form; accept a change with `cargo insta review` (or `INSTA_UPDATE=always`).

#[test]
fn inventory_of_the_example_functions() {
    // `Post::by_id` names `Self` in its body: the cache knows that body after one call.
    let _ = cached_query_tests::schema::Post::by_id(1, false);
    let inventory = cached_query::inventory().in_module("cached_query_tests::queries");
    assert_eq!(inventory.functions.len(), 20);
    for f in &inventory.functions {
        assert!(f.shapes.is_ok(), "{}: {:?}", f.name, f.shapes);
    }
    println!(
        "inventory: {} functions, {} statements ({} per backend)",
        inventory.functions.len(),
        inventory.len(),
        inventory.len() / 3
    );
    insta::assert_snapshot!(inventory.to_string());
}
