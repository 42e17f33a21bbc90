//! Enum arguments matched in ways the key cannot hold by variant alone.

use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Tagged(String),
    Plain,
}

impl Kind {
    pub const RUST: Kind = Kind::Plain;
}

// A constant in a pattern compares the whole value, not the variant.
#[cached_query]
fn by_constant(kind: Kind) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    match kind {
        Kind::RUST => {
            q.and_where(Expr::col(Alias::new("rust")).eq(true));
        }
        _ => {}
    }
    q
}

// Matched on its variant, then read as a value: the key holds only the variant.
#[cached_query]
fn matched_and_read(kind: &Kind) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    if let Kind::Plain = kind {
        q.and_where(Expr::col(Alias::new("plain")).eq(true));
    }
    let copy = kind.clone();
    let _ = copy;
    q
}

fn main() {}
