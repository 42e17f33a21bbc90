//! The tables the query functions use.

use sea_query::Iden;

/// Blog posts.
#[derive(Iden, Clone, Copy, Debug)]
pub enum Post {
    Table,
    Id,
    Title,
    Author,
    Status,
    Tag,
    Score,
    PublishedAt,
    Body,
    CreatedAt,
}

/// Authors.
#[derive(Iden, Clone, Copy, Debug)]
pub enum Users {
    Table,
    Id,
    Name,
    Country,
    Age,
    Active,
}

/// Tags of a post, one row per tag.
#[derive(Iden, Clone, Copy, Debug)]
pub enum PostTag {
    Table,
    PostId,
    Tag,
}

/// Video quality rules, as in the seed's video-play endpoint.
#[derive(Iden, Clone, Copy, Debug)]
pub enum QualityRule {
    Table,
    Id,
    Quality,
    Licensed,
    Protected,
    IsActive,
    RightholderId,
    UserAgentId,
    GroupId,
    AlternativeSalesRuleId,
    UserId,
    Priority,
}

/// How a listing is sorted; chooses the column, so it is a `#[shape]` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortBy {
    Newest,
    Score,
    Title,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Asc,
    Desc,
}

impl From<Direction> for sea_query::Order {
    fn from(d: Direction) -> Self {
        match d {
            Direction::Asc => sea_query::Order::Asc,
            Direction::Desc => sea_query::Order::Desc,
        }
    }
}

// Both `#[shape]` enums list their values, so `search_posts` can be warmed up and inventoried.
cached_query::shape_values!(SortBy {
    Newest,
    Score,
    Title
});
cached_query::shape_values!(Direction { Asc, Desc });
