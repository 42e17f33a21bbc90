use cached_query::Args;

#[derive(Args)]
pub struct Borrowed<'a> {
    pub status: &'a str,
}

// An enum deriving `Args` is keyed by its variant, and kept: it must be `Clone`.
#[derive(Args)]
pub enum Sort {
    Newest,
    Oldest,
}

#[derive(Args)]
pub struct Unsupported {
    pub pair: Vec<(i64, i64)>,
    #[shape(x)]
    pub order: u8,
}

fn main() {}
