//! A JSON endpoint over PostgreSQL: axum, sqlx and `#[cached_query]`.
//!
//! ```text
//! GET  /posts?author=1,2&status=live&search=rust&drafts=true&before=40&limit=10
//! GET  /posts/{id}
//! POST /posts        {"author": 1, "title": "Hello", "status": "live"}
//! GET  /stats        the cache's counters, as a table
//! ```
//!
//! `GET /posts` takes a filter struct from the query string and pages by id (keyset
//! pagination: each page says which `before` asks for the next one). Every handler builds
//! its SQL through a `#[cached_query]` function, so each shape of the query is rendered once
//! and later requests only bind their values.
//!
//! ```text
//! export CACHED_QUERY_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test
//! cargo run --example axum_postgres              # starts, sends itself a few requests, exits
//! cargo run --example axum_postgres -- --serve   # serves on 127.0.0.1:3000 until Ctrl-C
//! ```
//!
//! It works in a PostgreSQL schema of its own, dropped when it exits, so it never touches
//! your tables.

use std::error::Error;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::str::FromStr;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cached_query::cached_query;
use sea_query::{
    Expr, ExprTrait, Iden, InsertStatement, Order, PostgresQueryBuilder, SelectStatement,
};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, PgPool, Row};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The table, as sea-query names it (`post`, `id`, ...).
#[derive(Iden, Clone, Copy)]
enum Post {
    Table,
    Id,
    Author,
    Title,
    Status,
    Published,
}

const SCHEMA: &str = "CREATE TABLE post (id BIGSERIAL PRIMARY KEY, author BIGINT NOT NULL, \
    title TEXT NOT NULL, status TEXT NOT NULL, published BOOLEAN NOT NULL)";

// ---------------------------------------------------------------------------------------
// The queries. Each optional filter is an `Option`, a list may be empty: both are part of
// the cache key, so each combination (a shape) is rendered once.
// ---------------------------------------------------------------------------------------

/// One page of posts, newest first.
#[cached_query]
fn list_posts(
    authors: &[i64],
    status: Option<&str>,
    title_like: Option<&str>,
    include_drafts: bool,
    before: Option<i64>,
    limit: u64,
) -> SelectStatement {
    let mut q = sea_query::Query::select();
    q.columns([
        Post::Id,
        Post::Author,
        Post::Title,
        Post::Status,
        Post::Published,
    ])
    .from(Post::Table);
    if !authors.is_empty() {
        q.and_where(Expr::col(Post::Author).is_in(authors.iter().copied()));
    }
    if let Some(status) = status {
        q.and_where(Expr::col(Post::Status).eq(status));
    }
    if let Some(pattern) = title_like {
        q.and_where(Expr::col(Post::Title).like(pattern));
    }
    if !include_drafts {
        q.and_where(Expr::col(Post::Published).eq(true));
    }
    if let Some(id) = before {
        q.and_where(Expr::col(Post::Id).lt(id));
    }
    q.order_by(Post::Id, Order::Desc).limit(limit);
    q
}

/// One post by id.
#[cached_query]
fn post_by_id(id: i64) -> SelectStatement {
    sea_query::Query::select()
        .columns([
            Post::Id,
            Post::Author,
            Post::Title,
            Post::Status,
            Post::Published,
        ])
        .from(Post::Table)
        .and_where(Expr::col(Post::Id).eq(id))
        .to_owned()
}

/// A new post, returning it.
#[cached_query]
fn insert_post(author: i64, title: &str, status: &str, published: bool) -> InsertStatement {
    sea_query::Query::insert()
        .into_table(Post::Table)
        .columns([Post::Author, Post::Title, Post::Status, Post::Published])
        .values_panic([author.into(), title.into(), status.into(), published.into()])
        .returning(sea_query::Query::returning().columns([
            Post::Id,
            Post::Author,
            Post::Title,
            Post::Status,
            Post::Published,
        ]))
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// The handlers.
// ---------------------------------------------------------------------------------------

/// A row of `post`, as the API returns it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct PostRow {
    id: i64,
    author: i64,
    title: String,
    status: String,
    published: bool,
}

// What `#[derive(sqlx::FromRow)]` writes, with sqlx's `derive` feature.
impl sqlx::FromRow<'_, PgRow> for PostRow {
    fn from_row(row: &PgRow) -> sqlx::Result<Self> {
        Ok(PostRow {
            id: row.try_get("id")?,
            author: row.try_get("author")?,
            title: row.try_get("title")?,
            status: row.try_get("status")?,
            published: row.try_get("published")?,
        })
    }
}

/// The query string of `GET /posts`.
#[derive(Debug, Default, Deserialize)]
struct PostFilter {
    /// Authors, comma-separated: `author=1,2`.
    author: Option<String>,
    /// Only posts with this status.
    status: Option<String>,
    /// Only posts whose title contains this text.
    search: Option<String>,
    /// Drafts too (by default only published posts).
    #[serde(default)]
    drafts: bool,
    /// The page after the post with this id (the previous page's `next_before`).
    before: Option<i64>,
    /// Posts per page, 1 to 100 (default 20).
    limit: Option<u64>,
}

/// One page of `GET /posts`.
#[derive(Debug, Serialize, Deserialize)]
struct Page {
    posts: Vec<PostRow>,
    /// Pass as `before` for the next page; `null` on the last page.
    next_before: Option<i64>,
}

/// `POST /posts`.
#[derive(Debug, Serialize, Deserialize)]
struct NewPost {
    author: i64,
    title: String,
    status: String,
}

/// Any error of a handler: a 400 for a bad request, a 500 for the database.
#[derive(Debug)]
enum ApiError {
    BadRequest(String),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        ApiError::Database(error)
    }
}

// `sqlx_postgres()?` fails with a `cached_query::BindError` (a `u64` PostgreSQL cannot
// bind); it converts into `sqlx::Error`, so `?` reaches `ApiError` either way.
impl From<cached_query::BindError> for ApiError {
    fn from(error: cached_query::BindError) -> Self {
        ApiError::Database(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(message) => (StatusCode::BAD_REQUEST, message).into_response(),
            ApiError::Database(error) => {
                (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
            }
        }
    }
}

async fn list(
    State(pool): State<PgPool>,
    Query(filter): Query<PostFilter>,
) -> Result<Json<Page>, ApiError> {
    let authors = match &filter.author {
        Some(list) => list
            .split(',')
            .map(|id| id.trim().parse::<i64>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| ApiError::BadRequest("author: comma-separated ids".to_owned()))?,
        None => Vec::new(),
    };
    // A value the body would compute goes in as an argument: the body may only bind it.
    let title_like = filter.search.as_deref().map(like_pattern);
    let limit = filter.limit.unwrap_or(20).clamp(1, 100);
    // The filter's fields, one argument each; one more row tells whether a next page exists.
    let mut posts = list_posts(
        &authors,
        filter.status.as_deref(),
        title_like.as_deref(),
        filter.drafts,
        filter.before,
        limit + 1,
    )
    .sqlx_postgres_as::<PostRow>()?
    .fetch_all(&pool)
    .await?;
    let next_before = if posts.len() as u64 > limit {
        posts.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        posts.last().map(|post| post.id)
    } else {
        None
    };
    Ok(Json(Page { posts, next_before }))
}

async fn one(State(pool): State<PgPool>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let post = post_by_id(id)
        .sqlx_postgres_as::<PostRow>()?
        .fetch_optional(&pool)
        .await?;
    Ok(match post {
        Some(post) => Json(post).into_response(),
        None => (StatusCode::NOT_FOUND, format!("no post {id}")).into_response(),
    })
}

async fn create(
    State(pool): State<PgPool>,
    Json(new): Json<NewPost>,
) -> Result<(StatusCode, Json<PostRow>), ApiError> {
    if new.title.trim().is_empty() {
        return Err(ApiError::BadRequest("title: empty".to_owned()));
    }
    let published = new.status == "live";
    let post = insert_post(new.author, &new.title, &new.status, published)
        .sqlx_postgres_as::<PostRow>()?
        .fetch_one(&pool)
        .await?;
    Ok((StatusCode::CREATED, Json(post)))
}

async fn stats() -> String {
    cached_query::stats().to_string()
}

/// `LIKE` pattern for "contains `text`", with `%`, `_` and `\` in the text escaped.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn app(pool: PgPool) -> Router {
    Router::new()
        .route("/posts", get(list).post(create))
        .route("/posts/{id}", get(one))
        .route("/stats", get(stats))
        .with_state(pool)
}

// ---------------------------------------------------------------------------------------
// Start-up: a schema of our own, a few posts, the warm-up, the server.
// ---------------------------------------------------------------------------------------

type AnyError = Box<dyn Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    let Ok(url) = std::env::var("CACHED_QUERY_POSTGRES_URL") else {
        eprintln!(
            "set CACHED_QUERY_POSTGRES_URL to a PostgreSQL database this example may create a \
             schema in, e.g.\n  CACHED_QUERY_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
             cargo run --example axum_postgres"
        );
        return ExitCode::FAILURE;
    };
    let serve = std::env::args().any(|arg| arg == "--serve");
    let schema = format!("cached_query_example_{}", std::process::id());
    let result = run(&url, &schema, serve).await;
    if let Err(error) = drop_schema(&url, &schema).await {
        eprintln!("could not drop schema {schema}: {error}");
    }
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("the self-check failed");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(url: &str, schema: &str, serve: bool) -> Result<bool, AnyError> {
    // Every shape of every query, rendered for PostgreSQL before the first request.
    let report = cached_query::warm_up_for(PostgresQueryBuilder);
    print!("{report}");

    let pool = connect(url, schema).await?;
    sqlx::query(AssertSqlSafe(SCHEMA)).execute(&pool).await?;
    let statuses = ["live", "draft", "archived"];
    let words = ["Rust", "SQL", "caching", "axum", "PostgreSQL", "100% real"];
    for i in 0..45_i64 {
        let status = statuses[(i % 3) as usize];
        let title = format!("{} notes #{i}", words[(i % 6) as usize]);
        insert_post(i % 4 + 1, &title, status, status == "live")
            .sqlx_postgres()?
            .execute(&pool)
            .await?;
    }

    let address = if serve {
        "127.0.0.1:3000"
    } else {
        "127.0.0.1:0"
    };
    let listener = TcpListener::bind(address).await?;
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app(pool.clone()))
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .into_future(),
    );
    println!("listening on http://{address}");

    let ok = if serve {
        println!("try: curl 'http://{address}/posts?author=1,2&limit=3'  (Ctrl-C stops)");
        tokio::signal::ctrl_c().await?;
        true
    } else {
        self_check(address).await?
    };
    let _ = stop.send(());
    server.await??;
    pool.close().await;
    Ok(ok)
}

/// A pool whose connections work in `schema`, created for this run.
async fn connect(url: &str, schema: &str) -> Result<PgPool, AnyError> {
    let admin = PgPoolOptions::new().max_connections(1).connect(url).await?;
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    let options = PgConnectOptions::from_str(url)?.options([("search_path", schema)]);
    Ok(PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?)
}

async fn drop_schema(url: &str, schema: &str) -> Result<(), AnyError> {
    let admin = PgPoolOptions::new().max_connections(1).connect(url).await?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .execute(&admin)
    .await?;
    admin.close().await;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The self-check: a few requests over HTTP, as a client would send them.
// ---------------------------------------------------------------------------------------

async fn self_check(address: SocketAddr) -> Result<bool, AnyError> {
    let mut ok = true;
    let mut expect = |what: &str, holds: bool| {
        println!("   {} {what}", if holds { "ok  " } else { "FAIL" });
        ok &= holds;
    };

    let (status, body) = request(address, "GET", "/posts?limit=5", None).await?;
    let first: Page = serde_json::from_str(&body)?;
    expect(
        "GET /posts?limit=5: five published posts",
        status == 200 && first.posts.len() == 5,
    );
    expect(
        "newest first, all published",
        first.posts.windows(2).all(|w| w[0].id > w[1].id)
            && first.posts.iter().all(|p| p.published),
    );

    let before = first.next_before.ok_or("no next page")?;
    let path = format!("/posts?limit=5&before={before}");
    let (_, body) = request(address, "GET", &path, None).await?;
    let second: Page = serde_json::from_str(&body)?;
    expect(
        &format!("GET {path}: the next five, after the first page"),
        second.posts.len() == 5 && second.posts.iter().all(|p| p.id < before),
    );

    let path = "/posts?author=1,2&status=draft&drafts=true&limit=100";
    let (_, body) = request(address, "GET", path, None).await?;
    let drafts: Page = serde_json::from_str(&body)?;
    expect(
        &format!(
            "GET {path}: {} drafts of authors 1 and 2",
            drafts.posts.len()
        ),
        !drafts.posts.is_empty()
            && drafts.next_before.is_none()
            && drafts
                .posts
                .iter()
                .all(|p| p.status == "draft" && (p.author == 1 || p.author == 2)),
    );

    let path = "/posts?search=100%25&drafts=true&limit=100";
    let (_, body) = request(address, "GET", path, None).await?;
    let found: Page = serde_json::from_str(&body)?;
    expect(
        &format!(
            "GET {path}: '100%' matched literally ({} posts)",
            found.posts.len()
        ),
        found.posts.len() == 7 && found.posts.iter().all(|p| p.title.contains("100%")),
    );

    let new = NewPost {
        author: 9,
        title: "Written through the cache".to_owned(),
        status: "live".to_owned(),
    };
    let (status, body) = request(
        address,
        "POST",
        "/posts",
        Some(&serde_json::to_string(&new)?),
    )
    .await?;
    let created: PostRow = serde_json::from_str(&body)?;
    expect(
        "POST /posts: 201 Created, with the new id",
        status == 201 && created.id > 45,
    );

    let (status, body) = request(address, "GET", &format!("/posts/{}", created.id), None).await?;
    expect(
        "GET /posts/{id}: the post just created",
        status == 200 && serde_json::from_str::<PostRow>(&body)? == created,
    );
    let (status, _) = request(address, "GET", "/posts/999999", None).await?;
    expect("GET /posts/999999: 404", status == 404);
    let (status, _) = request(address, "GET", "/posts?author=x", None).await?;
    expect("GET /posts?author=x: 400", status == 400);

    let (_, table) = request(address, "GET", "/stats", None).await?;
    println!("\nGET /stats\n{table}");
    let stats = cached_query::stats();
    let row = stats
        .function("list_posts")
        .ok_or("no stats for list_posts")?;
    expect(
        "every list_posts call was a hit: the warm-up stored its shapes",
        row.misses == 0 && row.hits == 4,
    );
    Ok(ok)
}

/// One HTTP/1.1 request over a new connection: the status code and the body.
async fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    json: Option<&str>,
) -> Result<(u16, String), AnyError> {
    let mut stream = TcpStream::connect(address).await?;
    let body = json.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (head, body) = response.split_once("\r\n\r\n").ok_or("no HTTP header")?;
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        return Err("a chunked response: this little client reads fixed-length bodies".into());
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or("no HTTP status")?;
    Ok((status, body.to_owned()))
}
