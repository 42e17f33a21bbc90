//! A to-do list on the command line: rusqlite and `#[cached_query]`.
//!
//! ```text
//! cargo run --example rusqlite_cli -- add "Buy milk" --tag home
//! cargo run --example rusqlite_cli -- add "Write the report" --tag work
//! cargo run --example rusqlite_cli -- list --tag home --tag work --open
//! cargo run --example rusqlite_cli -- list --search milk
//! cargo run --example rusqlite_cli -- done 1
//! cargo run --example rusqlite_cli -- tags
//! cargo run --example rusqlite_cli                    # a demo on an in-memory database
//! ```
//!
//! The tasks live in `tasks.sqlite3` in the current directory, or in the file `--db PATH`
//! (given before the command) names.

use std::process::ExitCode;

use cached_query::cached_query;
use rusqlite::{Connection, OptionalExtension};
use sea_query::{
    Expr, ExprTrait, Iden, InsertStatement, Order, Query, SelectStatement, UpdateStatement,
};

#[derive(Iden, Clone, Copy)]
enum Task {
    Table,
    Id,
    Title,
    Tag,
    Done,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS task (id INTEGER PRIMARY KEY, \
    title TEXT NOT NULL, tag TEXT, done BOOLEAN NOT NULL DEFAULT FALSE)";

/// A new task; returns its id (`INSERT ... RETURNING`, one row).
#[cached_query]
fn add_task(title: &str, tag: Option<&str>) -> InsertStatement {
    Query::insert()
        .into_table(Task::Table)
        .columns([Task::Title, Task::Tag])
        .values_panic([title.into(), tag.into()])
        .returning_col(Task::Id)
        .to_owned()
}

/// Tasks with any of `tags` (all tasks if none), open or done or both, whose title matches.
#[cached_query]
fn list_tasks(
    tags: &[&str],
    done: Option<bool>,
    title_like: Option<&str>,
    limit: u64,
) -> SelectStatement {
    let mut q = Query::select();
    q.columns([Task::Id, Task::Title, Task::Tag, Task::Done])
        .from(Task::Table);
    if !tags.is_empty() {
        q.and_where(Expr::col(Task::Tag).is_in(tags.iter().copied()));
    }
    if let Some(done) = done {
        q.and_where(Expr::col(Task::Done).eq(done));
    }
    if let Some(pattern) = title_like {
        q.and_where(Expr::col(Task::Title).like(pattern));
    }
    q.order_by(Task::Id, Order::Asc).limit(limit);
    q
}

/// Marks a task done.
#[cached_query]
fn finish_task(id: i64) -> UpdateStatement {
    Query::update()
        .table(Task::Table)
        .value(Task::Done, true)
        .and_where(Expr::col(Task::Id).eq(id))
        .to_owned()
}

/// Open tasks per tag.
#[cached_query]
fn open_per_tag() -> SelectStatement {
    Query::select()
        .column(Task::Tag)
        .expr(Expr::col(Task::Id).count())
        .from(Task::Table)
        .and_where(Expr::col(Task::Done).eq(false))
        .group_by_col(Task::Tag)
        .order_by(Task::Tag, Order::Asc)
        .to_owned()
}

/// A task as `list` prints it.
#[derive(Debug)]
struct Line {
    id: i64,
    title: String,
    tag: Option<String>,
    done: bool,
}

impl std::fmt::Display for Line {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = if self.done { "x" } else { " " };
        write!(f, "[{mark}] {:>3}  {}", self.id, self.title)?;
        match &self.tag {
            Some(tag) => write!(f, "  #{tag}"),
            None => Ok(()),
        }
    }
}

/// The options of `list`.
#[derive(Debug, Default)]
struct Filter {
    tags: Vec<String>,
    done: Option<bool>,
    search: Option<String>,
    limit: u64,
}

fn list(conn: &Connection, filter: &Filter) -> rusqlite::Result<Vec<Line>> {
    let tags: Vec<&str> = filter.tags.iter().map(String::as_str).collect();
    // `LIKE` has no escape character in SQLite unless one is named, and the body may only
    // bind values, so the caller builds the pattern (here without wildcards of its own).
    let pattern = filter.search.as_ref().map(|text| format!("%{text}%"));
    list_tasks(&tags, filter.done, pattern.as_deref(), filter.limit).rusqlite_query_map(
        conn,
        |row| {
            Ok(Line {
                id: row.get(0)?,
                title: row.get(1)?,
                tag: row.get(2)?,
                done: row.get(3)?,
            })
        },
    )
}

fn add(conn: &Connection, title: &str, tag: Option<&str>) -> rusqlite::Result<i64> {
    add_task(title, tag).rusqlite_query_row(conn, |row| row.get(0))
}

/// `Ok(false)` when there is no such task.
fn done(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(finish_task(id).rusqlite_execute(conn)? == 1)
}

fn per_tag(conn: &Connection) -> rusqlite::Result<Vec<(Option<String>, i64)>> {
    open_per_tag().rusqlite_query_map(conn, |row| Ok((row.get(0)?, row.get(1)?)))
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Add { title: String, tag: Option<String> },
    List(Filter),
    Done(i64),
    Tags,
    Demo,
}

const USAGE: &str = "usage: rusqlite_cli [--db PATH] <command>
  add TITLE [--tag TAG]
  list [--tag TAG]... [--open | --done] [--search TEXT] [--limit N]
  done ID
  tags
  (no command: a demo on an in-memory database)";

/// The value after `flag`.
fn value<'a>(args: &mut impl Iterator<Item = &'a str>, flag: &str) -> Result<&'a str, String> {
    args.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn parse(args: &[String]) -> Result<(Option<String>, Command), String> {
    let mut args = args.iter().map(String::as_str).peekable();
    let mut db = None;
    if args.next_if_eq(&"--db").is_some() {
        db = Some(value(&mut args, "--db")?.to_owned());
    }
    let Some(command) = args.next() else {
        return Ok((db, Command::Demo));
    };
    let command = match command {
        "add" => {
            let (mut title, mut tag) = (None, None);
            while let Some(arg) = args.next() {
                match arg {
                    "--tag" => tag = Some(value(&mut args, arg)?.to_owned()),
                    text if title.is_none() => title = Some(text.to_owned()),
                    other => return Err(format!("add: unexpected {other:?}")),
                }
            }
            Command::Add {
                title: title.ok_or("add needs a title")?,
                tag,
            }
        }
        "list" => {
            let mut filter = Filter {
                limit: 50,
                ..Filter::default()
            };
            while let Some(arg) = args.next() {
                match arg {
                    "--tag" => filter.tags.push(value(&mut args, arg)?.to_owned()),
                    "--search" => filter.search = Some(value(&mut args, arg)?.to_owned()),
                    "--limit" => {
                        let n = value(&mut args, arg)?;
                        filter.limit = n.parse().map_err(|_| format!("not a number: {n:?}"))?;
                    }
                    "--open" => filter.done = Some(false),
                    "--done" => filter.done = Some(true),
                    other => return Err(format!("list: unexpected {other:?}")),
                }
            }
            Command::List(filter)
        }
        "done" => {
            let id = value(&mut args, "done")?;
            Command::Done(id.parse().map_err(|_| format!("not an id: {id:?}"))?)
        }
        "tags" => Command::Tags,
        other => return Err(format!("unknown command {other:?}")),
    };
    Ok((db, command))
}

fn run(conn: &Connection, command: Command) -> Result<bool, rusqlite::Error> {
    conn.execute_batch(SCHEMA)?;
    match command {
        Command::Add { title, tag } => {
            let id = add(conn, &title, tag.as_deref())?;
            println!("added task {id}");
        }
        Command::List(filter) => {
            for line in list(conn, &filter)? {
                println!("{line}");
            }
        }
        Command::Done(id) => {
            if !done(conn, id)? {
                eprintln!("no task {id}");
                return Ok(false);
            }
            println!("task {id} done");
        }
        Command::Tags => {
            for (tag, open) in per_tag(conn)? {
                println!("{:<12} {open} open", tag.as_deref().unwrap_or("(no tag)"));
            }
        }
        Command::Demo => return demo(conn),
    }
    Ok(true)
}

/// Every command on an in-memory database, checking what each returns.
fn demo(conn: &Connection) -> Result<bool, rusqlite::Error> {
    let mut ok = true;
    let mut expect = |what: &str, holds: bool| {
        println!("   {} {what}", if holds { "ok  " } else { "FAIL" });
        ok &= holds;
    };
    print!(
        "{}",
        cached_query::warm_up_for(sea_query::SqliteQueryBuilder)
    );

    let tasks = [
        ("Buy milk", Some("home")),
        ("Water the plants", Some("home")),
        ("Write the report", Some("work")),
        ("Review 100% of the pull requests", Some("work")),
        ("Call grandma", None),
    ];
    let mut ids = Vec::new();
    for (title, tag) in tasks {
        ids.push(add(conn, title, tag)?);
    }
    expect(
        "add: ids 1 to 5, from INSERT ... RETURNING",
        ids == [1, 2, 3, 4, 5],
    );
    expect("done 3", done(conn, 3)?);
    expect("done 42: no such task", !done(conn, 42)?);

    let show = |title: &str, filter: &Filter| -> rusqlite::Result<Vec<Line>> {
        let lines = list(conn, filter)?;
        println!("-- {title}");
        for line in &lines {
            println!("{line}");
        }
        Ok(lines)
    };
    let all = show(
        "list",
        &Filter {
            limit: 50,
            ..Filter::default()
        },
    )?;
    expect("list: five tasks", all.len() == 5);
    let open_work_home = show(
        "list --tag home --tag work --open",
        &Filter {
            tags: vec!["home".into(), "work".into()],
            done: Some(false),
            limit: 50,
            ..Filter::default()
        },
    )?;
    expect(
        "three open tasks tagged home or work",
        open_work_home.iter().map(|l| l.id).collect::<Vec<_>>() == [1, 2, 4],
    );
    let milk = show(
        "list --search milk",
        &Filter {
            search: Some("milk".into()),
            limit: 50,
            ..Filter::default()
        },
    )?;
    expect("one task mentions milk", milk.len() == 1 && milk[0].id == 1);
    let finished = show(
        "list --done",
        &Filter {
            done: Some(true),
            limit: 50,
            ..Filter::default()
        },
    )?;
    expect("one task done", finished.len() == 1 && finished[0].id == 3);

    let tags = per_tag(conn)?;
    println!("-- tags");
    for (tag, open) in &tags {
        println!("{:<12} {open} open", tag.as_deref().unwrap_or("(no tag)"));
    }
    expect(
        "open per tag: none 1, home 2, work 1",
        tags == [
            (None, 1),
            (Some("home".into()), 2),
            (Some("work".into()), 1),
        ],
    );
    let missing = list_tasks(&[], None, Some("%nothing%"), 1)
        .rusqlite_query_row(conn, |row| row.get::<_, i64>(0))
        .optional()?;
    expect("no row is Ok(None) with .optional()", missing.is_none());

    let stats = cached_query::stats();
    println!("\n{stats}");
    expect(
        "every call after the warm-up was a hit",
        stats.misses() == 0 && stats.hits() == stats.calls(),
    );
    Ok(ok)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, command) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let conn = match (&command, db) {
        (Command::Demo, None) => Connection::open_in_memory(),
        (_, db) => Connection::open(db.as_deref().unwrap_or("tasks.sqlite3")),
    };
    match conn.and_then(|conn| run(&conn, command)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
