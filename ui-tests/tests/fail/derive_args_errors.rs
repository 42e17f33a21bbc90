use cached_query::Args;

#[derive(Args)]
pub struct Borrowed<'a> {
    pub status: &'a str,
}

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
