//! `#[cached_query(inline_limit = true)]`: `LIMIT` and `OFFSET` values that are constant
//! within a shape (a `#[shape]` argument, a constant in the body) are written into the SQL
//! text, on purpose, so the text differs from sea-query's. What must not differ is the rows:
//! they are compared with the uncached statement's on SQLite (always) and on PostgreSQL and
//! MySQL/MariaDB (when their URLs are set). A limit taken from a bound argument is refused at
//! run time with a reason that names it, and served uncached.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use cached_query::drivers::rusqlite::SqliteStatements;
use cached_query::{Cached, QueryArgs, Statement, Uncacheable, cached_query};
use cached_query_tests::db::{Dialect, Server, create_tables, fill, server, unique_name};
use cached_query_tests::schema::{Post, Users};
use sea_query::{
    Expr, ExprTrait, MysqlQueryBuilder, Order, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder, Values,
};

/// A page of an author's posts in some tags.
#[cached_query(inline_limit = true)]
fn page(author: i64, tags: &[i64], #[shape] limit: u64, #[shape] offset: u64) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Post::Id, Post::Title])
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).gte(author));
    if !tags.is_empty() {
        q.and_where(Expr::col(Post::Tag).is_in(tags.iter().copied()));
    }
    q.order_by(Post::Id, Order::Asc).limit(limit).offset(offset);
    q
}

/// A `LIMIT` in a subquery, with a parameter after it: Postgres numbers must close up.
#[cached_query(inline_limit = true)]
fn by_first_users(#[shape] users: u64, status: &str, min_score: f64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(
            Expr::col(Post::Author).in_subquery(
                Query::select()
                    .column(Users::Id)
                    .from(Users::Table)
                    .order_by(Users::Id, Order::Asc)
                    .limit(users)
                    .to_owned(),
            ),
        )
        .and_where(Expr::col(Post::Status).eq(status))
        .and_where(Expr::col(Post::Score).gt(min_score))
        .order_by(Post::Id, Order::Asc)
        .to_owned()
}

/// A constant limit in the body.
#[cached_query(inline_limit = true)]
fn newest_by(author: i64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author))
        .order_by(Post::Id, Order::Desc)
        .limit(1)
        .to_owned()
}

/// A limit from a bound argument: its value is not in the key.
#[cached_query(inline_limit = true)]
fn bound_limit(author: i64, limit: u64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author))
        .order_by(Post::Id, Order::Asc)
        .limit(limit)
        .to_owned()
}

/// `inline_limit = false` is the default: the limit stays bound.
#[cached_query(inline_limit = false)]
fn bound_by_default(author: i64, limit: u64) -> SelectStatement {
    Query::select()
        .column(Post::Id)
        .from(Post::Table)
        .and_where(Expr::col(Post::Author).eq(author))
        .limit(limit)
        .to_owned()
}

/// Every `$n` in `sql`, in order of appearance.
fn numbers(sql: &str) -> Vec<usize> {
    sql.split('$')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap()
        })
        .collect()
}

#[test]
fn shape_limits_are_written_into_the_text_for_every_backend() {
    cached_query_tests::prove_the_cache();
    for call in 0..3 {
        // The first call (a miss) returns the same text as the later ones (hits).
        let h = page(call, &[1, 2, 3], 10, 20);
        let (sql, values) = h.build(PostgresQueryBuilder);
        assert!(
            sql.ends_with(r#"ORDER BY "id" ASC LIMIT 10 OFFSET 20"#),
            "{sql}"
        );
        assert_eq!(values.0.len(), 4, "{values:?}");
        assert_eq!(numbers(&sql), [1, 2, 3, 4]);
        let (sql, values) = h.build(SqliteQueryBuilder);
        assert!(sql.ends_with("LIMIT 10 OFFSET 20"), "{sql}");
        assert_eq!(values.0.len(), 4);
        let (sql, _) = h.build(MysqlQueryBuilder);
        assert!(sql.ends_with("LIMIT 10 OFFSET 20"), "{sql}");
        // The uncached statement binds them, as sea-query does.
        let (sql, values) = h.statement().build(PostgresQueryBuilder);
        assert!(sql.ends_with("LIMIT $5 OFFSET $6"), "{sql}");
        assert_eq!(values.0.len(), 6);
    }
    // Other list lengths render the group again: the literals stay.
    for len in [1, 2, 7] {
        let tags: Vec<i64> = (0..len).collect();
        let (sql, values) = page(4, &tags, 10, 20).build(PostgresQueryBuilder);
        assert!(sql.ends_with("LIMIT 10 OFFSET 20"), "{sql}");
        assert_eq!(numbers(&sql), (1..=len as usize + 1).collect::<Vec<_>>());
        assert_eq!(values.0.len(), len as usize + 1);
    }
    // Each limit is a shape of its own.
    let (sql, _) = page(1, &[], 5, 0).build(SqliteQueryBuilder);
    assert!(sql.ends_with("LIMIT 5 OFFSET 0"), "{sql}");
    let row = cached_query::stats().function("page").cloned().unwrap();
    assert_eq!(row.uncacheable_keys, 0, "{row:?}");
}

#[test]
fn postgres_numbers_close_up_after_a_literal_limit() {
    cached_query_tests::prove_the_cache();
    for status in ["live", "draft"] {
        let (sql, values) = by_first_users(3, status, 1.5).build(PostgresQueryBuilder);
        assert!(
            sql.contains(r#"LIMIT 3) AND "status" = $1 AND "score" > $2"#),
            "{sql}"
        );
        assert_eq!(values.0.len(), 2);
    }
}

#[test]
fn a_constant_limit_in_the_body_is_written_too() {
    cached_query_tests::prove_the_cache();
    for author in [1, 2] {
        let (sql, values) = newest_by(author).build(SqliteQueryBuilder);
        assert!(sql.ends_with("LIMIT 1"), "{sql}");
        assert_eq!(values.0, [sea_query::Value::from(author)]);
    }
}

#[test]
fn a_limit_from_a_bound_argument_is_refused_and_named() {
    cached_query_tests::prove_the_cache();
    for (author, limit) in [(1, 5), (2, 6)] {
        let h = bound_limit(author, limit);
        assert_eq!(
            h.build(PostgresQueryBuilder),
            h.statement().build(PostgresQueryBuilder)
        );
    }
    let refused = cached_query::statistics::uncacheable()
        .into_iter()
        .find(|shape| shape.name == "bound_limit")
        .unwrap();
    assert_eq!(
        refused.reason,
        Uncacheable::LimitNotInKey {
            clause: "LIMIT",
            argument: "limit".to_owned()
        }
    );
    let message = refused.reason.to_string();
    assert!(message.contains("mark `limit` #[shape]"), "{message}");

    let (sql, values) = bound_by_default(1, 5).build(PostgresQueryBuilder);
    assert!(sql.ends_with("LIMIT $2"), "{sql}");
    assert_eq!(values.0.len(), 2);
}

/// The calls whose rows are compared: every shape above, several values each.
fn each_call(mut visit: impl FnMut(&str, Built)) {
    for (author, tags, limit, offset) in [
        (1, vec![], 10, 0),
        (3, vec![1, 2, 3], 5, 2),
        (7, vec![4], 10, 0),
        (2, vec![5, 6, 7, 8, 9], 3, 1),
        (50, vec![], 20, 40),
    ] {
        visit("page", Built::of(&page(author, &tags, limit, offset)));
    }
    for (users, status, score) in [(3, "live", 1.5), (10, "draft", 0.0), (3, "draft", -2.0)] {
        visit(
            "by_first_users",
            Built::of(&by_first_users(users, status, score)),
        );
    }
    for author in [1, 2, 3, 40] {
        visit("newest_by", Built::of(&newest_by(author)));
    }
}

/// One call built three ways: cached for each backend, and uncached.
struct Built {
    cached: [(String, Values); 3],
    uncached: [(String, Values); 3],
}

impl Built {
    fn of<Q: QueryArgs>(h: &Cached<Q>) -> Built {
        Built {
            cached: [
                h.build(PostgresQueryBuilder),
                h.build(MysqlQueryBuilder),
                h.build(SqliteQueryBuilder),
            ],
            uncached: [
                h.statement().build_with(PostgresQueryBuilder),
                h.statement().build_with(MysqlQueryBuilder),
                h.statement().build_with(SqliteQueryBuilder),
            ],
        }
    }
}

fn sqlite_rows(conn: &rusqlite::Connection, (sql, values): &(String, Values)) -> Vec<Vec<String>> {
    let mut statement = conn.prepare(sql).unwrap();
    let n = statement.column_count();
    statement
        .query_map(
            cached_query::drivers::rusqlite::rusqlite_params(values),
            |row| {
                (0..n)
                    .map(|i| {
                        row.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect()
            },
        )
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn sqlite() -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    for ddl in create_tables(Dialect::Sqlite) {
        conn.execute_batch(&ddl).unwrap();
    }
    for insert in fill(600) {
        let (sql, values) = insert.build(SqliteQueryBuilder);
        conn.execute(
            &sql,
            cached_query::drivers::rusqlite::rusqlite_params(&values),
        )
        .unwrap();
    }
    conn
}

#[test]
fn rows_match_the_uncached_statement_on_sqlite() {
    cached_query_tests::prove_the_cache();
    let conn = sqlite();
    let mut compared = 0;
    let mut nonempty = 0;
    each_call(|name, built| {
        assert_ne!(
            built.cached[2].0, built.uncached[2].0,
            "{name}: text is inlined"
        );
        let rows = sqlite_rows(&conn, &built.cached[2]);
        assert_eq!(rows, sqlite_rows(&conn, &built.uncached[2]), "{name}");
        compared += 1;
        nonempty += usize::from(!rows.is_empty());
    });
    assert!(compared >= 12 && nonempty >= 8, "{compared} {nonempty}");

    // Through the statement cache as well: one statement per limit value.
    let mut statements = SqliteStatements::new(&conn);
    for (limit, offset) in [(10, 0), (5, 2), (10, 0), (5, 2)] {
        let h = page(3, &[1, 2, 3], limit, offset);
        let cells = |row: &rusqlite::Row<'_>| row.get::<_, i64>(0);
        let ours = statements.query_map(&h, cells).unwrap();
        let (sql, values) = h.statement().build(SqliteQueryBuilder);
        let expected: Vec<i64> = conn
            .prepare(&sql)
            .unwrap()
            .query_map(
                cached_query::drivers::rusqlite::rusqlite_params(&values),
                cells,
            )
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(ours, expected);
    }
    let stats = statements.stats();
    assert_eq!((stats.prepares, stats.hits, stats.reprepares), (2, 2, 0));
}

/// The rows of every call of [`each_call`] on a server, cached against uncached, in a
/// schema (PostgreSQL) or database (MySQL) of its own.
macro_rules! server_rows {
    ($name:ident, $var:literal, $pool:ty, $index:literal, $builder:expr, $dialect:expr,
     create: $create:literal, enter: $enter:literal, drop: $drop:literal) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            cached_query_tests::prove_the_cache();
            use sea_query_sqlx::SqlxValues;
            use sqlx::{AssertSqlSafe, Row};
            let Server::Url(url) = server($var) else {
                return;
            };
            let admin = match <$pool>::connect(&url).await {
                Ok(pool) => pool,
                Err(e) if !cached_query_tests::db::required() => {
                    println!("skipped: {url} is unreachable: {e}");
                    return;
                }
                Err(e) => panic!("{url} is unreachable: {e}"),
            };
            let name = unique_name();
            let run = |sql: String| sqlx::query(AssertSqlSafe(sql));
            run(format!($create, name)).execute(&admin).await.unwrap();
            let mut conn = admin.acquire().await.unwrap();
            run(format!($enter, name))
                .execute(&mut *conn)
                .await
                .unwrap();
            for ddl in create_tables($dialect) {
                run(ddl).execute(&mut *conn).await.unwrap();
            }
            for insert in fill(600) {
                let (sql, values) = insert.build($builder);
                sqlx::query_with(AssertSqlSafe(sql), SqlxValues(values))
                    .execute(&mut *conn)
                    .await
                    .unwrap();
            }
            let mut calls = Vec::new();
            each_call(|name, built| calls.push((name.to_owned(), built)));
            let mut nonempty = 0;
            for (name, built) in calls {
                let mut rows = Vec::new();
                for (sql, values) in [&built.cached[$index], &built.uncached[$index]] {
                    // MariaDB refuses `LIMIT` in an `IN` subquery: then both must fail alike.
                    let fetched =
                        sqlx::query_with(AssertSqlSafe(sql.clone()), SqlxValues(values.clone()))
                            .fetch_all(&mut *conn)
                            .await
                            .map(|rows| rows.iter().map(|row| row.get(0)).collect::<Vec<i64>>())
                            .map_err(|e| e.to_string());
                    rows.push(fetched);
                }
                assert_eq!(rows[0], rows[1], "{name}: {}", built.cached[$index].0);
                nonempty += usize::from(rows[0].as_ref().is_ok_and(|ids| !ids.is_empty()));
            }
            drop(conn);
            run(format!($drop, name)).execute(&admin).await.unwrap();
            assert!(nonempty >= 8, "{nonempty}");
        }
    };
}

server_rows!(
    rows_match_on_postgres,
    "CACHED_QUERY_POSTGRES_URL",
    sqlx::PgPool,
    0,
    PostgresQueryBuilder,
    Dialect::Postgres,
    create: "CREATE SCHEMA {}",
    enter: "SET search_path TO {}",
    drop: "DROP SCHEMA {} CASCADE"
);

server_rows!(
    rows_match_on_mysql,
    "CACHED_QUERY_MYSQL_URL",
    sqlx::MySqlPool,
    1,
    MysqlQueryBuilder,
    Dialect::MySql,
    create: "CREATE DATABASE {}",
    enter: "USE {}",
    drop: "DROP DATABASE {}"
);
