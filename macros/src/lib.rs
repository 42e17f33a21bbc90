//! The `#[cached_query]` attribute. Use it through the `cached-query` crate, which
//! re-exports it and holds the runtime the generated code calls. This crate is the
//! proc-macro shim; the macro's logic is the `cached-query-macros-core` library.

use proc_macro::TokenStream;

/// Caches the construction and rendering of the sea-query statement this function returns.
///
/// Put it on a function that builds a `SelectStatement`, `InsertStatement`,
/// `UpdateStatement`, `DeleteStatement` or `WithQuery` from its arguments. The function keeps
/// its name, arguments, visibility, attributes and doc comment; it returns a small handle,
/// `cached_query::Cached<impl QueryArgs<Statement = S>>`, instead of the statement `S`:
///
/// | on the handle `h` | gives |
/// | --- | --- |
/// | `h.build(B)` | `(String, Values)`: exactly what `h.statement().build(B)` returns, for `B` = `PostgresQueryBuilder`, `MysqlQueryBuilder` or `SqliteQueryBuilder` |
/// | `h.build_shared(B)` | the same, with the SQL as an `Arc<str>` shared with the cache |
/// | `h.statement()` | the statement your body builds, uncached |
/// | `h.sqlx_postgres()?`, `h.sqlx_mysql()?`, `h.sqlx_sqlite()?` (and `..._as::<T>()?`) | a sqlx query (features `sqlx-postgres`, `sqlx-mysql`, `sqlx-sqlite`) |
/// | `h.rusqlite_query_map(&conn, f)`, `h.rusqlite_query_row(&conn, f)`, `h.rusqlite_execute(&conn)` | rows through rusqlite (feature `rusqlite`) |
///
/// The first call of each *shape* runs the body, renders the SQL and learns where each value
/// goes; later calls of that shape copy the SQL and bind the new values, without running the
/// body or rendering anything.
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Expr, ExprTrait, Iden, Order, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[derive(Iden)]
/// enum Post { Table, Id, Title, Author, Status, Tag, PublishedAt }
///
/// /// Posts of an author, newest first.
/// #[cached_query]
/// pub fn posts(author: i64, status: Option<&str>, tags: &[i64], published: bool, limit: u64)
///     -> SelectStatement
/// {
///     let mut q = Query::select();
///     q.columns([Post::Id, Post::Title]).from(Post::Table)
///         .and_where(Expr::col(Post::Author).eq(author));
///     if let Some(s) = status { q.and_where(Expr::col(Post::Status).eq(s)); }
///     if !tags.is_empty() { q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied())); }
///     if published { q.and_where(Expr::col(Post::PublishedAt).is_not_null()); }
///     q.order_by(Post::Id, Order::Desc).limit(limit);
///     q
/// }
///
/// let (sql, values) = posts(7, Some("draft"), &[1, 2, 3], true, 20).build(PostgresQueryBuilder);
/// assert_eq!(
///     sql,
///     r#"SELECT "id", "title" FROM "post" WHERE "author" = $1 AND "status" = $2 AND "tag" IN ($3, $4, $5) AND "published_at" IS NOT NULL ORDER BY "id" DESC LIMIT $6"#
/// );
/// // Same shape, other values and another list length: no body run, no rendering.
/// let h = posts(8, Some("live"), &[4, 5], true, 10);
/// assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
/// ```
///
/// # How arguments are read
///
/// From each argument's declared type, at compile time:
///
/// | argument type | in the key (the shape) | bound on a hit |
/// | --- | --- | --- |
/// | `Option<T>` | `Some` or `None` | the inner value |
/// | `bool` | its value | nothing |
/// | `&[T]`, `Vec<T>`, `&Vec<T>`, `[T; N]`, `&[T; N]` | empty or not | each element; its `IN (...)` group grows or shrinks to the list's length |
/// | an argument marked `#[shape]` | its value (`Hash + Eq + Clone + Send + Sync + 'static`, or sea-query's `Order`, `NullOrdering`, `JoinType`, `UnionType`, `LockType`, `LockBehavior`) | nothing |
/// | `&T`, `T` without lifetimes (`&u32`, `&bool`, `&String`, `&Option<String>`) | what `T` keys | what `T` binds |
/// | a struct deriving [`Args`](macro@Args), by value or `&` | what its fields key | what its fields bind |
/// | an enum deriving [`Args`](macro@Args) (needs `Clone`, no `Hash`) | its variant | nothing |
/// | a tuple `(A, B, ..)` | what its elements key | what its elements bind |
/// | an enum the body only matches on its variants (patterns that bind nothing), or reads only in derived values and lifted decisions (`status.to_string()`, `status == Status::Shipped`) | its variant | nothing |
/// | any other enum of yours (no derive of ours), as an argument or a struct's field | its whole value if it is `Eq` (or `Hash + Eq`), else its variant, which the body may then only match on or read where it is recomputed (checked at compile time at each use) | nothing |
/// | any other `T` (`Clone + Into<sea_query::Value>` + `cached_query::Probe`; `&str`, `&[u8]`, `Cow<str>` borrowed) | nothing | its value |
///
/// Classes compose: `Option<bool>` keys presence and value, `Option<&[T]>` presence and
/// emptiness; a reference reads like the type it points to. `Vec<u8>` and `&[u8]` are byte
/// values, not lists. The backend is part of the key too. Bound types implement `Probe` for
/// the integers, floats, `bool`, `char`, strings and bytes, and with the crate's `with-*`
/// features for `chrono`, `time`, `uuid`, `serde_json` and `rust_decimal` values.
///
/// # What the body may do
///
/// A bound argument's value is not in the key, so it may only reach the statement
/// unchanged, as a value: passed on (`x`, `&x`, `*x`, `.clone()`, `.into()`, `Some(x)`,
/// `Value::from(x)`) into a sea-query method that binds it (`.eq(x)`, `.like(x)`,
/// `.is_in(list.iter().copied())`, `.limit(x)`, `Expr::val(x)`, `.values_panic([..])`). The
/// macro follows every bound argument through the body (through `let`, patterns, tuples,
/// closures and borrows) and rejects anything else with an error at the use and a hint: a
/// decision on a bound value it cannot lift (below), a call of your own helper with the
/// statement. What is in the key may be used freely: `Option` presence, list emptiness,
/// flags and `#[shape]` values.
///
/// A value computed from the arguments and then bound (a *derived value*: `format!("%{s}%")`,
/// `page * per_page`, `std::cmp::min(limit, 100)`, a cast, `s.to_lowercase()`) is recomputed
/// from the arguments on every hit, without running the body:
///
/// ```
/// # use cached_query::cached_query;
/// # use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SqliteQueryBuilder};
/// #[cached_query]
/// fn search(words: &str, page: u64) -> SelectStatement {
///     Query::select()
///         .column(Alias::new("id"))
///         .from(Alias::new("post"))
///         .and_where(Expr::col(Alias::new("title")).like(format!("%{words}%")))
///         .limit(20)
///         .offset(page * 20)
///         .to_owned()
/// }
/// let (sql, values) = search("rust", 3).build(SqliteQueryBuilder);
/// assert_eq!(sql, r#"SELECT "id" FROM "post" WHERE "title" LIKE ? LIMIT ? OFFSET ?"#);
/// assert_eq!(values.0[0], sea_query::Value::from("%rust%"));
/// let (_, values) = search("sql", 4).build(SqliteQueryBuilder);
/// assert_eq!(values.0[0], sea_query::Value::from("%sql%"));
/// assert_eq!(values.0[2], sea_query::Value::from(80u64));
/// ```
///
/// ```compile_fail
/// # use cached_query::cached_query;
/// # use sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
/// #[cached_query]
/// fn posts(role: Option<&str>, limit: u64) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("post")).limit(limit);
///     if matches!(role, Some("admin")) { // error: `role` decides control flow here, but its value is not part of the cache key
///         q.and_where(Expr::col(Alias::new("hidden")).eq(true));
///     }
///     q
/// }
/// ```
///
/// Make such a decision in the caller and pass its outcome as a `bool`, or mark the argument
/// `#[shape]` so that each value is a shape of its own:
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement, SqliteQueryBuilder};
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// enum Sort { Newest, Title }
///
/// #[cached_query]
/// fn listing(#[shape] sort: Sort, author: i64) -> SelectStatement {
///     let column = match sort { Sort::Newest => "id", Sort::Title => "title" };
///     Query::select().column(Alias::new("id")).from(Alias::new("post"))
///         .and_where(Expr::col(Alias::new("author")).eq(author))
///         .order_by(Alias::new(column), Order::Desc).to_owned()
/// }
///
/// let (sql, _) = listing(Sort::Title, 7).build(SqliteQueryBuilder);
/// assert_eq!(sql, r#"SELECT "id" FROM "post" WHERE "author" = ? ORDER BY "title" DESC"#);
/// ```
///
/// Behind the compile-time check, the first call of every shape runs the body again with
/// probe values and keeps the template only if every round renders as predicted; a shape
/// that does not is served uncached, counted and logged (`cached_query::statistics::uncacheable()`).
/// The body must depend on its arguments only (no `static`, clock or configuration). The
/// repository's `docs/soundness.md` explains every rule.
///
/// # Options
///
/// `#[cached_query(capacity = 64, pad_in = true, verify = 0.01, inline_limit = true, lint = false, crate = path)]`,
/// each optional and checked at compile time:
///
/// | option | default | effect |
/// | --- | --- | --- |
/// | `capacity = N` | 1024 | shapes kept for this function; new shapes of a full cache are served uncached, counted as rejected and logged once (a global byte budget, 64 MiB by default, bounds all functions together) |
/// | `pad_in = true` | `false` | pads every `IN (...)` list to the next power of two by repeating its last element, so lengths 1 to 1,000 give 11 SQL texts instead of 1,000 (same rows; the text is then not sea-query's byte for byte) |
/// | `verify = rate` | `1.0` with debug assertions, else `0.0` | that fraction of hits is also built uncached and compared; a difference returns the uncached result, marks the shape uncacheable and logs an error |
/// | `inline_limit = true` | `false` | writes `LIMIT`/`OFFSET` values that are constant within the shape into the SQL text (SQLite re-plans a statement whenever a bound `LIMIT ?` is bound) |
/// | `lint = false` | `true` | turns off the compile-time body check; the run-time probe still checks every shape |
/// | `crate = path` | `::cached_query` | where the generated code finds the runtime, for crates that re-export it |
///
/// ```
/// use cached_query::cached_query;
/// use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[cached_query(capacity = 64, pad_in = true, verify = 0.01)]
/// fn by_ids(ids: &[i64]) -> SelectStatement {
///     Query::select().column(Alias::new("name")).from(Alias::new("users"))
///         .and_where(Expr::col(Alias::new("id")).is_in(ids.iter().copied())).to_owned()
/// }
///
/// let (sql, values) = by_ids(&[7, 8, 9]).build(PostgresQueryBuilder);
/// // Three ids, padded to four with the last one: the same rows as `IN (7, 8, 9)`.
/// assert_eq!(sql, r#"SELECT "name" FROM "users" WHERE "id" IN ($1, $2, $3, $4)"#);
/// assert_eq!(values.0.len(), 4);
/// ```
///
/// # Signatures it cannot cache
///
/// A compile error, at the offending token, for: a receiver (`self`), generic parameters,
/// `impl Trait` arguments, `async`, `const`, `unsafe` or `extern` functions, a missing return
/// type, and a return type that is not one of the statements above.
#[proc_macro_attribute]
pub fn cached_query(attr: TokenStream, item: TokenStream) -> TokenStream {
    cached_query_macros_core::cached_query(attr.into(), item.into()).into()
}

/// Makes a struct usable as an argument of a `#[cached_query]` function, by value or by
/// reference.
///
/// Its fields take part in a call exactly as arguments of the same types would: an `Option`
/// field's presence, a `bool` field's value and a list field's emptiness are part of the
/// cache key, a field marked `#[shape]` is in the key by value, and every other field is a
/// value bound on each call. A field may be another struct deriving `Args`, an `Option` of
/// one, or a tuple. The struct has no generic parameters or lifetimes: its fields own their
/// values.
///
/// An enum field needs no derive of ours: it is keyed by its whole value where it is `Eq`,
/// else by its variant (see the table on [`cached_query`](macro@cached_query)).
///
/// On an enum (a sort order, a status kept in a filter struct), it keys the enum by its
/// variant: the enum needs `Clone`, not `Hash`. Where no variant carries data, the variant
/// is the whole value, and a body may use it in any way, as a `#[shape]` value (convert it
/// with your own `From`, compare it, bind it in a `match` arm). Otherwise a body may match
/// it on its variants (patterns that bind nothing, checked at compile time to name
/// variants) and read it where the expansion recomputes it (`filter.sort.to_string()`,
/// `filter.sort == Sort::Newest`); binding its data in a pattern is a compile error.
///
/// ```
/// use cached_query::{Args, cached_query};
/// use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[derive(Args)]
/// pub struct Filter {
///     pub author: Option<i64>,
///     pub published: bool,
///     pub tags: Vec<String>,
/// }
///
/// #[cached_query]
/// fn posts(filter: &Filter, limit: u64) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("posts"));
///     if let Some(author) = filter.author {
///         q.and_where(Expr::col(Alias::new("author")).eq(author));
///     }
///     if filter.published {
///         q.and_where(Expr::col(Alias::new("published_at")).is_not_null());
///     }
///     if !filter.tags.is_empty() {
///         q.and_where(Expr::col(Alias::new("tag")).is_in(filter.tags.iter().cloned()));
///     }
///     q.limit(limit);
///     q
/// }
///
/// let filter = Filter { author: Some(7), published: true, tags: vec!["rust".into()] };
/// let h = posts(&filter, 10);
/// assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
/// ```
/// Marks a helper function that a `#[cached_query]` function may pass bound values to.
///
/// A helper that adds conditions to a statement (a permission check, a filter shared by
/// several queries) takes the statement as `&mut` and the values it needs. Its body is
/// checked with the rules of a cached body, for its own parameters, each read from its
/// type: an `Option` may decide by its presence, a list by its emptiness, a `bool` or a
/// parameter marked `#[shape]` by its value, a struct deriving [`Args`](macro@Args) by its
/// fields' classes; every other value may only be bound. A `&mut` parameter, or one of a
/// sea-query expression type, is built on and may not decide. A value the helper computes
/// from its parameters and binds (a LIKE pattern, a capped limit) is recomputed on each hit
/// by the caller, and a decision it makes on a value (`if user.role != Role::Admin`) joins
/// the caller's key, both through the helper's own lift. The helper may return what it
/// builds (a condition, an expression), never a parameter itself.
///
/// Where a cached function passes a bound value to a helper, its expansion checks at compile
/// time that the helper is marked and that everything the helper may decide on is in the
/// cached function's key. A helper that is not marked is an error at the call: *expected
/// type, found function*.
///
/// ```
/// use cached_query::{Args, cached_query};
/// use sea_query::{Alias, Expr, ExprTrait, PostgresQueryBuilder, Query, SelectStatement};
///
/// #[derive(Args)]
/// pub struct Viewer {
///     pub id: i64,
///     pub admin: bool,
/// }
///
/// /// What a viewer may see: everything for an admin, else published posts and their own.
/// #[cached_query::part]
/// fn visible_to(q: &mut SelectStatement, viewer: &Viewer) {
///     if !viewer.admin {
///         q.and_where(
///             Expr::col(Alias::new("published"))
///                 .eq(true)
///                 .or(Expr::col(Alias::new("author")).eq(viewer.id)),
///         );
///     }
/// }
///
/// #[cached_query]
/// fn posts(viewer: &Viewer, status: Option<&str>) -> SelectStatement {
///     let mut q = Query::select();
///     q.column(Alias::new("id")).from(Alias::new("post"));
///     visible_to(&mut q, viewer);
///     if let Some(s) = status {
///         q.and_where(Expr::col(Alias::new("status")).eq(s));
///     }
///     q
/// }
///
/// let h = posts(&Viewer { id: 7, admin: false }, Some("live"));
/// assert_eq!(h.build(PostgresQueryBuilder), h.statement().build(PostgresQueryBuilder));
/// ```
#[proc_macro_attribute]
pub fn part(attr: TokenStream, item: TokenStream) -> TokenStream {
    cached_query_macros_core::part(attr.into(), item.into()).into()
}

#[proc_macro_derive(Args, attributes(shape))]
pub fn derive_args(item: TokenStream) -> TokenStream {
    cached_query_macros_core::derive_args(item.into()).into()
}
