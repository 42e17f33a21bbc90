//! A field keyed by its variant alone may not be read as a value: the probe would give the
//! body the data of the call that stored the shape. An enum deriving `cached_query::Args`
//! with data in its variants, and an enum with no derive that is not `Eq`, both bound here.
use cached_query::cached_query;
use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};

#[derive(Clone, Debug, cached_query::Args)]
pub enum Kind {
    All,
    Named(String),
}

#[derive(Clone, Debug)]
pub enum Scope {
    Everyone,
    Team(i64),
}

impl From<Kind> for sea_query::Value {
    fn from(k: Kind) -> Self {
        match k {
            Kind::All => "all".into(),
            Kind::Named(s) => s.into(),
        }
    }
}

impl From<Scope> for Expr {
    fn from(s: Scope) -> Self {
        match s {
            Scope::Everyone => Expr::val(0i64),
            Scope::Team(id) => Expr::val(id),
        }
    }
}

#[derive(Clone, Debug, cached_query::Args)]
pub struct Filter {
    pub kind: Kind,
    pub scope: Scope,
    pub id: i64,
}

#[cached_query]
fn matched_then_bound(f: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("t"));
    match f.kind {
        Kind::All => {}
        Kind::Named(_) => {
            q.and_where(Expr::col(Alias::new("name")).eq(f.kind.clone()));
        }
    }
    q.and_where(Expr::col(Alias::new("id")).eq(f.id));
    q
}

#[cached_query]
fn bound_through_a_local(f: &Filter) -> SelectStatement {
    let kind = f.kind.clone();
    let team = Expr::col(Alias::new("team")).eq(f.scope.clone());
    let scope = f.scope.clone();
    Query::select()
        .column(Alias::new("id"))
        .from(Alias::new("t"))
        .and_where(Expr::col(Alias::new("team")).eq(scope))
        .and_where(Expr::col(Alias::new("kind")).eq(kind))
        .and_where(team)
        .to_owned()
}

fn main() {}
