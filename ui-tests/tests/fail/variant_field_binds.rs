use cached_query::{Args, cached_query};
use sea_query::{Alias, Query, SelectStatement};

// An enum deriving `Args` is keyed by its variant only: a pattern that binds its data, or
// a constant that compares the whole value, would decide on what the key does not hold.
#[derive(Args, Clone, Debug, PartialEq)]
pub enum Sort {
    Newest,
    Column(String),
}

impl Sort {
    const DEFAULT: Sort = Sort::Newest;
}

#[derive(Args, Clone)]
pub struct Filter {
    pub sort: Sort,
}

#[cached_query]
fn by_column(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match &filter.sort {
        Sort::Newest => {}
        Sort::Column(column) => {
            q.column(Alias::new(column.as_str()));
        }
    }
    q
}

#[cached_query]
fn by_constant(filter: &Filter) -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("id")).from(Alias::new("post"));
    match filter.sort {
        Sort::DEFAULT => {}
        _ => {
            q.column(Alias::new("title"));
        }
    }
    q
}

fn main() {}
